package proxy

import (
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/registry/location"
)

// Location is the Locator and Registrar that a Proxy uses by default: the
// registrar of RFC 3261 §10.3 (package registry/location) and the bindings
// it keeps, looked up by address-of-record (§16.5), with their Path as the
// route to each contact (RFC 3327).
type Location struct {
	// Registrar answers REGISTER requests and holds the Store.
	Registrar location.Registrar
}

// NewLocation returns a Location over an in-memory store, with the
// registrar's default intervals. The proxy has decided that a REGISTER is
// for one of its domains before it gets here, so the registrar checks no
// domain. Close stops the store's expiry timers.
func NewLocation() *Location {
	return &Location{Registrar: location.Registrar{Store: location.NewMemory(location.MemoryConfig{})}}
}

// Register answers a REGISTER (RFC 3261 §10.3).
func (l *Location) Register(req *message.Message) *message.Message { return l.Registrar.Register(req) }

// Lookup returns the contacts bound to aor, best q first. An AOR without
// bindings is an unknown user: ok is false.
//
// The proxy looks up Request-URIs that name it, often with its port
// ("sip:bob@127.0.0.1:5060"), while UAs register their address-of-record
// with or without one: a Request-URI with a port that has no binding is
// looked up again without it.
func (l *Location) Lookup(aor *message.URI) ([]Target, bool) {
	bs := l.lookup(aor)
	if len(bs) == 0 && aor.Port != 0 {
		bare := *aor
		bare.Port = 0
		bs = l.lookup(&bare)
	}
	if len(bs) == 0 {
		return nil, false
	}
	targets := make([]Target, len(bs))
	for i := range bs {
		b := &bs[i]
		targets[i].URI = b.Contact.URI.Clone()
		for j := range b.Path {
			targets[i].Path = append(targets[i].Path, b.Path[j].Clone().(*message.Address))
		}
	}
	return targets, true
}

func (l *Location) lookup(aor *message.URI) []location.Binding {
	key, err := location.AOR(aor)
	if err != nil {
		return nil
	}
	return l.Registrar.Store.Lookup(key)
}

// Close releases the store when it has a Close method (the in-memory one
// stops its timers).
func (l *Location) Close() error {
	if c, ok := l.Registrar.Store.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
