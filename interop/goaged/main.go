// Command goaged is Go's net/rpc/jsonrpc client (standard library only) calling across a
// connection's rpc.server.max-connection-age: hello-rpc's interop test runs it and checks what a
// Go client sees when our server lets a connection go away.
//
//	goaged -addr=HOST:PORT -key=go-held
//
// It holds one call (Gate.Hold key) in flight on its connection and calls Handler.Execute in a
// loop on the same connection. At the first refusal it opens the gate through new connections
// (calling GoGate.Open, a method of the test, as the refusal says: "call again on a new connection"), then goes on calling
// until the client reports the connection shut down. It prints what it saw, runs of the same
// outcome folded into one line with their count.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"strings"
	"time"
)

type Request struct{ Name string }
type Response struct{ Message string }

func main() {
	addr := flag.String("addr", "127.0.0.1:1337", "server to call")
	key := flag.String("key", "go-held", "gate of the held call")
	maxCalls := flag.Int("maxcalls", 200000, "stop after this many calls")
	maxTime := flag.Duration("maxtime", 50*time.Second, "stop after this long")
	flag.Parse()
	if err := run(*addr, *key, *maxCalls, *maxTime); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// outcomes folds runs of the same line into "line xN".
type outcomes struct {
	lines []string
	last  string
	count int
}

func (o *outcomes) add(line string) {
	if line == o.last && o.count > 0 {
		o.count++
		return
	}
	o.flush()
	o.last, o.count = line, 1
}

func (o *outcomes) flush() {
	if o.count > 0 {
		o.lines = append(o.lines, fmt.Sprintf("%s x%d", o.last, o.count))
	}
	o.count = 0
}

func run(addr, key string, maxCalls int, maxTime time.Duration) error {
	client, err := jsonrpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer client.Close()
	var heldReply string
	held := client.Go("Gate.Hold", key, &heldReply, make(chan *rpc.Call, 1))
	seen := &outcomes{}
	opened := false
	deadline := time.Now().Add(maxTime)
	for i := 0; ; i++ {
		if i >= maxCalls || time.Now().After(deadline) {
			return fmt.Errorf("still no shut-down connection after %d calls", i)
		}
		var res Response
		err := client.Call("Handler.Execute", Request{Name: fmt.Sprint(i)}, &res)
		switch {
		case err == nil && res.Message == fmt.Sprintf("Hello %d", i):
			seen.add("ok")
		case err == nil:
			seen.add("wrong reply: " + res.Message)
		case errors.Is(err, rpc.ErrShutdown):
			seen.add("error: " + err.Error())
			seen.flush()
			<-held.Done
			if held.Error != nil {
				fmt.Println("held: error: " + held.Error.Error())
			} else {
				fmt.Println("held: " + heldReply)
			}
			fmt.Println(strings.Join(seen.lines, "\n"))
			return nil
		default:
			var server rpc.ServerError
			if errors.As(err, &server) {
				seen.add("server error: " + err.Error())
			} else {
				seen.add("error: " + err.Error())
			}
			if !opened && errors.As(err, &server) {
				opened = true
				seen.add(open(addr, key))
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// open opens the gate from a new connection, and from another new one as long as it is refused.
func open(addr, key string) string {
	var last error
	for attempt := 1; attempt <= 20; attempt++ {
		c, err := jsonrpc.Dial("tcp", addr)
		if err != nil {
			return "open: " + err.Error()
		}
		var ignored interface{}
		err = c.Call("GoGate.Open", key, &ignored)
		c.Close()
		if err == nil {
			return "open: ok on a new connection"
		}
		last = err
	}
	return "open: failed 20 times: " + last.Error()
}
