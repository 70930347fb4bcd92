package transaction

import "errors"

var (
	// ErrTimeout is the error of a transaction whose Timer B, F or H fired
	// (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1).
	ErrTimeout = errors.New("sip: transaction timed out")
	// ErrNoTransaction is returned for a response that matches no live
	// server transaction: none, or one that has sent its final response
	// (RFC 3261 §17.2.2).
	ErrNoTransaction = errors.New("sip: no transaction")
	// ErrTerminated is the error of a transaction ended by Terminate, by the
	// stack's shutdown, or by a panic, before its transaction user had its
	// final response.
	ErrTerminated = errors.New("sip: transaction terminated")
	// ErrExists is the error of a StartClient whose key names a live
	// transaction: the request's top Via needs a fresh branch (RFC 3261
	// §8.1.1.7).
	ErrExists = errors.New("sip: transaction already exists")
	// ErrNoTransport is the error of a StartClient without a transport.
	ErrNoTransport = errors.New("sip: no transport")
	// ErrOverloaded is the error of a StartClient refused because the
	// manager holds Config.MaxTransactions transactions already.
	ErrOverloaded = errors.New("sip: too many transactions")
)

// errUnknownTransport stands for a transport error that came without one.
var errUnknownTransport = errors.New("sip: transport error")
