package transport

import "errors"

// Sentinel errors. Errors returned by this package, and those carried by a
// *SendError, wrap one of them (or a net error), so that callers test
// conditions with errors.Is.
var (
	// ErrNoTarget reports a request whose next hop cannot be told: no
	// Request-URI, a URI that is not SIP or SIPS, or one without a host
	// (RFC 3261 §8.1.2, §16.12).
	ErrNoTarget = errors.New("sip: no target for request")
	// ErrUnsupportedTransport reports a transport parameter this package does
	// not know, or one that cannot carry a SIPS request (RFC 3261 §26.2.2).
	ErrUnsupportedTransport = errors.New("sip: unsupported transport")
	// ErrNoAddress reports a host name that resolved to no usable address, or
	// a port out of range.
	ErrNoAddress = errors.New("sip: no address for host")
	// ErrNoDestination reports an Outgoing that cannot be routed: no message,
	// a request without Dest, or a response without a Via (RFC 3261 §18.2.2).
	ErrNoDestination = errors.New("sip: no destination")
	// ErrMessageTooLarge reports a message that does not fit in a datagram
	// (65 535 bytes, RFC 3261 §18.1.1).
	ErrMessageTooLarge = errors.New("sip: message too large for a datagram")
	// ErrNoCertificate reports a TLS or WSS transport whose configuration
	// has no certificate to present (RFC 3261 §26.2.1).
	ErrNoCertificate = errors.New("sip: no TLS certificate")
)
