package transport

import (
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
)

// Incoming is what a transport sends to its stack for each message it reads:
// the parsed message (with received and rport already stamped on the top Via
// of a request, RFC 3261 §18.2.1, RFC 3581 §4) and where it came from.
//
// Incoming and the message it carries are immutable once sent.
type Incoming struct {
	Message *message.Message
	// Protocol is the Via transport token of the socket: "UDP", "TCP", "TLS",
	// "WS" or "WSS".
	Protocol string
	// Reliable tells whether the transport is reliable (RFC 3261 §17: the
	// timers that retransmit are not used on reliable transports).
	Reliable bool
	// Source is the address the message came from; Local the address it
	// arrived on.
	Source, Local netip.AddrPort
	// Transport is the PID of the actor that read the message: responses to a
	// request go back through it (RFC 3261 §18.2.2).
	Transport *actor.PID
}

// Outgoing asks a transport to write a message. Sending a *Outgoing (or,
// to a datagram transport, a *Datagram) to a transport's PID is the only
// way to write on its socket.
type Outgoing struct {
	Message *message.Message
	// Dest is where a request goes, resolved by the caller (RequestTarget).
	// For a response, leave it zero: the transport routes it by its top Via
	// (RFC 3261 §18.2.2, RFC 3581 §4).
	Dest netip.AddrPort
	// Host is, for a request, the host name the destination was resolved
	// from ("" for an IP literal): TLS and WSS verify the peer's
	// certificate for it (RFC 5922 §4) when the TLS configuration names no
	// ServerName.
	Host string
	// Source is, for a response, where its request came from
	// (Incoming.Source): a stream transport sends the response on the
	// connection from that address while it is open (RFC 3261 §18.2.2).
	// Datagram transports ignore it.
	Source netip.AddrPort
	// retried marks a message a stream transport is sending a second
	// time, after the connection it was written on failed.
	retried bool
	// ReplyTo, when set, receives a *SendError if the message cannot be
	// written (RFC 3261 §17.1.4, §17.2.4: transport errors reach the
	// transaction).
	ReplyTo *actor.PID
}

// Datagram asks a datagram transport (UDP) to write Data, a message that
// was serialized before, to Dest as it is. A transaction in a wait state
// retransmits so (RFC 3261 §17.1.1.2, §17.2.2): it keeps the bytes it sent,
// a few hundred, rather than the parsed messages. A failure is counted in
// Stats and logged; nobody is told, as for any retransmission lost on the
// way, unless ReplyTo is set: it then gets a *SendError with Message, the
// message that Data holds. Stream transports ignore a Datagram: they never
// retransmit.
type Datagram struct {
	Data    []byte
	Dest    netip.AddrPort
	Message *message.Message
	ReplyTo *actor.PID
}

// SendError reports a message that a transport failed to write.
type SendError struct {
	Message *message.Message
	Err     error
}
