package transport

import (
	"testing"

	"github.com/asynkron/protoactor-go/actor"
)

// BenchmarkTCPIncoming measures one message written by a client on loopback
// to its *Incoming at the handler actor, one at a time: the read, the
// framing, parse, received/rport stamp and the actor send.
func BenchmarkTCPIncoming(b *testing.B) {
	sys := newSystem(b)
	reg := newRecorder()
	done := make(chan struct{}, 1)
	handler := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*Incoming); ok {
			done <- struct{}{}
		}
	}))
	pid := sys.Root.Spawn(NewTCP(StreamConfig{Addr: "127.0.0.1:0", Handler: handler, Registry: reg}))
	b.Cleanup(func() { _ = sys.Root.StopFuture(pid).Wait() })
	c := dialTCP(b, recv(b, reg.added).Local)
	data := []byte(request(5060, 1))

	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := c.conn.Write(data); err != nil {
			b.Fatal(err)
		}
		<-done
	}
}

// BenchmarkTCPOutgoing measures one *Outgoing request sent to the transport
// until a client on loopback has read it, on an open connection: the routing
// by the listener, the connection actor's serialization and write.
func BenchmarkTCPOutgoing(b *testing.B) {
	sys := newSystem(b)
	reg := newRecorder()
	pid := sys.Root.Spawn(NewTCP(StreamConfig{Addr: "127.0.0.1:0", Registry: reg}))
	b.Cleanup(func() { _ = sys.Root.StopFuture(pid).Wait() })
	recv(b, reg.added)
	peer := newServer(b)
	out := &Outgoing{Message: parse(b, request(5060, 1)), Dest: peer.addr()}
	sys.Root.Send(pid, out)
	c := peer.accept()
	c.read()

	b.ReportAllocs()
	for b.Loop() {
		sys.Root.Send(pid, out)
		if _, err := c.sr.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}
