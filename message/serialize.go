package message

import "strconv"

// Append appends the wire form of m to b. Content-Length is always written
// and always counts the bytes of Body: the header keeps its position when
// present and is added after the other headers otherwise.
func (m *Message) Append(b []byte) []byte {
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
	wroteLength := false
	for i := range m.Headers {
		h := &m.Headers[i]
		if h.Name == HeaderContentLength {
			if wroteLength {
				continue
			}
			wroteLength = true
			b = append(b, "\r\n"...)
			b = appendName(b, h)
			b = strconv.AppendInt(b, int64(len(m.Body)), 10)
			continue
		}
		if h.Joined && i > 0 && m.Headers[i-1].Name == h.Name {
			b = append(b, ',', ' ')
		} else {
			b = append(b, "\r\n"...)
			b = appendName(b, h)
		}
		if h.Value != nil {
			b = h.Value.Append(b)
		}
	}
	if !wroteLength {
		b = append(b, "\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(m.Body)), 10)
	}
	b = append(b, "\r\n\r\n"...)
	return append(b, m.Body...)
}

func appendName(b []byte, h *Header) []byte {
	if h.Compact {
		if s, _ := lookupHeader(h.Name); s != nil && s.compact != 0 {
			return append(b, s.compact, ':', ' ')
		}
	}
	b = append(b, h.Name...)
	return append(b, ':', ' ')
}

// Bytes returns the wire form of m.
func (m *Message) Bytes() []byte {
	return m.Append(make([]byte, 0, m.sizeHint()))
}

// String returns the wire form of m.
func (m *Message) String() string { return string(m.Bytes()) }

// sizeHint returns about the wire size of m, a little more rather than
// less, so that Bytes allocates once and not much more than it needs: the
// sizes of the common values are added up from their strings, the others
// guessed.
func (m *Message) sizeHint() int {
	n := 64 + len(m.Method) + len(m.Reason) + uriSize(m.RequestURI) + len(m.Body)
	for i := range m.Headers {
		h := &m.Headers[i]
		n += len(h.Name) + 4 + valueSize(h.Value)
	}
	return n
}

// valueSize is the part of sizeHint for one value.
func valueSize(v Value) int {
	switch v := v.(type) {
	case nil:
		return 0
	case *Raw:
		return len(v.Value)
	case *Text:
		return len(v.Value)
	case *Token:
		return len(v.Value) + paramsSize(v.Params)
	case *Address:
		return len(v.Display) + 3 + uriSize(&v.URI) + paramsSize(v.Params)
	case *Via:
		return 16 + len(v.Protocol) + len(v.Version) + len(v.Transport) + len(v.Host) + paramsSize(v.Params)
	case *CSeq:
		return 11 + len(v.Method)
	case *Number:
		return 10
	case *MediaType:
		return 1 + len(v.Type) + len(v.Subtype) + paramsSize(v.Params)
	case *Auth:
		// Parameters are separated by ", ": one byte more each.
		return 1 + len(v.Scheme) + paramsSize(v.Params) + len(v.Params)
	}
	return 64
}

// uriSize is the part of sizeHint for a URI; the constant covers the
// separators and a port.
func uriSize(u *URI) int {
	if u == nil {
		return 0
	}
	return 9 + len(u.Scheme) + len(u.User) + len(u.Password) + len(u.Host) + len(u.Opaque) +
		paramsSize(u.Params) + paramsSize(u.Headers)
}

// paramsSize is the part of sizeHint for parameters: each takes its name,
// its value, and at most a separator, an equals sign and two quotes.
func paramsSize(ps Params) int {
	n := 0
	for i := range ps {
		n += 4 + len(ps[i].Name) + len(ps[i].Value)
	}
	return n
}
