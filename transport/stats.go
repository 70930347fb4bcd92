package transport

import "sync/atomic"

// Stats counts what a transport did. Counters only grow; they are safe to read
// while the transport runs. Several transports may share one Stats.
type Stats struct {
	// Received counts datagrams read (keep-alives included) and messages
	// read on a stream (keep-alives not included).
	Received atomic.Uint64
	// Dropped counts datagrams read and discarded: unparsable responses and
	// garbage, malformed requests without a readable Via (which cannot be
	// answered), ACKs that do not parse (never answered, RFC 3261 §17.2.3),
	// responses whose top Via is not this transport's (RFC 3261 §18.1.2), and
	// messages read while there is no Handler.
	Dropped atomic.Uint64
	// BadRequests counts malformed requests answered with a stateless 400
	// (RFC 3261 §8.2, §18.2); they count in Sent as well when written.
	BadRequests atomic.Uint64
	// Sent counts datagrams and stream messages written.
	Sent atomic.Uint64
	// SendErrors counts messages that could not be written.
	SendErrors atomic.Uint64

	// Accepted counts the connections a stream transport accepted and kept;
	// Refused those it closed at once, over MaxConns or MaxConnsPerIP.
	Accepted, Refused atomic.Uint64
	// Dialled counts the connections a stream transport opened to send on.
	Dialled atomic.Uint64
	// Closed counts the stream connections closed, for whatever reason.
	Closed atomic.Uint64
}
