// Command gojsonverdict tells, for each input, what Go's encoding/json makes of it: the
// reference the Java tests hold their JSON grammar (the frame scanner and the fuzz oracles'
// judge) to. Standard library only.
//
// Input: one hex-encoded byte string per line on stdin. Output, one line each:
//
//	whole N            a whole value, its last byte at N-1 (what follows is not read)
//	cut                the input ends inside the value (or before one)
//	broken N           byte N (0-based) breaks the grammar
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func verdict(data []byte) string {
	// A Decoder, as net/rpc/jsonrpc reads a stream: the input's end inside a value is
	// io.ErrUnexpectedEOF, not an error at the last byte. Into a RawMessage: the grammar is
	// checked, nothing is converted (1e400 is valid JSON).
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var syntax *json.SyntaxError
	switch {
	case err == nil:
		return fmt.Sprintf("whole %d", dec.InputOffset())
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return "cut"
	case errors.As(err, &syntax):
		// Offset counts the bytes read, the one that broke the grammar included.
		return fmt.Sprintf("broken %d", syntax.Offset-1)
	default:
		return "error " + err.Error()
	}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		data, err := hex.DecodeString(in.Text())
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad hex:", err)
			os.Exit(2)
		}
		fmt.Fprintln(out, verdict(data))
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
