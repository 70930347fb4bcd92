// Package transaction implements the four transaction state machines of
// RFC 3261 §17 (client and server, INVITE and non-INVITE) with the changes of
// RFC 6026, one actor per transaction, with its timers derived from the
// stack's T1, T2 and T4.
package transaction
