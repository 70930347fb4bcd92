// Package transport owns the sockets of a SIP stack (RFC 3261 §18, RFC 3581):
// one actor per listening socket (UDP) or per listener and connection (TCP,
// TLS, WebSocket). A reader goroutine turns what arrives into parsed messages
// for the stack; writes are messages to the transport's PID.
//
// # Receiving
//
// A UDP transport (NewUDP) reads datagrams in its own goroutine, so that no
// actor ever blocks on the socket. Each request gets received and rport
// stamped on its top Via (StampReceived: RFC 3261 §18.2.1, RFC 3581 §4), and
// every message goes to the configured handler as a *Incoming. A response
// whose top Via is not this transport's is discarded (RFC 3261 §18.1.2). A
// request that does not parse but has a readable top Via is answered at once
// with a stateless 400 whose reason phrase names the problem (513 for a
// message too large, 414 for a Request-URI too long, 505 for a version
// other than SIP/2.0: ParseError.StatusCode); other
// unparsable datagrams are dropped. Stats counts all of it. The reader
// takes up to 8 datagrams per system call (recvmmsg(2) on Linux), and the
// socket asks for a 4 MiB receive buffer (UDPConfig.ReadBuffer): the
// kernel's default overflows when a few hundred requests arrive at once.
//
// # Sending
//
// Send a *Outgoing to the transport's PID. A request goes to its Dest, which
// the caller chose with RequestTarget (RFC 3261 §8.1.2, §16.12, §18.1.1;
// RFC 3263 §4 without NAPTR and SRV) and Resolve. A response goes where its
// top Via says (ResponseTarget: RFC 3261 §18.2.2, RFC 3581 §4). A message that
// cannot be written comes back to ReplyTo as a *SendError (RFC 3261 §17.1.4,
// §17.2.4). A UDP transport also takes a *Datagram, bytes serialized before
// (a transaction's retransmission), and writes what waits in its mailbox
// with one system call (sendmmsg(2) on Linux).
//
// # Streams
//
// A stream transport (NewTCP, NewTLS) is a listener actor with one child
// actor per connection, accepted or dialled; each connection has its own
// reader goroutine, which frames messages by Content-Length (RFC 3261 §18.3)
// and answers CRLF keep-alive pings (RFC 5626 §3.5.1). Every *Incoming names
// the listener as its Transport: a response sent to the listener goes back
// on the connection its request came from (Outgoing.Source) while it is
// open, and otherwise on a new connection to the received address of its
// top Via at the sent-by port (RFC 3261 §18.2.2). Requests reuse the open
// connection to their Dest or dial one. A connection closes when it idles,
// when its framing is lost (a request that cannot be framed gets a
// stateless 400 first, or 513 when its Content-Length is above the limit), or when a write fails; StreamConfig bounds the
// time a peer may take and the connections it may open.
//
// # Supervision
//
// A transport binds its socket when it starts and panics when it cannot, so
// that its supervisor decides when to try again; it closes the socket, waits
// for its reader and leaves the registry when it stops or restarts, and a
// restart binds again.
package transport
