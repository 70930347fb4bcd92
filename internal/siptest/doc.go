// Package siptest holds what the tests of the stack and of the example
// programs share: a raw UDP exchange with a SIP server on loopback, a free
// port for sipp, and the goroutine-leak check of a package's tests. It is
// internal: test support, not part of the library. Its exchanges follow
// RFC 3261 §18 over UDP: one datagram out, responses in until a final one.
package siptest
