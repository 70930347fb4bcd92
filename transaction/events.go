package transaction

import (
	"net/netip"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/message"
)

// The events below go from the transaction layer to its user, the
// transaction user (TU) of RFC 3261 §17: the stack's core. They are the Go
// form of Sippet's receive_request, receive_response and receive_error.

// RequestEvent delivers a request to the core. Key is the server
// transaction that will carry the core's responses. Two requests come
// without a transaction of their own: an ACK for a 2xx (RFC 3261 §17.2.3:
// it belongs to the dialog, not to the INVITE transaction) carries the key
// computed from the ACK, which names no live transaction; and a CANCEL
// (RFC 3261 §9.2), already answered 200 by the stack, carries the key of the
// INVITE transaction it cancels, so that the core can answer that INVITE
// with 487 (Request Terminated).
type RequestEvent struct {
	Key     Key
	Request *message.Message
}

// ResponseEvent delivers a response to the core: one received by client
// transaction Key, or a stray response that matched none (RFC 3261
// §18.1.2; a 2xx retransmission for a dialog, for instance), with the key
// computed from it.
type ResponseEvent struct {
	Key      Key
	Response *message.Message
}

// ErrorEvent tells the core that transaction Key failed: Err wraps
// ErrTimeout when Timer B, F or H fired (RFC 3261 §17.1.1.2, §17.1.2.2,
// §17.2.1), or the transport's error (§17.1.4, §17.2.4).
type ErrorEvent struct {
	Key Key
	Err error
}

// The messages below go to the transaction manager.

// StartClient asks the manager to start a client transaction for Request
// (RFC 3261 §17.1), sent to Dest through Transport. The request's top Via
// must already carry the branch that keys the transaction (§8.1.1.7). The
// manager answers nothing: a failure reaches the core as an ErrorEvent.
type StartClient struct {
	Request *message.Message
	Dest    netip.AddrPort
	// Host is the name Dest was resolved from, for TLS (transport.Outgoing).
	Host      string
	Transport *actor.PID
	// Reliable selects the timers of a reliable transport (§17.1.1.2,
	// §17.1.2.2).
	Reliable bool
}

// Terminate ends transaction Key at once, in whatever state (Sippet's
// terminate). Sent to the manager, or to the transaction itself (then Key
// is ignored).
type Terminate struct {
	Key Key
}

// Respond hands a response from the core to its server transaction
// (RFC 3261 §17.2.1, §17.2.2), which sends it and runs its timers.
type Respond struct {
	Response *message.Message
}

// Drain tells the manager that the stack is shutting down: from now on it
// starts no server transaction, and answers each request that would start
// one with 503 (Service Unavailable, RFC 3261 §21.5.4), statelessly, with a
// Retry-After (§20.33) of RetryAfter rounded up to seconds (none when
// RetryAfter is zero). Live transactions run to their end: their
// retransmissions, ACKs, CANCELs and responses are still handled. So is
// StartClient, since a core may still have to end its dialogs. Draining
// cannot be undone: a drained manager is meant to be stopped.
type Drain struct {
	// Done, if not nil, is closed once no transaction has a core waiting
	// for it (at once if none has): every transaction left is in a wait
	// state (Completed, Confirmed, Accepted), where it only absorbs
	// retransmissions, and stopping it loses nothing the core was told
	// about. Each Drain needs its own channel.
	Done       chan<- struct{}
	RetryAfter time.Duration
}
