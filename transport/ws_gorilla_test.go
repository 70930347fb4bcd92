package transport

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	gorilla "github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// The tests in this file use gorilla/websocket as an independent client:
// coder/websocket on both ends could agree on a mistake.

// gorillaDial connects a gorilla client to a with the given subprotocols.
func gorillaDial(t testing.TB, wc wsCase, a *wsAcceptor, protos ...string) (*gorilla.Conn, *http.Response, error) {
	t.Helper()
	d := gorilla.Dialer{
		Subprotocols:     protos,
		TLSClientConfig:  wc.client,
		HandshakeTimeout: wait,
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, resp, err := d.DialContext(ctx, wc.scheme()+"://"+a.Addr().String()+"/", nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return c, resp, err
}

// gorillaRead reads the next message of c within wait.
func gorillaRead(t testing.TB, c *gorilla.Conn) (int, []byte) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(wait)))
	typ, b, err := c.ReadMessage()
	require.NoError(t, err)
	return typ, b
}

// gorillaClose ends the connection with a normal closure (RFC 6455 §7.1.2),
// reading until the server's Close frame, while server is closed too.
func gorillaClose(t testing.TB, c *gorilla.Conn, server framedConn) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- server.Close() }()
	msg := gorilla.FormatCloseMessage(gorilla.CloseNormalClosure, "")
	_ = c.WriteControl(gorilla.CloseMessage, msg, time.Now().Add(wait))
	require.NoError(t, c.SetReadDeadline(time.Now().Add(wait)))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			break
		}
	}
	c.Close()
	recv(t, done)
}

// TestWSGorillaOptions has a gorilla client send an OPTIONS over WS and WSS
// and read the 200 that answers it (RFC 7118 §4.1 handshake, §4.2 framing).
func TestWSGorillaOptions(t *testing.T) {
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, nil)
			c, resp, err := gorillaDial(t, wc, a, "sip")
			require.NoError(t, err)
			assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
			assert.Equal(t, "sip", c.Subprotocol())
			server := acceptOnly(t, a)
			defer gorillaClose(t, c, server)

			assert.Equal(t, c.LocalAddr().String(), server.Remote().String())
			assert.Equal(t, a.Addr(), server.Local())

			require.NoError(t, c.WriteMessage(gorilla.TextMessage, []byte(wsOptionsRequest)))
			req := parse(t, string(readMessage(t, server)))
			assert.Equal(t, "OPTIONS", req.Method)
			require.NoError(t, server.WriteMessage(message.NewResponse(req, 200, "OK").Bytes()))

			typ, b := gorillaRead(t, c)
			assert.Equal(t, gorilla.TextMessage, typ)
			resp200 := parse(t, string(b))
			assert.Equal(t, 200, resp200.StatusCode)
			assert.Equal(t, req.CallID(), resp200.CallID())
		})
	}
}

// TestWSGorillaSubprotocolRefused checks that a handshake without "sip" is
// refused (RFC 7118 §4.1) whoever the client.
func TestWSGorillaSubprotocolRefused(t *testing.T) {
	for _, wc := range wsCases(t) {
		t.Run(wc.name, func(t *testing.T) {
			a := wc.listen(t, nil)
			for _, protos := range [][]string{nil, {"chat"}} {
				c, resp, err := gorillaDial(t, wc, a, protos...)
				if c != nil {
					c.Close()
				}
				require.ErrorIs(t, err, gorilla.ErrBadHandshake, "subprotocols %q", protos)
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			}
		})
	}
}

// TestWSFrames checks both frame types of RFC 7118 §4.2: either is read as
// a message, and a message goes out as text unless it is not UTF-8.
func TestWSFrames(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, nil)
	c, _, err := gorillaDial(t, wc, a, "sip")
	require.NoError(t, err)
	server := acceptOnly(t, a)
	defer gorillaClose(t, c, server)

	binaryBody := "MESSAGE sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK.ws2\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:alice@example.com>;tag=a1\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"Call-ID: ws2@df7jal23ls0d.invalid\r\n" +
		"CSeq: 1 MESSAGE\r\n" +
		"Content-Type: application/octet-stream\r\n" +
		"Content-Length: 4\r\n\r\n" +
		"\x00\xff\xfe\x80"
	utf8Body := "MESSAGE sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK.ws3\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:alice@example.com>;tag=a1\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"Call-ID: ws3@df7jal23ls0d.invalid\r\n" +
		"CSeq: 1 MESSAGE\r\n" +
		"Content-Type: text/plain;charset=utf-8\r\n" +
		"Content-Length: 6\r\n\r\n" +
		"h\u00e9llo"

	tests := []struct {
		name string
		msg  string
		typ  int
	}{
		{"text", wsOptionsRequest, gorilla.TextMessage},
		{"UTF-8 body", utf8Body, gorilla.TextMessage},
		{"binary body", binaryBody, gorilla.BinaryMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// In: text or binary, the message is the same.
			for _, typ := range []int{gorilla.TextMessage, gorilla.BinaryMessage} {
				if typ == gorilla.TextMessage && tt.typ == gorilla.BinaryMessage {
					continue // not valid in a text frame (RFC 6455 §8.1)
				}
				require.NoError(t, c.WriteMessage(typ, []byte(tt.msg)))
				got := readMessage(t, server)
				assert.Equal(t, tt.msg, string(got))
				_ = parse(t, string(got))
			}
			// Out: the frame type follows the content.
			require.NoError(t, server.WriteMessage([]byte(tt.msg)))
			typ, b := gorillaRead(t, c)
			assert.Equal(t, tt.typ, typ)
			assert.Equal(t, tt.msg, string(b))
		})
	}
}

// TestWSGorillaOverLimit checks that a message over the limit closes the
// connection with 1009 (RFC 6455 §7.4.1) for an independent client too.
func TestWSGorillaOverLimit(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, func(o *wsOptions) { o.maxMessageSize = 100 })
	c, _, err := gorillaDial(t, wc, a, "sip")
	require.NoError(t, err)
	defer c.Close()
	server := accept(t, a)
	pending := readAsync(server)
	require.NoError(t, c.WriteMessage(gorilla.BinaryMessage, make([]byte, 101)))
	r := recv(t, pending)
	assert.ErrorIs(t, r.err, message.ErrMessageTooLarge)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(wait)))
	_, _, err = c.ReadMessage()
	assert.True(t, gorilla.IsCloseError(err, gorilla.CloseMessageTooBig), "got %v", err)
}

// TestWSReadTimeout checks that a message whose first frame has begun must
// arrive whole within the read timeout (StreamConfig.ReadTimeout): a peer
// that trickles it fails its connection.
func TestWSReadTimeout(t *testing.T) {
	wc := wsCases(t)[0]
	a := wc.listen(t, func(o *wsOptions) { o.readTO = 50 * time.Millisecond })
	c, _, err := gorillaDial(t, wc, a, "sip")
	require.NoError(t, err)
	defer c.Close()
	server := accept(t, a)
	pending := readAsync(server)
	// RFC 6455 §5.2: FIN and text, masked (with a zero key) and 100 bytes
	// long; 10 of them come.
	frame := append([]byte{0x81, 0x80 | 100, 0, 0, 0, 0}, "OPTIONS si"...)
	_, err = c.UnderlyingConn().Write(frame)
	require.NoError(t, err)
	r := recv(t, pending)
	var ne net.Error
	require.ErrorAs(t, r.err, &ne)
	assert.True(t, ne.Timeout(), "got %v", r.err)
}
