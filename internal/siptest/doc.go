// Package siptest holds what the tests of the example programs share: a raw
// UDP exchange with a SIP server on loopback and a free port for sipp. It is
// internal: test support, not part of the library. Its exchanges follow
// RFC 3261 §18 over UDP: one datagram out, responses in until a final one.
package siptest
