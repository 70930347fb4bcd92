package message

import (
	"fmt"
	"strings"
)

// A TokenList is the value of one line of a header whose grammar is a
// comma-separated list of bare tokens, without parameters:
//
//	Allow            Method *(COMMA Method)           RFC 3261 §20.5
//	Supported        option-tag *(COMMA option-tag)   RFC 3261 §20.37
//	Require          option-tag *(COMMA option-tag)   RFC 3261 §20.32
//	Proxy-Require    option-tag *(COMMA option-tag)   RFC 3261 §20.29
//	Unsupported      option-tag *(COMMA option-tag)   RFC 3261 §20.40
//	Content-Encoding content-coding *(COMMA ...)      RFC 3261 §20.12
//	Content-Language language-tag *(COMMA ...)        RFC 3261 §20.13
//	Allow-Events     event-type *(COMMA event-type)   RFC 6665 §8.2.2
//
// Values are in the order written. A header written on several lines is
// one Header per line (RFC 3261 §7.3.1 makes the two forms equivalent),
// and an empty header ("Supported:") has a nil Value.
//
// These headers get one value per line, where the other list headers get
// one Header per element, because a user agent lists eight to fourteen
// methods in Allow: as Headers and Tokens they cost 80 bytes each, and made
// a quarter of what parsing a typical INVITE allocated.
type TokenList struct {
	Values []string
}

func (v *TokenList) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	for i, t := range v.Values {
		if i > 0 {
			b = append(b, ',', ' ')
		}
		b = append(b, t...)
	}
	return b
}

func (v *TokenList) String() string { return string(v.Append(nil)) }

func (v *TokenList) Clone() Value {
	if v == nil {
		return v
	}
	c := *v
	if v.Values != nil {
		c.Values = append(make([]string, 0, len(v.Values)), v.Values...)
	}
	return &c
}

// Tokens returns a TokenList of a copy of values, for building a message:
// Headers.Add(HeaderAllow, Tokens(MethodInvite, MethodAck)). The copy
// keeps a slice passed as values... from being shared with the message.
func Tokens(values ...string) *TokenList {
	return &TokenList{Values: append([]string(nil), values...)}
}

// parseTokenList reads a list of tokens into *sb, a bump buffer, and
// returns them as a slice capped at its length. An element is a run of
// word characters or "@" (what parseToken takes for a Token: a language
// tag or a Call-ID may hold them) but the double quote and "<", which
// would make the list split differently elsewhere. A list of more than
// limit elements is ErrTooManyHeaders, found before the excess is stored.
func parseTokenList(s string, sb *[]string, limit int) ([]string, error) {
	buf := *sb // a local: the loop stores into it without reloading *sb
	if n := strings.Count(s, ",") + 1; cap(buf)-len(buf) < n {
		// A list longer than the room left starts a chunk of its own, of
		// its size at most: growing the buffer would copy the lists before
		// it as well.
		buf = make([]string, 0, max(min(n, limit), 0))
	}
	start := len(buf)
	for i := skipLWS(s, 0); ; {
		j := i
		for j < len(s) && fastClasses[s[j]]&fastListWord != 0 {
			j++
		}
		if j == i {
			if i < len(s) && s[i] != ',' {
				return nil, fmt.Errorf("%w: %q is not a token", ErrInvalidHeader, clip(s[i:]))
			}
			return nil, fmt.Errorf("%w: empty list element", ErrInvalidHeader)
		}
		if len(buf)-start >= limit {
			return nil, ErrTooManyHeaders
		}
		buf = append(buf, s[i:j])
		k := skipLWS(s, j)
		if k == len(s) {
			break
		}
		if s[k] != ',' {
			return nil, fmt.Errorf("%w: %q after %q", ErrInvalidHeader, clip(s[k:]), s[i:j])
		}
		i = skipLWS(s, k+1)
	}
	// Stored only on success: a list that fails leaves the buffer as it
	// was, as the values it held are dropped with it.
	*sb = buf
	n := len(buf)
	return buf[start:n:n], nil
}
