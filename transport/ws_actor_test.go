package transport

import (
	"crypto/tls"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	gorilla "github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/registry"
)

// wsActorCase is WS or WSS through the actors of newStream.
type wsActorCase struct {
	wsCase
	props func(StreamConfig) *actor.Props
}

func wsActorCases(t testing.TB) []wsActorCase {
	cert, pool := testCertificate(t)
	server := &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool}
	client := &tls.Config{RootCAs: pool}
	return []wsActorCase{
		{wsCase{name: ProtocolWS}, NewWS},
		{wsCase{name: ProtocolWSS, secure: true, server: server, client: client}, NewWSS},
	}
}

// start starts the transport of the case on 127.0.0.1.
func (wc wsActorCase) start(t testing.TB, sys *actor.ActorSystem) *streamTransport {
	return startStream(t, sys, wc.props, func(cfg *StreamConfig) { cfg.TLS = wc.server })
}

// TestWSActorsIncoming has a gorilla client send an OPTIONS to a WS and a WSS
// transport; the handler gets it as an *Incoming, and the response sent with
// its Source goes back on the same WebSocket (RFC 3261 §18.2.2, RFC 7118
// §4.2).
func TestWSActorsIncoming(t *testing.T) {
	for _, wc := range wsActorCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			sys := newSystem(t)
			st := wc.start(t, sys)
			assert.Equal(t, wc.name, st.entry.Protocol)
			assert.True(t, st.entry.Reliable)
			assert.Equal(t, netip.MustParseAddr("127.0.0.1"), st.entry.Local.Addr())

			d := gorilla.Dialer{Subprotocols: []string{"sip"}, TLSClientConfig: wc.client, HandshakeTimeout: wait}
			c, resp, err := d.Dial(wc.scheme()+"://"+st.entry.Local.String()+"/", nil)
			require.NoError(t, err)
			resp.Body.Close()
			defer c.Close()
			require.NoError(t, c.WriteMessage(gorilla.TextMessage, []byte(wsOptionsRequest)))

			in := st.incoming(t)
			assert.Equal(t, "OPTIONS", in.Message.Method)
			assert.Equal(t, wc.name, in.Protocol)
			assert.True(t, in.Reliable)
			assert.Equal(t, c.LocalAddr().String(), in.Source.String())
			assert.Equal(t, st.entry.Local, in.Local)
			assert.True(t, st.pid.Equal(in.Transport))
			// RFC 3261 §18.2.1: received is stamped on a stream too
			// (RFC 7118 §5.3 lets a server leave it out; we do not).
			assert.Equal(t, "127.0.0.1", in.Message.TopVia().Received())

			sys.Root.Send(st.pid, &Outgoing{Message: response(t, in.Message), Source: in.Source})
			typ, b := gorillaRead(t, c)
			assert.Equal(t, gorilla.TextMessage, typ)
			got := parse(t, string(b))
			assert.Equal(t, 200, got.StatusCode)
			assert.Equal(t, in.Message.CallID(), got.CallID())
			assert.EqualValues(t, 1, st.stats.Accepted.Load())

			// RFC 5626 §3.5.1: a ping gets a pong, in a message of its own.
			require.NoError(t, c.WriteMessage(gorilla.TextMessage, []byte("\r\n\r\n")))
			typ, b = gorillaRead(t, c)
			assert.Equal(t, gorilla.TextMessage, typ)
			assert.Equal(t, "\r\n", string(b))
		})
	}
}

// TestWSActorsDial sends a request from one transport to another: the first
// dials a WebSocket (wss with a verified certificate), the second answers on
// that same connection, and the first delivers the response.
func TestWSActorsDial(t *testing.T) {
	for _, wc := range wsActorCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			sys := newSystem(t)
			a := startStream(t, sys, wc.props, func(cfg *StreamConfig) {
				cfg.TLS = wc.client
				if wc.secure {
					cfg.TLS = wc.server // a certificate to listen, roots to dial
				}
			})
			b := wc.start(t, sys)

			raw := strings.NewReplacer(
				"SIP/2.0/WS df7jal23ls0d.invalid", "SIP/2.0/"+wc.name+" "+a.entry.Host+":"+strconv.Itoa(int(a.entry.Local.Port())),
			).Replace(wsOptionsRequest)
			req := parse(t, raw)
			h, errs := newHandler(t, sys)
			sys.Root.Send(a.pid, &Outgoing{Message: req, Dest: b.entry.Local, ReplyTo: h})

			in := b.incoming(t)
			assert.Equal(t, req.CallID(), in.Message.CallID())
			assert.Equal(t, wc.name, in.Protocol)
			sys.Root.Send(b.pid, &Outgoing{Message: response(t, in.Message), Source: in.Source})

			back := a.incoming(t)
			assert.Equal(t, 200, back.Message.StatusCode)
			assert.True(t, a.pid.Equal(back.Transport))
			assert.Equal(t, b.entry.Local, back.Source)
			assert.EqualValues(t, 1, a.stats.Dialled.Load())
			assert.EqualValues(t, 1, b.stats.Accepted.Load())
			select {
			case e := <-errs:
				t.Fatalf("unexpected %#v", e)
			default:
			}
		})
	}
}

// TestWSActorsNoCertificate checks that a WSS listener without a certificate
// fails to start with ErrNoCertificate, which its supervisor gets.
func TestWSActorsNoCertificate(t *testing.T) {
	sys := newSystem(t)
	reasons := make(chan any, 1)
	bound := make(chan error, 1)
	stop := actor.NewOneForOneStrategy(0, 0, func(reason any) actor.Directive {
		reasons <- reason
		return actor.StopDirective
	})
	cfg := StreamConfig{Addr: "127.0.0.1:0", Bound: func(_ registry.Transport, err error) { bound <- err }}
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); ok {
			c.Spawn(NewWSS(cfg))
		}
	}, actor.WithSupervisor(stop)))
	defer func() { _ = sys.Root.StopFuture(parent).Wait() }()

	assert.ErrorIs(t, recv(t, bound), ErrNoCertificate)
	reason, ok := recv(t, reasons).(error)
	require.True(t, ok)
	assert.ErrorIs(t, reason, ErrNoCertificate)
}

// TestWSActorsMaxConns checks that a WebSocket over MaxConns is closed at
// once with a normal closure, without holding up the listener.
func TestWSActorsMaxConns(t *testing.T) {
	wc := wsActorCases(t)[0]
	sys := newSystem(t)
	st := startStream(t, sys, NewWS, func(cfg *StreamConfig) { cfg.MaxConns = 1 })
	dial := func() *gorilla.Conn {
		d := gorilla.Dialer{Subprotocols: []string{"sip"}, HandshakeTimeout: wait}
		c, resp, err := d.Dial(wc.scheme()+"://"+st.entry.Local.String()+"/", nil)
		require.NoError(t, err)
		resp.Body.Close()
		t.Cleanup(func() { c.Close() })
		return c
	}
	first := dial()
	require.NoError(t, first.WriteMessage(gorilla.TextMessage, []byte(wsOptionsRequest)))
	st.incoming(t) // adopted

	second := dial()
	require.NoError(t, second.SetReadDeadline(time.Now().Add(wait)))
	_, _, err := second.ReadMessage()
	assert.True(t, gorilla.IsCloseError(err, gorilla.CloseNormalClosure), "got %v", err)
	assert.EqualValues(t, 1, st.stats.Refused.Load())

	// The first one still works.
	require.NoError(t, first.WriteMessage(gorilla.TextMessage, []byte(wsOptionsRequest)))
	st.incoming(t)
}
