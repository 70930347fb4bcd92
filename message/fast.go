package message

import (
	"strings"
	"unsafe"
)

// Fast paths for the header values most messages are made of. Each reads
// the common form of a grammar in one pass over its bytes, stopping at the
// end of the value or at the comma that ends a list element, and gives up
// (returns false) at the first byte it does not expect. The general parsers
// then read the whole field again from the start, so that a fast path never
// decides anything alone: what it accepts, it accepts exactly as the general
// parser does, with the same typed result; everything else, errors
// included, is the general parser's.
//
// The same holds one level up: fastParse (parse.go) reads a whole message
// in one pass with these, and on anything else (a folded line, an error)
// the general parser starts again from a clean block. checkParse (FuzzParse,
// TestParseMutations) compares the two on every message it sees.

// fastClasses bits.
const (
	fastListWord   = 1 << iota // a byte parseToken takes (word or "@"), but '"' and '<', which change how a list splits
	fastParamValue             // a byte of an unquoted gen-value: token, ":", "[", "]" (parseParam)
	fastHost                   // a byte of a Via sent-by host: ALPHA, DIGIT, "-", ".", "_" (parseSentBy)
)

// fastClasses is a read-only lookup table built once.
var fastClasses = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		if (isWord(b) || b == '@') && b != '"' && b != '<' {
			t[c] |= fastListWord
		}
		if isToken(b) || b == ':' || b == '[' || b == ']' {
			t[c] |= fastParamValue
		}
		if isAlpha(b) || isDigit(b) || b == '-' || b == '.' || b == '_' {
			t[c] |= fastHost
		}
	}
	return t
}()

// A mark is where the headers and one kind of values stood before a fast
// path, so that the general parser can start again from there.
type mark struct {
	headers, params, values int
	data                    unsafe.Pointer
}

func markOf[T any](d *decoder, s []T) mark {
	return mark{len(d.headers), len(d.params), len(s), unsafe.Pointer(unsafe.SliceData(s))}
}

// restore goes back to m. Values handed out since are zeroed and handed out
// again, as the general parsers expect, unless they were in a chunk started
// since m: those stay unused.
func restore[T any](d *decoder, s *[]T, m mark) {
	d.headers = d.headers[:m.headers]
	if len(d.params) > m.params {
		clear(d.params[m.params:])
		d.params = d.params[:m.params]
	}
	if unsafe.Pointer(unsafe.SliceData(*s)) == m.data {
		clear((*s)[m.values:])
		*s = (*s)[:m.values]
	}
}

// fastTokens reads a list of Tokens without parameters ("gzip, deflate"
// in Accept-Encoding): the slices are kept in locals while there is room in
// them.
func (d *decoder) fastTokens(name, value string, compact bool) bool {
	m := markOf(d, d.tokens)
	toks, hs := d.tokens, d.headers
	joined := false
	for i := 0; ; {
		j := i
		for uint(j) < uint(len(value)) && fastClasses[value[j]]&fastListWord != 0 {
			j++
		}
		k := skipLWS(value, j)
		if j == i || (k < len(value) && value[k] != ',') {
			d.tokens, d.headers = toks, hs
			restore(d, &d.tokens, m)
			return false
		}
		var t *Token
		if len(toks) < cap(toks) && len(hs) < cap(hs) {
			toks = toks[:len(toks)+1]
			t = &toks[len(toks)-1]
			t.Value = value[i:j]
			hs = hs[:len(hs)+1]
			h := &hs[len(hs)-1]
			h.Name, h.Value, h.Compact, h.Joined = name, t, compact, joined
		} else {
			d.tokens, d.headers = toks, hs
			if len(d.headers) >= d.maxValues {
				d.overLimit = true
				restore(d, &d.tokens, m)
				return false
			}
			t = next(d, &d.tokens)
			t.Value = value[i:j]
			d.addHeader(name, t, compact, joined)
			toks, hs = d.tokens, d.headers
		}
		if k == len(value) {
			d.tokens, d.headers = toks, hs
			return true
		}
		joined = true
		i = skipLWS(value, k+1)
	}
}

// fastAddresses reads the values of an address header written as
// [display-name] <sip-uri> *(;param), or as sip-uri *(;param) without
// angle brackets, as many user agents write Contact.
func (d *decoder) fastAddresses(spec *headerSpec, value string, compact bool) bool {
	form := addressFormOf(spec)
	m := markOf(d, d.addrs)
	joined := false
	for i := 0; ; {
		if i == len(value) || len(d.headers) >= d.maxValues {
			d.overLimit = d.overLimit || i < len(value)
			restore(d, &d.addrs, m)
			return false
		}
		a := next(d, &d.addrs)
		end, ok := d.fastAddress(value, i, spec.list, a, form)
		if !ok {
			restore(d, &d.addrs, m)
			return false
		}
		d.addHeader(spec.name, a, compact, joined)
		if end == len(value) {
			return true
		}
		joined = true
		i = skipLWS(value, end+1)
	}
}

// fastAddress reads one address starting at value[i], as parseAddress
// does, and returns the index of the comma after it or len(value).
func (d *decoder) fastAddress(value string, i int, list bool, a *Address, form addressForm) (int, bool) {
	var display string
	k := i
	switch value[i] {
	case '"':
		if form == formInfo {
			return 0, false
		}
		j := skipQuoted(value, i)
		if j < 0 {
			return 0, false
		}
		display = value[i:j]
		if k = skipLWS(value, j); k == len(value) || value[k] != '<' {
			return 0, false
		}
	case '<':
	default:
		return d.fastTokenAddress(value, i, list, a, form)
	}
	// The URI ends at the first '>' (parseAddress), which fastSIPURI never
	// takes.
	maxURI, start := d.lim.maxURILength(), len(d.params)
	n, ok := fastSIPURI(value[k+1:], &a.URI, &d.params)
	gt := k + 1 + n
	if !ok || gt == len(value) || value[gt] != '>' || n > maxURI {
		if ok {
			a.URI = URI{}
		}
		clear(d.params[start:])
		d.params = d.params[:start]
		if gt = strings.IndexByte(value[k+1:], '>'); gt < 0 {
			return 0, false
		}
		gt += k + 1
		if uri := value[k+1 : gt]; len(uri) > maxURI || parseURI(uri, &a.URI, &d.params) != nil {
			return 0, false
		}
	}
	ps, end, ok := d.fastParams(value, gt+1, list)
	if !ok {
		return 0, false
	}
	a.Display, a.Params = display, ps
	return end, true
}

// fastTokenAddress reads an address starting at value[i] whose display
// name is made of tokens ("Bob <sip:...>", as sipp and many phones write
// From and To), or an addr-spec. It is fastAddress's least common case,
// kept out of it so that the common ones stay as short.
func (d *decoder) fastTokenAddress(value string, i int, list bool, a *Address, form addressForm) (int, bool) {
	if form == formInfo {
		return 0, false
	}
	j := i
	for j < len(value) && (isToken(value[j]) || value[j] == ' ' || value[j] == '\t') {
		j++
	}
	if j == len(value) || value[j] != '<' {
		return d.fastAddrSpec(value, i, list, a, form)
	}
	end, ok := d.fastAddress(value, j, list, a, form)
	if ok {
		a.Display = trimLWS(value[i:j])
	}
	return end, ok
}

// fastAddrSpec reads an address without angle brackets starting at
// value[i], as parseAddress does: the URI ends at the first ';' or LWS,
// and the parameters after it are the header's, so the URI has none
// (RFC 3261 §20.10), but in formRoute, where they are the URI's; a URI
// with a '?' or a ',' is the general parser's to refuse or to split.
func (d *decoder) fastAddrSpec(value string, i int, list bool, a *Address, form addressForm) (int, bool) {
	end := i
	for end < len(value) {
		if c := value[end]; c == ';' && form != formRoute || c == ' ' || c == '\t' || c == ',' || c == '?' {
			break
		}
		end++
	}
	if end < len(value) && value[end] == '?' || end-i > d.lim.maxURILength() {
		return 0, false
	}
	// On failure, fastAddresses clears *a and the parameters (restore).
	if n, ok := fastSIPURI(value[i:end], &a.URI, &d.params); !ok || n != end-i {
		return 0, false
	}
	ps, next, ok := d.fastParams(value, end, list)
	if !ok {
		return 0, false
	}
	a.Params = ps
	return next, true
}

// fastVias reads a list of Via values.
func (d *decoder) fastVias(spec *headerSpec, value string, compact bool) bool {
	m, nvia := markOf(d, d.vias), d.nvia
	joined := false
	maxVias := d.lim.maxVias()
	for i := 0; ; {
		if i == len(value) || d.nvia >= maxVias {
			restore(d, &d.vias, m)
			d.nvia = nvia
			return false
		}
		d.nvia++
		v := next(d, &d.vias)
		end, ok := d.fastVia(value, i, v)
		if !ok {
			restore(d, &d.vias, m)
			d.nvia = nvia
			return false
		}
		d.spareParam(&v.Params)
		d.addHeader(spec.name, v, compact, joined)
		if end == len(value) {
			return true
		}
		joined = true
		i = skipLWS(value, end+1)
	}
}

// fastVia reads one via-parm starting at value[i], as parseVia does, and
// returns the index of the comma after it or len(value).
func (d *decoder) fastVia(value string, i int, v *Via) (int, bool) {
	var part [3]string
	for n := range part {
		j := skipToken(value, i)
		if j == i {
			return 0, false
		}
		part[n] = value[i:j]
		i = skipLWS(value, j)
		if n < 2 {
			if i >= len(value) || value[i] != '/' {
				return 0, false
			}
			i = skipLWS(value, i+1)
		} else if i == j {
			return 0, false
		}
	}
	j := i
	for j < len(value) && fastClasses[value[j]]&fastHost != 0 {
		j++
	}
	if j == i {
		return 0, false
	}
	host, port, next := value[i:j], 0, j
	if k := skipLWS(value, j); k < len(value) && value[k] == ':' {
		k = skipLWS(value, k+1)
		e := k
		for e < len(value) && isDigit(value[e]) {
			e++
		}
		n, ok := parseUint(value[k:e])
		if !ok || n > 65535 || n == 0 {
			return 0, false
		}
		port, next = n, e
	}
	ps, end, ok := d.fastParams(value, next, true)
	if !ok || checkViaParams(ps) != nil {
		return 0, false
	}
	v.Protocol, v.Version, v.Transport = part[0], part[1], part[2]
	v.Host, v.Port, v.Params = host, port, ps
	return end, true
}

// fastParams reads *( SEMI generic-param ) from value[i] as parseParams
// does, up to the end of value or, in a list, a comma; it returns the index
// where it stopped.
func (d *decoder) fastParams(value string, i int, list bool) (Params, int, bool) {
	pb := &d.params
	start := len(*pb)
	for {
		i = skipLWS(value, i)
		if i == len(value) {
			break
		}
		if len(*pb) >= d.maxParams {
			d.overLimit = true
			return nil, 0, false
		}
		if c := value[i]; c != ';' {
			if c == ',' && list {
				break
			}
			return nil, 0, false
		}
		i = skipLWS(value, i+1)
		j := skipToken(value, i)
		if j == i {
			return nil, 0, false
		}
		name, val, quoted := value[i:j], "", false
		if k := skipLWS(value, j); k < len(value) && value[k] == '=' {
			k = skipLWS(value, k+1)
			if k < len(value) && value[k] == '"' {
				e := skipQuoted(value, k)
				if e < 0 {
					return nil, 0, false
				}
				val, quoted, j = value[k+1:e-1], true, e
			} else {
				e := k
				for e < len(value) && fastClasses[value[e]]&fastParamValue != 0 {
					e++
				}
				if e == k {
					return nil, 0, false
				}
				val, j = value[k:e], e
			}
		}
		p := newParam(pb)
		p.Name, p.Value, p.Quoted = name, val, quoted
		i = j
	}
	if len(*pb) == start {
		return nil, i, true
	}
	return (*pb)[start:len(*pb):len(*pb)], i, true
}

// fastSIPURI reads the common SIP or SIPS URI, [user "@"] host [":" port]
// *(";" pname ["=" pvalue]) without escapes, at the start of s, as
// parseURIInto reads it on its own, and returns its length. The URI ends
// at the first byte that none of its parts may hold: the caller checks that
// this byte ends the URI where it stands (the end of s, a '>'). It changes
// *u only when it succeeds; parameters it appended to *pb before giving up
// are the caller's to drop.
func fastSIPURI(s string, u *URI, pb *[]Param) (int, bool) {
	if len(s) < 5 || s[0]|0x20 != 's' || s[1]|0x20 != 'i' || s[2]|0x20 != 'p' {
		return 0, false
	}
	i := 4
	if s[3] != ':' {
		if s[3]|0x20 != 's' || s[4] != ':' {
			return 0, false
		}
		i = 5
	}
	scheme, user := s[:i-1], ""
	// The first '@' ends the user part (parseSIPURI). Without one before
	// the first byte a user part may not hold, there is none: an '@'
	// further on is a byte that neither the host nor a parameter may hold,
	// so the URI would end there.
	j := i
	for j < len(s) && uriClasses[s[j]]&uriUser != 0 {
		j++
	}
	if j < len(s) && s[j] == '@' {
		if j == i {
			return 0, false
		}
		user, i = s[i:j], j+1
	}
	host, port, n := scanHostPortPrefix(s[i:])
	if n == 0 {
		return 0, false
	}
	i += n
	var params Params
	if i < len(s) && s[i] == ';' {
		start := len(*pb)
		for i < len(s) && s[i] == ';' {
			k := i + 1
			for k < len(s) && uriClasses[s[k]]&uriParam != 0 {
				k++
			}
			if k == i+1 {
				return 0, false
			}
			name, value := s[i+1:k], ""
			if k < len(s) && s[k] == '=' {
				v := k + 1
				for k = v; k < len(s) && uriClasses[s[k]]&uriParam != 0; k++ {
				}
				if k == v {
					return 0, false
				}
				value = s[v:k]
			}
			p := newParam(pb)
			p.Name, p.Value, p.Quoted = name, value, false
			i = k
		}
		params = (*pb)[start:len(*pb):len(*pb)]
	}
	u.Scheme, u.User, u.Host, u.Port, u.Params = scheme, user, host, port, params
	return i, true
}
