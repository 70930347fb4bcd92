package message

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unsafe"
)

// A Parser parses messages within its Limits. The zero value uses the
// documented defaults; a Parser is safe for concurrent use.
type Parser struct {
	Limits Limits
}

// Parse parses one complete message: a datagram, or one message framed from a
// stream. It is Parser.Parse with default limits.
func Parse(data []byte) (*Message, error) {
	return defaultParser.Parse(data)
}

// defaultParser is never changed; a Parser on the stack would escape and
// cost an allocation per message.
var defaultParser Parser

// Parse parses one complete message. data is not retained: the message owns
// a copy. Bytes after the body that Content-Length announces are discarded
// (RFC 3261 §18.3); without Content-Length, the body is the rest of data.
// Data that ends right after a header line, without the empty line, is a
// message without a body.
//
// Parse checks syntax and framing only: a SIP-Version SIP/x.y other than
// SIP/2.0, a missing header, a repeated header (but Content-Length, which
// frames the body), or a CSeq method that is not the request's parse, and
// Validate reports them. A version of another form is a ParseError:
// ErrBadVersion (505) for "SIP/" and a token, ErrBadStartLine (400) for
// anything else.
//
// Errors are *ParseError values wrapping a sentinel such as ErrInvalidHeader
// or ErrBadVersion; their StatusCode and Reason give the response to send.
func (p *Parser) Parse(data []byte) (*Message, error) {
	return p.parse(data, false)
}

// ParseOwned is Parse for a caller that hands data over: the message keeps
// it instead of a copy, so its strings and Body alias data, which the caller
// must never change afterwards. It saves the copy and its allocation when
// data is a fresh buffer anyway, such as one datagram read into a buffer of
// its own.
func (p *Parser) ParseOwned(data []byte) (*Message, error) {
	return p.parse(data, true)
}

func (p *Parser) parse(data []byte, owned bool) (*Message, error) {
	return p.parseInto(data, owned, nil, false, layoutAuto)
}

// A layout says which block parseInto fills: the one pickLayout picks, or
// for tests, a given one.
type layout int8

const (
	layoutAuto  layout = iota
	layoutSmall        // smallBlock
	layoutFull         // block
	layoutLarge        // largeBlock when the message's size class has room for it
	layoutAuth         // authBlock when the message's size class has room for it
)

// parseInto is parse; a non-nil scratch block is used instead of a new one
// (owned must then be false, and data fit in it), for benchmarks that time
// the parsing alone, and general skips the fast path, for tests that check
// that it gives what the general parser gives.
func (p *Parser) parseInto(data []byte, owned bool, scratch *block4864, general bool, lay layout) (*Message, error) {
	lim := &p.Limits
	if len(data) > lim.maxMessageSize() {
		// Formatted by hand: refusing a flood of large datagrams costs two
		// allocations.
		var buf [48]byte
		detail := strconv.AppendInt(buf[:0], int64(len(data)), 10)
		detail = append(detail, " bytes, limit "...)
		detail = strconv.AppendInt(detail, int64(lim.maxMessageSize()), 10)
		return nil, errAt(0, "", ErrMessageTooLarge, string(detail))
	}
	// RFC 3261 §7.5: CRLFs before the start line are ignored.
	start := 0
	for start < len(data) && (data[start] == '\r' || data[start] == '\n') {
		start++
	}
	data = data[start:]
	// Check the start line on the caller's bytes, before copying anything:
	// garbage costs no allocation but its error. The end of the header
	// block is found while the fields are parsed, on the copy.
	eol := bytes.IndexByte(data, '\n')
	if eol < 0 {
		if len(data) == 0 {
			return nil, errAt(0, "", ErrMalformed, "empty message")
		}
		eol = len(data)
	}
	view := unsafe.String(unsafe.SliceData(data), len(data))
	startLine := trimEOL(view[:eol])
	if len(startLine) > lim.maxLineLength() {
		return nil, errAt(1, "", ErrLineTooLong, fmt.Sprintf("start line longer than %d bytes", lim.maxLineLength()))
	}
	var st startInfo
	uri, err := parseStartLine(startLine, &st.probe, lim)
	if err != nil {
		return nil, err
	}
	if eol >= len(data) {
		return nil, errNoEmptyLine()
	}

	var b slots
	own := data[:len(data):len(data)]
	if scratch != nil {
		b, own = scratch.slots(), scratch.buf[:len(data):len(data)]
		copy(own, data)
	} else if owned {
		b = newOwnedBlock()
	} else {
		if lay == layoutAuto {
			lay = pickLayout(data)
		}
		b, own = newBlock(len(data), lay)
		copy(own, data)
	}
	st.uri, st.from, st.eol = uri, data, eol
	if !general {
		if m := p.fastParse(b, own, &st); m != nil {
			return m, nil
		}
	}
	// Something the fast path does not read, or an error: the general
	// parser starts again from a clean block, and finds the error if there
	// is one.
	b.reset()
	return p.slowParse(b, own, &st)
}

// startInfo is what parse learned from the start line, on the caller's
// bytes from: the line ends at eol.
type startInfo struct {
	probe Message
	uri   string
	from  []byte
	eol   int
}

// set copies the start line into m and parses the Request-URI. s holds the
// same bytes as st.from at the same offsets: the start line checked on the
// caller's bytes needs no second look, only its URI a parse.
func (st *startInfo) set(m *Message, s string, u *URI, pb *[]Param) error {
	m.Method = rebase(st.probe.Method, st.from, s)
	m.Version = rebase(st.probe.Version, st.from, s)
	m.StatusCode = st.probe.StatusCode
	m.Reason = rebase(st.probe.Reason, st.from, s)
	if st.uri != "" {
		if err := parseURI(rebase(st.uri, st.from, s), u, pb); err != nil {
			return err
		}
		m.RequestURI = u
	}
	return nil
}

// fastParse parses the message in own, the copy of st.from, in one pass,
// and returns nil if it meets anything it does not read the common way or
// an error; see fastHeaders.
func (p *Parser) fastParse(b slots, own []byte, st *startInfo) *Message {
	d := decoder{lim: &p.Limits, fast: true, request: st.probe.Method != "",
		maxValues: p.Limits.maxValues(), maxParams: p.Limits.maxParams()}
	d.init(b)
	s := unsafe.String(unsafe.SliceData(own), len(own))
	m := b.msg
	if st.set(m, s, b.uri, &d.params) != nil {
		return nil
	}
	bodyStart, ok := d.fastHeaders(s, st.eol+1)
	if !ok {
		return nil
	}
	if !d.finish(m, own[bodyStart:]) {
		return nil
	}
	return m
}

// slowParse parses the message in own, the copy of st.from, with the
// general parser.
func (p *Parser) slowParse(b slots, own []byte, st *startInfo) (*Message, error) {
	var fields fieldEnds
	d := decoder{lim: &p.Limits, request: st.probe.Method != "",
		maxValues: p.Limits.maxValues(), maxParams: p.Limits.maxParams()}
	headerEnd, bodyStart := d.scanFields(own, st.eol, &fields)
	if headerEnd < 0 {
		return nil, errNoEmptyLine()
	}
	s := unsafe.String(unsafe.SliceData(own), headerEnd)
	d.init(b)
	m := b.msg
	if err := st.set(m, s, b.uri, &d.params); err != nil {
		return nil, requestURIError(err)
	}
	if err := d.parseHeaders(s, st.eol+1, &fields); err != nil {
		return nil, err
	}
	if !d.finish(m, own[bodyStart:]) {
		// RFC 4475 §3.1.2.2: a datagram shorter than its Content-Length is refused.
		return nil, errAt(d.clLine, d.clName, ErrBadContentLength,
			fmt.Sprintf("Content-Length %d exceeds the %d bytes of body received", d.cl.Value, len(own)-bodyStart))
	}
	return m, nil
}

// finish sets the headers and the body of m, of which body holds the
// bytes after the header block, and reports false if there are fewer than
// Content-Length says.
func (d *decoder) finish(m *Message, body []byte) bool {
	m.Headers = d.headers[:len(d.headers):len(d.headers)]
	if len(m.Headers) == 0 {
		m.Headers = nil
	}
	if d.cl != nil {
		if d.cl.Value > len(body) {
			return false
		}
		body = body[:d.cl.Value:d.cl.Value]
	}
	if len(body) > 0 {
		m.Body = body
	}
	return true
}

// nameEnd returns the index of the colon that ends the header name
// starting at s[i], a token followed by the colon right away, or -1, and
// the name's spec as lookupHeader returns it.
func nameEnd(s string, i int) (int, *headerSpec, bool) {
	// Most names are known ones up to 24 bytes long: find the colon a word
	// at a time and compare the words; a known name needs no look at each
	// of its bytes.
	if b := unsafe.Slice(unsafe.StringData(s), len(s)); i+24 <= len(b) {
		var w [3]uint64
		for k := range w {
			x := binary.LittleEndian.Uint64(b[i+8*k:])
			y := x ^ 0x3a3a3a3a3a3a3a3a
			if z := (y - 0x0101010101010101) &^ y & 0x8080808080808080; z != 0 {
				r := bits.TrailingZeros64(z) >> 3 // bytes of the name in this word
				w[k] = x & (1<<(8*r) - 1)
				if n := 8*k + r; n >= 2 {
					if spec := lookupWords(w[0], w[1], w[2], n, b[i+n-1]); spec != nil {
						return i + n, spec, false
					}
				}
				break
			}
			w[k] = x
		}
	}
	j := skipToken(s, i)
	if j == i || j == len(s) || s[j] != ':' {
		return -1, nil, false
	}
	spec, compact := lookupHeader(s[i:j])
	return j, spec, compact
}

func errNoEmptyLine() *ParseError {
	return errAt(0, "", ErrMalformed, "no empty line after the headers")
}

// fastHeaders parses the header fields of s from offset i, the start of the
// first one, up to the empty line or the end of s, where scanFields finds
// the end of the header block, and returns the start of the body. It
// reports false, leaving the rest to the general parser, for a folded
// field, white space before a colon, a bare CR (which the general parser
// reads as a space, see parseField), a field or a number of them beyond the
// limits, and any error.
func (d *decoder) fastHeaders(s string, i int) (int, bool) {
	maxLine, maxHeaders := d.lim.maxLineLength(), d.lim.maxHeaders()
	// The CRs of the header block must all end lines: one count of them
	// at the end costs less than looking for one in every value.
	first, eols := i, 0
	for n := 0; ; n++ {
		if i >= len(s) {
			return len(s), strings.Count(s[first:], "\r") == eols
		}
		switch s[i] {
		case '\n':
			return i + 1, strings.Count(s[first:i], "\r") == eols
		case '\r':
			if i+1 == len(s) || s[i+1] == '\n' {
				return min(i+2, len(s)), strings.Count(s[first:i], "\r") == eols
			}
			return 0, false
		}
		// The line end and the name are found independently of each
		// other, so that the processor looks for both at once.
		e := strings.IndexByte(s[i:], '\n')
		j, spec, compact := nameEnd(s, i)
		if e < 0 || j < 0 || j >= i+e {
			return 0, false
		}
		end := i + e
		// A line starting with SP or HTAB continues the field (folding).
		if end+1 < len(s) && (s[end+1] == ' ' || s[end+1] == '\t') {
			return 0, false
		}
		value := s[j+1 : end]
		if k := len(value) - 1; k >= 0 && value[k] == '\r' {
			value = value[:k]
			eols++
		}
		if n >= maxHeaders || len(value)+j+1-i > maxLine {
			return 0, false
		}
		if d.parseKnown(spec, compact, s[i:j], trimLWS(value), 0) != nil ||
			len(d.headers) > d.maxValues || len(d.params) > d.maxParams {
			return 0, false
		}
		i = end + 1
	}
}

// scanFields returns the end of the header block (just past the line end
// of its last line) and the start of the body, or -1; eol is the line end of
// the start line. Bare LF line ends are accepted as well as CRLF. A message
// whose last header line ends the data lacks the empty line that RFC 3261 §7
// requires, but nothing can be missing from it (RFC 4475 §3.1.2.15 baddn is
// such a datagram), so it is read as having no body; data that ends inside a
// line has no header block.
//
// On the way it records where each header field ends, so that parseHeaders
// need not look for the line ends again.
func (d *decoder) scanFields(data []byte, eol int, fields *fieldEnds) (headerEnd, bodyStart int) {
	if eol >= len(data) {
		return -1, -1
	}
	folded := false
	for j := eol; ; {
		// j is a line end; an empty line follows when the next bytes are
		// "\r\n" or "\n", a continuation of the field when they are SP or
		// HTAB (RFC 3261 §7.3.1).
		k := j + 1
		if j > eol {
			if k < len(data) && (data[k] == ' ' || data[k] == '\t') {
				folded = true
			} else {
				d.addField(fields, j, folded)
				folded = false
			}
		}
		if k < len(data) && data[k] == '\r' {
			k++
		}
		if k < len(data) && data[k] == '\n' {
			return j + 1, k + 1
		}
		if k >= len(data) {
			return j + 1, len(data)
		}
		n := bytes.IndexByte(data[j+1:], '\n')
		if n < 0 {
			return -1, -1
		}
		j += n + 1
	}
}

// addField records in fields a header field that ends at the line end at
// end.
func (d *decoder) addField(fields *fieldEnds, end int, folded bool) {
	if d.nfields < len(fields) {
		f := end << 1
		if folded {
			f |= 1
		}
		fields[d.nfields] = f
	}
	d.nfields++
}

// fieldEnds are the line ends of the first header fields, shifted left by
// one, with the low bit set when the field is folded (see scanFields).
type fieldEnds [40]int

func trimEOL(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// rebase returns the substring of to at the offset that sub, a substring of
// from, has in from. from and to hold the same bytes, so sub's text is kept.
func rebase(sub string, from []byte, to string) string {
	if sub == "" {
		return ""
	}
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.SliceData(from))))
	return to[off : off+len(sub)]
}

// parseStartLine reads a Request-Line or Status-Line (RFC 3261 §7.1, §7.2)
// into m, whose strings then alias line, and returns the Request-URI, of
// which it checks only the length and the scheme; error details never alias
// the line.
func parseStartLine(line string, m *Message, lim *Limits) (uri string, err error) {
	// The common request line, Method SP Request-URI SP "SIP/2.0", in one
	// pass; anything else takes the checks below.
	if n := len(line) - len(" SIP/2.0"); n > 4 && line[n:] == " SIP/2.0" {
		sp := 0
		for sp < n && isToken(line[sp]) {
			sp++
		}
		if uri = line[min(sp+1, n):n]; sp > 0 && line[sp] == ' ' && uri != "" && uri[0] != '<' && len(uri) <= lim.maxURILength() {
			i := 0
			for i < len(uri) && uri[i] != ' ' && uri[i] != '\t' {
				i++
			}
			if i == len(uri) && schemeEnd(uri) >= 0 {
				m.Method, m.Version = line[:sp], line[n+1:]
				return uri, nil
			}
		}
	}
	// RFC 3261 §7.1: SIP-Version is case-insensitive. No method starts
	// with it, since "/" is not a token character.
	if hasPrefixFold(line, "SIP/") {
		// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
		sp := strings.IndexByte(line, ' ')
		if sp < 0 || len(line) < sp+4 || (len(line) > sp+4 && line[sp+4] != ' ') {
			return "", errAt(1, "", ErrBadStartLine, "status line is not SIP-Version SP Status-Code SP Reason-Phrase")
		}
		code := line[sp+1 : sp+4]
		if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] < '1' || code[0] > '6' {
			return "", errAt(1, "", ErrBadStartLine, fmt.Sprintf("status code %q is not 100-699", code))
		}
		if !isVersion(line[:sp]) {
			return "", versionError(line[:sp])
		}
		m.Version = line[:sp]
		m.StatusCode = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
		if len(line) > sp+5 {
			m.Reason = line[sp+5:]
			if strings.IndexFunc(m.Reason, isControl) >= 0 {
				return "", errAt(1, "", ErrBadStartLine, "control character in the reason phrase")
			}
		}
		return "", nil
	}
	// Request-Line = Method SP Request-URI SP SIP-Version: exactly single
	// spaces (RFC 4475 lwsruri, lwsstart, trws).
	sp1 := strings.IndexByte(line, ' ')
	if sp1 <= 0 {
		return "", errAt(1, "", ErrBadStartLine, "request line is not Method SP Request-URI SP SIP-Version")
	}
	sp2 := strings.LastIndexByte(line, ' ')
	if sp2 == sp1 {
		return "", errAt(1, "", ErrBadStartLine, "request line is not Method SP Request-URI SP SIP-Version")
	}
	method, uri, version := line[:sp1], line[sp1+1:sp2], line[sp2+1:]
	if !isTokenString(method) {
		return "", errAt(1, "", ErrBadStartLine, fmt.Sprintf("method %q is not a token", clip(method)))
	}
	if uri == "" || strings.IndexByte(uri, ' ') >= 0 || strings.IndexByte(uri, '\t') >= 0 {
		return "", errAt(1, "", ErrBadStartLine, "white space in the Request-URI")
	}
	if len(uri) > lim.maxURILength() {
		return "", errAt(1, "", ErrURITooLong, fmt.Sprintf("%d bytes, limit %d", len(uri), lim.maxURILength()))
	}
	if uri[0] == '<' {
		return "", errAt(1, "", ErrBadStartLine, "Request-URI enclosed in <>")
	}
	if !isVersion(version) {
		return "", versionError(version)
	}
	// A scheme is enough to tell garbage apart before the copy; the URI is
	// parsed after it.
	if schemeEnd(uri) < 0 {
		return "", errAt(1, "", ErrInvalidURI, "Request-URI: missing scheme")
	}
	m.Method, m.Version = method, version
	return uri, nil
}

// requestURIError reports an invalid Request-URI. The concatenation copies
// the detail, so the error never aliases the input.
func requestURIError(err error) *ParseError {
	return errAt(1, "", ErrInvalidURI, "Request-URI: "+strings.TrimPrefix(err.Error(), ErrInvalidURI.Error()+": "))
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

// versionError reports a start line whose SIP-Version v is not SIP/2.0:
// "SIP/" and a token is a version this element does not support (505, RFC
// 3261 §21.5.6), anything else, such as white space or a CR after
// "SIP/2.0", a malformed start line (400, RFC 4475 §3.1.2.10).
func versionError(v string) *ParseError {
	if !hasPrefixFold(v, "SIP/") || v[4:] != "" && !isTokenString(v[4:]) {
		return errAt(1, "", ErrBadStartLine, fmt.Sprintf("%q is not a SIP-Version", clip(v)))
	}
	return errAt(1, "", ErrBadVersion, fmt.Sprintf("%q", clip(v)))
}

// isVersion accepts "SIP/" 1*DIGIT "." 1*DIGIT; the protocol name compares
// case-insensitively.
func isVersion(v string) bool {
	if len(v) < 7 || !equalFold(v[:4], "SIP/") {
		return false
	}
	dot := strings.IndexByte(v[4:], '.')
	if dot <= 0 {
		return false
	}
	for i := 4; i < len(v); i++ {
		if i != 4+dot && !isDigit(v[i]) {
			return false
		}
	}
	return 4+dot < len(v)-1
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }
