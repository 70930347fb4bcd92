package proxy

import (
	"strings"
	"sync"
	"time"

	"github.com/sippet-go/sippet/message"
)

// DefaultExpires is the registration interval a Memory grants when a
// REGISTER asks for none (RFC 3261 §10.2.1.1 suggests 3600 s).
const DefaultExpires = 3600

// Memory is a map-based location service and registrar (RFC 3261 §10.3)
// for tests and examples: it binds the To of each REGISTER to its Contacts,
// with their Path (RFC 3327), and accepts any user of any domain the proxy
// hands it. An address-of-record ever registered stays known after its
// bindings expire (Lookup then answers ok with no targets). It is safe for
// concurrent use.
type Memory struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	bindings map[string][]binding
}

// A binding is one contact of an address-of-record.
type binding struct {
	contact *message.Address
	path    []*message.Address
	expires time.Time
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{bindings: make(map[string][]binding)} }

func (m *Memory) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

// aorKey is the canonical form of an address-of-record (RFC 3261
// §10.3 step 5): scheme, user and host, the host without regard to case;
// port and parameters are left out.
func aorKey(u *message.URI) string {
	scheme := strings.ToLower(u.Scheme)
	if scheme == "sips" {
		scheme = "sip"
	}
	return scheme + ":" + u.UserUnescaped() + "@" + strings.ToLower(u.Hostname())
}

// Lookup returns the contacts bound to aor that have not expired
// (Locator).
func (m *Memory) Lookup(aor *message.URI) ([]Target, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	bs, ok := m.bindings[aorKey(aor)]
	if !ok {
		return nil, false
	}
	now := m.now()
	var targets []Target
	for _, b := range bs {
		if b.expires.After(now) {
			t := Target{URI: b.contact.URI.Clone()}
			for _, a := range b.path {
				t.Path = append(t.Path, a.Clone().(*message.Address))
			}
			targets = append(targets, t)
		}
	}
	return targets, true
}

// Register applies a REGISTER to the bindings of its To (RFC 3261 §10.3
// steps 6-8) and returns the 200 listing them, or 400 for a wildcard
// Contact with other contacts or a non-zero Expires (step 6).
func (m *Memory) Register(req *message.Message) *message.Message {
	to := req.To()
	if to == nil {
		return message.NewResponse(req, message.StatusBadRequest, "")
	}
	key := aorKey(&to.URI)
	defaultExpires := DefaultExpires
	if e, ok := req.Expires(); ok {
		defaultExpires = e
	}
	var contacts []*message.Address
	wildcard := false
	for c := range req.Contacts() {
		if c.Wildcard {
			wildcard = true
			continue
		}
		contacts = append(contacts, c)
	}
	if wildcard && (len(contacts) > 0 || defaultExpires != 0) {
		return message.NewResponse(req, message.StatusBadRequest, "")
	}
	var path []*message.Address
	for v := range req.Headers.Values(message.HeaderPath) {
		if a, ok := v.(*message.Address); ok {
			path = append(path, a.Clone().(*message.Address))
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	bs := m.bindings[key]
	if wildcard {
		bs = nil
	}
	for _, c := range contacts {
		expires := defaultExpires
		if s, ok := c.Params.Get("expires"); ok {
			if n, ok := atoi(s); ok {
				expires = n
			}
		}
		i := indexBinding(bs, &c.URI)
		if expires == 0 {
			if i >= 0 {
				bs = append(bs[:i], bs[i+1:]...)
			}
			continue
		}
		b := binding{contact: &message.Address{URI: *c.URI.Clone()}, path: path,
			expires: now.Add(time.Duration(expires) * time.Second)}
		if i >= 0 {
			bs[i] = b
		} else {
			bs = append(bs, b)
		}
	}
	// Expired bindings are forgotten here; the user stays known.
	live := bs[:0]
	for _, b := range bs {
		if b.expires.After(now) {
			live = append(live, b)
		}
	}
	m.bindings[key] = live

	resp := message.NewResponse(req, message.StatusOK, "")
	for _, b := range live {
		c := &message.Address{URI: *b.contact.URI.Clone()}
		secs := int((b.expires.Sub(now) + time.Second - 1) / time.Second)
		c.Params.Set("expires", itoa(secs))
		resp.Headers.Add(message.HeaderContact, c)
	}
	for _, a := range path {
		resp.Headers.Add(message.HeaderPath, a.Clone())
	}
	return resp
}

// indexBinding returns the index of the binding of contact u (compared
// per RFC 3261 §19.1.4), or -1.
func indexBinding(bs []binding, u *message.URI) int {
	for i, b := range bs {
		if b.contact.URI.Equal(u) {
			return i
		}
	}
	return -1
}
