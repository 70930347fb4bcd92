package transport

import (
	"bytes"
	"errors"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/sippet-go/sippet/message"
)

// maxReasonLength bounds the reason phrase of a stateless 400: it carries a
// description of the peer's own input back to it, which must stay short.
const maxReasonLength = 96

// statelessReply builds, in b, the response to a datagram that failed to
// parse with err, sent without any transaction (RFC 3261 §8.2, §18.2): a 400
// (or the code a *message.ParseError asks for) whose reason phrase names the
// problem. The message could not be parsed, so the response is built from its
// raw header lines: Via, From, To, Call-ID and CSeq are copied as written
// (folded lines joined), in their order, except the top Via value, which is
// parsed and stamped with received and rport as the transport would have done
// (RFC 3261 §18.2.1, RFC 3581 §4). To keeps its tag, or lack of one.
//
// It returns ok false, and nothing to send, when data is not a request (a
// response or garbage), is an ACK (never answered, RFC 3261 §17.2.3), or has
// no top Via that parses: without one there is nowhere to answer.
func statelessReply(b, data []byte, src netip.AddrPort, err error) (out []byte, via *message.Via, ok bool) {
	line, rest := cutLine(skipCRLF(data))
	method, isReq := requestMethod(line)
	if !isReq || method == message.MethodAck {
		return b, nil, false
	}
	code, reason := replyStatus(err)
	b = append(b, "SIP/2.0 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, reason...)
	for len(rest) > 0 {
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break // the empty line ends the header block
		}
		// Unfold continuation lines (RFC 3261 §7.3.1) into one field.
		field := line
		var joined []byte
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			var next []byte
			next, rest = cutLine(rest)
			if joined == nil {
				joined = append([]byte(nil), field...)
			}
			joined = append(append(joined, ' '), bytes.TrimLeft(next, " \t")...)
		}
		if joined != nil {
			field = joined
		}
		name, value, found := bytes.Cut(field, []byte{':'})
		if !found || hasControl(field) {
			continue
		}
		name = bytes.TrimRight(name, " \t")
		switch {
		case isHeader(name, "Via", 'v'):
			if via != nil {
				b = append(append(b, "\r\n"...), field...)
				continue
			}
			top, others := cutValue(bytes.TrimSpace(value))
			v, perr := message.ParseVia(string(top))
			if perr != nil {
				return b[:0], nil, false
			}
			StampReceived(v, src)
			via = v
			b = v.Append(append(b, "\r\nVia: "...))
			if len(others) > 0 {
				b = append(append(b, "\r\nVia: "...), others...)
			}
		case isHeader(name, "From", 'f'), isHeader(name, "To", 't'),
			isHeader(name, "Call-ID", 'i'), isHeader(name, "CSeq", 0):
			b = append(append(b, "\r\n"...), field...)
		}
	}
	if via == nil {
		return b[:0], nil, false
	}
	b = append(b, "\r\nContent-Length: 0\r\n\r\n"...)
	return b, via, true
}

// replyStatus returns the status code and a reason phrase naming the problem:
// one line of printable text, at most maxReasonLength bytes.
func replyStatus(err error) (int, string) {
	code, reason := message.StatusBadRequest, "Bad Request"
	if pe, ok := errors.AsType[*message.ParseError](err); ok {
		code, reason = pe.StatusCode(), pe.Reason()
	}
	return code, cleanReason(reason)
}

// cleanReason keeps a reason phrase on one line (no CR, LF or other control
// byte) and within maxReasonLength bytes, cut on a character boundary.
func cleanReason(s string) string {
	b := make([]byte, 0, min(len(s), maxReasonLength))
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			r = ' '
		}
		if len(b)+utf8.RuneLen(r) > maxReasonLength {
			break
		}
		b = utf8.AppendRune(b, r)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "Bad Request"
	}
	return string(bytes.TrimSpace(b))
}

// requestMethod reads a line that looks like a Request-Line: a method token,
// then at least a Request-URI and a version that starts with "SIP/" (which
// may be wrong: that is one of the errors a 400 reports). A Status-Line or
// anything else is not a request.
func requestMethod(line []byte) (string, bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || hasPrefixFold(line, "SIP/") {
		return "", false
	}
	last := bytes.LastIndexByte(line, ' ')
	if last == sp || !hasPrefixFold(line[last+1:], "SIP/") {
		return "", false
	}
	for _, c := range line[:sp] {
		if !isTokenChar(c) {
			return "", false
		}
	}
	return string(line[:sp]), true
}

// isTokenChar reports whether c may appear in a token (RFC 3261 §25.1).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("-.!%*_+`'~"), c) >= 0
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// isHeader reports whether name is the header long, or its compact form
// (0 when it has none), case-insensitively (RFC 3261 §7.3.1, §7.3.3).
func isHeader(name []byte, long string, compact byte) bool {
	if len(name) == 1 && compact != 0 {
		return name[0]|0x20 == compact
	}
	return bytes.EqualFold(name, []byte(long))
}

// cutLine returns the first line of b without its CRLF (or bare LF) and
// what follows it.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte{'\r'}), nil
	}
	return bytes.TrimSuffix(b[:i], []byte{'\r'}), b[i+1:]
}

// skipCRLF skips the empty lines that may precede a start line (RFC 3261 §7.5).
func skipCRLF(b []byte) []byte {
	return bytes.TrimLeft(b, "\r\n")
}

// cutValue splits a list header's value at its first comma outside a
// quoted-string (RFC 3261 §7.3.1) and returns the first value and the rest,
// both trimmed.
func cutValue(v []byte) (first, rest []byte) {
	quoted := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			return bytes.TrimSpace(v[:i]), bytes.TrimSpace(v[i+1:])
		}
	}
	return v, nil
}

// hasControl reports whether a header field holds a control byte other than
// HT: such a field is not copied back.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}
