package location

import "errors"

// ErrClosed is returned by Update on a Store that has been closed.
var ErrClosed = errors.New("sip: location store closed")

// A Store is a location service: the bindings of each address-of-record
// (RFC 3261 §10.1). Keys are canonical AORs as returned by AOR. A Store is
// safe for concurrent use, and never returns expired bindings.
//
// Bindings given to and returned by a Store are copies: changing them
// changes nothing in the Store.
type Store interface {
	// Lookup returns the bindings of aor that have not expired, highest
	// q-value first, or nil when there are none.
	Lookup(aor string) []Binding

	// Update replaces the bindings of aor atomically: it calls fn with the
	// bindings that have not expired (fn may change and return that
	// slice) and stores the bindings fn returns, dropping those already
	// expired. The registrar needs this to apply a REGISTER all or nothing
	// (RFC 3261 §10.3 step 7): when fn returns an error, nothing changes
	// and Update returns that error. fn must not call the Store.
	//
	// Update returns the bindings now stored, highest q-value first.
	Update(aor string, fn func(current []Binding) ([]Binding, error)) ([]Binding, error)
}
