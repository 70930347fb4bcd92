package transport

import (
	"bufio"
	"net"
	"net/netip"
	"time"

	"github.com/sippet-go/sippet/message"
)

// Keep-alives of RFC 5626 §3.5.1 on a byte stream.
const (
	crlfPing = "\r\n\r\n"
	crlfPong = "\r\n"
)

// byteConn is the framedConn of TCP and TLS: messages framed by
// Content-Length on a byte stream (RFC 3261 §18.3), with CRLF keep-alives
// between them (RFC 5626 §3.5.1).
type byteConn struct {
	// conn is what is read and written (a *tls.Conn over TLS); raw is what
	// Close closes, the TCP connection, so that closing never waits for a
	// close_notify to be written.
	conn, raw     net.Conn
	br            *bufio.Reader
	sr            *message.StreamReader
	local, remote netip.AddrPort
	// readTimeout and writeTimeout are the config's; 0 or less: no bound.
	readTimeout, writeTimeout time.Duration
	// handshake, when set, runs before the first read: the TLS handshake
	// of an accepted connection, which must not hold up the accept loop.
	handshake func() error
	// onPing and onPong are keepAliveConn's.
	onPing, onPong func()
}

var _ keepAliveConn = (*byteConn)(nil)

// newByteConn frames messages on conn within the limits of cfg.Parser.
func newByteConn(conn, raw net.Conn, cfg *StreamConfig) *byteConn {
	br := bufio.NewReader(conn)
	return &byteConn{
		conn:         conn,
		raw:          raw,
		br:           br,
		sr:           message.NewStreamReader(br, &cfg.Parser),
		local:        streamAddr(raw.LocalAddr()),
		remote:       streamAddr(raw.RemoteAddr()),
		readTimeout:  cfg.ReadTimeout,
		writeTimeout: cfg.WriteTimeout,
	}
}

// streamAddr returns the address of a TCP endpoint, IPv4-mapped addresses as
// IPv4.
func streamAddr(a net.Addr) netip.AddrPort {
	var ap netip.AddrPort
	switch a := a.(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	case nil:
	default:
		ap, _ = netip.ParseAddrPort(a.String())
	}
	return unmapPort(ap)
}

// ReadMessage waits, without a deadline, for the first byte of the next
// message, answering pings on the way; the whole message must then arrive
// within the read timeout, so that a peer cannot hold the reader with a
// message it never ends. An idle connection is the actor's business.
func (b *byteConn) ReadMessage() ([]byte, error) {
	if hs := b.handshake; hs != nil {
		b.handshake = nil
		b.deadline(b.readTimeout)
		if err := hs(); err != nil {
			return nil, err
		}
	}
	b.deadline(0)
	if err := b.skipKeepAlives(); err != nil {
		return nil, err
	}
	b.deadline(b.readTimeout)
	return b.sr.ReadFrame()
}

// deadline sets the read deadline d from now; 0 or less removes it.
func (b *byteConn) deadline(d time.Duration) {
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	b.conn.SetReadDeadline(t)
}

// skipKeepAlives consumes the CRs and LFs before the next start line (RFC
// 3261 §7.5) as message.StreamReader would, calling onPing for each ping:
// every second line end of a run completes one (RFC 5626 §3.5.1), while a
// pong, or a CRLF a sender put after a body, leaves one over. Where this
// side pings, onPong is called for each line end instead.
func (b *byteConn) skipKeepAlives() error {
	lfs := 0
	for {
		if _, err := b.br.Peek(1); err != nil {
			return err
		}
		buf, _ := b.br.Peek(b.br.Buffered())
		i := 0
		for ; i < len(buf) && (buf[i] == '\r' || buf[i] == '\n'); i++ {
			if buf[i] != '\n' {
				continue
			}
			switch lfs++; {
			case b.onPong != nil:
				b.onPong()
			case lfs%2 == 0 && b.onPing != nil:
				b.onPing()
			}
		}
		b.br.Discard(i)
		if i < len(buf) {
			return nil
		}
	}
}

// WriteMessage writes b within the write timeout.
func (b *byteConn) WriteMessage(p []byte) error {
	if b.writeTimeout > 0 {
		b.conn.SetWriteDeadline(time.Now().Add(b.writeTimeout))
	}
	_, err := b.conn.Write(p)
	return err
}

// SetKeepAlive implements keepAliveConn.
func (b *byteConn) SetKeepAlive(onPing, onPong func()) { b.onPing, b.onPong = onPing, onPong }

// WriteKeepAlive implements keepAliveConn.
func (b *byteConn) WriteKeepAlive(pong bool) error {
	if pong {
		return b.WriteMessage([]byte(crlfPong))
	}
	return b.WriteMessage([]byte(crlfPing))
}

// Close closes the connection; a blocked read returns.
func (b *byteConn) Close() error { return b.raw.Close() }

// Local returns the local address of the connection.
func (b *byteConn) Local() netip.AddrPort { return b.local }

// Remote returns the address of the peer.
func (b *byteConn) Remote() netip.AddrPort { return b.remote }
