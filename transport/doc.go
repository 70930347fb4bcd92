// Package transport owns the sockets of a SIP stack (RFC 3261 §18, RFC 3581):
// one actor per listening socket (UDP) or per listener and connection (TCP,
// TLS, WebSocket). A reader goroutine turns what arrives into parsed messages
// for the stack; writes are messages to the transport's PID.
package transport
