// Package actors is the SIP stack: its supervision tree, the router between
// transports, transactions and the core, the Core behaviour and its adapter,
// and the public start, send and register API (RFC 3261 §8, §16, §17, §18
// as seen from the element that composes them).
//
// The stack is a protoactor-go supervisor named after the stack, with three
// children: the transports supervisor, the transaction manager and the core,
// mirroring the OTP tree of the Elixir library Sippet.
package actors
