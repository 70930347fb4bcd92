// Package transaction implements the four transaction state machines of
// RFC 3261 §17 (client and server, INVITE and non-INVITE) with the changes of
// RFC 6026, one actor per transaction, with its timers derived from the
// stack's T1, T2 and T4.
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
// new server transactions (503 with Retry-After) while live ones finish.
//
// # Transactions
//
// Each transaction is an actor whose states carry the names of RFC 3261
// Figures 5 to 8 as amended by RFC 6026 §7 (StateCalling, StateTrying,
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
// terminates at once. Timers are plain time.AfterFunc timers that send a
// message to the transaction, stopped when it stops; tests run them in
// virtual time with testing/synctest.
//
// # Failures
//
// A panic in a transaction is logged with its stack trace and stops that
// transaction alone (its supervisor, the manager, never restarts one: a
// restarted transaction would have lost its state).
package transaction
