package transaction

import "strconv"

// A State is a state of a transaction state machine, named as in the
// figures of RFC 3261 §17 and RFC 6026 §7.
type State uint8

// The states of the four machines. Calling belongs to the client INVITE
// machine only, Trying to the non-INVITE machines, Accepted (RFC 6026) and
// Confirmed to the INVITE machines.
const (
	StateCalling State = iota + 1
	StateTrying
	StateProceeding
	StateCompleted
	StateAccepted
	StateConfirmed
	StateTerminated
)

var stateNames = [...]string{
	StateCalling:    "Calling",
	StateTrying:     "Trying",
	StateProceeding: "Proceeding",
	StateCompleted:  "Completed",
	StateAccepted:   "Accepted",
	StateConfirmed:  "Confirmed",
	StateTerminated: "Terminated",
}

// String returns the RFC name of the state ("Proceeding").
func (s State) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// pending reports whether the transaction user still waits for the outcome
// of a transaction in state s: no final response was received (client) or
// sent (server) yet.
func (s State) pending() bool {
	return s == StateCalling || s == StateTrying || s == StateProceeding
}
