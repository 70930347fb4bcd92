package message

import (
	"strings"
)

// Equal reports whether u and v are equivalent URIs.
//
// SIP and SIPS URIs follow RFC 3261 §19.1.4: a SIP URI never equals a SIPS
// URI; user and password compare case-sensitively and the host
// case-insensitively, all after decoding %HH escapes of unreserved
// characters; an absent port differs from any port, 5060 included; the
// user, ttl, method, maddr and transport parameters must be in both or in
// neither, and any parameter in both must have the same value (names and
// values ignore case); every header must be in both, in any order.
//
// tel URIs follow RFC 3966 §4: numbers compare without their visual
// separators, and both URIs must have the same parameters in any order,
// ignoring case. Other URIs are equal when their schemes are equal ignoring
// case and their opaque parts are byte for byte equal.
//
// Equal does not allocate. Two nil URIs are equal.
func (u *URI) Equal(v *URI) bool {
	if u == nil || v == nil {
		return u == v
	}
	switch {
	case u.IsSIP():
		return v.IsSIP() && u.IsSecure() == v.IsSecure() && equalSIPURI(u, v)
	case u.isTel():
		return v.isTel() && equalPhone(u.User, v.User) &&
			telParamsIn(u.Params, v.Params) && telParamsIn(v.Params, u.Params)
	}
	return equalFold(u.Scheme, v.Scheme) && u.Opaque == v.Opaque
}

func equalSIPURI(u, v *URI) bool {
	if u.Port != v.Port ||
		!equalEscaped(u.User, v.User, false) ||
		!equalEscaped(u.Password, v.Password, false) ||
		!equalHost(u.Host, v.Host) {
		return false
	}
	return equalSIPParams(u.Params, v.Params) && equalURIHeaders(u.Headers, v.Headers)
}

// equalHost compares hosts ignoring case, and IPv6 references as addresses,
// so that "[2001:db8::1]" equals "[2001:DB8:0:0:0:0:0:1]".
func equalHost(a, b string) bool {
	if equalEscaped(a, b, true) {
		return true
	}
	if len(a) < 2 || len(b) < 2 || a[0] != '[' || b[0] != '[' {
		return false
	}
	x, okx := parseIPv6(a[1 : len(a)-1])
	y, oky := parseIPv6(b[1 : len(b)-1])
	return okx && oky && x == y
}

// uriParamsAlwaysCompared are the parameters that RFC 3261 §19.1.4 makes
// significant even when only one URI has them.
var uriParamsAlwaysCompared = [...]string{"user", "ttl", "method", "maddr", "transport"}

func equalSIPParams(a, b Params) bool {
	for _, name := range uriParamsAlwaysCompared {
		pa, oka := findURIParam(a, name)
		pb, okb := findURIParam(b, name)
		if oka != okb || oka && !equalEscaped(pa.Value, pb.Value, true) {
			return false
		}
	}
	// Only the first of repeated parameters counts, as with Params.Get, so
	// that a URI with a repeated parameter still equals itself.
	for i, p := range a {
		if first, _ := findURIParamIndex(a, p.Name); first != i {
			continue
		}
		if q, ok := findURIParam(b, p.Name); ok && !equalEscaped(p.Value, q.Value, true) {
			return false
		}
	}
	return true
}

// equalURIHeaders reports whether a and b hold the same headers, each as
// many times, in any order. Names ignore case; values do not, since RFC 3261
// §19.1.4 defers to the rules of each header field.
func equalURIHeaders(a, b Params) bool {
	if len(a) != len(b) {
		return false
	}
	for _, h := range a {
		if countURIHeader(a, h) != countURIHeader(b, h) {
			return false
		}
	}
	return true
}

func countURIHeader(hs Params, h Param) int {
	n := 0
	for _, x := range hs {
		if equalEscaped(x.Name, h.Name, true) && equalEscaped(x.Value, h.Value, false) {
			n++
		}
	}
	return n
}

// telParamsIn reports whether every parameter of a is in b with an equal
// value (RFC 3966 §4); calling it both ways checks that the sets match.
func telParamsIn(a, b Params) bool {
	for i, p := range a {
		if first, _ := findURIParamIndex(a, p.Name); first != i {
			continue
		}
		q, ok := findURIParam(b, p.Name)
		if !ok {
			return false
		}
		var equal bool
		switch {
		case equalFold(p.Name, "ext"),
			equalFold(p.Name, "phone-context") && p.Value != "" && p.Value[0] == '+':
			equal = equalPhone(p.Value, q.Value)
		default:
			equal = equalEscaped(p.Value, q.Value, true)
		}
		if !equal {
			return false
		}
	}
	return true
}

func findURIParam(ps Params, name string) (Param, bool) {
	if i, ok := findURIParamIndex(ps, name); ok {
		return ps[i], true
	}
	return Param{}, false
}

// findURIParamIndex returns the index of the first parameter named name,
// comparing names after decoding escapes and ignoring case.
func findURIParamIndex(ps Params, name string) (int, bool) {
	for i := range ps {
		if equalEscaped(ps[i].Name, name, true) {
			return i, true
		}
	}
	return -1, false
}

// equalPhone compares telephone numbers without their visual separators
// "-.()" and ignoring the case of the hex digits of local numbers.
func equalPhone(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && isVisualSeparator(a[i]) {
			i++
		}
		for j < len(b) && isVisualSeparator(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i++
		j++
	}
}

// equalEscaped compares URI components after decoding %HH escapes, ignoring
// ASCII case if fold is set. RFC 3261 §19.1.4 makes an escape equal to its
// character only outside the RFC 2396 "reserved" set: "%3B" differs from
// ";", which would have delimited something else.
func equalEscaped(a, b string, fold bool) bool {
	if a == b {
		return true
	}
	if strings.IndexByte(a, '%') < 0 && strings.IndexByte(b, '%') < 0 {
		return fold && equalFold(a, b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, ea, ni := unescapeAt(a, i)
		cb, eb, nj := unescapeAt(b, j)
		if fold {
			ca, cb = lower(ca), lower(cb)
		}
		if ca != cb || ea != eb && isReserved(ca) {
			return false
		}
		i, j = ni, nj
	}
	return i == len(a) && j == len(b)
}

// unescapeAt returns the character at s[i], decoding a %HH escape, whether
// it was escaped, and the index after it. A "%" that starts no valid escape
// stands for itself.
func unescapeAt(s string, i int) (c byte, escaped bool, next int) {
	if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
		return unhex(s[i+1])<<4 | unhex(s[i+2]), true, i + 3
	}
	return s[i], false, i + 1
}

// isReserved reports whether c is in the RFC 2396 reserved set.
func isReserved(c byte) bool {
	switch c {
	case ';', '/', '?', ':', '@', '&', '=', '+', '$', ',':
		return true
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
