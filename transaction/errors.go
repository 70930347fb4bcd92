package transaction

import "errors"

var (
	// ErrTimeout is the error of a transaction whose Timer B, F or H fired
	// (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1).
	ErrTimeout = errors.New("sip: transaction timed out")
	// ErrNoTransaction is returned for a response that matches no server
	// transaction.
	ErrNoTransaction = errors.New("sip: no transaction")
	// ErrTerminated is the error of a transaction ended by Terminate or by
	// the stack's shutdown.
	ErrTerminated = errors.New("sip: transaction terminated")
)
