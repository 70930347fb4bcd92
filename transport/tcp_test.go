package transport

import (
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
)

func TestTCPRegisters(t *testing.T) {
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	assert.Equal(t, ProtocolTCP, tr.entry.Protocol)
	assert.True(t, tr.entry.Reliable)
	assert.Equal(t, netip.MustParseAddr("127.0.0.1"), tr.entry.Local.Addr())
	assert.NotZero(t, tr.entry.Local.Port())
	assert.Equal(t, "127.0.0.1", tr.entry.Host)
	assert.True(t, tr.pid.Equal(tr.entry.PID))

	require.NoError(t, sys.Root.StopFuture(tr.pid).Wait())
	assert.True(t, tr.pid.Equal(recv(t, tr.reg.removed)))
	_, err := net.Dial("tcp", tr.entry.Local.String())
	assert.Error(t, err, "still listening after stop")
}

func TestTCPIncomingRequest(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startStream(t, sys, NewTCP, func(cfg *StreamConfig) { cfg.Addr = net.JoinHostPort(ip, "0") })
			c := dialTCP(t, tr.entry.Local)
			c.write(request(5060, 1))

			in := tr.incoming(t)
			assert.Equal(t, "OPTIONS", in.Message.Method)
			assert.Equal(t, ProtocolTCP, in.Protocol)
			assert.True(t, in.Reliable)
			// Responses go back through the listener, which owns the
			// connections.
			assert.True(t, tr.pid.Equal(in.Transport))
			assert.Equal(t, streamAddr(c.conn.LocalAddr()), in.Source)
			assert.Equal(t, tr.entry.Local, in.Local)
			assert.Equal(t, hostOf(netip.MustParseAddr(ip)), tr.entry.Host)
			// RFC 3261 §18.2.1, RFC 3581 §4: received and rport on the top
			// Via.
			via := in.Message.TopVia()
			assert.Equal(t, ip, via.Received())
			rport, _ := via.RPort()
			assert.Equal(t, int(in.Source.Port()), rport)
			assert.EqualValues(t, 1, tr.stats.Received.Load())
			assert.EqualValues(t, 1, tr.stats.Accepted.Load())
		})
	}
}

func TestTCPResponseOnSameConnection(t *testing.T) {
	// RFC 3261 §18.2.2: a response goes back on the connection its request
	// came on, while it is open.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	c.write(request(5060, 1))
	in := tr.incoming(t)

	sys.Root.Send(tr.pid, &Outgoing{Message: response(t, in.Message), Source: in.Source, ReplyTo: tr.handler})
	resp := c.read()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, uint32(1), resp.CSeq().Seq)
	assert.Zero(t, tr.stats.Dialled.Load())
}

func TestTCPResponseAfterClose(t *testing.T) {
	// RFC 3261 §18.2.2: once the connection is gone, the response goes on a
	// new connection to the received address at the sent-by port.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	back := newServer(t)
	c := dialTCP(t, tr.entry.Local)
	c.write(request(back.addr().Port(), 7))
	in := tr.incoming(t)
	c.conn.Close()
	tr.waitLog(t, "sip: connection closed")

	sys.Root.Send(tr.pid, &Outgoing{Message: response(t, in.Message), Source: in.Source})
	got := back.accept().read()
	assert.Equal(t, 200, got.StatusCode)
	assert.Equal(t, uint32(7), got.CSeq().Seq)
	assert.EqualValues(t, 1, tr.stats.Dialled.Load())
}

func TestTCPResponseToViaName(t *testing.T) {
	// RFC 3261 §18.2.2: without a connection and a received address, the
	// sent-by host is looked up; the default port of TCP is 5060, so the
	// test's Via carries its port.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	back := newServer(t)
	resp := parse(t, crlf("SIP/2.0 200 OK\nVia: SIP/2.0/TCP localhost:"+itoa(back.addr().Port())+
		";branch=z9hG4bK.name\nCSeq: 4 OPTIONS\nContent-Length: 0\n\n"))
	tr.send(&Outgoing{Message: resp, ReplyTo: tr.handler})
	assert.Equal(t, uint32(4), back.accept().read().CSeq().Seq)
}

func TestTCPRestart(t *testing.T) {
	// A listener that fails closes its connections and listens again, as
	// its supervisor restarts it.
	sys := newSystem(t)
	h, events := newHandler(t, sys)
	reg := newRecorder()
	pid := sys.Root.Spawn(NewTCP(StreamConfig{Addr: "127.0.0.1:0", Handler: h, Registry: reg}).
		Configure(actor.WithReceiverMiddleware(crashOn)))
	t.Cleanup(func() { _ = sys.Root.StopFuture(pid).Wait() })
	first := recv(t, reg.added)
	c := dialTCP(t, first.Local)
	c.write(request(5060, 1))
	recv(t, events)

	sys.Root.Send(pid, crash{})
	assert.True(t, pid.Equal(recv(t, reg.removed)))
	again := recv(t, reg.added)
	assert.True(t, pid.Equal(again.PID))
	c.closed()

	c = dialTCP(t, again.Local)
	c.write(request(5060, 2))
	in := recv(t, events).(*Incoming)
	assert.Equal(t, uint32(2), in.Message.CSeq().Seq)
}

func TestTCPRequestsShareOneDial(t *testing.T) {
	// Requests to one destination share a connection, including those sent
	// while it is being dialled: nothing is lost and nothing dialled twice.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	peer := newServer(t)
	const n = 20
	for i := range n {
		sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, request(tr.entry.Local.Port(), i)), Dest: peer.addr()})
	}
	c := peer.accept()
	for i := range n {
		assert.Equal(t, uint32(i), c.read().CSeq().Seq)
	}
	// One more after the connection is up reuses it.
	sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, request(tr.entry.Local.Port(), n)), Dest: peer.addr()})
	assert.Equal(t, uint32(n), c.read().CSeq().Seq)
	assert.EqualValues(t, 1, tr.stats.Dialled.Load())
}

func TestTCPRequestOnAcceptedConnection(t *testing.T) {
	// A request to the address of an open connection goes on it, whoever
	// opened it.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	c.write(request(5060, 1))
	in := tr.incoming(t)
	sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, request(tr.entry.Local.Port(), 2)), Dest: in.Source})
	assert.Equal(t, "OPTIONS", c.read().Method)
	assert.Zero(t, tr.stats.Dialled.Load())
}

func TestTCPDialFailure(t *testing.T) {
	// RFC 3261 §17.1.4: a transport error reaches whoever sent the message,
	// every one that waited for the dial.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	dest := closedPort(t)
	h := tr.handler
	for i := range 3 {
		sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, request(tr.entry.Local.Port(), i)), Dest: dest, ReplyTo: h})
	}
	for i := range 3 {
		se := tr.sendError(t)
		assert.Equal(t, uint32(i), se.Message.CSeq().Seq)
		assert.ErrorIs(t, se.Err, syscall.ECONNREFUSED)
	}
	assert.EqualValues(t, 3, tr.stats.SendErrors.Load())
}

func TestTCPUnroutable(t *testing.T) {
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	h := tr.handler
	noVia := parse(t, crlf("SIP/2.0 200 OK\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"))
	tests := []struct {
		name string
		out  *Outgoing
		err  error
	}{
		{"no message", &Outgoing{ReplyTo: h}, ErrNoDestination},
		{"request without Dest", &Outgoing{Message: parse(t, request(5060, 1)), ReplyTo: h}, ErrNoDestination},
		{"response without Via", &Outgoing{Message: noVia, ReplyTo: h}, ErrNoDestination},
		{"port 0", &Outgoing{Message: parse(t, request(5060, 1)), Dest: netip.MustParseAddrPort("127.0.0.1:0"), ReplyTo: h}, ErrNoAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys.Root.Send(tr.pid, tt.out)
			assert.ErrorIs(t, tr.sendError(t).Err, tt.err)
		})
	}
}

func TestTCPPingPong(t *testing.T) {
	// RFC 5626 §3.5.1: a CRLFCRLF ping is answered with a CRLF pong at once,
	// without waiting for a message.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	c.write("\r\n\r\n")
	buf := make([]byte, 2)
	require.NoError(t, c.conn.SetReadDeadline(deadline()))
	_, err := c.conn.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "\r\n", string(buf))

	// The keep-alives are not messages: the next request is.
	c.write("\r\n" + request(5060, 1))
	assert.Equal(t, uint32(1), tr.incoming(t).Message.CSeq().Seq)
	assert.EqualValues(t, 1, tr.stats.Received.Load())
}

func TestTCPBadFraming(t *testing.T) {
	// RFC 3261 §18.3: without Content-Length (or with one above the limit)
	// the stream cannot be framed: a request gets a stateless 400 (513 when
	// it is too large, §21.5.7) and the connection closes. Garbage closes it
	// without a word.
	tests := []struct {
		name   string
		input  string
		limits message.Limits
		status int
	}{
		{name: "no Content-Length", input: strings.TrimSuffix(request(5060, 1), "Content-Length: 0\r\n\r\n") + "\r\n", status: 400},
		{name: "too large", input: strings.Replace(request(5060, 1), "Content-Length: 0", "Content-Length: 100000", 1), status: 513},
		{name: "garbage", input: strings.Repeat("x", 200), limits: message.Limits{MaxLineLength: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := newSystem(t)
			tr := startStream(t, sys, NewTCP, func(cfg *StreamConfig) { cfg.Parser.Limits = tt.limits })
			c := dialTCP(t, tr.entry.Local)
			c.write(tt.input)
			if tt.status != 0 {
				resp := c.read()
				assert.Equal(t, tt.status, resp.StatusCode)
				assert.Equal(t, "127.0.0.1", resp.TopVia().Received())
			}
			c.closed()
			if tt.status != 0 {
				assert.EqualValues(t, 1, tr.stats.BadRequests.Load())
			} else {
				assert.EqualValues(t, 1, tr.stats.Dropped.Load())
			}
			assert.Empty(t, tr.events)
		})
	}
}

func TestTCPBadRequestKeepsConnection(t *testing.T) {
	// A framed request that does not parse gets a stateless 400 (RFC 3261
	// §8.2, §18.2); the framing is intact, so the connection stays.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	bad := strings.Replace(request(5060, 1), "Max-Forwards: 70", "Max-Forwards: seventy", 1)
	c.write(bad + request(5060, 2))
	assert.Equal(t, 400, c.read().StatusCode)
	assert.Equal(t, uint32(2), tr.incoming(t).Message.CSeq().Seq)
	assert.EqualValues(t, 1, tr.stats.BadRequests.Load())
}

func TestTCPResponseForAnotherSentBy(t *testing.T) {
	// RFC 3261 §18.1.2: a response whose top Via is not this transport's is
	// discarded.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	other := crlf("SIP/2.0 200 OK\nVia: SIP/2.0/TCP 192.0.2.9:5060;branch=z9hG4bK.x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n")
	mine := strings.Replace(other, "192.0.2.9:5060", tr.entry.Local.String(), 1)
	c.write(other + mine)
	in := tr.incoming(t)
	assert.Equal(t, tr.entry.Local.String(), in.Message.TopVia().SentBy())
	assert.EqualValues(t, 1, tr.stats.Dropped.Load())
}

func TestTCPManyMessagesInOrder(t *testing.T) {
	// A thousand messages written back to back on one connection all
	// arrive, in order.
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	const n = 1000
	var all strings.Builder
	for i := range n {
		all.WriteString(request(5060, i))
	}
	go func() { _, _ = c.conn.Write([]byte(all.String())) }()
	for i := range n {
		require.Equal(t, uint32(i), tr.incoming(t).Message.CSeq().Seq)
	}
	assert.EqualValues(t, n, tr.stats.Received.Load())
}

func TestTCPConnectionCaps(t *testing.T) {
	tests := []struct {
		name     string
		max, per int
	}{
		{"MaxConns", 2, -1},
		{"MaxConnsPerIP", -1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := newSystem(t)
			tr := startStream(t, sys, NewTCP, func(cfg *StreamConfig) {
				cfg.MaxConns, cfg.MaxConnsPerIP = tt.max, tt.per
			})
			var open []*client
			for i := range 2 {
				c := dialTCP(t, tr.entry.Local)
				c.write(request(5060, i))
				tr.incoming(t)
				open = append(open, c)
			}
			over := dialTCP(t, tr.entry.Local)
			over.closed()
			assert.EqualValues(t, 1, tr.stats.Refused.Load())

			// A slot freed is a slot again.
			open[0].conn.Close()
			tr.waitLog(t, "sip: connection released")
			c := dialTCP(t, tr.entry.Local)
			c.write(request(5060, 10))
			assert.Equal(t, uint32(10), tr.incoming(t).Message.CSeq().Seq)
			open[1].write(request(5060, 11))
			assert.Equal(t, uint32(11), tr.incoming(t).Message.CSeq().Seq)
			assert.EqualValues(t, 1, tr.stats.Refused.Load())
		})
	}
}

func TestTCPStopClosesConnections(t *testing.T) {
	sys := newSystem(t)
	tr := startStream(t, sys, NewTCP, nil)
	c := dialTCP(t, tr.entry.Local)
	c.write(request(5060, 1))
	tr.incoming(t)
	require.NoError(t, sys.Root.StopFuture(tr.pid).Wait())
	c.closed()
	assert.EqualValues(t, 1, tr.stats.Closed.Load())
}

func TestTCPListenFailure(t *testing.T) {
	// A socket that cannot listen fails the actor with the error, after
	// Bound has been told.
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	sys := newSystem(t)
	reasons := make(chan any, 1)
	bound := make(chan error, 1)
	stop := actor.NewOneForOneStrategy(0, 0, func(reason any) actor.Directive {
		reasons <- reason
		return actor.StopDirective
	})
	cfg := StreamConfig{Addr: busy.Addr().String(), Bound: func(_ registry.Transport, err error) { bound <- err }}
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); ok {
			c.Spawn(NewTCP(cfg))
		}
	}, actor.WithSupervisor(stop)))
	defer func() { _ = sys.Root.StopFuture(parent).Wait() }()

	assert.ErrorContains(t, recv(t, bound), "address already in use")
	reason := recv(t, reasons)
	_, ok := reason.(error)
	assert.True(t, ok, "reason %v", reason)
}
