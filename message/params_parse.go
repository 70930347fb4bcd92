package message

import "fmt"

// parseParams reads *( SEMI generic-param ) (RFC 3261 §25.1): the whole of s
// must be parameters, each introduced by ';', with LWS allowed around ';' and
// '='. Parameters are appended to the bump buffer *pb.
func parseParams(s string, pb *[]Param) (Params, error) {
	start := len(*pb)
	i := skipLWS(s, 0)
	for i < len(s) {
		if s[i] != ';' {
			return nil, fmt.Errorf("%w: unexpected %q before parameters", ErrInvalidHeader, s[i:])
		}
		p, next, err := parseParam(s, skipLWS(s, i+1))
		if err != nil {
			return nil, err
		}
		q := newParam(pb)
		q.Name, q.Value, q.Quoted = p.Name, p.Value, p.Quoted
		i = skipLWS(s, next)
	}
	if len(*pb) == start {
		return nil, nil
	}
	return (*pb)[start:len(*pb):len(*pb)], nil
}

// newParam appends a Param to the bump buffer *pb and returns it, for the
// caller to set every field of one by one: appending a whole Param costs a
// bulk write barrier while the garbage collector marks. The slot may hold a
// Param left there by a list that failed to parse.
func newParam(pb *[]Param) *Param {
	n := len(*pb)
	if n == cap(*pb) {
		*pb = append(*pb, Param{})
	} else {
		*pb = (*pb)[:n+1]
	}
	return &(*pb)[n]
}

// parseParam reads one generic-param starting at s[i] and returns the index
// after it. gen-value = token / host / quoted-string; host may be an IPv6
// reference, and received= may hold a bare IPv6 address, so ':', '[' and ']'
// are accepted too.
func parseParam(s string, i int) (Param, int, error) {
	j := skipToken(s, i)
	if j == i {
		return Param{}, 0, fmt.Errorf("%w: empty parameter name", ErrInvalidHeader)
	}
	p := Param{Name: s[i:j]}
	k := skipLWS(s, j)
	if k >= len(s) || s[k] != '=' {
		return p, j, nil
	}
	k = skipLWS(s, k+1)
	if k < len(s) && s[k] == '"' {
		end := skipQuoted(s, k)
		if end < 0 {
			return Param{}, 0, fmt.Errorf("%w: unterminated quoted string in parameter %q", ErrInvalidHeader, p.Name)
		}
		p.Value, p.Quoted = s[k+1:end-1], true
		return p, end, nil
	}
	e := k
	for e < len(s) && (isToken(s[e]) || s[e] == ':' || s[e] == '[' || s[e] == ']') {
		e++
	}
	if e == k {
		return Param{}, 0, fmt.Errorf("%w: parameter %q has an empty value", ErrInvalidHeader, p.Name)
	}
	p.Value = s[k:e]
	return p, e, nil
}
