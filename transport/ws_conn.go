package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/sippet-go/sippet/message"
)

// wsConn is a framedConn over one WebSocket connection (RFC 7118 §4.2): each
// WebSocket message carries exactly one SIP message, so the frame is the
// framing and Content-Length plays no part in it.
type wsConn struct {
	ws *websocket.Conn
	// raw is the TCP connection under the WebSocket (and under TLS for WSS):
	// closing it ends a closing handshake that the peer does not answer.
	raw           net.Conn
	local, remote netip.AddrPort
	limit         int
	readTimeout   time.Duration
	writeTimeout  time.Duration
	closeTimeout  time.Duration

	// closing is set when Close starts: a read that fails from then on
	// fails because of it.
	closing atomic.Bool
	// onPing, when set (before the first read), is told of each RFC 5626
	// ping, which the caller then answers (WriteKeepAlive).
	onPing func()
	// reading is set by the first ReadMessage.
	reading   atomic.Bool
	closeOnce sync.Once
	// done is closed once the connection is closed; on an accepted
	// connection it lets the HTTP handler that owns it return.
	done chan struct{}
}

// newWSConn wraps ws, read within limit bytes per message (negative: no
// limit). raw is the connection under it.
func newWSConn(ws *websocket.Conn, raw net.Conn, limit int, o *wsOptions) *wsConn {
	if limit < 0 {
		ws.SetReadLimit(-1)
	} else {
		ws.SetReadLimit(int64(limit))
	}
	return &wsConn{
		ws:           ws,
		raw:          raw,
		local:        streamAddr(raw.LocalAddr()),
		remote:       streamAddr(raw.RemoteAddr()),
		limit:        limit,
		readTimeout:  o.readTimeout(),
		writeTimeout: o.writeTimeout(),
		closeTimeout: o.closeTimeout(),
		done:         make(chan struct{}),
	}
}

// ReadMessage returns the next WebSocket message, text or binary (RFC 7118
// §4.2 allows both). A message made of CRs and LFs only is a keep-alive, not
// a SIP message, and is not returned: a double CRLF "ping" (RFC 5626
// §3.5.1, which browser clients send over WebSocket as over TCP) goes to the
// SetOnPing function, or without one is answered at once with a CRLF "pong".
//
// Once the first frame of a message has arrived, the rest must arrive within
// the read timeout: a peer that trickles a message cannot hold the reader.
//
// A message above the limit fails the connection with close code 1009 (RFC
// 6455 §7.4.1) and yields an error wrapping message.ErrMessageTooLarge. A
// normal closure by the peer (codes 1000 and 1001) is io.EOF; a read after
// Close wraps net.ErrClosed.
func (c *wsConn) ReadMessage() ([]byte, error) {
	c.reading.Store(true)
	for {
		b, err := c.read()
		if err != nil {
			return nil, c.readError(err)
		}
		if !isKeepAlive(b) {
			return b, nil
		}
		switch {
		case string(b) != "\r\n\r\n":
		case c.onPing != nil:
			c.onPing()
		default:
			// Nobody to answer for us: the reader may write, since
			// coder/websocket allows writes concurrent with another.
			if err := c.WriteKeepAlive(true); err != nil {
				return nil, err
			}
		}
	}
}

// read reads one message, the wait for its first frame unbounded.
func (c *wsConn) read() ([]byte, error) {
	_, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return nil, err
	}
	if c.readTimeout > 0 {
		c.raw.SetReadDeadline(time.Now().Add(c.readTimeout))
		defer c.raw.SetReadDeadline(time.Time{})
	}
	return io.ReadAll(r)
}

// readError maps a read error to what the stream actors test for.
func (c *wsConn) readError(err error) error {
	switch {
	case c.closing.Load() && !errors.Is(err, net.ErrClosed):
		return fmt.Errorf("sip: WebSocket read: %w: %w", net.ErrClosed, err)
	case c.closing.Load():
		return fmt.Errorf("sip: WebSocket read: %w", err)
	case errors.Is(err, websocket.ErrMessageTooBig):
		return fmt.Errorf("%w: WebSocket message above %d bytes: %w", message.ErrMessageTooLarge, c.limit, err)
	case websocket.CloseStatus(err) == websocket.StatusNormalClosure,
		websocket.CloseStatus(err) == websocket.StatusGoingAway:
		return io.EOF
	}
	return fmt.Errorf("sip: WebSocket read: %w", err)
}

// WriteMessage writes b as one WebSocket message (RFC 7118 §4.2): a text
// message, or a binary one when b is not valid UTF-8, which a text message
// must be (RFC 6455 §5.6) and a SIP body need not be (RFC 7118 §4.2).
func (c *wsConn) WriteMessage(b []byte) error {
	return c.write(b)
}

// write writes one message within the write timeout; when it expires
// coder/websocket closes the connection, which a stuck peer deserves.
func (c *wsConn) write(b []byte) error {
	typ := websocket.MessageText
	if !utf8.Valid(b) {
		typ = websocket.MessageBinary
	}
	ctx := context.Background()
	if c.writeTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.writeTimeout)
		defer cancel()
	}
	if err := c.ws.Write(ctx, typ, b); err != nil {
		if c.closing.Load() && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("sip: WebSocket write: %w: %w", net.ErrClosed, err)
		}
		return fmt.Errorf("sip: WebSocket write: %w", err)
	}
	return nil
}

// SetOnPing sets the function called, on the reading goroutine, for each
// double CRLF ping read; without one ReadMessage answers pings itself.
func (c *wsConn) SetOnPing(f func()) { c.onPing = f }

// WriteKeepAlive writes a CRLF keep-alive of RFC 5626 §3.5.1 in a message of
// its own: a ping (CRLFCRLF), or with pong set a pong (CRLF).
func (c *wsConn) WriteKeepAlive(pong bool) error {
	if pong {
		return c.write([]byte("\r\n"))
	}
	return c.write([]byte("\r\n\r\n"))
}

// Close closes the connection with a normal closure (RFC 6455 §7.1.2, code
// 1000), waiting for the peer's Close frame at most closeTimeout, after which
// the TCP connection is closed under it. A blocked ReadMessage returns. Close
// may be called more than once and concurrently with the other methods.
//
// A connection that was never read from (one refused over a connection
// limit, or left in a closing listener) is closed in the background: its
// owner has no reader to wait for, and a peer that does not answer must not
// hold it up. The closing handshake then ends within closeTimeout all the
// same.
func (c *wsConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		if !c.reading.Load() {
			go c.shut()
			return
		}
		err = c.shut()
	})
	return err
}

// shut runs the closing handshake within closeTimeout and closes the
// connection, then done.
func (c *wsConn) shut() error {
	defer close(c.done)
	force := time.AfterFunc(c.closeTimeout, func() { c.raw.Close() })
	err := c.ws.Close(websocket.StatusNormalClosure, "")
	force.Stop()
	// coder/websocket has closed raw unless the peer closed first;
	// closing it again makes sure and costs nothing.
	c.raw.Close()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("sip: WebSocket close: %w", err)
	}
	return nil
}

// Local returns the local address of the connection.
func (c *wsConn) Local() netip.AddrPort { return c.local }

// Remote returns the peer's address.
func (c *wsConn) Remote() netip.AddrPort { return c.remote }
