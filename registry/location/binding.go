package location

import (
	"time"

	"github.com/sippet-go/sippet/message"
)

// A Binding maps an address-of-record to one contact address (RFC 3261 §10.3).
type Binding struct {
	// AOR is the canonical address-of-record (see AOR).
	AOR string
	// Contact is the contact address as the REGISTER gave it, without its
	// expires parameter (Expires holds that); q and any other parameter
	// are kept.
	Contact message.Address
	// Expires is when the binding ends.
	Expires time.Time
	// CallID and CSeq are those of the REGISTER that last refreshed the
	// binding: RFC 3261 §10.3 step 7 compares them with later requests to
	// discard requests that arrive out of order.
	CallID string
	CSeq   uint32
	// Q is the contact's q-value in thousandths (0-1000), the preference
	// among the contacts of one AOR (RFC 3261 §20.10). A contact without a
	// q parameter gets 1000, as if it had q=1.0.
	Q int
	// Path is the Path of the REGISTER, top first (RFC 3327 §5.3): the
	// proxies a request for the contact must go through, as a preloaded
	// route set.
	Path []message.Address
}

// Remaining returns how long the binding still lasts at now; zero or less
// means it has expired.
func (b *Binding) Remaining(now time.Time) time.Duration { return b.Expires.Sub(now) }

// Clone returns a copy of b that shares no storage with it.
func (b *Binding) Clone() Binding {
	c := *b
	c.Contact = *b.Contact.Clone().(*message.Address)
	if b.Path != nil {
		c.Path = make([]message.Address, len(b.Path))
		for i := range b.Path {
			c.Path[i] = *b.Path[i].Clone().(*message.Address)
		}
	}
	return c
}
