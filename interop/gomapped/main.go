// Go's own net/rpc/jsonrpc client calling methods a hello-rpc server publishes with @RpcMapping:
// a Go-shaped one it may call, and names Go's dialect does not serve. One line per call.
//
//	gomapped -addr=HOST:PORT
package main

import (
	"flag"
	"fmt"
	"net/rpc/jsonrpc"
	"os"
)

type Args struct {
	A, B int
}

type Sum struct {
	C int
}

func main() {
	addr := flag.String("addr", "127.0.0.1:1337", "server address")
	flag.Parse()
	client, err := jsonrpc.Dial("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer client.Close()
	var sum Sum
	show("add", client.Call("Arith.Add", Args{A: 2, B: 3}, &sum), sum.C)
	var number int
	show("flat", client.Call("subtract", 42, &number), number)
	show("two-params", client.Call("Calc.Multiply", Args{A: 6, B: 7}, &number), number)
	show("add-again", client.Call("Arith.Add", Args{A: 40, B: 2}, &sum), sum.C)
}

func show(label string, err error, value int) {
	if err != nil {
		fmt.Printf("%s: error: %v\n", label, err)
		return
	}
	fmt.Printf("%s: %d\n", label, value)
}
