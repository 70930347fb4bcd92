package transport

import (
	"context"
	"net/netip"
)

// The stream transports (TCP, TLS, WS, WSS; RFC 3261 §18, RFC 7118) share
// one pair of actors: a listener per listening socket, which accepts
// connections, keeps them by remote address and dials new ones, and a child
// actor per connection with its own reader goroutine. What differs between
// the protocols is only how bytes become messages and how a connection is
// made, which a streamProto says.

// A framedConn is one open connection as the stream actors see it: whole
// SIP messages in and out, whatever the framing (Content-Length on a byte
// stream, one message per frame on a WebSocket).
type framedConn interface {
	// ReadMessage blocks until the next message's bytes (one complete SIP
	// message; keep-alives are consumed inside) or an error. After an
	// error the connection is closed by the caller. A framing error that
	// still let the header block be read returns that block with the
	// error (as message.StreamReader.ReadFrame does), so that a 400 can be
	// sent before closing.
	ReadMessage() ([]byte, error)
	// WriteMessage writes one complete message. Safe to call from one
	// goroutine at a time (the connection actor).
	WriteMessage(b []byte) error
	// Close closes the connection; a blocked ReadMessage returns.
	Close() error
	Local() netip.AddrPort
	Remote() netip.AddrPort
}

// An acceptor yields the connections of one listening socket.
type acceptor interface {
	// Accept blocks until a connection is accepted (the handshake of TLS
	// or of the WebSocket upgrade done) or the acceptor is closed.
	Accept() (framedConn, error)
	Close() error
	Addr() netip.AddrPort
}

// A streamProto is one stream transport protocol.
type streamProto struct {
	// Protocol is the Via transport token: "TCP", "TLS", "WS", "WSS".
	Protocol string
	// Listen opens a listening socket on addr ("127.0.0.1:5060").
	Listen func(ctx context.Context, addr string) (acceptor, error)
	// Dial opens a connection to dest within ctx (host is the name to
	// verify in TLS, and to put in the WebSocket URL; may be "").
	Dial func(ctx context.Context, dest netip.AddrPort, host string) (framedConn, error)
}
