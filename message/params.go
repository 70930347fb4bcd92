package message

import "strings"

// A Param is one parameter of a header value or of a URI: ";name=value".
//
// Value holds the text as written: for a quoted-string, the text between the
// quotes with its backslash escapes (Quoted is then true); for a URI parameter,
// the text with its %HH escapes. A parameter without "=value" (";lr") has an
// empty Value and Quoted false.
type Param struct {
	Name   string
	Value  string
	Quoted bool
}

// Unquoted returns Value with quoted-pair escapes resolved.
func (p Param) Unquoted() string {
	if !p.Quoted || strings.IndexByte(p.Value, '\\') < 0 {
		return p.Value
	}
	return unescapeQuoted(p.Value)
}

// Params is an ordered list of parameters. Names compare case-insensitively
// (RFC 3261 §7.3.1); values keep their case.
type Params []Param

// Get returns the value of the first parameter named name (unquoted) and
// whether it is present.
func (ps Params) Get(name string) (string, bool) {
	for i := range ps {
		if equalFold(ps[i].Name, name) {
			return ps[i].Unquoted(), true
		}
	}
	return "", false
}

// Has reports whether a parameter named name is present.
func (ps Params) Has(name string) bool {
	_, ok := ps.Get(name)
	return ok
}

// Set replaces the value of the first parameter named name, or appends one.
// The value is written as a token; use SetQuoted for a quoted-string.
func (ps *Params) Set(name, value string) { ps.set(Param{Name: name, Value: value}) }

// SetQuoted is Set for a value written as a quoted-string; quotes and
// backslashes in value are escaped.
func (ps *Params) SetQuoted(name, value string) {
	ps.set(Param{Name: name, Value: escapeQuoted(value), Quoted: true})
}

func (ps *Params) set(p Param) {
	for i := range *ps {
		if equalFold((*ps)[i].Name, p.Name) {
			(*ps)[i] = p
			return
		}
	}
	*ps = append(*ps, p)
}

// Del removes every parameter named name.
func (ps *Params) Del(name string) {
	out := (*ps)[:0]
	for _, p := range *ps {
		if !equalFold(p.Name, name) {
			out = append(out, p)
		}
	}
	clear((*ps)[len(out):])
	*ps = out
}

// Clone returns a copy of ps that shares no storage with it.
func (ps Params) Clone() Params {
	if ps == nil {
		return nil
	}
	return append(Params(nil), ps...)
}

// appendParams writes each parameter as sep name[=value].
func appendParams(b []byte, ps Params, sep byte) []byte {
	for _, p := range ps {
		b = append(b, sep)
		b = appendParam(b, p)
	}
	return b
}

func appendParam(b []byte, p Param) []byte {
	b = append(b, p.Name...)
	if p.Quoted {
		b = append(b, '=', '"')
		b = append(b, p.Value...)
		return append(b, '"')
	}
	if p.Value != "" {
		b = append(b, '=')
		b = append(b, p.Value...)
	}
	return b
}

// equalParams compares parameter lists: same names (case-insensitive) in the
// same order with the same values.
func equalParams(a, b Params) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalFold(a[i].Name, b[i].Name) || a[i].Value != b[i].Value || a[i].Quoted != b[i].Quoted {
			return false
		}
	}
	return true
}

func unescapeQuoted(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func escapeQuoted(s string) string {
	if !strings.ContainsAny(s, "\"\\") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Quote returns s as a quoted-string, escaping quotes and backslashes.
func Quote(s string) string { return `"` + escapeQuoted(s) + `"` }
