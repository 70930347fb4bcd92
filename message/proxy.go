package message

import (
	"fmt"
	"slices"
)

// The helpers below are the header changes of RFC 3261 §16.6 (request
// forwarding) and §16.7 (response processing). They change m, so a proxy
// calls them on its own copy of a received message (Clone, §16.6 step 1),
// never on a message other actors may hold. They never change a Value in
// place; they replace or remove header entries, so values shared with the
// original message stay as they were.

// DecrementMaxForwards decrements Max-Forwards and returns the new value
// (§16.6 step 3). A request without Max-Forwards gets one of 70, and 70 is
// returned. A request whose Max-Forwards is already 0 must not be forwarded
// (§16.3 step 3): m is left as it is and the error is a *ValidationError with
// StatusCode 483 that wraps ErrTooManyHops. (A proxy may answer an OPTIONS
// with Max-Forwards 0 itself instead, §11.)
func (m *Message) DecrementMaxForwards() (int, error) {
	i := m.Headers.Index(HeaderMaxForwards)
	if i < 0 {
		m.Headers.push(HeaderMaxForwards, &Number{Value: InitialMaxForwards})
		return InitialMaxForwards, nil
	}
	n, ok := m.Headers[i].Value.(*Number)
	if !ok || n == nil {
		return 0, fmt.Errorf("%w (%s): not a number", ErrInvalidHeader, HeaderMaxForwards)
	}
	if n.Value <= 0 {
		return 0, &ValidationError{
			StatusCode: StatusTooManyHops,
			Header:     HeaderMaxForwards,
			Detail:     "Max-Forwards is 0",
			Err:        ErrTooManyHops,
		}
	}
	m.Headers[i].Value = &Number{Value: n.Value - 1}
	return n.Value - 1, nil
}

// PushVia puts v on top of the Via values: a proxy does so before forwarding
// a request, with a branch from NewBranch (§16.6 step 8). m keeps v, which
// must not be nil nor change afterwards.
func (m *Message) PushVia(v *Via) { m.Headers.push(HeaderVia, v) }

// PopVia removes the top Via value and returns it, or nil when there is none:
// a proxy removes its own Via from a response before passing it upstream
// (§16.7 step 3).
func (m *Message) PopVia() *Via {
	v, _ := m.Headers.Remove(HeaderVia).(*Via)
	return v
}

// PushRoute puts a on top of the Route values: a proxy does so to send a
// request through another proxy before its target (§16.6 step 6), and so does
// a UAC with a preloaded route (§8.1.2). m keeps a, which must not be nil nor
// change afterwards.
func (m *Message) PushRoute(a *Address) { m.Headers.push(HeaderRoute, a) }

// PopRoute removes the top Route value and returns it, or nil when there is
// none: a proxy removes the Route value naming itself (§16.4), which a loose
// router (see URI.IsLooseRouter) put there from its Record-Route (§16.12).
func (m *Message) PopRoute() *Address {
	a, _ := m.Headers.Remove(HeaderRoute).(*Address)
	return a
}

// PushRecordRoute puts a on top of the Record-Route values, so that the
// requests of the dialog that this request creates come through the proxy
// (§16.6 step 4). The URI of a should have the lr parameter (§16.12) and
// m keeps a, which must not be nil nor change afterwards.
func (m *Message) PushRecordRoute(a *Address) { m.Headers.push(HeaderRecordRoute, a) }

// IsLooseRouter reports whether u has the lr parameter, which marks the
// element it names as a loose router (RFC 3261 §19.1.1, §16.12). A request
// whose next hop has a Route URI without lr must be sent the strict-routing
// way: that URI becomes the Request-URI (§16.6 step 6, §12.2.1.1). The name
// may be escaped, as in RFC 4475 §3.1.1.3.
func (u *URI) IsLooseRouter() bool {
	if u == nil {
		return false
	}
	_, ok := findURIParamIndex(u.Params, "lr")
	return ok
}

// push puts v before the values of the header name (canonical), with
// Headers.Insert so that the values stay on their lines. The first value of a
// header goes near the top of the message, where §7.3.1 recommends the
// headers that proxies read: a Via first, any other right after the Vias.
func (hs *Headers) push(name string, v Value) {
	if hs.Index(name) >= 0 {
		hs.Insert(name, v)
		return
	}
	at := 0
	if name != HeaderVia {
		for i := range *hs {
			if (*hs)[i].matches(HeaderVia) {
				at = i + 1
			}
		}
	}
	*hs = slices.Insert(*hs, at, Header{Name: name, Value: v})
}
