package transport

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// options is a request whose sent-by hosts are documentation addresses: the
// transport must stamp received on the top Via so that answers stay on
// loopback (RFC 3261 §18.2.1, RFC 3581 §4).
const options = `OPTIONS sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK.top;rport
Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK.second;rport
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: c1@192.0.2.1
CSeq: 1 OPTIONS
Content-Length: 0

`

func TestUDPIncomingRequest(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			p := newPeer(t, ip)

			p.send(tr.entry.Local, datagram(options, p))
			in := recv(t, tr.events).(*Incoming)

			assert.Equal(t, "OPTIONS", in.Message.Method)
			assert.Equal(t, ProtocolUDP, in.Protocol)
			assert.False(t, in.Reliable)
			assert.Equal(t, p.addr, in.Source)
			assert.Equal(t, tr.entry.Local, in.Local)
			assert.True(t, tr.pid.Equal(in.Transport))
			var vias []*message.Via
			for v := range in.Message.Vias() {
				vias = append(vias, v)
			}
			require.Len(t, vias, 2)
			// RFC 3261 §18.2.1, RFC 3581 §4: the top Via only.
			assert.Equal(t, ip, vias[0].Received())
			port, _ := vias[0].RPort()
			assert.Equal(t, int(p.addr.Port()), port)
			assert.Empty(t, vias[1].Received())
			rport, ok := vias[1].Params.Get("rport")
			assert.True(t, ok)
			assert.Empty(t, rport)
			assert.EqualValues(t, 1, tr.stats.Received.Load())
		})
	}
}

func TestUDPPortZeroRegistersRealPort(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			assert.Equal(t, ProtocolUDP, tr.entry.Protocol)
			assert.False(t, tr.entry.Reliable)
			assert.Equal(t, netip.MustParseAddr(ip), tr.entry.Local.Addr())
			assert.NotZero(t, tr.entry.Local.Port())
			assert.Equal(t, hostOf(netip.MustParseAddr(ip)), tr.entry.Host)
			assert.True(t, tr.pid.Equal(tr.entry.PID))

			// The registered port is the one that reads.
			p := newPeer(t, ip)
			p.send(tr.entry.Local, datagram(options, p))
			recv(t, tr.events)

			// Stopping unregisters (and closes the socket: goleak checks the reader).
			require.NoError(t, sys.Root.StopFuture(tr.pid).Wait())
			assert.True(t, tr.pid.Equal(recv(t, tr.reg.removed)))
		})
	}
}

func TestUDPConfiguredHost(t *testing.T) {
	sys := newSystem(t)
	tr := startUDP(t, sys, "127.0.0.1", func(c *UDPConfig) { c.Host = "sip.example.com" })
	assert.Equal(t, "sip.example.com", tr.entry.Host)
}

func TestUDPOutgoingRequest(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			p := newPeer(t, ip)

			req := parse(t, datagram(options, p))
			sys.Root.Send(tr.pid, &Outgoing{Message: req, Dest: p.addr, ReplyTo: tr.handler})
			got := parse(t, p.read())
			assert.Equal(t, "OPTIONS", got.Method)
			assert.Equal(t, "c1@192.0.2.1", got.CallID())
			assert.Equal(t, string(req.Bytes()), string(got.Bytes()))
			// The actor handles messages in order: once a later one has
			// failed, the write has been counted.
			sys.Root.Send(tr.pid, &Outgoing{ReplyTo: tr.handler})
			recv(t, tr.events)
			assert.EqualValues(t, 1, tr.stats.Sent.Load())
		})
	}
}

func TestUDPResponseRoutedByVia(t *testing.T) {
	// RFC 3261 §18.2.2, RFC 3581 §4: the top Via says where a response goes.
	tests := []struct {
		name string
		via  string
	}{
		{"received and rport", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;received={ip};rport={port}"},
		{"received and sent-by port", "SIP/2.0/UDP 192.0.2.1:{port};branch=z9hG4bK1;received={ip}"},
		{"sent-by", "SIP/2.0/UDP {host}:{port};branch=z9hG4bK1"},
		{"rport without received", "SIP/2.0/UDP {host}:5060;branch=z9hG4bK1;rport={port}"},
		{"maddr", "SIP/2.0/UDP 192.0.2.1:{port};branch=z9hG4bK1;maddr={ip};received=192.0.2.1;rport=9"},
		{"host name", "SIP/2.0/UDP localhost:{port};branch=z9hG4bK1"},
	}
	for _, ip := range loopbacks {
		for _, tt := range tests {
			t.Run(ip+"/"+tt.name, func(t *testing.T) {
				skipWithoutLoopback(t, ip)
				if tt.name == "host name" && ip != "127.0.0.1" {
					t.Skip("localhost is looked up for IPv4 on an IPv4 socket only")
				}
				sys := newSystem(t)
				tr := startUDP(t, sys, ip, nil)
				p := newPeer(t, ip)
				via, err := message.ParseVia(strings.ReplaceAll(datagram(tt.via, p), "{ip}", ip))
				require.NoError(t, err)
				requireLoopback(t, via)

				resp := &message.Message{StatusCode: 200, Reason: "OK"}
				resp.Headers.Add(message.HeaderVia, via)
				resp.Headers.Add(message.HeaderCallID, &message.Text{Value: "r1"})
				sys.Root.Send(tr.pid, &Outgoing{Message: resp, ReplyTo: tr.handler})
				got := parse(t, p.read())
				assert.Equal(t, 200, got.StatusCode)
				assert.Equal(t, "r1", got.CallID())
			})
		}
	}
}

// requireLoopback is the guard of tests that send responses: the Via must
// route to loopback.
func requireLoopback(t *testing.T, via *message.Via) {
	t.Helper()
	host, _ := ResponseTarget(via)
	if host == "localhost" {
		return
	}
	ip, err := netip.ParseAddr(host)
	require.NoError(t, err)
	require.True(t, ip.IsLoopback(), "response would go to %v", ip)
}

func TestUDPSendErrors(t *testing.T) {
	big := parse(t, strings.ReplaceAll(options, "\n", "\r\n"))
	big.Body = make([]byte, maxDatagram)
	noVia := &message.Message{StatusCode: 200, Reason: "OK"}
	unresolvable := &message.Message{StatusCode: 200, Reason: "OK"}
	unresolvable.Headers.Add(message.HeaderVia, &message.Via{Transport: "UDP", Host: "no-such-host.invalid"})
	badPort := &message.Message{StatusCode: 200, Reason: "OK"}
	badPort.Headers.Add(message.HeaderVia, &message.Via{Transport: "UDP", Host: "127.0.0.1", Port: 70000})
	tests := []struct {
		name string
		out  *Outgoing
		err  error
	}{
		{"request without dest", &Outgoing{Message: parse(t, strings.ReplaceAll(options, "\n", "\r\n"))}, ErrNoDestination},
		{"no message", &Outgoing{}, ErrNoDestination},
		{"response without via", &Outgoing{Message: noVia}, ErrNoDestination},
		// RFC 3261 §18.1.1: a datagram carries at most 65 535 bytes.
		{"too large", &Outgoing{Message: big, Dest: netip.MustParseAddrPort("127.0.0.1:9")}, ErrMessageTooLarge},
		{"via port out of range", &Outgoing{Message: badPort}, ErrNoAddress},
		{"unresolvable via host", &Outgoing{Message: unresolvable}, ErrNoAddress},
		{"wrong family", &Outgoing{Message: noVia, Dest: netip.MustParseAddrPort("[::1]:9")}, nil},
	}
	sys := newSystem(t)
	tr := startUDP(t, sys, "127.0.0.1", nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.out.ReplyTo = tr.handler
			sys.Root.Send(tr.pid, tt.out)
			se := recv(t, tr.events).(*SendError)
			assert.Same(t, tt.out.Message, se.Message)
			if tt.err != nil {
				assert.ErrorIs(t, se.Err, tt.err)
			} else {
				assert.Error(t, se.Err)
			}
			assert.EqualValues(t, i+1, tr.stats.SendErrors.Load())
		})
	}
	assert.Zero(t, tr.stats.Sent.Load())
}

func TestUDPMalformed(t *testing.T) {
	for _, ip := range loopbacks {
		t.Run(ip, func(t *testing.T) {
			skipWithoutLoopback(t, ip)
			sys := newSystem(t)
			tr := startUDP(t, sys, ip, nil)
			p := newPeer(t, ip)

			// RFC 3261 §8.2, §18.2: a request that does not parse but has a
			// readable Via gets a stateless 400 naming the problem, sent per
			// the stamped top Via (received = loopback, rport = peer port).
			bad := strings.Replace(options, "CSeq: 1 OPTIONS", "CSeq: one OPTIONS", 1)
			p.send(tr.entry.Local, datagram(bad, p))
			reply := p.read()
			assert.True(t, strings.HasPrefix(reply, "SIP/2.0 400 invalid header (CSeq)\r\n"), "%q", reply)
			assert.Contains(t, reply, "\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK.top;rport="+
				itoa(p.addr.Port())+";received="+ip+"\r\nVia: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK.second;rport\r\n")
			for _, h := range []string{"From: <sip:alice@example.com>;tag=a1", "To: <sip:bob@example.com>", "Call-ID: c1@192.0.2.1", "CSeq: one OPTIONS"} {
				assert.Contains(t, reply, "\r\n"+h+"\r\n")
			}
			assert.EqualValues(t, 1, tr.stats.BadRequests.Load())

			// Garbage, a malformed response, a malformed ACK and a request
			// without a readable Via get nothing, and are counted.
			drops := []string{
				"garbage\r\n\r\n",
				datagram("SIP/2.0 200 OK\nVia: SIP/2.0/UDP {host}:{port};branch=z9hG4bK1\nCSeq: x OPTIONS\n\n", p),
				datagram(strings.Replace(bad, "OPTIONS", "ACK", -1), p),
				datagram(strings.Replace(bad, "Via: SIP/2.0/UDP 192.0.2.1:5060", "Via: SIP/2.0/UDP /", 1), p),
			}
			for _, d := range drops {
				p.send(tr.entry.Local, d)
			}
			// The reader handles datagrams in order: once a good one is
			// delivered, the bad ones before it have been handled.
			p.send(tr.entry.Local, datagram(options, p))
			recv(t, tr.events)
			p.nothing()
			assert.EqualValues(t, len(drops), tr.stats.Dropped.Load())
			assert.EqualValues(t, 1, tr.stats.BadRequests.Load())
			assert.EqualValues(t, 1, tr.stats.Sent.Load())
			assert.EqualValues(t, len(drops)+2, tr.stats.Received.Load())
		})
	}
}

func TestUDPResponseSentByCheck(t *testing.T) {
	// RFC 3261 §18.1.2: a response whose top Via is not this transport's
	// sent-by is discarded; one that is goes to the handler unchanged.
	sys := newSystem(t)
	tr := startUDP(t, sys, "127.0.0.1", nil)
	p := newPeer(t, "127.0.0.1")
	resp := "SIP/2.0 200 OK\nVia: SIP/2.0/UDP {sentby};branch=z9hG4bK1;rport\n" +
		"From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>;tag=2\nCall-ID: {callid}\nCSeq: 1 OPTIONS\n\n"
	send := func(sentby, callid string) {
		s := strings.NewReplacer("{sentby}", sentby, "{callid}", callid).Replace(resp)
		p.send(tr.entry.Local, datagram(s, p))
	}
	send("127.0.0.1:1", "other-port")
	send("192.0.2.1:"+itoa(tr.entry.Local.Port()), "other-host")
	send(tr.entry.Local.String(), "mine")
	in := recv(t, tr.events).(*Incoming)
	assert.Equal(t, "mine", in.Message.CallID())
	assert.Empty(t, in.Message.TopVia().Received(), "responses are not stamped")
	assert.EqualValues(t, 2, tr.stats.Dropped.Load())
}

func TestUDPKeepAlive(t *testing.T) {
	// RFC 5626 §4.4.1: a CRLF keep-alive is neither a message nor an error.
	sys := newSystem(t)
	tr := startUDP(t, sys, "127.0.0.1", nil)
	p := newPeer(t, "127.0.0.1")
	p.send(tr.entry.Local, "\r\n\r\n")
	p.send(tr.entry.Local, datagram(options, p))
	recv(t, tr.events)
	assert.Zero(t, tr.stats.Dropped.Load())
	assert.EqualValues(t, 2, tr.stats.Received.Load())
}

// crash makes the test middleware panic, as a bug in the actor would.
type crash struct{}

func crashOn(next actor.ReceiverFunc) actor.ReceiverFunc {
	return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
		if _, ok := env.Message.(crash); ok {
			panic("crash")
		}
		next(c, env)
	}
}

func TestUDPRebindAfterRestart(t *testing.T) {
	sys := newSystem(t)
	tr := startUDP(t, sys, "127.0.0.1", nil, actor.WithReceiverMiddleware(crashOn))
	p := newPeer(t, "127.0.0.1")

	// The supervisor restarts the actor: the old socket is closed and
	// unregistered, a new one is bound and registered under the same PID.
	sys.Root.Send(tr.pid, crash{})
	assert.True(t, tr.pid.Equal(recv(t, tr.reg.removed)))
	again := recv(t, tr.reg.added)
	assert.True(t, tr.pid.Equal(again.PID))
	assert.NotZero(t, again.Local.Port())

	p.send(again.Local, datagram(options, p))
	in := recv(t, tr.events).(*Incoming)
	assert.Equal(t, again.Local, in.Local)

	sys.Root.Send(tr.pid, &Outgoing{Message: parse(t, datagram(options, p)), Dest: p.addr})
	assert.True(t, strings.HasPrefix(p.read(), "OPTIONS "))
}

func TestUDPBindFailureEscalates(t *testing.T) {
	// A socket that cannot be bound fails the actor with the error, so that
	// its supervisor chooses: here it stops it.
	busy, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer busy.Close()

	sys := newSystem(t)
	reasons := make(chan any, 1)
	reg := newRecorder()
	stop := actor.NewOneForOneStrategy(0, 0, func(reason any) actor.Directive {
		reasons <- reason
		return actor.StopDirective
	})
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); ok {
			c.Spawn(NewUDP(UDPConfig{Addr: busy.LocalAddr().String(), Registry: reg}))
		}
	}, actor.WithSupervisor(stop)))
	defer func() { _ = sys.Root.StopFuture(parent).Wait() }()

	reason := recv(t, reasons)
	err, ok := reason.(error)
	require.True(t, ok, "reason %v", reason)
	assert.ErrorContains(t, err, "address already in use")
	assert.Empty(t, reg.added)
}

func itoa[T ~uint16 | ~int](n T) string { return strconv.Itoa(int(n)) }
