package message

import (
	"fmt"
	"strings"
)

// An Address is a name-addr or addr-spec with header parameters (RFC 3261
// §20.10, §20.20, §20.39): the value of From, To, Contact, Route,
// Record-Route, Reply-To, Path, P-Asserted-Identity, Refer-To and Referred-By,
// and (without a display name) of Alert-Info, Call-Info and Error-Info.
//
// It is always written with angle brackets, which RFC 3261 allows everywhere
// and which keep URI parameters apart from header parameters.
type Address struct {
	// Display is the display name as written: a quoted-string with its quotes
	// and escapes, or a run of tokens; "" when absent. DisplayName unquotes it.
	Display string
	URI     URI
	Params  Params
	// Wildcard marks the Contact value "*" (RFC 3261 §10.2.2); the other
	// fields are then empty.
	Wildcard bool
}

func (a *Address) Append(b []byte) []byte {
	if a == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	if a.Wildcard {
		return append(b, '*')
	}
	if a.Display != "" {
		b = append(b, a.Display...)
		b = append(b, ' ')
	}
	b = append(b, '<')
	b = a.URI.Append(b)
	b = append(b, '>')
	return appendParams(b, a.Params, ';')
}

func (a *Address) String() string { return string(a.Append(nil)) }
func (a *Address) Clone() Value   { return a.clone() }

func (a *Address) clone() *Address {
	if a == nil {
		return nil
	}
	c := *a
	c.URI = *a.URI.Clone()
	c.Params = a.Params.Clone()
	return &c
}

// Tag returns the tag parameter (From and To), or "".
func (a *Address) Tag() string {
	s, _ := a.Params.Get("tag")
	return s
}

// DisplayName returns the display name without quotes and escapes.
func (a *Address) DisplayName() string {
	d := a.Display
	if len(d) >= 2 && d[0] == '"' && d[len(d)-1] == '"' {
		return unescapeQuoted(d[1 : len(d)-1])
	}
	return d
}

// SetDisplayName sets the display name, quoting it.
func (a *Address) SetDisplayName(name string) {
	if name == "" {
		a.Display = ""
		return
	}
	a.Display = Quote(name)
}

// addressForm says which forms parseAddress accepts.
type addressForm uint8

const (
	formNameAddr addressForm = iota // name-addr or addr-spec
	formContact                     // name-addr, addr-spec, or "*"
	formInfo                        // "<" absoluteURI ">" only
	formRoute                       // name-addr, or an addr-spec whose parameters are the URI's
)

// addressFormOf returns the form of the values of an address header.
//
// Route, Record-Route and Path are name-addr only (RFC 3261 §20.30, §20.34,
// RFC 3327 §4): no header parameter may follow an addr-spec there, so
// "Route: sip:p1.example.com;lr", which some elements send, is read as its
// sender meant it, with lr the URI's, and written back in angle brackets.
func addressFormOf(spec *headerSpec) addressForm {
	switch {
	case spec.kind == kindContact:
		return formContact
	case spec.kind == kindInfo:
		return formInfo
	case spec.name == HeaderRoute, spec.name == HeaderRecordRoute, spec.name == HeaderPath:
		return formRoute
	}
	return formNameAddr
}

// parseAddress reads ( name-addr / addr-spec ) *( SEMI param ).
func parseAddress(s string, a *Address, form addressForm, maxURI int, pb *[]Param) error {
	s = trimLWS(s)
	if s == "*" && form == formContact {
		*a = Address{Wildcard: true}
		return nil
	}
	var uri, rest string
	lt := indexOutsideQuotes(s, '<')
	switch {
	case lt >= 0:
		display := trimLWS(s[:lt])
		if display != "" && form == formInfo {
			return fmt.Errorf("%w: unexpected text before '<'", ErrInvalidHeader)
		}
		if err := checkDisplayName(display); err != nil {
			return err
		}
		gt := strings.IndexByte(s[lt:], '>')
		if gt < 0 {
			return fmt.Errorf("%w: missing '>'", ErrInvalidHeader)
		}
		a.Display = display
		uri, rest = s[lt+1:lt+gt], s[lt+gt+1:]
	case form == formInfo:
		return fmt.Errorf("%w: URI must be in angle brackets", ErrInvalidHeader)
	case strings.IndexByte(s, '"') >= 0:
		// A display name needs a <URI> after it; indexOutsideQuotes also
		// lands here when a quoted string is left open (RFC 4475 §3.1.2.6).
		return fmt.Errorf("%w: quoted display name unterminated or without <URI>", ErrInvalidHeader)
	default:
		// addr-spec: header parameters follow the URI, which therefore
		// cannot contain ';' (RFC 3261 §20.10), but where there are none.
		end := 0
		for end < len(s) && (s[end] != ';' || form == formRoute) && !isSpace(s[end]) {
			end++
		}
		a.Display = ""
		uri, rest = s[:end], s[end:]
		// RFC 3261 §20: a URI with a comma, question mark or semicolon must
		// be in angle brackets; with "?" it carries headers, and RFC 4475
		// §3.1.2.13 (regbadct) has a Contact refused for it.
		if strings.IndexByte(uri, '?') >= 0 {
			return fmt.Errorf("%w: a URI with '?' must be enclosed in <>", ErrInvalidHeader)
		}
	}
	if len(uri) > maxURI {
		return ErrURITooLong
	}
	if err := parseURI(uri, &a.URI, pb); err != nil {
		return err
	}
	ps, err := parseParams(rest, pb)
	if err != nil {
		return err
	}
	a.Params, a.Wildcard = ps, false
	return nil
}

// checkDisplayName accepts a quoted-string or *(token LWS) (RFC 3261 §25.1).
func checkDisplayName(d string) error {
	if d == "" {
		return nil
	}
	if d[0] == '"' {
		if skipQuoted(d, 0) != len(d) {
			return fmt.Errorf("%w: display name %s is not one quoted string", ErrInvalidHeader, d)
		}
		return nil
	}
	for i := 0; i < len(d); i++ {
		if !isToken(d[i]) && d[i] != ' ' && d[i] != '\t' {
			return fmt.Errorf("%w: display name %q must be quoted", ErrInvalidHeader, d)
		}
	}
	return nil
}

// indexOutsideQuotes returns the index of the first c in s outside a
// quoted-string, or -1.
func indexOutsideQuotes(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			return i
		case '"':
			j := skipQuoted(s, i)
			if j < 0 {
				return -1
			}
			i = j - 1
		}
	}
	return -1
}

// ParseAddress parses a name-addr or addr-spec with parameters, as Parse
// reads From, To and Contact ("*" included). The parameters after an
// addr-spec are the header's, even where Parse gives them to the URI
// (Route, Record-Route and Path, which are name-addr only).
func ParseAddress(s string) (*Address, error) {
	// One allocation holds the Address and room for the URI and header
	// parameters most addresses have (transport, lr; tag, expires, q).
	b := new(struct {
		addr   Address
		params [3]Param
	})
	pb := b.params[:0]
	if err := parseAddress(s, &b.addr, formContact, DefaultMaxURILength, &pb); err != nil {
		return nil, err
	}
	return &b.addr, nil
}
