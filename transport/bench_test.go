package transport

import (
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"
)

// BenchmarkUDPIncoming measures one datagram from a peer on loopback to its
// *Incoming at the handler actor: the read, parse, received/rport stamp and
// the actor send, one at a time (the peer waits for each delivery).
func BenchmarkUDPIncoming(b *testing.B) {
	sys := newSystem(b)
	reg := newRecorder()
	done := make(chan struct{}, 1)
	handler := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*Incoming); ok {
			done <- struct{}{}
		}
	}))
	pid := sys.Root.Spawn(NewUDP(UDPConfig{Addr: "127.0.0.1:0", Handler: handler, Registry: reg}))
	b.Cleanup(func() { _ = sys.Root.StopFuture(pid).Wait() })
	local := recv(b, reg.added).Local
	p := newPeer(b, "127.0.0.1")
	data := []byte(datagram(options, p))

	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := p.conn.WriteToUDPAddrPort(data, local); err != nil {
			b.Fatal(err)
		}
		<-done
	}
}

// BenchmarkUDPOutgoing measures one *Outgoing request sent to the transport
// until its datagram is read by a peer on loopback: the actor send,
// serialization into the reused buffer and the write.
func BenchmarkUDPOutgoing(b *testing.B) {
	sys := newSystem(b)
	reg := newRecorder()
	pid := sys.Root.Spawn(NewUDP(UDPConfig{Addr: "127.0.0.1:0", Registry: reg}))
	b.Cleanup(func() { _ = sys.Root.StopFuture(pid).Wait() })
	recv(b, reg.added)
	p := newPeer(b, "127.0.0.1")
	out := &Outgoing{Message: parse(b, datagram(options, p)), Dest: p.addr}
	buf := make([]byte, maxDatagram)
	var n int

	b.ReportAllocs()
	for b.Loop() {
		sys.Root.Send(pid, out)
		var err error
		if n, _, err = p.conn.ReadFromUDPAddrPort(buf); err != nil {
			b.Fatal(err)
		}
	}
	require.Positive(b, n)
	b.SetBytes(int64(n))
}
