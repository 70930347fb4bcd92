package location

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sippet-go/sippet/message"
)

// Defaults of the Registrar's intervals.
const (
	DefaultMinExpires     = 60 * time.Second
	DefaultMaxExpires     = 7200 * time.Second
	DefaultDefaultExpires = 3600 * time.Second
)

// briefLimit is the interval below which, and only below which, RFC 3261
// §10.3 step 7 lets a registrar answer 423 (Interval Too Brief).
const briefLimit = time.Hour

// dateLayout is the SIP-date of the Date header (RFC 3261 §20.17), the
// RFC 1123 form always in GMT.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// errOutOfOrder aborts a Store update when a REGISTER is older than a
// binding it changes (RFC 3261 §10.3 step 7).
var errOutOfOrder = errors.New("sip: REGISTER out of order")

// A Registrar processes REGISTER requests (RFC 3261 §10.3) into a Store.
// Its zero-valued fields mean the documented defaults; it is safe for
// concurrent use as long as its fields are not changed.
type Registrar struct {
	// Store keeps the bindings. A nil Store makes every REGISTER fail
	// with 500 (Server Internal Error).
	Store Store
	// MinExpires is the shortest expiration the registrar accepts: a
	// requested interval above zero and below both MinExpires and one hour
	// is answered 423 (Interval Too Brief) with a Min-Expires (RFC 3261
	// §10.3 step 7). Zero means DefaultMinExpires; a negative value
	// accepts any interval.
	MinExpires time.Duration
	// MaxExpires caps the expiration granted (RFC 3261 §10.3 step 7: the
	// registrar MAY choose a shorter one). Zero means DefaultMaxExpires.
	MaxExpires time.Duration
	// DefaultExpires is the expiration requested by a contact with
	// neither an expires parameter nor an Expires header, or with a
	// malformed one (RFC 3261 §10.3 step 7, §20.19). Zero means
	// DefaultDefaultExpires.
	DefaultExpires time.Duration
	// Domains, when not empty, are the domains (host names, compared
	// ignoring case) the registrar keeps bindings for: an AOR in another
	// domain is answered 404 (Not Found) (RFC 3261 §10.3 step 5).
	Domains []string
}

// contact is one Contact value of a REGISTER with its granted expiration.
type contact struct {
	addr    message.Address // without its expires parameter
	expires time.Duration   // granted; 0 removes the binding
	q       int
}

// Register processes req, a REGISTER the caller has already authenticated
// and authorized (RFC 3261 §10.3 steps 3 and 4; step 2, Require, is the
// core's as for every request, §8.2.2.3), and returns the response to send:
//
//   - 200 (OK) with a Contact for every current binding of the AOR, each
//     with its remaining expires, the Path of req (RFC 3327 §5.3) and a Date
//     (step 8); a REGISTER without Contact only queries the bindings;
//   - 400 (Bad Request) without To, Call-ID or CSeq, for a To that is not a
//     SIP or SIPS URI (§10.2), for "*" with another Contact or with an
//     Expires other than 0 (step 6), or for a malformed q parameter
//     (§20.10);
//   - 404 (Not Found) for an AOR outside Domains (step 5);
//   - 405 (Method Not Allowed) with Allow for a method other than REGISTER;
//   - 423 (Interval Too Brief) with Min-Expires (step 7);
//   - 500 (Server Internal Error) when req is older than a binding it
//     changes (same Call-ID, CSeq not higher; step 7) or the Store fails:
//     then no binding changes, because the bindings are updated all or
//     nothing.
//
// Register returns nil only for a nil req.
func (r *Registrar) Register(req *message.Message) *message.Message {
	if req == nil {
		return nil
	}
	if req.Method != message.MethodRegister {
		resp := message.NewResponse(req, message.StatusMethodNotAllowed, "")
		resp.Headers.Add(message.HeaderAllow, message.Tokens(message.MethodRegister))
		return resp
	}
	to, callID, cseq := req.To(), req.CallID(), req.CSeq()
	switch {
	case to == nil:
		return message.NewResponse(req, message.StatusBadRequest, "Missing To")
	case callID == "":
		return message.NewResponse(req, message.StatusBadRequest, "Missing Call-ID")
	case cseq == nil:
		return message.NewResponse(req, message.StatusBadRequest, "Missing CSeq")
	}

	// Step 5: the address-of-record.
	aor, err := AOR(&to.URI)
	if err != nil {
		return message.NewResponse(req, message.StatusBadRequest, "Address-of-record must be a SIP or SIPS URI")
	}
	if !r.inDomain(to.URI.Hostname()) {
		return message.NewResponse(req, message.StatusNotFound, "")
	}

	// Step 6: the wildcard.
	var contacts []*message.Address
	wildcard := false
	for c := range req.Contacts() {
		contacts = append(contacts, c)
		wildcard = wildcard || c.Wildcard
	}
	expiresHeader, hasExpires := req.Expires()
	if wildcard && len(contacts) > 1 {
		return message.NewResponse(req, message.StatusBadRequest, "Wildcard Contact with other contacts")
	}
	if wildcard && (!hasExpires || expiresHeader != 0) {
		return message.NewResponse(req, message.StatusBadRequest, "Wildcard Contact requires Expires: 0")
	}

	// Step 7: each contact's expiration and q-value.
	var cs []contact
	if !wildcard {
		cs = make([]contact, 0, len(contacts))
		for _, a := range contacts {
			c, resp := r.contact(req, a, expiresHeader, hasExpires)
			if resp != nil {
				return resp
			}
			cs = append(cs, c)
		}
	}

	if r.Store == nil {
		return message.NewResponse(req, message.StatusServerInternalError, "No location service")
	}
	now := time.Now()
	var path []message.Address
	for p := range req.Headers.Values(message.HeaderPath) {
		if a, ok := p.(*message.Address); ok {
			path = append(path, *a)
		}
	}
	var bindings []Binding
	if len(contacts) == 0 {
		bindings = r.Store.Lookup(aor)
	} else {
		bindings, err = r.Store.Update(aor, func(current []Binding) ([]Binding, error) {
			if wildcard {
				return removeAll(current, callID, cseq.Seq)
			}
			return apply(current, cs, callID, cseq.Seq, path, now)
		})
	}
	if errors.Is(err, errOutOfOrder) {
		return message.NewResponse(req, message.StatusServerInternalError, "Out of order REGISTER")
	}
	if err != nil {
		return message.NewResponse(req, message.StatusServerInternalError, "")
	}

	// Step 8: the 200 (OK) lists every current binding.
	resp := message.NewResponse(req, message.StatusOK, "")
	for i := range bindings {
		b := &bindings[i]
		c := b.Contact.Clone().(*message.Address)
		c.Params.Set("expires", strconv.FormatInt(seconds(b.Remaining(now)), 10))
		resp.Headers.Add(message.HeaderContact, c)
	}
	for i := range path {
		resp.Headers.Add(message.HeaderPath, path[i].Clone())
	}
	resp.Headers.Add(message.HeaderDate, &message.Text{Value: now.UTC().Format(dateLayout)})
	return resp
}

// contact works out the expiration and q-value of one Contact value, or the
// response that rejects req because of it.
func (r *Registrar) contact(req *message.Message, a *message.Address, expiresHeader int, hasExpires bool) (contact, *message.Message) {
	c := contact{addr: *a.Clone().(*message.Address), q: 1000}
	requested := r.defaultExpires()
	if v, ok := a.Params.Get("expires"); ok {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			requested = clampSeconds(n)
		} else if errors.Is(err, strconv.ErrRange) {
			requested = clampSeconds(math.MaxUint64)
		}
	} else if hasExpires {
		requested = clampSeconds(uint64(expiresHeader))
	}
	c.addr.Params.Del("expires")
	if v, ok := a.Params.Get("q"); ok {
		q, ok := parseQ(v)
		if !ok {
			return c, message.NewResponse(req, message.StatusBadRequest, "Malformed q-value")
		}
		c.q = q
	}
	if least := r.minExpires(); requested > 0 && requested < least && requested < briefLimit {
		resp := message.NewResponse(req, message.StatusIntervalTooBrief, "")
		resp.Headers.Add(message.HeaderMinExpires, &message.Number{Value: int(seconds(least))})
		return c, resp
	}
	c.expires = min(requested, r.maxExpires())
	return c, nil
}

// apply updates the bindings current with the contacts of one REGISTER as
// RFC 3261 §10.3 step 7 says, or fails with errOutOfOrder.
func apply(current []Binding, cs []contact, callID string, cseq uint32, path []message.Address, now time.Time) ([]Binding, error) {
	removed := make([]bool, len(current))
	touched := make([]bool, len(current))
	for _, c := range cs {
		i := indexOf(current, removed, &c.addr.URI)
		if i < 0 {
			if c.expires > 0 {
				current = append(current, binding(c, callID, cseq, path, now))
				removed, touched = append(removed, false), append(touched, true)
			}
			continue
		}
		// The same Call-ID with a CSeq not higher: an old request
		// overtaken by a newer one. A request naming one contact twice
		// is not older than itself.
		if !touched[i] && current[i].CallID == callID && cseq <= current[i].CSeq {
			return nil, errOutOfOrder
		}
		touched[i] = true
		if c.expires == 0 {
			removed[i] = true
			continue
		}
		current[i] = binding(c, callID, cseq, path, now)
	}
	out := current[:0]
	for i := range current {
		if !removed[i] {
			out = append(out, current[i])
		}
	}
	return out, nil
}

// removeAll removes every binding for "Contact: *" (RFC 3261 §10.3 step 7),
// or fails with errOutOfOrder when one of them comes from a later request
// with the same Call-ID.
func removeAll(current []Binding, callID string, cseq uint32) ([]Binding, error) {
	for i := range current {
		if current[i].CallID == callID && cseq <= current[i].CSeq {
			return nil, errOutOfOrder
		}
	}
	return nil, nil
}

func binding(c contact, callID string, cseq uint32, path []message.Address, now time.Time) Binding {
	b := Binding{
		Contact: c.addr,
		Expires: now.Add(c.expires),
		CallID:  callID,
		CSeq:    cseq,
		Q:       c.q,
	}
	if len(path) > 0 {
		b.Path = path
	}
	return b.Clone()
}

// indexOf returns the index of the binding not removed whose contact
// equals u by the URI comparison rules (RFC 3261 §10.3 step 7, §19.1.4).
func indexOf(bs []Binding, removed []bool, u *message.URI) int {
	for i := range bs {
		if !removed[i] && bs[i].Contact.URI.Equal(u) {
			return i
		}
	}
	return -1
}

// parseQ reads a qvalue (RFC 3261 §25.1): "0" ["." 0*3DIGIT] or "1" ["."
// 0*3("0")], in thousandths.
func parseQ(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	frac := s[1:]
	if frac[0] != '.' || len(frac) > 4 {
		return 0, false
	}
	scale := 100
	for _, c := range []byte(frac[1:]) {
		if c < '0' || c > '9' || (q == 1000 && c != '0') {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	return q, true
}

func (r *Registrar) inDomain(host string) bool {
	if len(r.Domains) == 0 {
		return true
	}
	for _, d := range r.Domains {
		if strings.EqualFold(d, host) {
			return true
		}
	}
	return false
}

func (r *Registrar) minExpires() time.Duration {
	if r.MinExpires == 0 {
		return DefaultMinExpires
	}
	return r.MinExpires
}

func (r *Registrar) maxExpires() time.Duration {
	if r.MaxExpires <= 0 {
		return DefaultMaxExpires
	}
	return r.MaxExpires
}

func (r *Registrar) defaultExpires() time.Duration {
	if r.DefaultExpires <= 0 {
		return DefaultDefaultExpires
	}
	return r.DefaultExpires
}

// clampSeconds converts delta-seconds to a Duration; values above 2**32-1
// count as 2**32-1 (RFC 3261 §20.19).
func clampSeconds(n uint64) time.Duration {
	return time.Duration(min(n, math.MaxUint32)) * time.Second
}

// seconds rounds d up to whole seconds, so that a binding still current is
// never listed with expires=0, which would mean it was removed.
func seconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
