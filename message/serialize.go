package message

import (
	"bytes"
	"slices"
	"strconv"
	"sync"
)

// Append appends the wire form of m to b. Content-Length is always written
// and always counts the bytes of Body: the header keeps its position when
// present and is added after the other headers otherwise.
//
// No value that a program sets can add a line to the message (header
// injection): every CR and LF in the start line, a header name or a header
// value is written as a space, which is what a line fold stands for (RFC
// 3261 §7.3.1); Parse unfolds the values it reads, so none of them holds
// one. The length of the wire form does not change.
func (m *Message) Append(b []byte) []byte {
	start := len(b)
	b, eols := m.appendHead(b, false)
	// Counting the line ends of the head, once, costs less than looking
	// for one in every value: only a message with more line ends than its
	// lines is written again, value by value.
	if head := b[start:]; bytes.Count(head, []byte{'\n'}) != eols || bytes.Count(head, []byte{'\r'}) != eols {
		b, _ = m.appendHead(b[:start], true)
	}
	return append(b, m.Body...)
}

// appendHead appends the start line and the headers of m, with the empty
// line after them, and returns the number of line ends it wrote, CRLFs all.
// With blank, it writes the CRs and LFs of the start line, of the header
// names and of the values as spaces.
func (m *Message) appendHead(b []byte, blank bool) (_ []byte, eols int) {
	start := len(b)
	if m.IsRequest() {
		b = append(b, m.Method...)
		b = append(b, ' ')
		if m.RequestURI != nil {
			b = m.RequestURI.Append(b)
		}
		b = append(b, ' ')
		b = appendOr(b, m.Version, Version)
	} else {
		b = appendOr(b, m.Version, Version)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(m.StatusCode), 10)
		b = append(b, ' ')
		b = append(b, m.Reason...)
	}
	if blank {
		blankLineEnds(b[start:])
	}
	wroteLength := false
	for i := range m.Headers {
		h := &m.Headers[i]
		if isContentLength(h.Name) {
			if wroteLength {
				continue
			}
			wroteLength = true
			b = appendLine(b, h) // a name isContentLength knows has no line end
			eols++
			b = strconv.AppendInt(b, int64(len(m.Body)), 10)
			continue
		}
		if h.Joined && i > 0 && m.Headers[i-1].Name == h.Name {
			b = append(b, ',', ' ')
		} else {
			n := len(b)
			b = appendLine(b, h)
			eols++
			if blank {
				blankLineEnds(b[n+2 : len(b)-2])
			}
		}
		if h.Value != nil {
			n := len(b)
			b = h.Value.Append(b)
			if blank {
				blankLineEnds(b[n:])
			}
		}
	}
	if !wroteLength {
		b = append(b, "\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(m.Body)), 10)
		eols++
	}
	return append(b, "\r\n\r\n"...), eols + 2
}

// isContentLength reports whether a header named name is Content-Length,
// whose value Append writes itself: the canonical name that Parse and
// Headers.Add give it, or the name in another case or compact form, which
// a Header built by hand may have (RFC 3261 §7.3.1, §7.3.3).
func isContentLength(name string) bool {
	switch len(name) {
	case len(HeaderContentLength):
		return name == HeaderContentLength || equalFold(name, HeaderContentLength)
	case 1:
		return name[0]|0x20 == 'l'
	}
	return false
}

// blankLineEnds writes every CR and LF in s as a space.
func blankLineEnds(s []byte) {
	for i, c := range s {
		if c == '\r' || c == '\n' {
			s[i] = ' '
		}
	}
}

// appendLine starts the line of header h: CRLF, its name, a colon and a
// space, in one copy rather than three appends (4% of Append's time on the
// benchmark INVITE).
func appendLine(b []byte, h *Header) []byte {
	if h.Compact {
		if s, _ := lookupHeader(h.Name); s != nil && s.compact != 0 {
			return append(b, '\r', '\n', s.compact, ':', ' ')
		}
	}
	name := h.Name
	n := len(b)
	b = slices.Grow(b, len(name)+4)[:n+len(name)+4]
	b[n], b[n+1] = '\r', '\n'
	copy(b[n+2:], name)
	b[n+2+len(name)], b[n+3+len(name)] = ':', ' '
	return b
}

// scratch holds the buffers that Bytes writes a message into before it
// copies it out at its exact size: counting the size beforehand (wireSize)
// took half as long as writing the message, the copy a tenth. Like fmt's
// printers, the buffers are a cache shared by all callers, which changes
// nothing they can see; one that grew past maxScratch is not kept.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxScratch = 16 << 10

// Bytes returns the wire form of m.
func (m *Message) Bytes() []byte {
	sp := scratch.Get().(*[]byte)
	w := m.Append((*sp)[:0])
	out := make([]byte, len(w))
	copy(out, w)
	if cap(w) <= maxScratch {
		*sp = w
		scratch.Put(sp)
	}
	return out
}

// Len returns the length of m's wire form, what Bytes returns and Append
// appends, for a caller that allocates the buffer itself. It is exact for
// the values of this package and an estimate for a Value of another type,
// for which Append grows the buffer if it must.
func (m *Message) Len() int { return m.wireSize() }

// String returns the wire form of m.
func (m *Message) String() string { return string(m.Bytes()) }

// wireSize returns the length of the wire form of m, as Append writes it,
// so that Bytes allocates once and no more than it needs: the runtime's
// size classes are close together at message sizes (768, 896, 1024 bytes),
// and a guess that lands one class up costs more than the counting. Values
// of types this package does not define are guessed; Append grows the
// buffer if the guess was short.
func (m *Message) wireSize() int {
	var n int
	if m.IsRequest() {
		n = len(m.Method) + 2 + uriSize(m.RequestURI) + orLen(m.Version, Version)
	} else {
		n = orLen(m.Version, Version) + 2 + intLen(int64(m.StatusCode)) + len(m.Reason)
	}
	wroteLength := false
	for i := range m.Headers {
		h := &m.Headers[i]
		if isContentLength(h.Name) {
			if !wroteLength {
				wroteLength = true
				n += 2 + nameSize(h) + intLen(int64(len(m.Body)))
			}
			continue
		}
		if h.Joined && i > 0 && m.Headers[i-1].Name == h.Name {
			n += 2
		} else {
			n += 2 + nameSize(h)
		}
		n += valueSize(h.Value)
	}
	if !wroteLength {
		n += len("\r\nContent-Length: ") + intLen(int64(len(m.Body)))
	}
	return n + 4 + len(m.Body)
}

// nameSize is the length of what appendLine writes after the CRLF.
func nameSize(h *Header) int {
	if h.Compact {
		if s, _ := lookupHeader(h.Name); s != nil && s.compact != 0 {
			return 3
		}
	}
	return len(h.Name) + 2
}

// valueSize is the length of what v.Append writes.
func valueSize(v Value) int {
	switch v := v.(type) {
	case nil:
		return 0
	case *Raw:
		if v == nil {
			return 0
		}
		return len(v.Value)
	case *Text:
		if v == nil {
			return 0
		}
		return len(v.Value)
	case *Token:
		if v == nil {
			return 0
		}
		return len(v.Value) + paramsSize(v.Params)
	case *TokenList:
		if v == nil {
			return 0
		}
		n := 2 * max(len(v.Values)-1, 0)
		for _, t := range v.Values {
			n += len(t)
		}
		return n
	case *Address:
		if v == nil {
			return 0
		}
		if v.Wildcard {
			return 1
		}
		n := 2 + uriSize(&v.URI) + paramsSize(v.Params)
		if v.Display != "" {
			n += len(v.Display) + 1
		}
		return n
	case *Via:
		if v == nil {
			return 0
		}
		n := orLen(v.Protocol, "SIP") + orLen(v.Version, "2.0") + len(v.Transport) + len(v.Host) + 3 + paramsSize(v.Params)
		if v.Port != 0 {
			n += 1 + intLen(int64(v.Port))
		}
		return n
	case *CSeq:
		if v == nil {
			return 0
		}
		return uintLen(uint64(v.Seq)) + 1 + len(v.Method)
	case *Number:
		if v == nil {
			return 0
		}
		return intLen(int64(v.Value))
	case *MediaType:
		if v == nil {
			return 0
		}
		return len(v.Type) + 1 + len(v.Subtype) + paramsSize(v.Params)
	case *Auth:
		if v == nil {
			return 0
		}
		n := len(v.Scheme)
		for i, p := range v.Params {
			if i > 0 || v.Scheme != "" {
				n++
			}
			if i > 0 {
				n++
			}
			n += paramSize(p)
		}
		return n
	case *Interval:
		if v == nil {
			return 0
		}
		n := intLen(int64(v.Seconds)) + paramsSize(v.Params)
		if v.Comment != "" {
			n += 3 + len(v.Comment)
		}
		return n
	case *RAck:
		if v == nil {
			return 0
		}
		return uintLen(uint64(v.RSeq)) + uintLen(uint64(v.CSeq)) + 2 + len(v.Method)
	case *Warning:
		if v == nil {
			return 0
		}
		n := 3
		if v.Code < 0 || v.Code >= 1000 {
			n = intLen(int64(v.Code))
		}
		return n + 4 + len(v.Agent) + len(v.Text)
	case *Timestamp:
		if v == nil {
			return 0
		}
		if v.Delay != "" {
			return len(v.Value) + 1 + len(v.Delay)
		}
		return len(v.Value)
	}
	return 64
}

// uriSize is the length of what u.Append writes.
func uriSize(u *URI) int {
	if u == nil {
		return 0
	}
	n := len(u.Scheme) + 1
	switch {
	case u.IsSIP():
		if u.User != "" || u.Password != "" {
			n += len(u.User) + 1
			if u.Password != "" {
				n += 1 + len(u.Password)
			}
		}
		n += len(u.Host)
		if u.Port != 0 {
			n += 1 + intLen(int64(u.Port))
		}
		n += uriParamsSize(u.Params)
		for _, h := range u.Headers {
			n += 2 + len(h.Name) + len(h.Value)
		}
	case u.isTel():
		n += len(u.User) + uriParamsSize(u.Params)
	default:
		n += len(u.Opaque)
	}
	return n
}

// uriParamsSize is the length of what appendURIParams writes.
func uriParamsSize(ps Params) int {
	n := 0
	for i := range ps {
		n += 1 + len(ps[i].Name)
		if ps[i].Value != "" {
			n += 1 + len(ps[i].Value)
		}
	}
	return n
}

// paramsSize is the length of what appendParams writes.
func paramsSize(ps Params) int {
	n := 0
	for i := range ps {
		n += 1 + paramSize(ps[i])
	}
	return n
}

// paramSize is the length of what appendParam writes.
func paramSize(p Param) int {
	switch {
	case p.Quoted:
		return len(p.Name) + 3 + len(p.Value)
	case p.Value != "":
		return len(p.Name) + 1 + len(p.Value)
	}
	return len(p.Name)
}

// orLen is the length of what appendOr writes.
func orLen(s, def string) int {
	if s == "" {
		return len(def)
	}
	return len(s)
}

// intLen is the length of v in decimal, with its sign.
func intLen(v int64) int {
	if v < 0 {
		return 1 + uintLen(uint64(-v))
	}
	return uintLen(uint64(v))
}

// uintLen is the length of v in decimal.
func uintLen(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}
