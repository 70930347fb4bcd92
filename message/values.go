package message

import (
	"fmt"
	"strconv"
)

// CSeq is the CSeq header: a sequence number and a method (RFC 3261 §20.16).
type CSeq struct {
	Seq    uint32
	Method string
}

func (v *CSeq) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = strconv.AppendUint(b, uint64(v.Seq), 10)
	b = append(b, ' ')
	return append(b, v.Method...)
}
func (v *CSeq) String() string { return string(v.Append(nil)) }
func (v *CSeq) Clone() Value   { return cloneValue(v) }

func parseCSeq(s string, v *CSeq) error {
	s = trimLWS(s)
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n, ok := parseUint(s[:i])
	if !ok {
		// RFC 3261 §20.16: a 32-bit unsigned integer. Only the first
		// number a client picks is below 2**31 (§8.1.1.5); the requests of
		// a dialog count up from it (§12.2.1.1, erratum 3102).
		return fmt.Errorf("%w: sequence number %q is not a 32-bit unsigned integer", ErrInvalidHeader, clip(s[:i]))
	}
	j := skipLWS(s, i)
	if j == i || j == len(s) {
		return fmt.Errorf("%w: CSeq needs a number and a method", ErrInvalidHeader)
	}
	m := s[j:]
	if !isTokenString(m) {
		return fmt.Errorf("%w: CSeq method %q is not a token", ErrInvalidHeader, m)
	}
	v.Seq, v.Method = uint32(n), m
	return nil
}

// RAck is the RAck header of reliable provisional responses (RFC 3262 §7.2).
type RAck struct {
	RSeq   uint32
	CSeq   uint32
	Method string
}

func (v *RAck) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = strconv.AppendUint(b, uint64(v.RSeq), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(v.CSeq), 10)
	b = append(b, ' ')
	return append(b, v.Method...)
}
func (v *RAck) String() string { return string(v.Append(nil)) }
func (v *RAck) Clone() Value   { return cloneValue(v) }

// parseRAck reads response-num LWS CSeq-num LWS Method (RFC 3262 §7.2).
func parseRAck(s string, v *RAck) error {
	s = trimLWS(s)
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	j := skipLWS(s, i)
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	l := skipLWS(s, k)
	r, ok1 := parseUint(s[:i])
	c, ok2 := parseUint(s[j:k])
	if !ok1 || !ok2 || j == i || l == k || !isTokenString(s[l:]) {
		return fmt.Errorf("%w: RAck %q is not RSeq, CSeq number and method", ErrInvalidHeader, s)
	}
	v.RSeq, v.CSeq, v.Method = uint32(r), uint32(c), s[l:]
	return nil
}

// A Number is a header whose value is a decimal integer: Content-Length,
// Max-Forwards, Expires, Min-Expires, RSeq. Leading zeros are accepted on
// input ("0068") and not written back.
type Number struct {
	Value int
}

func (v *Number) Append(b []byte) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendInt(b, int64(v.Value), 10)
}
func (v *Number) Clone() Value { return cloneValue(v) }
func (v *Number) String() string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(v.Value)
}

func parseNumber(s string, v *Number) error {
	s = trimLWS(s)
	n, ok := parseUint(s)
	if !ok {
		return fmt.Errorf("%w: %q is not a number below 2**32", ErrInvalidHeader, s)
	}
	v.Value = n
	return nil
}

// An Interval is a number of seconds with an optional comment and parameters:
// Retry-After (RFC 3261 §20.33), Session-Expires and Min-SE (RFC 4028).
type Interval struct {
	Seconds int
	Comment string // Retry-After only: the comment without its parentheses
	Params  Params
}

func (v *Interval) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = strconv.AppendInt(b, int64(v.Seconds), 10)
	if v.Comment != "" {
		b = append(b, " ("...)
		b = append(b, v.Comment...)
		b = append(b, ')')
	}
	return appendParams(b, v.Params, ';')
}
func (v *Interval) String() string { return string(v.Append(nil)) }
func (v *Interval) Clone() Value {
	if v == nil {
		return v
	}
	c := *v
	c.Params = v.Params.Clone()
	return &c
}

func parseInterval(s string, v *Interval, pb *[]Param) error {
	s = trimLWS(s)
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n, ok := parseUint(s[:i])
	if !ok {
		return fmt.Errorf("%w: %q does not start with a number below 2**32", ErrInvalidHeader, s)
	}
	v.Seconds = n
	i = skipLWS(s, i)
	if i < len(s) && s[i] == '(' {
		end, err := skipComment(s, i)
		if err != nil {
			return err
		}
		v.Comment = s[i+1 : end-1]
		i = skipLWS(s, end)
	}
	ps, err := parseParams(s[i:], pb)
	if err != nil {
		return err
	}
	v.Params = ps
	return nil
}

// skipComment returns the index just past the comment (nested parentheses
// allowed, RFC 3261 §25.1) that opens at s[i].
func skipComment(s string, i int) (int, error) {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: unterminated comment", ErrInvalidHeader)
}

// A MediaType is a media type with parameters: Content-Type, or one entry of
// Accept (RFC 3261 §20.1, §20.15).
type MediaType struct {
	Type    string
	Subtype string
	Params  Params
}

func (v *MediaType) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = append(b, v.Type...)
	b = append(b, '/')
	b = append(b, v.Subtype...)
	return appendParams(b, v.Params, ';')
}
func (v *MediaType) String() string { return string(v.Append(nil)) }
func (v *MediaType) Clone() Value {
	if v == nil {
		return v
	}
	c := *v
	c.Params = v.Params.Clone()
	return &c
}

// Is reports whether the media type is typ/subtype, ignoring case.
func (v *MediaType) Is(typ, subtype string) bool {
	return equalFold(v.Type, typ) && equalFold(v.Subtype, subtype)
}

func parseMediaType(s string, v *MediaType, pb *[]Param) error {
	s = trimLWS(s)
	i := skipToken(s, 0)
	j := skipLWS(s, i)
	if i == 0 || j == len(s) || s[j] != '/' {
		return fmt.Errorf("%w: media type %q lacks type/subtype", ErrInvalidHeader, s)
	}
	k := skipLWS(s, j+1)
	l := skipToken(s, k)
	if l == k {
		return fmt.Errorf("%w: media type %q lacks a subtype", ErrInvalidHeader, s)
	}
	ps, err := parseParams(s[l:], pb)
	if err != nil {
		return err
	}
	v.Type, v.Subtype, v.Params = s[:i], s[k:l], ps
	return nil
}

// A Token is a token with parameters: one option tag, method, encoding,
// language, event or disposition (see Value for the headers that use it).
type Token struct {
	Value  string
	Params Params
}

func (v *Token) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = append(b, v.Value...)
	return appendParams(b, v.Params, ';')
}
func (v *Token) String() string { return string(v.Append(nil)) }
func (v *Token) Clone() Value {
	if v == nil {
		return v
	}
	c := *v
	c.Params = v.Params.Clone()
	return &c
}

func parseToken(s string, v *Token, pb *[]Param) error {
	s = trimLWS(s)
	// A language tag or an In-Reply-To Call-ID may hold '@' or other word
	// characters: accept RFC 3261 word characters and '@', not only token
	// ones. Neither ';' nor white space is one: the value ends there.
	i := 0
	for i < len(s) && (isWord(s[i]) || s[i] == '@') {
		i++
	}
	if i < len(s) && s[i] != ';' && !isSpace(s[i]) {
		for i < len(s) && s[i] != ';' && !isSpace(s[i]) {
			i++
		}
		return fmt.Errorf("%w: %q is not a token", ErrInvalidHeader, s[:i])
	}
	if i == 0 {
		return fmt.Errorf("%w: empty value", ErrInvalidHeader)
	}
	v.Value, v.Params = s[:i], nil
	if i < len(s) {
		ps, err := parseParams(s[i:], pb)
		if err != nil {
			return err
		}
		v.Params = ps
	}
	return nil
}

// A Warning is one warning-value (RFC 3261 §20.43).
type Warning struct {
	Code  int
	Agent string // host[:port] or pseudonym
	Text  string // the warn-text between its quotes, escapes as written
}

func (v *Warning) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	if v.Code >= 0 && v.Code < 1000 {
		// warn-code is 3DIGIT: "000" stays three digits.
		b = append(b, byte('0'+v.Code/100), byte('0'+v.Code/10%10), byte('0'+v.Code%10))
	} else {
		b = strconv.AppendInt(b, int64(v.Code), 10)
	}
	b = append(b, ' ')
	b = append(b, v.Agent...)
	b = append(b, ' ', '"')
	b = append(b, v.Text...)
	return append(b, '"')
}
func (v *Warning) String() string { return string(v.Append(nil)) }
func (v *Warning) Clone() Value   { return cloneValue(v) }

func parseWarning(s string, v *Warning) error {
	s = trimLWS(s)
	if len(s) < 3 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || (len(s) > 3 && !isSpace(s[3])) {
		return fmt.Errorf("%w: warn-code must be three digits", ErrInvalidHeader)
	}
	code := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	i := skipLWS(s, 3)
	j := i
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	k := skipLWS(s, j)
	if j == i || k >= len(s) || s[k] != '"' {
		return fmt.Errorf("%w: warning needs an agent and a quoted text", ErrInvalidHeader)
	}
	end := skipQuoted(s, k)
	if end != len(s) {
		return fmt.Errorf("%w: bad warn-text", ErrInvalidHeader)
	}
	v.Code, v.Agent, v.Text = code, s[i:j], s[k+1:end-1]
	return nil
}

// A Timestamp is the Timestamp header (RFC 3261 §20.38), kept as the decimal
// strings the peer wrote so that it is echoed back exactly.
type Timestamp struct {
	Value string
	Delay string // "" when absent
}

func (v *Timestamp) Append(b []byte) []byte {
	if v == nil {
		return b // a nil value is an empty one, as a nil Value is
	}
	b = append(b, v.Value...)
	if v.Delay != "" {
		b = append(b, ' ')
		b = append(b, v.Delay...)
	}
	return b
}
func (v *Timestamp) String() string { return string(v.Append(nil)) }
func (v *Timestamp) Clone() Value   { return cloneValue(v) }

func parseTimestamp(s string, v *Timestamp) error {
	s = trimLWS(s)
	i := skipDecimal(s, 0)
	if i == 0 {
		return fmt.Errorf("%w: timestamp %q is not a number", ErrInvalidHeader, s)
	}
	j := skipLWS(s, i)
	// delay = *(DIGIT) [ "." *(DIGIT) ] (§25.1): ".5" is a delay.
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k < len(s) && s[k] == '.' {
		for k++; k < len(s) && isDigit(s[k]); k++ {
		}
	}
	if k != len(s) || (j < len(s) && j == i) {
		return fmt.Errorf("%w: timestamp %q", ErrInvalidHeader, s)
	}
	v.Value, v.Delay = s[:i], s[j:k]
	return nil
}

// skipDecimal skips 1*DIGIT ["." *DIGIT] starting at i.
func skipDecimal(s string, i int) int {
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i > start && i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

// Text is a header whose value is free text or a single word: Call-ID, Date,
// MIME-Version, Organization, Server, Subject, User-Agent.
type Text struct {
	Value string
}

func (v *Text) Append(b []byte) []byte { return append(b, v.String()...) }
func (v *Text) Clone() Value           { return cloneValue(v) }
func (v *Text) String() string {
	if v == nil {
		return ""
	}
	return v.Value
}

// Raw is the verbatim value of a header this package does not type, or of a
// non-critical known header whose value does not follow its grammar.
type Raw struct {
	Value string
}

func (v *Raw) Append(b []byte) []byte { return append(b, v.String()...) }
func (v *Raw) Clone() Value           { return cloneValue(v) }
func (v *Raw) String() string {
	if v == nil {
		return ""
	}
	return v.Value
}

func parseCallID(s string) (string, error) {
	s = trimLWS(s)
	// callid = word [ "@" word ]
	at := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '@' && !at && i > 0 && i < len(s)-1 {
			at = true
			continue
		}
		if !isWord(c) {
			return "", fmt.Errorf("%w: Call-ID %q is not word[@word]", ErrInvalidHeader, s)
		}
	}
	if s == "" {
		return "", fmt.Errorf("%w: empty Call-ID", ErrInvalidHeader)
	}
	return s, nil
}

// cloneValue copies the value of a type without slices, keeping a nil
// pointer nil.
func cloneValue[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}
