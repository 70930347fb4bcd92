package transport

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// wsOptionsRequest is an OPTIONS as a WebSocket client sends it (RFC 7118
// §8.1 shows one: Via with transport WS and an .invalid sent-by).
const wsOptionsRequest = "OPTIONS sip:bob@example.com SIP/2.0\r\n" +
	"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK.ws1;rport\r\n" +
	"Max-Forwards: 70\r\n" +
	"From: <sip:alice@example.com>;tag=a1\r\n" +
	"To: <sip:bob@example.com>\r\n" +
	"Call-ID: ws1@df7jal23ls0d.invalid\r\n" +
	"CSeq: 1 OPTIONS\r\n" +
	"Content-Length: 0\r\n\r\n"

// wsCase is a protocol to run a test on: WS, or WSS with its certificates.
type wsCase struct {
	name           string
	secure         bool
	server, client *tls.Config
}

func wsCases(t testing.TB) []wsCase {
	cert, pool := testCertificate(t)
	server := &tls.Config{Certificates: []tls.Certificate{cert}}
	client := &tls.Config{RootCAs: pool}
	return []wsCase{
		{name: ProtocolWS},
		{name: ProtocolWSS, secure: true, server: server, client: client},
	}
}

// listen starts a WS or WSS acceptor on 127.0.0.1, closed at cleanup.
func (wc wsCase) listen(t testing.TB, tweak func(*wsOptions)) *wsAcceptor {
	t.Helper()
	return wc.listenOn(t, "127.0.0.1:0", tweak)
}

// listenOn starts a WS or WSS acceptor on addr, closed at cleanup.
func (wc wsCase) listenOn(t testing.TB, addr string, tweak func(*wsOptions)) *wsAcceptor {
	t.Helper()
	o := wsOptions{secure: wc.secure, tls: wc.server}
	if tweak != nil {
		tweak(&o)
	}
	a, err := listenWS(context.Background(), addr, &o)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	return a
}

// dialer returns the options of the dialling side.
func (wc wsCase) dialer() *wsOptions {
	return &wsOptions{secure: wc.secure, tls: wc.client}
}

// scheme is the URL scheme of the case.
func (wc wsCase) scheme() string {
	if wc.secure {
		return "wss"
	}
	return "ws"
}

// accept returns the next connection a accepts, failing after wait; the
// test closes it.
func accept(t testing.TB, a acceptor) framedConn {
	t.Helper()
	c := acceptOnly(t, a)
	t.Cleanup(func() { c.Close() })
	return c
}

// acceptOnly is accept without the Close at cleanup.
func acceptOnly(t testing.TB, a acceptor) framedConn {
	t.Helper()
	type result struct {
		c   framedConn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := a.Accept()
		ch <- result{c, err}
	}()
	r := recv(t, ch)
	require.NoError(t, r.err)
	return r.c
}

// closeBoth closes two ends at once: each then reads the other's Close frame
// (RFC 6455 §7.1.2) even when nothing else reads them.
func closeBoth(a, b framedConn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Close()
	}()
	b.Close()
	<-done
}

// wsPair connects a dialled connection to one accepted by a.
func wsPair(t testing.TB, a *wsAcceptor, o *wsOptions) (server, client framedConn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := dialWS(ctx, a.Addr(), "", o)
	require.NoError(t, err)
	s := acceptOnly(t, a)
	t.Cleanup(func() { closeBoth(s, c) })
	return s, c
}

// readAsync reads the next message of c in a goroutine.
func readAsync(c framedConn) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		b, err := c.ReadMessage()
		ch <- readResult{b, err}
	}()
	return ch
}

type readResult struct {
	b   []byte
	err error
}

// readMessage reads the next message of c, failing after wait.
func readMessage(t testing.TB, c framedConn) []byte {
	t.Helper()
	r := recv(t, readAsync(c))
	require.NoError(t, r.err)
	return r.b
}

// TestWSExchange sends a request one way and its response the other over our
// own dialler and acceptor (RFC 7118 §4.2: one SIP message per WebSocket
// message), then closes from the client side.
func TestWSExchange(t *testing.T) {
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, nil)
			assert.Equal(t, netip.MustParseAddr("127.0.0.1"), a.Addr().Addr())
			assert.NotZero(t, a.Addr().Port())
			server, client := wsPair(t, a, wc.dialer())

			assert.Equal(t, a.Addr(), client.Remote())
			assert.Equal(t, a.Addr(), server.Local())
			assert.Equal(t, client.Local(), server.Remote())

			require.NoError(t, client.WriteMessage([]byte(wsOptionsRequest)))
			got := readMessage(t, server)
			assert.Equal(t, wsOptionsRequest, string(got))

			req := parse(t, string(got))
			resp := message.NewResponse(req, 200, "OK")
			require.NoError(t, server.WriteMessage(resp.Bytes()))
			back := parse(t, string(readMessage(t, client)))
			assert.Equal(t, 200, back.StatusCode)
			assert.Equal(t, "ws1@df7jal23ls0d.invalid", back.CallID())

			// Several messages in a row stay apart: no Content-Length
			// framing is involved.
			for i := range 3 {
				msg := strings.Replace(wsOptionsRequest, "CSeq: 1", "CSeq: "+string(rune('2'+i)), 1)
				require.NoError(t, client.WriteMessage([]byte(msg)))
			}
			for i := range 3 {
				assert.Contains(t, string(readMessage(t, server)), "CSeq: "+string(rune('2'+i))+" OPTIONS")
			}

			// A normal closure (RFC 6455 §7.1.2) is the end of the
			// stream for the other side.
			pending := readAsync(server)
			require.NoError(t, client.Close())
			r := recv(t, pending)
			assert.ErrorIs(t, r.err, io.EOF)
			assert.NoError(t, server.Close())
		})
	}
}

// TestWSIPv6 runs an exchange on ::1, where the URL host needs brackets.
func TestWSIPv6(t *testing.T) {
	skipWithoutLoopback(t, "::1")
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listenOn(t, "[::1]:0", nil)
			assert.Equal(t, netip.IPv6Loopback(), a.Addr().Addr())
			server, client := wsPair(t, a, wc.dialer())
			assert.Equal(t, client.Local(), server.Remote())
			require.NoError(t, client.WriteMessage([]byte(wsOptionsRequest)))
			assert.Equal(t, wsOptionsRequest, string(readMessage(t, server)))
		})
	}
}

// TestWSCloseUnblocksRead checks that Close ends a blocked ReadMessage with
// net.ErrClosed, and that writing after Close fails.
func TestWSCloseUnblocksRead(t *testing.T) {
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, nil)
			server, client := wsPair(t, a, wc.dialer())
			peer := readAsync(client)
			pending := readAsync(server)
			require.NoError(t, server.Close())
			r := recv(t, pending)
			assert.ErrorIs(t, r.err, net.ErrClosed)
			assert.ErrorIs(t, recv(t, peer).err, io.EOF)
			assert.Error(t, server.WriteMessage([]byte(wsOptionsRequest)))
			assert.NoError(t, server.Close(), "Close twice")
		})
	}
}

// TestWSCloseUnansweredPeer checks that Close does not wait for ever for the
// Close frame of a peer that does not read (RFC 6455 §7.1.1).
func TestWSCloseUnansweredPeer(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, func(o *wsOptions) { o.closeTO = 20 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	// A coder/websocket client that never reads never answers a Close.
	ws, _, err := websocket.Dial(ctx, "ws://"+a.Addr().String()+"/", &websocket.DialOptions{Subprotocols: []string{"sip"}})
	require.NoError(t, err)
	defer ws.CloseNow()
	server := accept(t, a)
	pending := readAsync(server) // a reader: Close waits for the peer
	done := make(chan error, 1)
	go func() { done <- server.Close() }()
	recv(t, done)
	assert.ErrorIs(t, recv(t, pending).err, net.ErrClosed)
}

// TestWSCloseNeverRead checks that closing a connection never read from (a
// connection refused over a limit) does not wait for the peer at all, and
// still ends its goroutines (goleak, in TestMain) once the peer goes.
func TestWSCloseNeverRead(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, func(o *wsOptions) { o.closeTO = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+a.Addr().String()+"/", &websocket.DialOptions{Subprotocols: []string{"sip"}})
	require.NoError(t, err)
	server := acceptOnly(t, a)
	done := make(chan error, 1)
	go func() { done <- server.Close() }()
	assert.NoError(t, recv(t, done))
	// The peer reads the Close frame, answers it and goes.
	_, _, err = ws.Read(ctx)
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
	select {
	case <-server.(*wsConn).done:
	case <-ctx.Done():
		t.Fatal("closing handshake did not end")
	}
}

// TestWSSubprotocolRequired checks the handshake of RFC 7118 §4.1: a
// handshake that does not offer "sip" is refused with 400, and a dialler
// fails when the server does not agree on "sip".
func TestWSSubprotocolRequired(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, nil)
	url := "ws://" + a.Addr().String() + "/"
	for _, protos := range [][]string{nil, {"chat"}, {"sipx", "xsip"}, {"SIP"}} {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: protos})
		cancel()
		if ws != nil {
			ws.CloseNow()
		}
		require.Error(t, err, "subprotocols %q", protos)
		require.NotNil(t, resp)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}

	// A plain GET is no handshake at all.
	resp, err := http.Get("http://" + a.Addr().String() + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// "sip" among others is accepted; the server names it back.
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"chat", "sip"}})
	require.NoError(t, err)
	defer ws.CloseNow()
	assert.Equal(t, "sip", ws.Subprotocol())
	accept(t, a)
}

// TestWSDialWithoutSubprotocol checks that the dialler fails a WebSocket
// whose server did not agree on "sip" (RFC 7118 §4.1).
func TestWSDialWithoutSubprotocol(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil) // no subprotocol
		if err != nil {
			return
		}
		defer ws.CloseNow()
		select {
		case <-done:
		case <-time.After(wait):
		}
	}))
	defer srv.Close()
	defer close(done)
	dest := netip.MustParseAddrPort(strings.TrimPrefix(srv.URL, "http://"))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, err := dialWS(ctx, dest, "", &wsOptions{})
	assert.ErrorIs(t, err, ErrNoSubprotocol)
}

// TestWSMessageLimit checks that a message above the limit fails the
// connection with 1009 (RFC 6455 §7.4.1) and an error wrapping
// message.ErrMessageTooLarge, and that one at the limit passes.
func TestWSMessageLimit(t *testing.T) {
	const limit = 200
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, func(o *wsOptions) { o.maxMessageSize = limit })
			server, client := wsPair(t, a, wc.dialer())
			clientWS := client.(*wsConn).ws

			at := []byte(strings.Repeat("a", limit))
			require.NoError(t, client.WriteMessage(at))
			assert.Len(t, readMessage(t, server), limit)

			peer := make(chan error, 1)
			go func() {
				_, _, err := clientWS.Read(context.Background())
				peer <- err
			}()
			require.NoError(t, client.WriteMessage([]byte(strings.Repeat("b", limit+1))))
			r := recv(t, readAsync(server))
			assert.ErrorIs(t, r.err, message.ErrMessageTooLarge)
			assert.Nil(t, r.b)
			assert.Equal(t, websocket.StatusMessageTooBig, websocket.CloseStatus(recv(t, peer)))
		})
	}
	t.Run("default", func(t *testing.T) {
		assert.Equal(t, message.DefaultMaxMessageSize, (&wsOptions{}).readLimit())
		assert.Equal(t, -1, (&wsOptions{maxMessageSize: -1}).readLimit())
	})
}

// TestWSListenErrors checks the errors of a listener that cannot work.
func TestWSListenErrors(t *testing.T) {
	_, err := listenWS(context.Background(), "127.0.0.1:0", &wsOptions{secure: true})
	assert.ErrorIs(t, err, ErrNoCertificate, "WSS without a certificate")
	_, err = listenWS(context.Background(), "127.0.0.1:0", &wsOptions{secure: true, tls: &tls.Config{}})
	assert.ErrorIs(t, err, ErrNoCertificate, "WSS without a certificate")

	a := wsCases(t)[0].listen(t, nil)
	_, err = listenWS(context.Background(), a.Addr().String(), &wsOptions{})
	assert.Error(t, err, "address in use")
}

// TestWSAcceptorClose checks that Close ends Accept, closes a connection not
// yet accepted, and leaves no goroutine behind (goleak, in TestMain).
func TestWSAcceptorClose(t *testing.T) {
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, nil)
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			c, err := dialWS(ctx, a.Addr(), "", wc.dialer())
			require.NoError(t, err)
			defer c.Close()
			pending := readAsync(c)

			type result struct {
				c   framedConn
				err error
			}
			accepted := make(chan result, 1)
			go func() {
				c, err := a.Accept()
				accepted <- result{c, err}
			}()
			// The Accept above may take the connection: then it is
			// ours to close, as the stream listener would.
			require.NoError(t, a.Close())
			if r := recv(t, accepted); r.err != nil {
				assert.ErrorIs(t, r.err, net.ErrClosed)
			} else {
				r.c.Close()
			}
			_, err = a.Accept()
			assert.ErrorIs(t, err, net.ErrClosed)
			if r := recv(t, pending); r.err == nil {
				t.Fatalf("read %q after the listener closed", r.b)
			}
		})
	}
}

// TestWSAcceptorCloseWithPending checks that a connection never accepted is
// closed by the acceptor's Close.
func TestWSAcceptorCloseWithPending(t *testing.T) {
	a := wsCases(t)[0].listen(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := dialWS(ctx, a.Addr(), "", &wsOptions{})
	require.NoError(t, err)
	defer c.Close()
	pending := readAsync(c)
	require.NoError(t, a.Close())
	r := recv(t, pending)
	assert.ErrorIs(t, r.err, io.EOF, "the acceptor closes with a normal closure")
}

// TestWSDialErrors checks the dialler's failures: nothing listening, a bad
// address, and a certificate that does not name the host dialled (RFC 5922
// §7.2 names the host a SIP client verifies).
func TestWSDialErrors(t *testing.T) {
	wcs := wsCases(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()

	_, err := dialWS(ctx, netip.AddrPort{}, "", &wsOptions{})
	assert.ErrorIs(t, err, ErrNoAddress)

	// A port nobody listens on: bind one, then close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := netip.MustParseAddrPort(l.Addr().String())
	l.Close()
	_, err = dialWS(ctx, closed, "", &wsOptions{})
	assert.Error(t, err)

	wss := wcs[1]
	a := wss.listen(t, nil)
	_, err = dialWS(ctx, a.Addr(), "sip.example.com", wss.dialer())
	var verr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &verr, "the certificate names 127.0.0.1 only")
	_, err = dialWS(ctx, a.Addr(), "", &wsOptions{secure: true})
	assert.ErrorAs(t, err, &verr, "an unknown authority")

	// The name dialled is the name verified: 127.0.0.1 as host works.
	c, err := dialWS(ctx, a.Addr(), "127.0.0.1", wss.dialer())
	require.NoError(t, err)
	closeBoth(c, acceptOnly(t, a))
}

// TestWSKeepAlive checks that CRLF keep-alives (RFC 5626 §3.5.1) are not
// messages, and that a double CRLF gets a CRLF back.
func TestWSKeepAlive(t *testing.T) {
	a := wsCases(t)[0].listen(t, nil)
	server, client := wsPair(t, a, &wsOptions{})
	clientWS := client.(*wsConn).ws
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	pending := readAsync(server)
	require.NoError(t, clientWS.Write(ctx, websocket.MessageText, []byte("\r\n\r\n")))
	typ, b, err := clientWS.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, websocket.MessageText, typ)
	assert.Equal(t, "\r\n", string(b))
	require.NoError(t, clientWS.Write(ctx, websocket.MessageText, []byte("\r\n")))
	require.NoError(t, clientWS.Write(ctx, websocket.MessageText, nil))
	require.NoError(t, client.WriteMessage([]byte(wsOptionsRequest)))
	r := recv(t, pending)
	require.NoError(t, r.err)
	assert.Equal(t, wsOptionsRequest, string(r.b))
}
