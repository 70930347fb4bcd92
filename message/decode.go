package message

import (
	"errors"
	"fmt"
	"strings"
)

// block holds a parsed message together with room for the values of a
// typical message, so that parsing one costs two allocations (this block and
// the copy of the input) rather than one per header. Values that do not fit
// spill into fresh chunks; nothing ever moves once handed out.
//
// Every slot costs bytes on every parse, and in BenchmarkParseINVITE the
// garbage collector's work grows with the bytes allocated (a 6 KB block
// parsed 50% slower than this 3 KB one), so the arrays are sized for a typical
// INVITE and rarer values (Interval, Auth, ...) come in small chunks.
type block struct {
	msg     Message
	uri     URI
	headers [24]Header
	params  [10]Param
	vias    [2]Via
	addrs   [4]Address
	numbers [3]Number
	texts   [3]Text
	raws    [2]Raw
	tokens  [12]Token // Allow alone often lists 8 to 10 methods
	media   [1]MediaType
	cseq    [1]CSeq
}

// decoder is the state of one Parse call.
type decoder struct {
	lim       *Limits
	block     *block
	headers   []Header
	params    []Param // bump buffer; lists are sub-slices capped at their length
	vias      []Via
	addrs     []Address
	numbers   []Number
	texts     []Text
	raws      []Raw
	tokens    []Token
	media     []MediaType
	cseqs     []CSeq
	intervals []Interval
	auths     []Auth
	nvia      int
	// clLine and clName are the line of the Content-Length header and its
	// name as written; clLine is 0 while none was seen.
	clLine int
	clName string
}

func (d *decoder) init(b *block) {
	d.block = b
	d.headers = b.headers[:0]
	d.params = b.params[:0]
	d.vias = b.vias[:0]
	d.addrs = b.addrs[:0]
	d.numbers = b.numbers[:0]
	d.texts = b.texts[:0]
	d.raws = b.raws[:0]
	d.tokens = b.tokens[:0]
	d.media = b.media[:0]
	d.cseqs = b.cseq[:0]
}

// next hands out the next free element of a chunk, starting a new chunk when
// it is full, so earlier pointers stay valid.
func next[T any](s *[]T) *T {
	if len(*s) == cap(*s) {
		*s = make([]T, 0, max(2, 2*cap(*s)))
	}
	*s = (*s)[:len(*s)+1]
	return &(*s)[len(*s)-1]
}

// parseHeaders reads the header lines of s from offset i to its end.
func (d *decoder) parseHeaders(s string, i int, m *Message) error {
	maxLine, maxHeaders := d.lim.maxLineLength(), d.lim.maxHeaders()
	line := 1
	lines := 0
	for i < len(s) {
		line++
		// Errors name the line where the field starts, even when it is folded.
		first := line
		// A field ends at a line end not followed by SP or HTAB (folding, RFC 3261 §7.3.1).
		start := i
		end := -1
		for {
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				end, i = len(s), len(s)
				break
			}
			i += j + 1
			if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				line++
				if i-start > maxLine+2 {
					break // too long whatever follows
				}
				continue
			}
			end = i - 1
			break
		}
		var field string
		if end >= 0 {
			field = trimEOL(s[start:end])
		}
		// Folds count: the bound holds for the field as received.
		if end < 0 || len(field) > maxLine {
			return errAt(first, "", ErrLineTooLong, fmt.Sprintf("header field longer than %d bytes", maxLine))
		}
		if lines++; lines > maxHeaders {
			return errAt(first, "", ErrTooManyHeaders, fmt.Sprintf("limit %d", maxHeaders))
		}
		if err := d.parseField(field, first); err != nil {
			return err
		}
	}
	return nil
}

// parseField reads one header field: name HCOLON value.
func (d *decoder) parseField(field string, line int) error {
	colon := strings.IndexByte(field, ':')
	if colon < 0 {
		return errAt(line, "", ErrInvalidHeader, fmt.Sprintf("no colon in %q", clip(field)))
	}
	name := field[:colon]
	for len(name) > 0 && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
		name = name[:len(name)-1]
	}
	if !isTokenString(name) {
		return errAt(line, "", ErrInvalidHeader, fmt.Sprintf("header name %q is not a token", clip(name)))
	}
	value := field[colon+1:]
	if strings.IndexByte(value, '\n') >= 0 {
		value = unfold(value)
	}
	value = trimLWS(value)
	spec, compact := lookupHeader(name)
	if spec == nil {
		d.headers = append(d.headers, Header{Name: name, Value: d.raw(value)})
		return nil
	}
	if spec.name == HeaderContentLength {
		// Two lengths leave the framing undecidable: the message must be
		// refused, and a stream closed (RFC 4475 §3.3.9).
		if d.clLine != 0 {
			return errAt(line, name, ErrBadContentLength, fmt.Sprintf("Content-Length already given at line %d", d.clLine))
		}
		d.clLine, d.clName = line, name
	}
	if value == "" {
		if spec.critical {
			return errAt(line, name, headerSentinel(spec), "empty value")
		}
		d.headers = append(d.headers, Header{Name: spec.name, Compact: compact})
		return nil
	}
	if !spec.list {
		v, err := d.parseValue(spec, value)
		if err != nil {
			if spec.critical {
				return wrapHeaderErr(line, name, spec, err)
			}
			v = d.raw(value)
		}
		d.headers = append(d.headers, Header{Name: spec.name, Value: v, Compact: compact})
		return nil
	}
	// A list: one Header per element, the later ones Joined to the first.
	mark := len(d.headers)
	for i, joined := 0, false; i <= len(value); joined = true {
		j := nextComma(value, i)
		if j < 0 {
			if spec.critical {
				return errAt(line, name, ErrInvalidHeader, "unbalanced quotes or angle brackets")
			}
			d.headers = append(d.headers[:mark], Header{Name: spec.name, Value: d.raw(value), Compact: compact})
			return nil
		}
		elem := trimLWS(value[i:j])
		i = j + 1
		var v Value
		var err error
		if elem == "" {
			err = fmt.Errorf("%w: empty list element", ErrInvalidHeader)
		} else {
			v, err = d.parseValue(spec, elem)
		}
		if err != nil {
			if spec.critical {
				return wrapHeaderErr(line, name, spec, err)
			}
			d.headers = append(d.headers[:mark], Header{Name: spec.name, Value: d.raw(value), Compact: compact})
			return nil
		}
		d.headers = append(d.headers, Header{Name: spec.name, Value: v, Compact: compact, Joined: joined})
	}
	return nil
}

func wrapHeaderErr(line int, name string, spec *headerSpec, err error) *ParseError {
	sentinel := headerSentinel(spec)
	detail := err.Error()
	for _, s := range []error{ErrInvalidHeader, ErrURITooLong, ErrTooManyVias, ErrInvalidURI} {
		if errors.Is(err, s) {
			if s != ErrInvalidHeader {
				sentinel = s
			}
			// The sentinel is already in ParseError.Error.
			detail = strings.TrimPrefix(detail, s.Error())
			detail = strings.TrimPrefix(detail, ": ")
		}
	}
	return errAt(line, name, sentinel, detail)
}

// headerSentinel is the error of an invalid value of a critical header: an
// unreadable Content-Length is a framing error (RFC 4475 §3.1.2.3), the
// others are invalid headers.
func headerSentinel(spec *headerSpec) error {
	if spec.name == HeaderContentLength {
		return ErrBadContentLength
	}
	return ErrInvalidHeader
}

func (d *decoder) raw(s string) *Raw {
	r := next(&d.raws)
	r.Value = s
	return r
}

// parseValue parses one value (one list element for list headers).
func (d *decoder) parseValue(spec *headerSpec, s string) (Value, error) {
	switch spec.kind {
	case kindVia:
		if d.nvia++; d.nvia > d.lim.maxVias() {
			return nil, fmt.Errorf("%w: limit %d", ErrTooManyVias, d.lim.maxVias())
		}
		v := next(&d.vias)
		return v, parseVia(s, v, &d.params)
	case kindNameAddr, kindContact, kindInfo:
		form := formNameAddr
		switch spec.kind {
		case kindContact:
			form = formContact
		case kindInfo:
			form = formInfo
		}
		a := next(&d.addrs)
		return a, parseAddress(s, a, form, d.lim.maxURILength(), &d.params)
	case kindCallID:
		id, err := parseCallID(s)
		t := next(&d.texts)
		t.Value = id
		return t, err
	case kindText:
		t := next(&d.texts)
		t.Value = s
		return t, nil
	case kindCSeq:
		c := next(&d.cseqs)
		return c, parseCSeq(s, c)
	case kindNumber:
		n := next(&d.numbers)
		if err := parseNumber(s, n); err != nil {
			return n, err
		}
		if n.Value > 255 && spec.name == HeaderMaxForwards {
			// RFC 3261 §20.22: Max-Forwards is in the range 0-255 (RFC 4475 §3.1.2.4).
			return n, fmt.Errorf("%w: Max-Forwards %d is above 255", ErrInvalidHeader, n.Value)
		}
		return n, nil
	case kindToken:
		t := next(&d.tokens)
		return t, parseToken(s, t, &d.params)
	case kindMediaType:
		mt := next(&d.media)
		return mt, parseMediaType(s, mt, &d.params)
	case kindInterval:
		v := next(&d.intervals)
		return v, parseInterval(s, v, &d.params)
	case kindRAck:
		v := new(RAck)
		return v, parseRAck(s, v)
	case kindAuth, kindAuthInfo:
		v := next(&d.auths)
		return v, parseAuth(s, v, spec.kind == kindAuth, &d.params)
	case kindWarning:
		v := new(Warning)
		return v, parseWarning(s, v)
	case kindTimestamp:
		v := new(Timestamp)
		return v, parseTimestamp(s, v)
	}
	return d.raw(s), nil
}

// unfold replaces each line end and the white space around it with one space
// (RFC 3261 §7.3.1: folding is equivalent to a single SP).
func unfold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\r' && c != '\n' {
			b.WriteByte(c)
			continue
		}
		for i+1 < len(s) && isSpace(s[i+1]) {
			i++
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// clip shortens s for an error message. Details format it with %q, which
// copies it, so that an error never aliases the input.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
