package message

import "iter"

// A Value is the typed value of one header field. Parsed messages hold these
// concrete types (all pointers):
//
//	*Via         Via
//	*Address     From, To, Contact, Route, Record-Route, Reply-To, Path,
//	             P-Asserted-Identity, Refer-To, Referred-By,
//	             Alert-Info, Call-Info, Error-Info (no display name)
//	*CSeq        CSeq
//	*RAck        RAck
//	*Number      Content-Length, Max-Forwards, Expires, Min-Expires, RSeq
//	*Interval    Retry-After, Session-Expires, Min-SE
//	*MediaType   Content-Type, Accept
//	*TokenList   Allow, Supported, Require, Proxy-Require, Unsupported,
//	             Content-Encoding, Content-Language, Allow-Events
//	             (one value per line, not per element)
//	*Token       Content-Disposition, Accept-Encoding, Accept-Language,
//	             Event, Subscription-State, Priority, Reason, In-Reply-To
//	*Auth        Authorization, Proxy-Authorization, WWW-Authenticate,
//	             Proxy-Authenticate, Authentication-Info
//	*Warning     Warning
//	*Timestamp   Timestamp
//	*Text        Call-ID, Date, MIME-Version, Organization, Server, Subject, User-Agent
//	*Raw         any other header, verbatim
//
// A known header whose value does not follow its grammar makes Parse fail when
// the header matters to routing and transactions (Via, From, To, Call-ID, CSeq,
// Max-Forwards, Content-Length, Contact, Route, Record-Route); any other such
// header is kept as *Raw so that a proxy can still forward it untouched.
//
// Values in a parsed message must be treated as immutable once the message has
// been handed to another goroutine or actor; Clone a message to change it.
type Value interface {
	// Append appends the value in its wire form (without the header name).
	Append(b []byte) []byte
	// String returns the wire form of the value.
	String() string
	// Clone returns a deep copy of the value.
	Clone() Value
}

// A Header is one header field value.
//
// A list header written as "Via: a, b" is two Headers with Name "Via"; the
// second has Joined set so that it is written on the same line again; the
// headers whose values are a *TokenList (Allow, Supported, ...) are one
// Header per line instead. Headers keep the order of the message exactly.
type Header struct {
	// Name is the canonical name of a known header ("Via", "Call-ID", "WWW-Authenticate")
	// even when it was written in compact form or in another case, and the name
	// as written for any other header.
	Name string
	// Value is the typed value. A nil Value is an empty header ("Supported:"),
	// and so is a nil pointer of one of the package's Value types.
	Value Value
	// Compact writes the header in its compact form ("v:") when it has one.
	Compact bool
	// Joined writes the value on the previous header's line after a comma; it
	// is set by the parser and only takes effect after a header of the same name.
	Joined bool
}

// Headers is the ordered list of a message's header fields.
type Headers []Header

// matches reports whether h is a header named name, where name is canonical
// for known headers. Parse and the editing methods give h a canonical name;
// one built by hand may have its name in another case or in compact form
// (RFC 3261 §7.3.1, §7.3.3), as Append writes it.
func (h *Header) matches(name string) bool {
	if h.Name == name || equalFold(h.Name, name) {
		return true
	}
	if len(h.Name) == 1 {
		s, _ := lookupHeader(h.Name)
		return s != nil && s.name == name
	}
	return false
}

// Get returns the value of the first header named name (case-insensitive;
// compact forms accepted), or nil.
func (hs Headers) Get(name string) Value {
	name = CanonicalName(name)
	for i := range hs {
		if hs[i].matches(name) {
			return hs[i].Value
		}
	}
	return nil
}

// Index returns the index of the first header named name, or -1.
func (hs Headers) Index(name string) int {
	name = CanonicalName(name)
	for i := range hs {
		if hs[i].matches(name) {
			return i
		}
	}
	return -1
}

// Count returns how many values named name the message has.
func (hs Headers) Count(name string) int {
	name = CanonicalName(name)
	n := 0
	for i := range hs {
		if hs[i].matches(name) {
			n++
		}
	}
	return n
}

// Values iterates, in order, over the values of every header named name.
func (hs Headers) Values(name string) iter.Seq[Value] {
	name = CanonicalName(name)
	return func(yield func(Value) bool) {
		for i := range hs {
			if hs[i].matches(name) && !yield(hs[i].Value) {
				return
			}
		}
	}
}

// Tokens iterates, in order, over the tokens of every header named name:
// the elements of each *TokenList (Allow, Supported, Require, ...) and the
// value of each *Token. A list that Parse kept as *Raw, because it did not
// follow its grammar, gives nothing.
func (hs Headers) Tokens(name string) iter.Seq[string] {
	name = CanonicalName(name)
	return func(yield func(string) bool) {
		for i := range hs {
			if !hs[i].matches(name) {
				continue
			}
			switch v := hs[i].Value.(type) {
			case *TokenList:
				if v == nil {
					continue
				}
				for _, t := range v.Values {
					if !yield(t) {
						return
					}
				}
			case *Token:
				if v != nil && !yield(v.Value) {
					return
				}
			}
		}
	}
}

// Add appends a header at the end.
func (hs *Headers) Add(name string, v Value) {
	*hs = append(*hs, Header{Name: CanonicalName(name), Value: v})
}

// Set replaces every header named name by one with value v, at the position of
// the first one (or at the end when there was none).
func (hs *Headers) Set(name string, v Value) {
	name = CanonicalName(name)
	i := hs.Index(name)
	if i < 0 {
		*hs = append(*hs, Header{Name: name, Value: v})
		return
	}
	(*hs)[i] = Header{Name: name, Value: v, Compact: (*hs)[i].Compact}
	hs.delFrom(name, i+1)
}

// Del removes every header named name.
func (hs *Headers) Del(name string) {
	hs.delFrom(CanonicalName(name), 0)
}

func (hs *Headers) delFrom(name string, from int) {
	out := (*hs)[:from]
	for _, h := range (*hs)[from:] {
		if !h.matches(name) {
			out = append(out, h)
		}
	}
	clear((*hs)[len(out):])
	*hs = out
}

// Insert puts a header before every other header of the same name: this is how
// a proxy pushes a Via, a Route or a Record-Route (RFC 3261 §16.6). With no
// header of that name, it goes at the end.
func (hs *Headers) Insert(name string, v Value) {
	name = CanonicalName(name)
	h := Header{Name: name, Value: v}
	i := hs.Index(name)
	if i < 0 {
		*hs = append(*hs, h)
		return
	}
	(*hs)[i].Joined = false
	*hs = append(*hs, Header{})
	copy((*hs)[i+1:], (*hs)[i:])
	(*hs)[i] = h
}

// Remove deletes the first header named name and returns its value (nil when
// there was none): a proxy pops its Via or its Route this way.
func (hs *Headers) Remove(name string) Value {
	name = CanonicalName(name)
	i := hs.Index(name)
	if i < 0 {
		return nil
	}
	v := (*hs)[i].Value
	// The next value of the list, if it was on the same line, now starts it.
	if i+1 < len(*hs) && (*hs)[i+1].Joined && (*hs)[i+1].Name == (*hs)[i].Name {
		(*hs)[i+1].Joined = false
		(*hs)[i+1].Compact = (*hs)[i].Compact
	}
	n := len(*hs)
	copy((*hs)[i:], (*hs)[i+1:])
	(*hs)[n-1] = Header{}
	*hs = (*hs)[:n-1]
	return v
}

// Clone returns a deep copy of hs.
func (hs Headers) Clone() Headers {
	if hs == nil {
		return nil
	}
	out := make(Headers, len(hs))
	for i, h := range hs {
		out[i] = h
		if h.Value != nil {
			out[i].Value = h.Value.Clone()
		}
	}
	return out
}
