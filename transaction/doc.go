// Package transaction implements the four transaction state machines of
// RFC 3261 §17 (client and server, INVITE and non-INVITE) with the changes of
// RFC 6026, each run by an actor, with its timers derived from the stack's
// T1, T2 and T4.
//
// # Manager
//
// NewManager returns the Props of the manager, the one actor of a stack
// that transports send their *transport.Incoming messages to. It matches
// each message to a transaction by Key (ServerKey for requests, RFC 3261
// §17.2.3; ClientKey for responses, §17.1.3), spawns server transactions
// for new requests and client transactions on *StartClient, registers
// every transaction in the stack's registry so that the core's responses
// (*Respond) find their server transaction, and forgets it when it ends.
// Messages with no transaction go to the core directly: the ACK of a 2xx
// (§17.2.3) and stray responses (§18.1.2). A CANCEL gets a server
// transaction of its own, answered 200 when it matches an INVITE server
// transaction and 481 otherwise (§9.2); the core then receives it with the
// key of that INVITE, so that it can answer the INVITE 487. *Drain stops
// new server transactions (503 with Retry-After) while live ones finish,
// and so does Config.MaxTransactions while the manager holds that many:
// under overload the stack's memory stays bounded.
//
// # Transactions
//
// A transaction's states carry the names of RFC 3261 Figures 5 to 8 as
// amended by RFC 6026 §7 (StateCalling, StateTrying,
// StateProceeding, StateCompleted, StateAccepted, StateConfirmed,
// StateTerminated):
//
//   - client INVITE (§17.1.1): retransmits on Timer A, times out on Timer
//     B, ACKs non-2xx final responses itself and waits Timer D; a 2xx moves
//     it to Accepted (RFC 6026 §8.4), where 2xx retransmissions still reach
//     the core, until Timer M.
//   - client non-INVITE (§17.1.2): Timer E, Timer F, Timer K.
//   - server INVITE (§17.2.1): sends 100 (Trying) after Timers.Trying unless
//     the core answered first, answers retransmitted INVITEs with the last
//     response, retransmits non-2xx final responses on Timer G until the
//     ACK (Confirmed, Timer I) or Timer H; a 2xx moves it to Accepted
//     (RFC 6026 §8.5) where INVITE retransmissions are absorbed and the
//     core's own 2xx retransmissions are sent, until Timer L.
//   - server non-INVITE (§17.2.2): answers retransmissions with the last
//     response, and waits Timer J after the final one.
//
// Clients send *transport.Outgoing with the destination of StartClient;
// servers send with a zero Dest, so that the transport routes responses by
// their top Via (§18.2.2). Both ask for *transport.SendError, which ends the
// transaction with an ErrorEvent (§17.1.4, §17.2.4).
//
// A host runs one transaction at a time, on the goroutine of whoever sends
// it a message (a transaction never blocks), and the manager gives it the
// next transaction once its own has ended, instead of spawning an actor
// per transaction: protoactor-go's spawn and stop cost as much as the rest
// of a request's work. A message for a transaction that its host no longer
// runs goes back to the manager.
//
// A transaction in a wait state on an unreliable transport (Completed of
// the non-INVITE machines and of the client INVITE, Confirmed of the
// server INVITE) only answers retransmissions with what it last sent, or
// absorbs them. The manager then holds it as a record of those bytes, a
// few hundred, rather than an actor holding parsed messages: at 20 000
// requests/s Timer J keeps 640 000 transactions waiting. It leaves the
// registry, which holds the live transactions only (so that the lookups of
// every request stay in the processor's cache): a late response from the
// core, which RFC 3261 §17.2.2 discards, finds no transaction.
//
// The core (registry.Core, looked up at every event) receives
// *RequestEvent, *ResponseEvent and *ErrorEvent. An ErrorEvent wraps
// ErrTimeout (Timers B, F, H), carries the transport's error, or is
// ErrTerminated when a transaction whose core still waited for a final
// response was ended by *Terminate, by the stack's shutdown or by a panic.
//
// # Timers
//
// Timers holds T1, T2, T4 and the 100 (Trying) delay; its zero value means
// the RFC defaults, and its methods give Timers A to M (RFC 3261 Table 4,
// RFC 6026 §8.11). On reliable transports the retransmission timers (A, E,
// G) do not run and the wait timers D, I, J and K are zero: the transaction
// terminates at once. The timers of live transactions are time.AfterFunc
// timers that send a message to the host, stopped when the transaction
// ends; the wait timers of records run in the manager, in one FIFO queue
// per duration with one runtime timer each, and so does the bound on how
// long a core may leave a request unanswered (64*T1+T4), in a list that a
// transaction leaves once answered. Tests run all of them in virtual time
// with testing/synctest.
//
// # Failures
//
// A panic in a transaction is logged with its stack trace and stops that
// transaction's host alone (its supervisor, the manager, never restarts
// one: a restarted transaction would have lost its state); a core still
// waiting for it gets ErrTerminated.
package transaction
