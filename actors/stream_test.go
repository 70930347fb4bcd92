package actors

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry"
	"github.com/sippet-go/sippet/transaction"
	"github.com/sippet-go/sippet/transport"
)

// testTLS returns a configuration with a self-signed certificate for
// 127.0.0.1 that both serves and trusts it, so that two stacks can talk
// over TLS and WSS.
func testTLS(t *testing.T) *tls.Config {
	t.Helper()
	cert, err := transport.SelfSigned(time.Hour, "127.0.0.1", "localhost")
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// streamStack starts a stack listening on proto at a free loopback port.
func streamStack(t *testing.T, name, proto string, core Core, cfg *tls.Config, tune func(*Listener)) (*Stack, registry.Transport) {
	t.Helper()
	return streamStackTimers(t, name, proto, core, cfg, fastTimers, tune)
}

// streamStackTimers is streamStack with the transaction timers given.
func streamStackTimers(t *testing.T, name, proto string, core Core, cfg *tls.Config, timers transaction.Timers, tune func(*Listener)) (*Stack, registry.Transport) {
	t.Helper()
	s, err := Spawn(newSystem(t), name, Config{Timers: timers, Logger: debugLogger})
	require.NoError(t, err)
	t.Cleanup(func() { shutdownNow(s) })
	require.NoError(t, s.RegisterCore(core))
	l := Listener{Protocol: proto, Addr: "127.0.0.1:0", TLS: cfg}
	if tune != nil {
		tune(&l)
	}
	tr, err := s.Listen(l)
	require.NoError(t, err)
	return s, tr
}

// uriTo is a SIP URI of bob at addr over proto (RFC 3261 §19.1.1
// transport parameter).
func uriTo(t *testing.T, proto string, addr netip.AddrPort) *message.URI {
	t.Helper()
	u, err := message.ParseURI(fmt.Sprintf("sip:bob@%s;transport=%s", addr, proto))
	require.NoError(t, err)
	return u
}

var debugLogger *slog.Logger = func() *slog.Logger {
	if os.Getenv("SIPPET_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}()

var streamProtocols = []string{"tcp", "tls", "ws", "wss"}

// Two stacks over each stream transport: an OPTIONS round trip, then an
// INVITE dialog with its ACK and BYE (RFC 3261 §13, §15, §18; RFC 7118 for
// WebSocket). The Via names the transport, and the reliable transports run
// without retransmissions (§17.1.1.2, §17.1.2.2).
func TestStreamTransports(t *testing.T) {
	cfg := testTLS(t)
	for _, proto := range streamProtocols {
		t.Run(proto, func(t *testing.T) {
			var bob *Stack
			bobCore := newFuncCore(dialogUAS(&bob))
			bob, bt := streamStack(t, "bob-"+proto, proto, bobCore, cfg, nil)
			aliceCore := newFuncCore(nil)
			alice, _ := streamStack(t, "alice-"+proto, proto, aliceCore, cfg, nil)

			opt := request(t, message.MethodOptions, bt.Local)
			opt.RequestURI = uriTo(t, proto, bt.Local)
			require.NoError(t, alice.Send(opt))
			got := next[*transaction.RequestEvent](t, bobCore)
			assert.Equal(t, strings.ToUpper(proto), got.Request.TopVia().Transport)
			response(t, aliceCore, message.StatusOK)

			invite := inviteRequest(t, bt.Local)
			invite.RequestURI = uriTo(t, proto, bt.Local)
			require.NoError(t, alice.Send(invite))
			next[*transaction.RequestEvent](t, bobCore)
			response(t, aliceCore, message.StatusRinging)
			ok := response(t, aliceCore, message.StatusOK).Response
			require.NoError(t, alice.Send(dialogRequest(t, invite, ok, message.MethodAck, invite.CSeq().Seq)))
			assert.Equal(t, message.MethodAck, next[*transaction.RequestEvent](t, bobCore).Request.Method)
			require.NoError(t, alice.Send(dialogRequest(t, invite, ok, message.MethodBye, invite.CSeq().Seq+1)))
			assert.Equal(t, message.MethodBye, next[*transaction.RequestEvent](t, bobCore).Request.Method)
			bye := response(t, aliceCore, message.StatusOK)
			assert.Equal(t, message.MethodBye, bye.Response.CSeq().Method)
		})
	}
}

// dialogUAS answers OPTIONS and BYE 200, and an INVITE 180 then 200 with a
// Contact whose URI keeps the transport of the request.
func dialogUAS(s **Stack) func(*message.Message, transaction.Key) {
	return func(req *message.Message, _ transaction.Key) {
		switch req.Method {
		case message.MethodInvite:
			ringing := message.NewResponse(req, message.StatusRinging, "")
			_ = (*s).Send(ringing)
			ok := message.NewResponse(req, message.StatusOK, "")
			ok.To().Params.Set("tag", ringing.To().Tag())
			contact := &message.Address{URI: *req.RequestURI.Clone()}
			ok.Headers.Add(message.HeaderContact, contact)
			_ = (*s).Send(ok)
		case message.MethodOptions, message.MethodBye:
			_ = (*s).Send(message.NewResponse(req, message.StatusOK, ""))
		}
	}
}

// RFC 3261 §18.2.2: a response goes back on the connection its request came
// on; when the peer has closed it meanwhile, the server opens a new
// connection to the received address (or host) of the top Via at its
// sent-by port. Alice's connection is closed by her idle timeout while
// Bob's core is still deciding.
func TestStreamResponseAfterPeerClosed(t *testing.T) {
	cfg := testTLS(t)
	for _, proto := range streamProtocols {
		t.Run(proto, func(t *testing.T) {
			invites := make(chan *message.Message, 1)
			var bob *Stack
			bobCore := newFuncCore(func(req *message.Message, _ transaction.Key) {
				if req.Method == message.MethodInvite {
					invites <- req
				}
			})
			// The default timers: new connections (a TLS handshake under
			// -race) must not race Timer B.
			bobStats := new(transport.Stats)
			bob, bt := streamStackTimers(t, "bob-"+proto, proto, bobCore, cfg, transaction.Timers{}, func(l *Listener) {
				l.Stream.Stats = bobStats
			})
			aliceStats := new(transport.Stats)
			aliceCore := newFuncCore(nil)
			alice, _ := streamStackTimers(t, "alice-"+proto, proto, aliceCore, cfg, transaction.Timers{}, func(l *Listener) {
				l.Stream.IdleTimeout = 100 * time.Millisecond
				l.Stream.Stats = aliceStats
			})

			invite := inviteRequest(t, bt.Local)
			invite.RequestURI = uriTo(t, proto, bt.Local)
			require.NoError(t, alice.Send(invite))
			req := <-invites
			// Bob's automatic 100 (Trying) comes after 200 ms and may
			// cross the close: only the final response matters here.
			deadline := time.Now().Add(wait)
			// Closed once alice has closed it and bob has seen it close: a
			// response written in between, into a socket the peer has
			// just shut, is lost in TCP itself.
			for aliceStats.Closed.Load() == 0 || bobStats.Closed.Load() == 0 {
				require.True(t, time.Now().Before(deadline), "alice's idle connection was not closed")
				time.Sleep(5 * time.Millisecond)
			}
			require.NoError(t, bob.Send(message.NewResponse(req, message.StatusBusyHere, "")))
			for {
				ev := next[*transaction.ResponseEvent](t, aliceCore)
				if ev.Response.StatusCode >= 200 {
					assert.Equal(t, message.StatusBusyHere, ev.Response.StatusCode)
					break
				}
			}
			assert.GreaterOrEqual(t, aliceStats.Accepted.Load(), uint64(1), "bob opened a new connection to alice")
			// Alice's transaction acknowledges the 486 (§17.1.1.3) over a
			// connection of its own; Bob's INVITE transaction, which ends
			// on that ACK on a reliable transport (Timer I is 0), is gone.
			deadline = time.Now().Add(wait)
			for bob.Registry().TransactionCount() > 0 {
				require.True(t, time.Now().Before(deadline), "bob's INVITE transaction never got its ACK")
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}
