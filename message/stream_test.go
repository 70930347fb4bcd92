package message_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// streamMsg returns a request whose Content-Length header line is cl (the
// whole line, so that tests can spell it any way) and whose body is body.
func streamMsg(cseq int, cl, body string) string {
	return "OPTIONS sip:bob@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bK" + fmt.Sprint(cseq) + "\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:bob@example.com>\r\n" +
		"From: <sip:alice@example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710\r\n" +
		fmt.Sprintf("CSeq: %d OPTIONS\r\n", cseq) +
		cl + "\r\n" +
		"\r\n" + body
}

// streamReaders are the ways a test stream is delivered: whole, a byte at a
// time, and through the smallest bufio buffer, so that header blocks longer
// than the buffer take the path that moves them out of it.
var streamReaders = []struct {
	name string
	new  func(s string) *bufio.Reader
}{
	{"whole", func(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }},
	{"one byte", func(s string) *bufio.Reader {
		return bufio.NewReader(iotest.OneByteReader(strings.NewReader(s)))
	}},
	{"small buffer", func(s string) *bufio.Reader {
		return bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(s)), 16)
	}},
}

// forEachSplit calls f with readers delivering s in every way the tests use,
// including in two reads split at each position of s.
func forEachSplit(t *testing.T, s string, f func(t *testing.T, br *bufio.Reader)) {
	t.Helper()
	for _, r := range streamReaders {
		t.Run(r.name, func(t *testing.T) { f(t, r.new(s)) })
	}
	for i := 1; i < len(s); i++ {
		t.Run(fmt.Sprintf("split %d", i), func(t *testing.T) {
			f(t, bufio.NewReader(io.MultiReader(strings.NewReader(s[:i]), strings.NewReader(s[i:]))))
		})
	}
}

// readAllFrames reads frames until an error, counting pings.
func readAllFrames(br *bufio.Reader, p *message.Parser) (frames []string, pings int, err error) {
	sr := message.NewStreamReader(br, p)
	sr.OnPing = func() { pings++ }
	for {
		frame, err := sr.ReadFrame()
		if err != nil {
			return frames, pings, err
		}
		frames = append(frames, string(frame))
	}
}

func TestStreamReadFrame(t *testing.T) {
	m1 := streamMsg(1, "Content-Length: 5", "hello")
	m2 := streamMsg(2, "Content-Length: 0", "")
	m3 := streamMsg(3, "Content-Length: 12", "v=0\r\ns=-\r\n\r\n")
	tests := []struct {
		name   string
		stream string
		want   []string
		pings  int
	}{
		{"one message", m1, []string{m1}, 0},
		{"two messages in one read", m1 + m2, []string{m1, m2}, 0},
		{"three messages in one read", m1 + m2 + m3, []string{m1, m2, m3}, 0},
		// A body that ends in an empty line must not be taken for the end of a header block.
		{"body ending in CRLF CRLF", m3 + m1, []string{m3, m1}, 0},
		// RFC 3261 §7.5: CRLFs before the start line are ignored.
		{"CRLF before the first message", "\r\n" + m1, []string{m1}, 0},
		// RFC 5626 §3.5.1: a double CRLF is a ping, a single CRLF a pong.
		{"ping before the first message", "\r\n\r\n" + m1, []string{m1}, 1},
		{"ping between messages", m1 + "\r\n\r\n" + m2, []string{m1, m2}, 1},
		{"pong between messages", m1 + "\r\n" + m2, []string{m1, m2}, 0},
		{"two pings between messages", m1 + "\r\n\r\n\r\n\r\n" + m2, []string{m1, m2}, 2},
		{"ping after the last message", m1 + "\r\n\r\n", []string{m1}, 1},
		{"keep-alives only", "\r\n\r\n\r\n", nil, 1},
		{"empty stream", "", nil, 0},
		// §18.3: the CRLF a sender puts after the body is not part of it;
		// the next read takes it for a keep-alive.
		{"body with trailing CRLF", streamMsg(1, "Content-Length: 5", "hello\r\n") + m2,
			[]string{m1, m2}, 0},
		{"trailing CRLF then ping", streamMsg(1, "Content-Length: 5", "hello\r\n") + "\r\n\r\n" + m2,
			[]string{m1, m2}, 1},
		// §7.3.3 compact form, §7.3.1 case-insensitive names and LWS before the colon.
		{"compact l", streamMsg(1, "l: 5", "hello"), []string{streamMsg(1, "l: 5", "hello")}, 0},
		{"compact L without space", streamMsg(1, "L:5", "hello"), []string{streamMsg(1, "L:5", "hello")}, 0},
		{"spaces and leading zeros", streamMsg(1, "content-length  :  0010", "0123456789"),
			[]string{streamMsg(1, "content-length  :  0010", "0123456789")}, 0},
		{"folded value", streamMsg(1, "CONTENT-LENGTH:\r\n 5", "hello"),
			[]string{streamMsg(1, "CONTENT-LENGTH:\r\n 5", "hello")}, 0},
		{"repeated equal values", streamMsg(1, "Content-Length: 5\r\nl: 5", "hello"),
			[]string{streamMsg(1, "Content-Length: 5\r\nl: 5", "hello")}, 0},
		{"bare LF line ends",
			"MESSAGE sip:bob@example.com SIP/2.0\nContent-Length: 2\n\nhi" + m2,
			[]string{"MESSAGE sip:bob@example.com SIP/2.0\nContent-Length: 2\n\nhi", m2}, 0},
		{"response", "SIP/2.0 200 OK\r\nl: 0\r\n\r\n", []string{"SIP/2.0 200 OK\r\nl: 0\r\n\r\n"}, 0},
		// A header that merely starts like Content-Length is not it.
		{"look-alike headers",
			"MESSAGE sip:b@x SIP/2.0\r\nContent-Type: text/plain\r\nLength: 9\r\nContent-Length: 1\r\n\r\nx",
			[]string{"MESSAGE sip:b@x SIP/2.0\r\nContent-Type: text/plain\r\nLength: 9\r\nContent-Length: 1\r\n\r\nx"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachSplit(t, tt.stream, func(t *testing.T, br *bufio.Reader) {
				frames, pings, err := readAllFrames(br, nil)
				assert.Equal(t, io.EOF, err, "a stream that ends between messages ends with io.EOF itself")
				assert.Equal(t, tt.want, frames)
				assert.Equal(t, tt.pings, pings)
			})
		})
	}
}

// failReader fails the test if anything reads it: it stands for bytes the
// stream reader must not touch.
type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Error("read beyond what the stream reader needed")
	return 0, io.ErrUnexpectedEOF
}

func TestStreamReadFrameErrors(t *testing.T) {
	head := func(cl string) string { return streamMsg(1, cl, "") }
	small := &message.Parser{Limits: message.Limits{MaxMessageSize: 400, MaxLineLength: 100}}
	tests := []struct {
		name     string
		stream   string
		parser   *message.Parser
		wantErr  error
		wantHead string // header block returned with the error
		detail   string // part of ParseError.Detail
	}{
		// RFC 3261 §18.3: Content-Length MUST be used with stream transports.
		{"missing Content-Length", head("Subject: none") + "body", nil,
			message.ErrBadContentLength, head("Subject: none"), "mandatory on stream transports"},
		{"unreadable Content-Length", head("Content-Length: five") + "hello", nil,
			message.ErrBadContentLength, head("Content-Length: five"), `"five"`},
		{"negative Content-Length", head("Content-Length: -1"), nil,
			message.ErrBadContentLength, head("Content-Length: -1"), ""},
		{"empty Content-Length", head("Content-Length:"), nil,
			message.ErrBadContentLength, head("Content-Length:"), ""},
		{"Content-Length with a parameter", head("Content-Length: 5;x=1") + "hello", nil,
			message.ErrBadContentLength, head("Content-Length: 5;x=1"), ""},
		{"overflowing Content-Length", head("Content-Length: 99999999999999999999999") + "x", nil,
			message.ErrBadContentLength, head("Content-Length: 99999999999999999999999"), ""},
		// Two framings of one stream are how requests are smuggled.
		{"conflicting Content-Lengths", head("Content-Length: 5\r\nl: 6") + "hello!", nil,
			message.ErrBadContentLength, head("Content-Length: 5\r\nl: 6"), "conflicting"},
		{"Content-Length above the limit", head("Content-Length: 300") + "x", small,
			message.ErrMessageTooLarge, head("Content-Length: 300"), "limit 400"},
		{"Content-Length above the default limit", head("Content-Length: 65536"), nil,
			message.ErrMessageTooLarge, head("Content-Length: 65536"), ""},
		{"header block above the limit", head(strings.Repeat("X-Pad: 12345678901234567890\r\n", 12) + "l: 0"),
			small, message.ErrMessageTooLarge, "", "within 400 bytes"},
		{"line above the limit", head("Subject: " + strings.Repeat("x", 100) + "\r\nl: 0"), small,
			message.ErrLineTooLong, "", "longer than 100"},
		{"start line above the limit", "OPTIONS sip:" + strings.Repeat("x", 100) + " SIP/2.0\r\nl: 0\r\n\r\n",
			small, message.ErrLineTooLong, "", ""},
		{"EOF in the start line", "OPTIONS sip:bob@exa", nil, io.ErrUnexpectedEOF, "", ""},
		{"EOF in the header block", head("Content-Length: 5")[:100], nil, io.ErrUnexpectedEOF, "", ""},
		{"EOF before the empty line", strings.TrimSuffix(head("Content-Length: 5"), "\r\n"), nil,
			io.ErrUnexpectedEOF, "", ""},
		{"EOF in the body", head("Content-Length: 5") + "hel", nil, io.ErrUnexpectedEOF, "", ""},
		{"EOF after keep-alives in a message", "\r\n\r\nOPTIONS", nil, io.ErrUnexpectedEOF, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachSplit(t, tt.stream, func(t *testing.T, br *bufio.Reader) {
				sr := message.NewStreamReader(br, tt.parser)
				frame, err := sr.ReadFrame()
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, tt.wantHead, string(frame))
				if tt.wantErr == io.ErrUnexpectedEOF {
					return
				}
				var pe *message.ParseError
				require.ErrorAs(t, err, &pe)
				assert.Contains(t, pe.Detail, tt.detail)
				code := message.StatusBadRequest
				if tt.wantErr == message.ErrMessageTooLarge {
					code = message.StatusMessageTooLarge // RFC 3261 §21.5.7
				}
				assert.Equal(t, code, pe.StatusCode())
			})
		})
	}
}

// Past the default limits, a frame's buffer grows with the bytes that
// arrive, not with the Content-Length the peer announced: a header block
// that claims a huge body, under a large or removed Limits.MaxMessageSize,
// costs what was sent. A body that does arrive is read whole, whatever the
// reads.
func TestStreamReadFrameClaimedBody(t *testing.T) {
	unlimited := &message.Parser{Limits: message.Limits{MaxMessageSize: -1}}
	large := &message.Parser{Limits: message.Limits{MaxMessageSize: 1 << 30}}
	t.Run("huge Content-Length without a limit", func(t *testing.T) {
		// 2**62 bytes: a buffer of that size cannot even be made.
		stream := streamMsg(1, "Content-Length: 4611686018427387904", "x")
		_, err := message.NewStreamReader(bufio.NewReader(strings.NewReader(stream)), unlimited).ReadFrame()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})
	t.Run("memory follows the bytes sent", func(t *testing.T) {
		stream := streamMsg(1, "Content-Length: 500000000", "abc")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := message.NewStreamReader(bufio.NewReader(strings.NewReader(stream)), large).ReadFrame()
		runtime.ReadMemStats(&after)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20),
			"a %d-byte stream claiming 500 MB", len(stream))
	})
	body := strings.Repeat("0123456789abcdef", 300000/16)
	m := streamMsg(1, "Content-Length: 300000", body)
	for _, r := range streamReaders {
		t.Run("body past the default limit, "+r.name, func(t *testing.T) {
			frames, _, err := readAllFrames(r.new(m+m), large)
			assert.Equal(t, io.EOF, err)
			require.Len(t, frames, 2)
			assert.True(t, frames[0] == m && frames[1] == m, "frames differ from the messages sent")
		})
	}
}

// The stream reader leaves what follows the message in the reader: the body
// of an oversized message is neither read nor allocated, and the next
// message stays buffered for whoever reads next.
func TestStreamReadFrameLeavesTheRest(t *testing.T) {
	t.Run("oversized body not read", func(t *testing.T) {
		h := streamMsg(1, "Content-Length: 1000000", "")
		sr := message.NewStreamReader(bufio.NewReader(io.MultiReader(strings.NewReader(h), failReader{t})), nil)
		frame, err := sr.ReadFrame()
		require.ErrorIs(t, err, message.ErrMessageTooLarge)
		assert.Equal(t, h, string(frame))
	})
	t.Run("next message left in the reader", func(t *testing.T) {
		m1, m2 := streamMsg(1, "l: 5", "hello"), streamMsg(2, "l: 0", "")
		br := bufio.NewReader(strings.NewReader(m1 + m2))
		frame, err := message.NewStreamReader(br, nil).ReadFrame()
		require.NoError(t, err)
		assert.Equal(t, m1, string(frame))
		rest, err := io.ReadAll(br)
		require.NoError(t, err)
		assert.Equal(t, m2, string(rest))
	})
	t.Run("garbage without line ends", func(t *testing.T) {
		// An endless line must fail within the limits, not exhaust memory.
		counter := &countingReader{r: endless('a')}
		sr := message.NewStreamReader(bufio.NewReader(counter), nil)
		_, err := sr.ReadFrame()
		require.ErrorIs(t, err, message.ErrLineTooLong)
		assert.LessOrEqual(t, counter.n, message.DefaultMaxLineLength+2*4096)
	})
	t.Run("header lines without end", func(t *testing.T) {
		counter := &countingReader{r: io.MultiReader(strings.NewReader("OPTIONS sip:b@x SIP/2.0\r\n"), &endlessLines{})}
		sr := message.NewStreamReader(bufio.NewReader(counter), nil)
		_, err := sr.ReadFrame()
		require.ErrorIs(t, err, message.ErrMessageTooLarge)
		assert.LessOrEqual(t, counter.n, message.DefaultMaxMessageSize+2*4096)
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// endless reads as an endless run of one byte.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

// endlessLines reads as endless header lines.
type endlessLines struct{ off int }

func (e *endlessLines) Read(p []byte) (int, error) {
	const line = "X-A: b\r\n"
	for i := range p {
		p[i] = line[(e.off+i)%len(line)]
	}
	e.off += len(p)
	return len(p), nil
}

// RFC 5626 §4.4.1 gives the pong 10 seconds: the ping must be reported as
// soon as it is read, not when the next message arrives.
func TestStreamPingReportedBeforeWaiting(t *testing.T) {
	var pings int
	var pingsAtRead []int
	chunks := []string{"\r\n\r\n", streamMsg(1, "l: 0", "")}
	r := readerFunc(func(p []byte) (int, error) {
		pingsAtRead = append(pingsAtRead, pings)
		if len(chunks) == 0 {
			return 0, io.EOF
		}
		n := copy(p, chunks[0])
		chunks = chunks[1:]
		return n, nil
	})
	sr := message.NewStreamReader(bufio.NewReader(r), nil)
	sr.OnPing = func() { pings++ }
	_, err := sr.ReadFrame()
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1}, pingsAtRead, "the second read must come after the ping was reported")
}

// An idle read deadline between messages is not a framing error: the
// transport may read on.
func TestStreamReadErrorBetweenMessages(t *testing.T) {
	errIdle := errors.New("i/o timeout")
	m1, m2 := streamMsg(1, "l: 0", ""), streamMsg(2, "l: 0", "")
	reads := []any{m1, errIdle, m2}
	r := readerFunc(func(p []byte) (int, error) {
		if len(reads) == 0 {
			return 0, io.EOF
		}
		next := reads[0]
		reads = reads[1:]
		if err, ok := next.(error); ok {
			return 0, err
		}
		return copy(p, next.(string)), nil
	})
	sr := message.NewStreamReader(bufio.NewReader(r), nil)
	frame, err := sr.ReadFrame()
	require.NoError(t, err)
	assert.Equal(t, m1, string(frame))
	_, err = sr.ReadFrame()
	require.ErrorIs(t, err, errIdle)
	frame, err = sr.ReadFrame()
	require.NoError(t, err)
	assert.Equal(t, m2, string(frame))
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestStreamReadMessage(t *testing.T) {
	t.Run("messages parse in order", func(t *testing.T) {
		stream := "\r\n\r\n" + streamMsg(1, "l: 5", "hello") + streamMsg(2, "Content-Length: 0", "")
		forEachSplit(t, stream, func(t *testing.T, br *bufio.Reader) {
			sr := message.NewStreamReader(br, nil)
			m, err := sr.ReadMessage()
			require.NoError(t, err)
			assert.Equal(t, uint32(1), m.CSeq().Seq)
			assert.Equal(t, "hello", string(m.Body))
			m, err = sr.ReadMessage()
			require.NoError(t, err)
			assert.Equal(t, uint32(2), m.CSeq().Seq)
			assert.Empty(t, m.Body)
			_, err = sr.ReadMessage()
			assert.Equal(t, io.EOF, err)
		})
	})
	t.Run("a message that does not parse leaves the stream usable", func(t *testing.T) {
		bad := "SIP/2.0 99 Too Small\r\nl: 2\r\n\r\nhi"
		forEachSplit(t, bad+streamMsg(2, "l: 0", ""), func(t *testing.T, br *bufio.Reader) {
			sr := message.NewStreamReader(br, nil)
			_, err := sr.ReadMessage()
			require.ErrorIs(t, err, message.ErrBadStartLine)
			m, err := sr.ReadMessage()
			require.NoError(t, err)
			assert.Equal(t, uint32(2), m.CSeq().Seq)
		})
	})
	t.Run("missing Content-Length returns the headers to answer", func(t *testing.T) {
		forEachSplit(t, streamMsg(7, "Subject: x", "body"), func(t *testing.T, br *bufio.Reader) {
			m, err := message.NewStreamReader(br, nil).ReadMessage()
			require.ErrorIs(t, err, message.ErrBadContentLength)
			require.NotNil(t, m, "the header block parses, so a server can answer 400")
			assert.Equal(t, uint32(7), m.CSeq().Seq)
			assert.Empty(t, m.Body)
		})
	})
	t.Run("oversized message", func(t *testing.T) {
		m, err := message.NewStreamReader(bufio.NewReader(strings.NewReader(
			streamMsg(1, "l: 70000", ""))), nil).ReadMessage()
		require.ErrorIs(t, err, message.ErrMessageTooLarge)
		assert.Nil(t, m, "a header block whose Content-Length exceeds its body does not parse alone")
	})
	t.Run("message larger than the buffer", func(t *testing.T) {
		body := strings.Repeat("0123456789", 100)
		pad := strings.Repeat("X-Pad: 0123456789\r\n", 10)
		stream := streamMsg(1, pad+"Content-Length: 1000", body) + streamMsg(2, "l: 0", "")
		for _, r := range streamReaders {
			t.Run(r.name, func(t *testing.T) {
				sr := message.NewStreamReader(r.new(stream), nil)
				m, err := sr.ReadMessage()
				require.NoError(t, err)
				assert.Equal(t, body, string(m.Body))
				assert.Equal(t, 10, m.Headers.Count("X-Pad"))
				m, err = sr.ReadMessage()
				require.NoError(t, err)
				assert.Equal(t, uint32(2), m.CSeq().Seq)
			})
		}
	})
}

// chunkReader delivers its data in reads of sizes cycling through sizes.
type chunkReader struct {
	data  string
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.data == "" {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), c.sizes[c.i%len(c.sizes)])
	c.i++
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// A long-lived connection: every message comes out, in order, whatever the
// keep-alives and the way the bytes arrive.
func TestStreamThousandMessages(t *testing.T) {
	const count = 1000
	var b strings.Builder
	wantPings := 0
	for i := range count {
		switch i % 7 {
		case 0:
			b.WriteString("\r\n\r\n")
			wantPings++
		case 3:
			b.WriteString("\r\n")
		}
		b.WriteString(streamMsg(i, fmt.Sprintf("l: %d", i%50), strings.Repeat("x", i%50)))
	}
	for _, size := range []int{0, 16, 4096} {
		t.Run(fmt.Sprint("buffer ", size), func(t *testing.T) {
			r := &chunkReader{data: b.String(), sizes: []int{1, 7, 300, 4096, 13, 1500}}
			br := bufio.NewReader(r)
			if size > 0 {
				br = bufio.NewReaderSize(r, size)
			}
			sr := message.NewStreamReader(br, nil)
			pings := 0
			sr.OnPing = func() { pings++ }
			for i := range count {
				m, err := sr.ReadMessage()
				require.NoError(t, err, "message %d", i)
				require.Equal(t, uint32(i), m.CSeq().Seq)
				require.Equal(t, i%50, len(m.Body))
			}
			_, err := sr.ReadMessage()
			assert.Equal(t, io.EOF, err)
			assert.Equal(t, wantPings, pings)
		})
	}
}

// loopReader reads as its data repeated forever, filling every read.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.data[l.off:])
		n += c
		l.off = (l.off + c) % len(l.data)
	}
	return n, nil
}

var streamBenchMessage = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
	"Via: SIP/2.0/TCP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds\r\n" +
	"Max-Forwards: 70\r\n" +
	"To: \"Bob\" <sip:bob@biloxi.example.com>\r\n" +
	"From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Contact: <sip:alice@192.0.2.101:5060;transport=tcp>\r\n" +
	"Content-Type: application/sdp\r\n" +
	"Content-Length: " + fmt.Sprint(len(streamBenchBody)) + "\r\n" +
	"\r\n" + streamBenchBody

const streamBenchBody = "v=0\r\n" +
	"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\n" +
	"s=-\r\n" +
	"c=IN IP4 192.0.2.101\r\n" +
	"t=0 0\r\n" +
	"m=audio 49172 RTP/AVP 0\r\n" +
	"a=rtpmap:0 PCMU/8000\r\n"

func TestStreamAllocations(t *testing.T) {
	sr := message.NewStreamReader(bufio.NewReader(&loopReader{data: []byte(streamBenchMessage)}), nil)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := sr.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "ReadFrame allocates the frame and nothing else")

	data := []byte(streamBenchMessage)
	var p message.Parser
	parse := testing.AllocsPerRun(100, func() {
		if _, err := p.Parse(data); err != nil {
			t.Fatal(err)
		}
	})
	read := testing.AllocsPerRun(100, func() {
		if _, err := sr.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, parse, read, "ReadMessage allocates only what Parse does")
}

func BenchmarkStreamReadFrame(b *testing.B) {
	sr := message.NewStreamReader(bufio.NewReader(&loopReader{data: []byte(streamBenchMessage)}), nil)
	b.SetBytes(int64(len(streamBenchMessage)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sr.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStreamReadMessage(b *testing.B) {
	sr := message.NewStreamReader(bufio.NewReader(&loopReader{data: []byte(streamBenchMessage)}), nil)
	b.SetBytes(int64(len(streamBenchMessage)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sr.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}
