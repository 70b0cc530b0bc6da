// Command gohello is the Go side of hello-rpc's interop tests and benchmarks, written with the
// standard library only: the Go original's server and client (net/rpc/jsonrpc), a floor server
// that answers every line with a fixed reply, a conformance check and a load generator.
//
//	gohello -mode=server -addr=127.0.0.1:0    Go's net/rpc/jsonrpc hello server
//	gohello -mode=floor  -addr=127.0.0.1:0    fixed-reply server: the least a server can cost
//	gohello -mode=call   -addr=HOST:PORT -name=ciro
//	gohello -mode=check  -addr=HOST:PORT      the interop checks, one line each
//	gohello -mode=bench  -addr=HOST:PORT -conns=4 -inflight=16 -duration=5s -warmup=1s
//	gohello -mode=decode < replies             each reply line as Go's jsonrpc client decodes it
//	gohello -mode=handshakes -addr=HOST:PORT -ca=ca.pem -conns=4 -duration=5s
//	                                           new TLS connections, one call each, as fast as they go
//	gohello -mode=resume -addr=HOST:PORT -ca=ca.pem
//	                                           two TLS connections sharing a session cache, one call each
//
// TLS, the way Go users add it to net/rpc (crypto/tls around the connection): servers take -cert
// and -key (PEM), and -ca to require a client certificate signed by it; clients take -ca to trust
// and -cert/-key to present one; -tlsmax=1.2 keeps either to TLS 1.2. Servers print "listening on
// ADDR" once bound. A server with -session also serves Session.State, the TLS state of the
// connection it is called on, and with -callsperconn=N closes each connection after N replies.
package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Request and Response are the Go original's messages.
type Request struct{ Name string }
type Response struct{ Message string }

// Handler is the Go original's service.
type Handler struct{}

// Execute says hello to a name.
func (h *Handler) Execute(req Request, res *Response) error {
	if req.Name == "" {
		return errors.New("A name must be specified")
	}
	res.Message = "Hello " + req.Name
	return nil
}

func main() {
	mode := flag.String("mode", "call", "server | floor | call | check | bench | decode | handshakes | resume")
	addr := flag.String("addr", "127.0.0.1:1337", "address to listen on or to call")
	name := flag.String("name", "ciro", "name to send (call and resume modes)")
	conns := flag.Int("conns", 1, "connections (bench mode)")
	inflight := flag.Int("inflight", 1, "calls in flight per connection (bench mode)")
	duration := flag.Duration("duration", 5*time.Second, "measured time (bench mode)")
	warmup := flag.Duration("warmup", time.Second, "unmeasured time before it (bench mode)")
	maxCalls := flag.Int("maxcalls", 50000000, "stop after this many calls in all (bench mode)")
	cert := flag.String("cert", "", "PEM certificate chain to present (TLS)")
	key := flag.String("key", "", "PEM private key of -cert (TLS)")
	ca := flag.String("ca", "", "PEM CA: clients trust it; servers require client certificates signed by it (TLS)")
	serverName := flag.String("servername", "localhost", "name the server's certificate must hold (TLS clients)")
	tlsMax := flag.String("tlsmax", "", "highest TLS version: 1.2 or 1.3 (TLS; default Go's, 1.3)")
	session := flag.Bool("session", false, "serve Session.State too (server mode, TLS)")
	callsPerConn := flag.Int("callsperconn", 0, "close each connection after this many replies; 0 never (server mode)")
	flag.Parse()

	var err error
	if *cert != "" || *ca != "" {
		tlsConfig, err = loadTLS(*mode, *cert, *key, *ca, *serverName, *tlsMax)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	switch *mode {
	case "server":
		if *session || *callsPerConn > 0 {
			err = serve(*addr, func(c net.Conn) { serveWatched(c, *session, *callsPerConn) }, nil)
		} else {
			err = serve(*addr, func(c net.Conn) { jsonrpc.ServeConn(c) }, func() error { return rpc.Register(new(Handler)) })
		}
	case "floor":
		err = serve(*addr, floorConn, nil)
	case "call":
		err = call(*addr, *name)
	case "check":
		err = check(*addr)
	case "bench":
		err = bench(*addr, *conns, *inflight, *warmup, *duration, *maxCalls)
	case "decode":
		err = decode(os.Stdin, os.Stdout)
	case "handshakes":
		err = handshakes(*addr, *conns, *warmup, *duration, *maxCalls)
	case "resume":
		err = resume(*addr, *name)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func serve(addr string, handle func(net.Conn), setup func() error) error {
	if setup != nil {
		if err := setup(); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go handle(c)
	}
}

// tlsConfig is the TLS side of every connection, or nil for plain TCP.
var tlsConfig *tls.Config

func loadTLS(mode, cert, key, ca, serverName, tlsMax string) (*tls.Config, error) {
	config := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	switch tlsMax {
	case "":
	case "1.2":
		config.MaxVersion = tls.VersionTLS12
	case "1.3":
		config.MaxVersion = tls.VersionTLS13
	default:
		return nil, fmt.Errorf("-tlsmax is 1.2 or 1.3, not %q", tlsMax)
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, err
		}
		config.Certificates = []tls.Certificate{pair}
	}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", ca)
		}
		if mode == "server" || mode == "floor" {
			config.ClientCAs = pool
			config.ClientAuth = tls.RequireAndVerifyClientCert
		} else {
			config.RootCAs = pool
		}
	}
	return config, nil
}

// dial opens a connection, over TLS (handshake done) when TLS is configured, and wraps it in
// Go's jsonrpc client codec, as a Go user of net/rpc does.
func dial(addr string) (*rpc.Client, error) {
	if tlsConfig == nil {
		return jsonrpc.Dial("tcp", addr)
	}
	conn, err := tls.Dial("tcp", addr, tlsConfig)
	if err != nil {
		return nil, err
	}
	return jsonrpc.NewClient(conn), nil
}

// handshakes opens new connections from conns goroutines, each making one call and closing, and
// prints one JSON line: connections (handshakes) measured, per second, and this process's CPU
// per handshake. Session resumption is off, so each one is a full handshake.
func handshakes(addr string, conns int, warmup, duration time.Duration, maxCalls int) error {
	window := newWindow(warmup, duration)
	measureFrom, end := window.from, window.to
	perWorker := maxCalls / conns
	if perWorker < 1 {
		perWorker = 1
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	measuredCount, errs := 0, 0
	var firstErr error
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < perWorker; n++ {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				var res Response
				c, err := dial(addr)
				if err == nil {
					err = c.Call("Handler.Execute", Request{Name: "ciro"}, &res)
					c.Close()
				}
				t1 := time.Now()
				mu.Lock()
				if err != nil || res.Message != "Hello ciro" {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				} else if !t0.Before(measureFrom) && !t1.After(end) {
					measuredCount++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	measured, cpu := window.end()
	perHandshake := 0.0
	if measuredCount > 0 {
		perHandshake = float64(cpu.Nanoseconds()) / 1000 / float64(measuredCount)
	}
	fmt.Printf("{\"handshakes\":%d,\"seconds\":%.3f,\"handshakesPerSec\":%.1f,\"clientCpuUsPerHandshake\":%.1f,\"errors\":%d}\n",
		measuredCount, measured.Seconds(), float64(measuredCount)/measured.Seconds(), perHandshake, errs)
	if errs > 0 {
		return fmt.Errorf("%d handshakes failed, first: %v", errs, firstErr)
	}
	return nil
}

// Session serves the TLS state of the one connection it is registered for.
type Session struct{ conn net.Conn }

// SessionState is a connection's TLS version (in Java's names) and whether its handshake resumed
// an earlier session.
type SessionState struct {
	Version string
	Resumed bool
}

// State says how the connection it is called on was set up.
func (s *Session) State(req Request, res *SessionState) error {
	c, ok := s.conn.(*tls.Conn)
	if !ok {
		return errors.New("not a TLS connection")
	}
	state := c.ConnectionState()
	res.Version = versionName(state.Version)
	res.Resumed = state.DidResume
	return nil
}

func versionName(version uint16) string {
	switch version {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", version)
}

// serveWatched serves one connection with a server of its own: Handler, Session when asked
// (bound to this connection), and closed after callsPerConn replies when that is above 0.
func serveWatched(c net.Conn, session bool, callsPerConn int) {
	server := rpc.NewServer()
	if err := server.Register(new(Handler)); err != nil {
		c.Close()
		return
	}
	if session {
		if err := server.Register(&Session{conn: c}); err != nil {
			c.Close()
			return
		}
	}
	var codec rpc.ServerCodec = jsonrpc.NewServerCodec(c)
	if callsPerConn > 0 {
		codec = &closingCodec{ServerCodec: codec, left: callsPerConn}
	}
	server.ServeCodec(codec)
}

// closingCodec closes its connection once it has written its last reply. net/rpc writes one
// reply at a time, so left needs no lock.
type closingCodec struct {
	rpc.ServerCodec
	left int
}

func (c *closingCodec) WriteResponse(r *rpc.Response, body interface{}) error {
	err := c.ServerCodec.WriteResponse(r, body)
	c.left--
	if c.left == 0 {
		c.ServerCodec.Close()
	}
	return err
}

// resume makes two connections sharing one session cache, as a Go client that keeps its sessions
// does, with one call on each, and prints a line per connection: its TLS version, whether its
// handshake resumed the first one's session, and the reply.
func resume(addr, name string) error {
	if tlsConfig == nil {
		return errors.New("resume needs TLS: -ca")
	}
	tlsConfig.ClientSessionCache = tls.NewLRUClientSessionCache(0)
	for i := 1; i <= 2; i++ {
		conn, err := tls.Dial("tcp", addr, tlsConfig)
		if err != nil {
			return err
		}
		client := jsonrpc.NewClient(conn)
		var res Response
		// The reply is read after the server's tickets (TLS 1.3 sends them after the handshake):
		// once it is here, the session is in the cache for the next connection.
		err = client.Call("Handler.Execute", Request{Name: name}, &res)
		state := conn.ConnectionState()
		client.Close()
		if err != nil {
			return err
		}
		fmt.Printf("connection %d: %s resumed=%t %s\n", i, versionName(state.Version), state.DidResume, res.Message)
	}
	return nil
}

// floorConn answers every line with a fixed reply, parsing nothing but the id.
func floorConn(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	idKey := []byte(`"id":`)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		id := []byte("null")
		if i := bytes.Index(line, idKey); i >= 0 {
			rest := line[i+len(idKey):]
			end := bytes.IndexAny(rest, ",}")
			if end > 0 {
				id = rest[:end]
			}
		}
		w.WriteString(`{"id":`)
		w.Write(id)
		w.WriteString(`,"result":{"Message":"Hello ciro"},"error":null}` + "\n")
		if r.Buffered() == 0 {
			if w.Flush() != nil {
				return
			}
		}
	}
}

func call(addr, name string) error {
	client, err := dial(addr)
	if err != nil {
		return err
	}
	defer client.Close()
	var res Response
	if err := client.Call("Handler.Execute", Request{Name: name}, &res); err != nil {
		return err
	}
	fmt.Println(res.Message)
	return nil
}

// check prints one line per interop case, the same client used throughout.
func check(addr string) error {
	client, err := dial(addr)
	if err != nil {
		return err
	}
	defer client.Close()
	show := func(label, method, name string) {
		var res Response
		if err := client.Call(method, Request{Name: name}, &res); err != nil {
			fmt.Printf("%s: error: %v\n", label, err)
		} else {
			fmt.Printf("%s: %s\n", label, res.Message)
		}
	}
	show("hello", "Handler.Execute", "ciro")
	show("empty-name", "Handler.Execute", "")
	show("unknown-method", "Handler.Nope", "ciro")
	show("unknown-service", "Nope.Execute", "ciro")
	show("after-errors", "Handler.Execute", "again")

	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	good := 0
	var wrong []string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var res Response
			want := fmt.Sprintf("Hello n%d", i)
			err := client.Call("Handler.Execute", Request{Name: fmt.Sprintf("n%d", i)}, &res)
			mu.Lock()
			defer mu.Unlock()
			if err == nil && res.Message == want {
				good++
			} else if len(wrong) < 3 {
				wrong = append(wrong, fmt.Sprintf("%q/%v", res.Message, err))
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("concurrent: %d/%d right %s\n", good, n, strings.Join(wrong, " "))
	return nil
}

// bench drives conns x inflight goroutines of Handler.Execute calls and prints one JSON line:
// calls measured, the measured seconds (shorter than duration when maxCalls ends the run first),
// latency percentiles and this process's CPU per measured call (the client's cost).
func bench(addr string, conns, inflight int, warmup, duration time.Duration, maxCalls int) error {
	clients := make([]*rpc.Client, conns)
	for i := range clients {
		c, err := dial(addr)
		if err != nil {
			return err
		}
		defer c.Close()
		clients[i] = c
	}
	window := newWindow(warmup, duration)
	measureFrom, end := window.from, window.to
	perWorker := maxCalls / (conns * inflight)
	if perWorker < 1 {
		perWorker = 1
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	for _, c := range clients {
		for k := 0; k < inflight; k++ {
			wg.Add(1)
			go func(c *rpc.Client) {
				defer wg.Done()
				lat := make([]time.Duration, 0, 1<<16)
				bad := 0
				for n := 0; n < perWorker; n++ {
					t0 := time.Now()
					if !t0.Before(end) {
						break
					}
					var res Response
					err := c.Call("Handler.Execute", Request{Name: "ciro"}, &res)
					t1 := time.Now()
					if err != nil || res.Message != "Hello ciro" {
						bad++
						if err == rpc.ErrShutdown {
							break
						}
					}
					if !t0.Before(measureFrom) && !t1.After(end) {
						lat = append(lat, t1.Sub(t0))
					}
				}
				mu.Lock()
				all = append(all, lat...)
				errs += bad
				mu.Unlock()
			}(c)
		}
	}
	wg.Wait()
	measured, cpu := window.end()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(float64(len(all)-1)*p)].Nanoseconds()) / 1000
	}
	perCall := 0.0
	if len(all) > 0 {
		perCall = float64(cpu.Nanoseconds()) / 1000 / float64(len(all))
	}
	fmt.Printf("{\"calls\":%d,\"seconds\":%.3f,\"callsPerSec\":%.1f,\"p50us\":%.1f,\"p99us\":%.1f,\"clientCpuUsPerCall\":%.2f,\"errors\":%d}\n",
		len(all), measured.Seconds(), float64(len(all))/measured.Seconds(), pct(0.50), pct(0.99), perCall, errs)
	if errs > 0 {
		return fmt.Errorf("%d calls failed", errs)
	}
	return nil
}

// window is a load run's measured time: from the end of the warm-up to the end of the duration,
// with this process's CPU over it.
type window struct {
	from, to   time.Time
	duration   time.Duration
	cpuAtStart chan time.Duration
}

func newWindow(warmup, duration time.Duration) *window {
	from := time.Now().Add(warmup)
	w := &window{from: from, to: from.Add(duration), duration: duration, cpuAtStart: make(chan time.Duration, 1)}
	time.AfterFunc(warmup, func() { w.cpuAtStart <- cpuTime() })
	return w
}

// end returns the time measured (shorter than the duration when the run stopped early) and the
// CPU used in it; none when the run ended inside the warm-up.
func (w *window) end() (time.Duration, time.Duration) {
	finished := time.Now()
	measured := finished.Sub(w.from)
	if finished.After(w.to) {
		measured = w.duration
	}
	select {
	case c0 := <-w.cpuAtStart:
		return measured, cpuTime() - c0
	default:
		return measured, 0
	}
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replyReader is one reply line as the connection a client codec reads from.
type replyReader struct{ *bytes.Reader }

func (replyReader) Write(p []byte) (int, error) { return len(p), nil }
func (replyReader) Close() error                { return nil }

// decode reads reply lines and prints, for each, what Go's own jsonrpc client codec makes of it:
// the call's seq, its error text, and the Response it decodes to (or the decoding error).
func decode(in *os.File, out *os.File) error {
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 1<<20), 64<<20)
	for lines.Scan() {
		codec := jsonrpc.NewClientCodec(replyReader{bytes.NewReader(append(lines.Bytes(), '\n'))})
		var header rpc.Response
		if err := codec.ReadResponseHeader(&header); err != nil {
			fmt.Fprintf(out, "header error: %v\n", err)
			continue
		}
		if header.Error != "" {
			codec.ReadResponseBody(nil)
			fmt.Fprintf(out, "seq=%d error=%q\n", header.Seq, header.Error)
			continue
		}
		var res Response
		if err := codec.ReadResponseBody(&res); err != nil {
			fmt.Fprintf(out, "seq=%d body error: %v\n", header.Seq, err)
			continue
		}
		fmt.Fprintf(out, "seq=%d message=%q\n", header.Seq, res.Message)
	}
	return lines.Err()
}
