package message

import "fmt"

// Auth is a challenge or credentials (RFC 3261 §20.7, §20.27, §20.28, §20.44,
// §25.1): WWW-Authenticate, Proxy-Authenticate, Authorization and
// Proxy-Authorization; and, with an empty Scheme, Authentication-Info. Its
// parameters are separated by commas; a quoted value is a Param with Quoted
// set, written back quoted.
type Auth struct {
	Scheme string // "Digest"; "" for Authentication-Info
	Params Params
}

func (v *Auth) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = append(b, v.Scheme...)
	for i, p := range v.Params {
		switch {
		case i > 0:
			b = append(b, ',', ' ')
		case v.Scheme != "":
			b = append(b, ' ')
		}
		b = appendParam(b, p)
	}
	return b
}
func (v *Auth) String() string { return string(v.Append(nil)) }
func (v *Auth) Clone() Value {
	if v == nil {
		return v
	}
	c := *v
	c.Params = v.Params.Clone()
	return &c
}

// Param returns the unquoted value of the parameter named name.
func (v *Auth) Param(name string) string {
	s, _ := v.Params.Get(name)
	return s
}

func parseAuth(s string, v *Auth, withScheme bool, pb *[]Param) error {
	s = trimLWS(s)
	i := 0
	if withScheme {
		i = skipToken(s, 0)
		if i == 0 {
			return fmt.Errorf("%w: missing authentication scheme", ErrInvalidHeader)
		}
		v.Scheme = s[:i]
	}
	start := len(*pb)
	i = skipLWS(s, i)
	for i < len(s) {
		p, next, err := parseParam(s, i)
		if err != nil {
			return err
		}
		*pb = append(*pb, p)
		i = skipLWS(s, next)
		if i == len(s) {
			break
		}
		if s[i] != ',' {
			return fmt.Errorf("%w: expected ',' between auth parameters, got %q", ErrInvalidHeader, s[i:])
		}
		i = skipLWS(s, i+1)
	}
	if len(*pb) > start {
		v.Params = (*pb)[start:len(*pb):len(*pb)]
	}
	return nil
}
