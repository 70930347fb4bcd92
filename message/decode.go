package message

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// decoder is the state of one Parse call.
type decoder struct {
	lim       *Limits
	block     slots
	headers   []Header
	params    []Param // bump buffer; lists are sub-slices capped at their length
	vias      []Via
	addrs     []Address
	numbers   []Number
	texts     []Text
	raws      []Raw
	tokens    []Token
	strs      []string // bump buffer of TokenList values, as params
	lists     []TokenList
	media     []MediaType
	cseqs     []CSeq
	intervals []Interval
	auths     []Auth
	nvia      int
	// nfields counts the header fields that scanFields found.
	nfields int
	// clSeen reports a Content-Length header; clLine and clName are its
	// line and its name as written, cl its value once parsed.
	clSeen bool
	clLine int
	clName string
	cl     *Number
	// fast is set in the fast path (fastParse), whose errors are all errFast.
	fast bool
	// request is set when the message is a request.
	request bool
	// maxValues and maxParams are the Limits' (MaxValues, MaxParams),
	// but that each TokenList takes the values beyond its first from
	// maxValues, so that len(headers) counts against it as before;
	// overLimit is set when a fast path gave up on them, so that the
	// general parser takes over at once instead of parsing the field in
	// full first.
	maxValues, maxParams int
	overLimit            bool
}

func (d *decoder) init(b slots) {
	d.block = b
	d.headers = b.headers[:0]
	d.params = b.params[:0]
	d.vias = b.vias[:0]
	d.addrs = b.addrs[:0]
	d.numbers = b.numbers[:0]
	d.texts = b.texts[:0]
	d.raws = b.raws[:0]
	d.tokens = b.tokens[:0]
	d.strs = b.strs[:0]
	d.lists = b.lists[:0]
	d.media = b.media[:0]
	d.cseqs = b.cseq[:0]
	d.auths = b.auths[:0]
}

// next hands out the next free element of a chunk, starting a new chunk when
// it is full, so earlier pointers stay valid. The first chunk after the
// block's own array holds two elements (a message with one value more than
// the block has room for should not pay for eight), later ones double.
func next[T any](d *decoder, s *[]T) *T {
	if len(*s) == cap(*s) {
		n := 2
		if c := cap(*s); c > 0 && !d.inBlock(unsafe.Pointer(unsafe.SliceData(*s))) {
			n = 2 * c
		}
		*s = make([]T, 0, n)
	}
	*s = (*s)[:len(*s)+1]
	return &(*s)[len(*s)-1]
}

// inBlock reports whether p points into the decoder's block.
func (d *decoder) inBlock(p unsafe.Pointer) bool {
	return uintptr(p)-uintptr(d.block.base) < d.block.size
}

// parseHeaders reads the header lines of s from offset i to its end;
// fields are the line ends that scanFields recorded.
func (d *decoder) parseHeaders(s string, i int, fields *fieldEnds) error {
	if d.nfields > len(fields) {
		return d.scanHeaders(s, i)
	}
	maxLine, maxHeaders := d.lim.maxLineLength(), d.lim.maxHeaders()
	line := 1
	for n, f := range fields[:d.nfields] {
		line++
		// Errors name the line where the field starts, even when it is folded.
		first := line
		end, folded := f>>1, f&1 != 0
		field := trimEOL(s[i:end])
		i = end + 1
		if folded {
			line += strings.Count(field, "\n")
		}
		// Folds count: the bound holds for the field as received.
		if len(field) > maxLine {
			return errAt(first, "", ErrLineTooLong, fmt.Sprintf("header field longer than %d bytes", maxLine))
		}
		if n >= maxHeaders {
			return errAt(first, "", ErrTooManyHeaders, fmt.Sprintf("limit %d", maxHeaders))
		}
		if err := d.parseField(field, folded, first); err != nil {
			return err
		}
	}
	return nil
}

// scanHeaders is parseHeaders for a header block with more fields than
// scanFields records: it finds the line ends itself.
func (d *decoder) scanHeaders(s string, i int) error {
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
		folded := false
		for {
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				end, i = len(s), len(s)
				break
			}
			i += j + 1
			if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				line++
				folded = true
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
		if err := d.parseField(field, folded, first); err != nil {
			return err
		}
	}
	return nil
}

// parseField reads one header field: name HCOLON value.
func (d *decoder) parseField(field string, folded bool, line int) error {
	// The name is a token, then SP or HTAB may come before the colon.
	colon := skipToken(field, 0)
	name := field[:colon]
	for colon < len(field) && (field[colon] == ' ' || field[colon] == '\t') {
		colon++
	}
	if name == "" || colon == len(field) || field[colon] != ':' {
		return badFieldName(field, line)
	}
	value := field[colon+1:]
	// A line fold and a bare CR are white space (§7.3.1; a line ends at
	// LF): the value is read, and kept, with a space in their place, so
	// that it holds no line end that Message.Append would have to blank.
	if folded && strings.IndexByte(value, '\n') >= 0 || strings.IndexByte(value, '\r') >= 0 {
		value = unfold(value)
	}
	if err := d.parseValueOf(name, trimLWS(value), line); err != nil {
		return err
	}
	return d.checkCounts(line, name)
}

// errFast is what the fast path's errors are: it gives up, and the general
// parser builds the error.
var errFast = errors.New("message: fast path gave up")

// parseValueOf reads the value of the field named name on line, trimmed of
// white space.
func (d *decoder) parseValueOf(name, value string, line int) error {
	spec, compact := lookupHeader(name)
	return d.parseKnown(spec, compact, name, value, line)
}

// parseKnown is parseValueOf for a name already looked up.
func (d *decoder) parseKnown(spec *headerSpec, compact bool, name, value string, line int) error {
	if spec == nil {
		d.addHeader(name, d.raw(value), false, false)
		return nil
	}
	if spec.name == HeaderContentLength {
		// Two lengths leave the framing undecidable: the message must be
		// refused, and a stream closed (RFC 4475 §3.3.9).
		if d.fast && d.clSeen {
			return errFast
		}
		if d.clSeen {
			return errAt(line, name, ErrBadContentLength, fmt.Sprintf("Content-Length already given at line %d", d.clLine))
		}
		d.clSeen, d.clLine, d.clName = true, line, name
	}
	if value == "" {
		if spec.critical {
			if d.fast {
				return errFast
			}
			return errAt(line, name, headerSentinel(spec), "empty value")
		}
		d.addHeader(spec.name, nil, compact, false)
		return nil
	}
	switch spec.kind {
	case kindTokenList:
		return d.tokenList(spec, compact, name, value, line)
	case kindToken:
		if spec.list && d.fastTokens(spec.name, value, compact) {
			return nil
		}
	case kindNameAddr, kindContact, kindInfo:
		if d.fastAddresses(spec, value, compact) {
			return nil
		}
	case kindVia:
		if d.fastVias(spec, value, compact) {
			return nil
		}
	}
	if d.fast && d.overLimit {
		return errFast
	}
	switch spec.kind {
	case kindNumber:
		// parseNumber, without its Value and its error.
		if n, ok := parseUint(value); ok && (n <= 255 || spec.name != HeaderMaxForwards) {
			v := next(d, &d.numbers)
			v.Value = n
			if spec.name == HeaderContentLength {
				d.cl = v
			}
			d.addHeader(spec.name, v, compact, false)
			return nil
		}
	case kindText:
		t := next(d, &d.texts)
		t.Value = value
		d.addHeader(spec.name, t, compact, false)
		return nil
	}
	if !spec.list {
		v, err := d.parseValue(spec, value)
		if err != nil {
			if spec.critical {
				if d.fast {
					return errFast
				}
				return wrapHeaderErr(line, name, spec, err)
			}
			v = d.raw(value)
		} else if spec.name == HeaderContentLength {
			d.cl = v.(*Number)
		}
		d.addHeader(spec.name, v, compact, false)
		return nil
	}
	// A list: one Header per element, the later ones Joined to the first.
	// Most lists (Via, Allow, Supported) hold no quoted string and no <URI>:
	// their commas are found without looking at every byte. Nor does
	// In-Reply-To, whose Call-IDs are words, where '"' and '<' are letters
	// like any other and a comma is none (§20.21, §25.1).
	mark := len(d.headers)
	plain := strings.IndexByte(value, '"') < 0 && strings.IndexByte(value, '<') < 0 ||
		spec.name == HeaderInReplyTo
	for i, joined := 0, false; i <= len(value); joined = true {
		var j int
		if plain {
			if j = strings.IndexByte(value[i:], ','); j < 0 {
				j = len(value)
			} else {
				j += i
			}
		} else {
			j = nextComma(value, i)
		}
		if j < 0 {
			if spec.critical {
				if d.fast {
					return errFast
				}
				return errAt(line, name, ErrInvalidHeader, "unbalanced quotes or angle brackets")
			}
			d.headers = d.headers[:mark]
			d.addHeader(spec.name, d.raw(value), compact, false)
			return nil
		}
		elem := trimLWS(value[i:j])
		i = j + 1
		if len(d.headers) >= d.maxValues {
			if d.fast {
				return errFast
			}
			return d.tooManyValues(line, name)
		}
		var v Value
		var err error
		if elem == "" {
			err = fmt.Errorf("%w: empty list element", ErrInvalidHeader)
		} else {
			v, err = d.parseValue(spec, elem)
		}
		if err != nil {
			if spec.critical {
				if d.fast {
					return errFast
				}
				return wrapHeaderErr(line, name, spec, err)
			}
			d.headers = d.headers[:mark]
			d.addHeader(spec.name, d.raw(value), compact, false)
			return nil
		}
		d.addHeader(spec.name, v, compact, joined)
	}
	return nil
}

// checkCounts reports, once the field name is read, more header values or
// parameters than the limits allow. A list is checked at each element as
// well; parameters are counted per field, so that one field, whose length
// is bounded, is all a message may exceed them by.
func (d *decoder) checkCounts(line int, name string) error {
	if len(d.headers) > d.maxValues {
		return d.tooManyValues(line, name)
	}
	if len(d.params) > d.maxParams {
		return errAt(line, name, ErrTooManyParams, fmt.Sprintf("limit %d", d.maxParams))
	}
	return nil
}

// tooManyValues is the error of a field that takes the message past
// Limits.MaxValues.
func (d *decoder) tooManyValues(line int, name string) error {
	return errAt(line, name, ErrTooManyHeaders, fmt.Sprintf("more than %d header values", d.lim.maxValues()))
}

// tokenList reads the value of a TokenList header into one Header: a
// *TokenList, or *Raw when the value does not follow the grammar (none of
// these headers is critical).
func (d *decoder) tokenList(spec *headerSpec, compact bool, name, value string, line int) error {
	vals, err := parseTokenList(value, &d.strs, d.maxValues-len(d.headers))
	var v Value
	switch {
	case err == ErrTooManyHeaders:
		if d.fast {
			d.overLimit = true
			return errFast
		}
		return d.tooManyValues(line, name)
	case err != nil:
		v = d.raw(value)
	default:
		l := next(d, &d.lists)
		l.Values = vals
		v = l
		d.maxValues -= len(vals) - 1
	}
	d.addHeader(spec.name, v, compact, false)
	return nil
}

// badFieldName reports a field whose name is not a token followed by a colon.
func badFieldName(field string, line int) error {
	colon := strings.IndexByte(field, ':')
	if colon < 0 {
		return errAt(line, "", ErrInvalidHeader, fmt.Sprintf("no colon in %q", clip(field)))
	}
	name := strings.TrimRight(field[:colon], " \t")
	return errAt(line, "", ErrInvalidHeader, fmt.Sprintf("header name %q is not a token", clip(name)))
}

// addHeader appends a header. Its fields are stored one by one into the
// slot: building a Header and copying it costs a bulk write barrier while
// the garbage collector marks. Once the block's array is full, the headers
// move once to an array with room for every field scanFields found, rather
// than doubling and copying again and again.
func (d *decoder) addHeader(name string, v Value, compact, joined bool) {
	n := len(d.headers)
	if n == cap(d.headers) {
		d.growHeaders()
	}
	d.headers = d.headers[:n+1]
	h := &d.headers[n]
	h.Name, h.Value, h.Compact, h.Joined = name, v, compact, joined
}

// growHeaders makes room for the headers beyond the block's array.
func (d *decoder) growHeaders() {
	c := max(2*len(d.headers), min(d.nfields, d.lim.maxHeaders())+8)
	d.headers = append(make([]Header, 0, c), d.headers...)
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

// spareParam gives ps, the parameters of the top Via of a request if they
// are the last ones carved from the block, room for one more: the
// transport that receives the request adds received to them (RFC 3261
// §18.2.1), which would otherwise copy them to a new array. The slot is
// ps's alone: its capacity ends there.
func (d *decoder) spareParam(ps *Params) {
	n := len(*ps)
	if !d.request || d.nvia != 1 || n == 0 || len(d.params) == cap(d.params) ||
		unsafe.SliceData(*ps) != &d.params[len(d.params)-n] {
		return
	}
	l := len(d.params)
	d.params = d.params[:l+1]
	*ps = d.params[l-n : l : l+1]
}

func (d *decoder) raw(s string) *Raw {
	r := next(d, &d.raws)
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
		v := next(d, &d.vias)
		err := parseVia(s, v, &d.params)
		if err == nil {
			d.spareParam(&v.Params)
		}
		return v, err
	case kindNameAddr, kindContact, kindInfo:
		a := next(d, &d.addrs)
		return a, parseAddress(s, a, addressFormOf(spec), d.lim.maxURILength(), &d.params)
	case kindCallID:
		id, err := parseCallID(s)
		t := next(d, &d.texts)
		t.Value = id
		return t, err
	case kindText:
		t := next(d, &d.texts)
		t.Value = s
		return t, nil
	case kindCSeq:
		c := next(d, &d.cseqs)
		return c, parseCSeq(s, c)
	case kindNumber:
		n := next(d, &d.numbers)
		if err := parseNumber(s, n); err != nil {
			return n, err
		}
		if n.Value > 255 && spec.name == HeaderMaxForwards {
			// RFC 3261 §20.22: Max-Forwards is in the range 0-255 (RFC 4475 §3.1.2.4).
			return n, fmt.Errorf("%w: Max-Forwards %d is above 255", ErrInvalidHeader, n.Value)
		}
		return n, nil
	case kindToken:
		t := next(d, &d.tokens)
		return t, parseToken(s, t, &d.params)

	case kindMediaType:
		mt := next(d, &d.media)
		return mt, parseMediaType(s, mt, &d.params)
	case kindInterval:
		v := next(d, &d.intervals)
		return v, parseInterval(s, v, &d.params)
	case kindRAck:
		v := new(RAck)
		return v, parseRAck(s, v)
	case kindAuth, kindAuthInfo:
		return d.auth(s, spec.kind == kindAuth)
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

// Chunks for an Auth and its parameters, in one allocation each: a
// challenge (realm, nonce, algorithm, qop, opaque) fits the small one and
// credentials (RFC 3261 §22.4: username, realm, nonce, uri, response,
// algorithm, cnonce, opaque, qop, nc; RFC 8760's userhash) the large one,
// each in its size class (240 and 576 bytes) without waste. In the bump
// buffer, a Digest Authorization after a block's worth of parameters made
// it grow twice, a copy of every earlier parameter each time, and took
// 1440 bytes.
type (
	authChunk5 struct {
		auth   Auth
		params [5]Param
	}
	authChunk13 struct {
		auth   Auth
		params [13]Param
	}
)

// auth parses a challenge or credentials (withScheme) or an
// Authentication-Info. The parameters go to the bump buffer when it has
// room for as many as s may hold (a comma before each but the first),
// else to a chunk of their own, which counts against MaxParams as they
// would have.
func (d *decoder) auth(s string, withScheme bool) (*Auth, error) {
	n := strings.Count(s, ",") + 1
	var v *Auth
	var pb []Param
	switch {
	case cap(d.params)-len(d.params) >= n || n > len(authChunk13{}.params):
		v = next(d, &d.auths)
		return v, parseAuth(s, v, withScheme, &d.params)
	case n <= len(authChunk5{}.params):
		c := new(authChunk5)
		v, pb = &c.auth, c.params[:0]
	default:
		c := new(authChunk13)
		v, pb = &c.auth, c.params[:0]
	}
	err := parseAuth(s, v, withScheme, &pb)
	d.maxParams -= len(pb)
	return v, err
}
