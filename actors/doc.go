// Package actors is the SIP stack: its supervision tree, the router between
// transports, transactions and the core, the Core behaviour and its adapter,
// and the public start, send and register API (RFC 3261 §8, §16, §17, §18
// as seen from the element that composes them).
//
// # The tree
//
// Spawn starts a stack as a protoactor-go actor named after the stack, in an
// actor system of the caller's that any number of stacks may share. It has
// three children, mirroring the OTP tree of the Elixir library Sippet:
//
//	<name>               the stack: supervisor of the three below
//	├── transports       supervisor of the transport actors (ListenUDP)
//	├── transactions     the transaction manager and its transactions
//	└── core             the Core given to RegisterCore
//
// Supervision policies are data (RestartPolicy in Config): a core that panics
// is restarted (the same Core value goes on receiving), a transport whose
// socket fails is restarted with a backoff and binds again, and a transaction
// that panics is stopped alone, since a restarted one would have lost its
// state. Every panic is logged with its stack trace through Config.Logger;
// the failure's reason is a *PanicError.
//
// # The lifecycle
//
// A stack receives nothing until a transport listens and a core is
// registered; requests that arrive without a core are dropped by their
// transaction. The core is called from one actor, one event at a time. It
// answers with Send, which routes a response through its server transaction,
// sends an ACK for a 2xx straight to the transport, and starts a client
// transaction for any other request. Shutdown refuses new requests, lets the
// transactions in flight finish until its context ends, then stops the tree
// and closes the sockets; no goroutine is left behind.
//
// A user who prefers an actor of their own as the core registers its PID
// with RegisterCorePID; it then receives *transaction.RequestEvent,
// *transaction.ResponseEvent and *transaction.ErrorEvent messages. The stack's
// PID accepts *message.Message (sent as by Send) and *transaction.Terminate;
// a transport's PID accepts *transport.Outgoing.
//
// Messages are handed between actors by pointer, without copies: a message
// given to Send, or delivered to the core, must not be changed afterwards
// (Clone it to derive another).
//
// The library prints nothing: the stack logs through Config.Logger, and
// SystemLogger routes protoactor's own logs to the same place.
package actors
