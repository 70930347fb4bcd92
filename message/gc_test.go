package message

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestParseWhileCollecting parses messages while the garbage collector runs
// without pause, keeps them, and checks them after more collections: a
// message is one block that its strings, values and copy of the input share
// (decode.go), and nothing it holds may be freed while it lives. Run it
// with GODEBUG=gccheckmark=1 as well, which makes the collector check its
// own marking.
func TestParseWhileCollecting(t *testing.T) {
	var inputs [][]byte
	for _, name := range []string{"invite.sip", "register.sip", "ok.sip"} {
		data, err := os.ReadFile(filepath.Join("testdata", "bench", name))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for _, s := range fuzzSeeds {
		inputs = append(inputs, []byte(s))
	}
	n := 5000
	if testing.Short() {
		n = 1000
	}
	// The inputs exist before the collections start, so that a message
	// that kept one without a write barrier would lose it: ParseOwned
	// keeps its input, and the loop below drops every other reference.
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = bytes.Clone(inputs[i%len(inputs)])
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			runtime.GC()
		}
	}()
	type kept struct {
		m    *Message
		wire []byte
	}
	var all []kept
	var p Parser
	for i := range n {
		data := bufs[i]
		bufs[i] = nil
		var m *Message
		var err error
		if i%3 == 0 {
			m, err = p.ParseOwned(data)
		} else {
			m, err = Parse(data)
			clear(data)
		}
		if err != nil {
			continue
		}
		all = append(all, kept{m, m.Bytes()})
		// Garbage between messages, so that freed memory is reused.
		_ = make([]byte, 64+i%512)
	}
	stop.Store(true)
	wg.Wait()
	runtime.GC()
	runtime.GC()
	for range 1000 {
		_ = make([]byte, 4096) // reuse what was freed, if anything was
	}
	for i, k := range all {
		if got := k.m.Bytes(); !bytes.Equal(got, k.wire) {
			t.Fatalf("message %d changed after collections:\n%q\n%q", i, got, k.wire)
		}
	}
}
