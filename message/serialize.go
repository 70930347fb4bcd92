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

// sizeHint guesses the wire size so that Bytes usually allocates once.
func (m *Message) sizeHint() int {
	return 96 + 64*len(m.Headers) + len(m.Body)
}
