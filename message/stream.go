package message

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"unsafe"
)

// A StreamReader reads messages framed by Content-Length from a reliable
// byte stream: TCP, TLS or WebSocket (RFC 3261 §18.3).
//
// Between messages it skips the CRLFs that RFC 3261 §7.5 allows before a
// start line and the keep-alives of RFC 5626 §3.5.1: a double CRLF "ping",
// which OnPing reports so that the transport answers it, and a single CRLF
// "pong", which is ignored. Keep-alives never produce a message.
//
// Content-Length is mandatory on a stream: without it the end of a message
// cannot be found. Any framing error (a missing, unreadable or oversized
// Content-Length, an overlong header block or line, a read error inside a
// message) leaves the stream at an unknown position, so the connection must
// be closed after it; io.EOF, returned at a message boundary, is a clean end.
// A read error between messages (an idle read deadline) consumes nothing of
// the next message, and a message that was framed but does not parse
// (ReadMessage) leaves the stream at the next message: reading can go on.
//
// A StreamReader is not safe for concurrent use.
type StreamReader struct {
	// OnPing, if not nil, is called for each RFC 5626 ping (CRLFCRLF) read
	// between messages. The transport answers it with a pong (CRLF). It is
	// called on the goroutine that reads, as soon as the ping is read and
	// before waiting for more input, so it must hand the work over rather
	// than block.
	OnPing func()

	r *bufio.Reader
	p *Parser
}

// NewStreamReader returns a StreamReader reading from r within the limits of
// p; a nil p means the default limits. The reader never consumes bytes of r
// beyond the message it returns.
//
// Its buffer should hold a typical header block (the 4096 bytes of
// bufio.NewReader do): a header block that does not fit costs extra
// allocations.
func NewStreamReader(r *bufio.Reader, p *Parser) *StreamReader {
	if p == nil {
		p = new(Parser)
	}
	return &StreamReader{r: r, p: p}
}

// ReadFrame reads the bytes of the next message: the start line, the header
// block with its empty line, and exactly Content-Length bytes of body. The
// CRLFs before the start line are not part of it; the returned slice is the
// caller's.
//
// At the end of the stream between messages ReadFrame returns io.EOF; within
// a message, io.ErrUnexpectedEOF. Framing errors are *ParseError values
// wrapping ErrBadContentLength, ErrMessageTooLarge or ErrLineTooLong. When the
// header block was read whole but the body cannot be framed (no
// Content-Length, an unreadable one, or one above Limits.MaxMessageSize),
// ReadFrame returns that header block, empty line included, with the error.
// Without Content-Length the block parses, so that a server can answer 400
// with its Via and tags (RFC 3261 §21.4.1) before closing the connection; a
// block whose Content-Length is unreadable or too large does not parse
// alone, and the error's StatusCode (400, or 513, §21.5.7) is what a server
// answers with.
func (s *StreamReader) ReadFrame() ([]byte, error) {
	acc, n, cl, err := s.readHead()
	if err != nil {
		if n > 0 {
			return s.takeHead(acc, n), err
		}
		return nil, err
	}
	return s.readBody(acc, n, n+cl)
}

// ReadMessage reads the next message, as ReadFrame does, and parses it with
// the StreamReader's Parser. A message that fits in the reader's buffer is
// parsed in place, with no copy but the one Parse makes.
//
// When ReadFrame would return a header block with its error, ReadMessage
// returns the message parsed from that header block (without a body) with
// the framing error, or nil if it does not parse either.
func (s *StreamReader) ReadMessage() (*Message, error) {
	acc, n, cl, err := s.readHead()
	if err != nil {
		if n == 0 {
			return nil, err
		}
		// takeHead returns a buffer of the message's own.
		if m, perr := s.p.ParseOwned(s.takeHead(acc, n)); perr == nil {
			return m, err
		}
		return nil, err
	}
	total := n + cl
	if acc == nil && total <= s.r.Size() {
		data, err := s.r.Peek(total)
		if err != nil {
			return nil, unexpected(err)
		}
		m, err := s.p.Parse(data)
		s.r.Discard(total)
		return m, err
	}
	frame, err := s.readBody(acc, n, total)
	if err != nil {
		return nil, err
	}
	// readBody returns a buffer of the message's own.
	return s.p.ParseOwned(frame)
}

// readHead skips keep-alives and finds the header block of the next message
// and its Content-Length. The header block is n bytes long; it is either
// still in the reader's buffer (acc nil) or, when it is longer than the
// buffer, already consumed into acc. n is 0 unless the block was read whole.
func (s *StreamReader) readHead() (acc []byte, n, cl int, err error) {
	if err := s.skipKeepAlives(); err != nil {
		return nil, 0, 0, err
	}
	lim := &s.p.Limits
	maxSize := lim.maxMessageSize()
	sc := headScanner{maxLine: lim.maxLineLength()}
	var block []byte
	for {
		buf, _ := s.r.Peek(s.r.Buffered())
		base := 0
		block = buf
		if acc != nil {
			base = len(acc)
			acc = append(acc, buf...)
			block = acc
		}
		// Never look for the empty line beyond the largest message allowed,
		// so that garbage costs at most that much.
		block = block[:min(len(block), maxSize)]
		if n, err = sc.scan(block); err != nil {
			return nil, 0, 0, err
		}
		if n > 0 {
			if acc != nil {
				s.r.Discard(n - base)
				acc = acc[:n]
			}
			break
		}
		if len(block) >= maxSize {
			return nil, 0, 0, errAt(0, "", ErrMessageTooLarge,
				fmt.Sprintf("no end of the header block within %d bytes", maxSize))
		}
		if acc == nil && len(buf) < s.r.Size() {
			// Wait for more input, keeping the block in the buffer.
			if _, err := s.r.Peek(len(buf) + 1); err != nil {
				return nil, 0, 0, unexpected(err)
			}
			continue
		}
		// The header block is longer than the buffer: move it out.
		if acc == nil {
			acc = append(make([]byte, 0, 2*len(buf)), buf...)
		}
		s.r.Discard(len(buf))
		if _, err := s.r.Peek(1); err != nil {
			return nil, 0, 0, unexpected(err)
		}
	}
	cl, perr := contentLength(block[:n])
	switch {
	case perr != nil:
		return acc, n, 0, perr
	case cl < 0:
		// RFC 3261 §18.3: on a stream, Content-Length MUST be used.
		return acc, n, 0, errAt(0, HeaderContentLength, ErrBadContentLength,
			"Content-Length is mandatory on stream transports")
	case cl > maxSize-n:
		return acc, n, 0, errAt(0, HeaderContentLength, ErrMessageTooLarge,
			fmt.Sprintf("%d bytes of header and %d of body, limit %d", n, cl, maxSize))
	}
	return acc, n, cl, nil
}

// skipKeepAlives consumes the CRLFs before the next start line, reporting
// pings, and returns io.EOF if the stream ends before a start line.
func (s *StreamReader) skipKeepAlives() error {
	// Pings and pongs are told apart by counting line ends in the run: every
	// second one completes a ping (RFC 5626 §3.5.1), and a pong or the CRLF a
	// sender put after a body leaves one over.
	lfs := 0
	for {
		if _, err := s.r.Peek(1); err != nil {
			return err
		}
		buf, _ := s.r.Peek(s.r.Buffered())
		i := 0
		for ; i < len(buf) && (buf[i] == '\r' || buf[i] == '\n'); i++ {
			if buf[i] == '\n' {
				if lfs++; lfs%2 == 0 && s.OnPing != nil {
					s.OnPing()
				}
			}
		}
		s.r.Discard(i)
		if i < len(buf) {
			return nil
		}
	}
}

// takeHead consumes and returns the first n bytes of the message when a
// framing error leaves only its header block usable.
func (s *StreamReader) takeHead(acc []byte, n int) []byte {
	if acc != nil {
		return acc[:n]
	}
	head := make([]byte, n)
	io.ReadFull(s.r, head) // the n bytes are buffered: this cannot fail
	return head
}

// readBody reads a whole frame of total bytes whose header block, n bytes,
// is either still buffered (acc nil) or already in acc.
//
// A frame within the default limits is read into one buffer. Past
// DefaultMaxMessageSize the buffer grows as the body arrives, not as the
// peer's Content-Length announces it: under a large or removed
// Limits.MaxMessageSize, a header block that claims a huge body costs the
// bytes that were sent, not the bytes that were claimed.
func (s *StreamReader) readBody(acc []byte, n, total int) ([]byte, error) {
	if acc == nil {
		if s.r.Buffered() >= total {
			// The common case: one copy, and no zeroing before it.
			buf, _ := s.r.Peek(total)
			frame := bytes.Clone(buf)
			s.r.Discard(total)
			return frame, nil
		}
		n = 0 // the header block is read with the body
	}
	frame := acc[:n]
	if want := min(total, max(DefaultMaxMessageSize, 2*n)); cap(frame) < want {
		frame = slices.Grow(frame, want-n)
	}
	for len(frame) < total {
		if len(frame) == cap(frame) {
			frame = slices.Grow(frame, min(total-len(frame), len(frame)))
		}
		k, err := s.r.Read(frame[len(frame):min(total, cap(frame))])
		frame = frame[:len(frame)+k]
		if err != nil && len(frame) < total {
			return nil, unexpected(err)
		}
	}
	return frame, nil
}

// unexpected reports an end of stream inside a message as io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// headScanner finds the empty line that ends a header block that arrives a
// piece at a time, looking at each byte once.
type headScanner struct {
	maxLine   int // Limits.MaxLineLength
	pos       int // bytes examined so far
	lineStart int // offset of the line being examined
	line      int // its 1-based number
}

// scan examines block[s.pos:] (block grows between calls but keeps its
// prefix) and returns the length of the header block through its empty line,
// or 0 while the empty line has not arrived. CRLF and bare LF line ends are
// accepted, as Parse does.
func (s *headScanner) scan(block []byte) (int, error) {
	for {
		i := bytes.IndexByte(block[s.pos:], '\n')
		if i < 0 {
			s.pos = len(block)
			// Fail as soon as the line cannot end within the limit, without
			// waiting for its end.
			if len(block)-s.lineStart > s.maxLine {
				return 0, s.tooLong()
			}
			return 0, nil
		}
		eol := s.pos + i
		if eol-s.lineStart > s.maxLine {
			return 0, s.tooLong()
		}
		if eol == s.lineStart || eol == s.lineStart+1 && block[s.lineStart] == '\r' {
			return eol + 1, nil
		}
		s.lineStart, s.pos = eol+1, eol+1
		s.line++
	}
}

func (s *headScanner) tooLong() error {
	return errAt(s.line+1, "", ErrLineTooLong, fmt.Sprintf("line longer than %d bytes", s.maxLine))
}

// contentLength returns the Content-Length of a complete header block, or -1
// if it has none. The name matches in any case, in full or compact form
// ("l", RFC 3261 §7.3.3), with white space before the colon; the value may
// be folded and have leading zeros. Several Content-Length headers must
// agree, or the stream could be framed two ways.
func contentLength(block []byte) (int, error) {
	cl := -1
	i := bytes.IndexByte(block, '\n') + 1 // past the start line
	line := 1
	for i < len(block) {
		// A field runs to a line end not followed by SP or HTAB (RFC 3261 §7.3.1).
		start := i
		first := line + 1
		for {
			line++
			j := bytes.IndexByte(block[i:], '\n')
			if j < 0 {
				i = len(block)
				break
			}
			i += j + 1
			if i == len(block) || block[i] != ' ' && block[i] != '\t' {
				break
			}
		}
		field := block[start:i]
		if c := field[0] | 0x20; c != 'c' && c != 'l' {
			continue // a fast reject: neither Content-Length nor l
		}
		colon := bytes.IndexByte(field, ':')
		if colon < 0 {
			continue
		}
		name := field[:colon]
		for len(name) > 0 && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
			name = name[:len(name)-1]
		}
		// The view of the name never outlives this call.
		if n := unsafe.String(unsafe.SliceData(name), len(name)); !equalFold(n, HeaderContentLength) && !equalFold(n, "l") {
			continue
		}
		value := bytes.Trim(field[colon+1:], " \t\r\n")
		n, ok := parseLength(value)
		if !ok {
			return 0, errAt(first, string(name), ErrBadContentLength,
				fmt.Sprintf("%s is not a number of bytes", clip(fmt.Sprintf("%q", value))))
		}
		if cl >= 0 && n != cl {
			return 0, errAt(first, string(name), ErrBadContentLength,
				fmt.Sprintf("conflicting values %d and %d", cl, n))
		}
		cl = n
	}
	return cl, nil
}

// parseLength reads 1*DIGIT, leading zeros allowed, that fits in an int.
func parseLength(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	const maxInt = int(^uint(0) >> 1)
	n := 0
	for _, c := range b {
		if !isDigit(c) || n > (maxInt-9)/10 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
