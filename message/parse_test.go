package message

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseMinimalHeaders completes a start line into a message.
const parseMinimalHeaders = "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
	"To: <sip:bob@biloxi.example.com>\r\n" +
	"From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Content-Length: 0\r\n\r\n"

// TestStartLine covers the Request-Line and Status-Line of RFC 3261 §7.1
// and §7.2.
func TestStartLine(t *testing.T) {
	tests := []struct {
		line    string
		method  string
		uri     string
		code    int
		reason  string
		version string
		err     error // for a line Parse must refuse
	}{
		{line: "INVITE sip:bob@biloxi.example.com SIP/2.0", method: "INVITE", uri: "sip:bob@biloxi.example.com", version: "SIP/2.0"},
		{line: "REGISTER sips:ss2.biloxi.example.com:5061;transport=tls SIP/2.0", method: "REGISTER", uri: "sips:ss2.biloxi.example.com:5061;transport=tls", version: "SIP/2.0"},
		{line: "MESSAGE tel:+1-201-555-0123 SIP/2.0", method: "MESSAGE", uri: "tel:+1-201-555-0123", version: "SIP/2.0"},
		{line: "FOO.bar-1 sip:[2001:db8::1] SIP/2.0", method: "FOO.bar-1", uri: "sip:[2001:db8::1]", version: "SIP/2.0"},
		// The version is case-insensitive (§7.1) and any version parses, so
		// that Validate can answer 505 (RFC 4475 §3.1.2.16).
		{line: "OPTIONS sip:a.example sip/2.0", method: "OPTIONS", uri: "sip:a.example", version: "sip/2.0"},
		{line: "OPTIONS sip:a.example SIP/12.34", method: "OPTIONS", uri: "sip:a.example", version: "SIP/12.34"},
		{line: "SIP/2.0 200 OK", code: 200, reason: "OK", version: "SIP/2.0"},
		{line: "SIP/2.0 180 Ringing, really  ", code: 180, reason: "Ringing, really  ", version: "SIP/2.0"},
		{line: "SIP/2.0 100 ", code: 100, version: "SIP/2.0"},
		{line: "SIP/2.0 699", code: 699, version: "SIP/2.0"},
		{line: "SiP/2.0 486 Busy Here\t(tab)", code: 486, reason: "Busy Here\t(tab)", version: "SiP/2.0"},
		{line: "SIP/7.0 200 OK", code: 200, reason: "OK", version: "SIP/7.0"},
		{line: "SIP/2.0 200 \xd0\x9e\xd0\x9a", code: 200, reason: "ОК", version: "SIP/2.0"},

		{line: "INVITE", err: ErrBadStartLine},
		{line: "INVITE sip:a.example", err: ErrBadStartLine},
		{line: " INVITE sip:a.example SIP/2.0", err: ErrBadStartLine},
		{line: "INVITE  sip:a.example SIP/2.0", err: ErrBadStartLine}, // RFC 4475 §3.1.2.9
		{line: "INVITE sip:a.example SIP/2.0 ", err: ErrBadStartLine}, // RFC 4475 §3.1.2.10
		// White space or a CR after the version makes no other version
		// (505) but a malformed line (400), as a space does.
		{line: "INVITE sip:a.example SIP/2.0\t", err: ErrBadStartLine},
		{line: "INVITE sip:a.example SIP/2.0\r", err: ErrBadStartLine},
		{line: "SIP/2.0\t 200 OK", err: ErrBadStartLine},
		{line: "INVITE sip:a .example SIP/2.0", err: ErrBadStartLine},                // RFC 4475 §3.1.2.8
		{line: "INVITE <sip:a.example> SIP/2.0", err: ErrBadStartLine},               // RFC 4475 §3.1.2.7
		{line: "INVITE\tsip:a.example SIP/2.0", err: ErrBadStartLine},                // SP only
		{line: "INV@TE sip:a.example SIP/2.0", err: ErrBadStartLine},                 // method is a token
		{line: "INVITE sip:a.example HTTP/1.1", err: ErrBadStartLine},                // not SIP
		{line: "INVITE a.example SIP/2.0", err: ErrInvalidURI},                       // no scheme
		{line: "INVITE sip:a.example:0 SIP/2.0", err: ErrInvalidURI},                 // port 0
		{line: "INVITE sip:a.example SIP/2", err: ErrBadVersion},                     // malformed version
		{line: "INVITE sip:a.example SIP/2.x", err: ErrBadVersion},                   // malformed version
		{line: "SIP/2.0 4294967301 x", err: ErrBadStartLine},                         // RFC 4475 §3.1.2.19
		{line: "SIP/2.0 2000 OK", err: ErrBadStartLine},                              // three digits
		{line: "SIP/2.0 099 OK", err: ErrBadStartLine},                               // 100-699
		{line: "SIP/2.0 700 OK", err: ErrBadStartLine},                               // 100-699
		{line: "SIP/2.0 20x OK", err: ErrBadStartLine},                               // digits
		{line: "SIP/2.0  200 OK", err: ErrBadStartLine},                              // one SP
		{line: "SIP/2.0", err: ErrBadStartLine},                                      // no status code
		{line: "SIP/2.0 200 O\x00K", err: ErrBadStartLine},                           // control character
		{line: "SIP/2..0 200 OK", err: ErrBadVersion},                                // malformed version
		{line: "SIP/ 200 OK", err: ErrBadVersion},                                    // malformed version
		{line: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", err: ErrBadStartLine}, // a TLS hello
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			m, err := Parse([]byte(tt.line + "\r\n" + parseMinimalHeaders))
			if tt.err != nil {
				require.Error(t, err)
				assert.Nil(t, m)
				assert.ErrorIs(t, err, tt.err)
				var pe *ParseError
				require.True(t, errors.As(err, &pe))
				assert.Equal(t, 1, pe.Line)
				assert.Equal(t, "", pe.Header)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.method, m.Method)
			assert.Equal(t, tt.method != "", m.IsRequest())
			assert.Equal(t, tt.method == "", m.IsResponse())
			if tt.uri != "" {
				require.NotNil(t, m.RequestURI)
				assert.Equal(t, tt.uri, m.RequestURI.String())
			} else {
				assert.Nil(t, m.RequestURI)
			}
			assert.Equal(t, tt.code, m.StatusCode)
			assert.Equal(t, tt.reason, m.Reason)
			assert.Equal(t, tt.version, m.Version)
			// The start line is written back as parsed (an empty reason
			// keeps its SP, §7.2).
			want := tt.line
			if tt.code != 0 && tt.reason == "" {
				want = strings.TrimSuffix(tt.line, " ") + " "
			}
			assert.True(t, strings.HasPrefix(m.String(), want+"\r\n"), m.String())
		})
	}
}

// TestParseError checks the fields and texts of *ParseError.
func TestParseError(t *testing.T) {
	_, err := Parse([]byte("INVITE sip:bob@biloxi.example.com SIP/2.0\r\nTo: <sip:bob@biloxi.example.com>\r\ncseq: 1\r\n\r\n"))
	require.Error(t, err)
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, &ParseError{Line: 3, Header: "cseq", Err: ErrInvalidHeader, Detail: "CSeq needs a number and a method"}, pe)
	assert.Equal(t, "sip: invalid header at line 3 (cseq): CSeq needs a number and a method", err.Error())
	assert.Equal(t, StatusBadRequest, pe.StatusCode())
	assert.Equal(t, "invalid header (cseq)", pe.Reason())
	assert.ErrorIs(t, err, ErrInvalidHeader)

	// A folded field is reported at the line where it starts.
	_, err = Parse([]byte("OPTIONS sip:a.example SIP/2.0\r\nX: 1\r\nVia: SIP/2.0/UDP\r\n host\r\n  ;branch=\"x\"\r\n\r\n"))
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, 3, pe.Line)
	assert.Equal(t, "Via", pe.Header)

	// Not tied to a line.
	_, err = Parse(nil)
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, ParseError{Err: ErrMalformed, Detail: "empty message"}, *pe)
	assert.Equal(t, "sip: malformed message: empty message", pe.Error())
	assert.Equal(t, "malformed message", pe.Reason())

	// A version error answers 505 (RFC 3261 §21.5.6).
	_, err = Parse([]byte("OPTIONS sip:a.example SIP/2\r\n\r\n"))
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, StatusVersionNotSupported, pe.StatusCode())

	// Reason goes into a status line: whatever the header name and
	// detail, it has no line end and no control character.
	for _, data := range []string{
		"OPTIONS sip:a.example SIP/2.0\r\nVia: x\r\n\r\n",
		"OPTIONS sip:a.example SIP/2.0\r\nBad\rName: x\r\n\r\n",
		"OPTIONS sip:a.example SIP/2.0\r\nFrom: <sip:a@b>\r\n\tx\r\n\r\n",
		"OPTIONS sip:a\r.example SIP/2.0\r\n\r\n",
		"SIP/2.0 200 O\nK\r\n\r\n",
	} {
		_, err := Parse([]byte(data))
		require.True(t, errors.As(err, &pe), "%q", data)
		assert.NotContains(t, pe.Reason(), "\r")
		assert.NotContains(t, pe.Reason(), "\n")
		assert.Equal(t, sanitizeReason(pe.Reason()), pe.Reason())
	}
	pe = &ParseError{Header: "X\r\nInjected: 1", Err: ErrInvalidHeader}
	assert.Equal(t, "invalid header (X  Injected: 1)", pe.Reason())
}

// parseRepeatHeaders returns n header lines "X-N: N".
func parseRepeatHeaders(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "X-%d: %d\r\n", i, i)
	}
	return b.String()
}

// TestLimits checks each bound of Limits: its default, a custom value, and
// a negative value that removes it.
func TestLimits(t *testing.T) {
	const start = "OPTIONS sip:a.example SIP/2.0\r\n"
	longURI := "sip:" + strings.Repeat("a", DefaultMaxURILength-len("sip:.example")) + ".example"
	require.Len(t, longURI, DefaultMaxURILength)
	vias := func(n int) string {
		return "Via: " + strings.TrimSuffix(strings.Repeat("SIP/2.0/UDP h, ", n), ", ") + "\r\n"
	}
	list := func(name string, n int) string {
		return name + ": " + strings.TrimSuffix(strings.Repeat("a, ", n), ", ") + "\r\n"
	}
	params := func(n int) string { return "Contact: <sip:a.example>" + strings.Repeat(";p", n) + "\r\n" }
	const credentials = `Authorization: Digest username="a", realm="r", nonce="n", uri="sip:a.example", ` +
		`response="0", algorithm=MD5, cnonce="c", opaque="o", qop=auth, nc=00000001` + "\r\n"
	tests := []struct {
		name   string
		limits Limits
		data   string
		err    error // nil: parses
		line   int
		header string
	}{
		// MaxMessageSize: default 65535 (a UDP datagram, RFC 3261 §18.1.1).
		{"size default at limit", Limits{}, start + "\r\n" + strings.Repeat("b", DefaultMaxMessageSize-len(start)-2), nil, 0, ""},
		{"size default over", Limits{}, start + "\r\n" + strings.Repeat("b", DefaultMaxMessageSize-len(start)-1), ErrMessageTooLarge, 0, ""},
		{"size custom", Limits{MaxMessageSize: 100}, start + "\r\n" + strings.Repeat("b", 100-len(start)-1), ErrMessageTooLarge, 0, ""},
		{"size custom at limit", Limits{MaxMessageSize: 100}, start + "\r\n" + strings.Repeat("b", 100-len(start)-2), nil, 0, ""},
		{"size unlimited", Limits{MaxMessageSize: -1}, start + "\r\n" + strings.Repeat("b", 1<<20), nil, 0, ""},
		// MaxHeaders: default 256 header fields; a list counts once.
		{"headers default at limit", Limits{}, start + parseRepeatHeaders(256) + "\r\n", nil, 0, ""},
		{"headers default over", Limits{}, start + parseRepeatHeaders(257) + "\r\n", ErrTooManyHeaders, 258, ""},
		{"headers custom", Limits{MaxHeaders: 2}, start + parseRepeatHeaders(3) + "\r\n", ErrTooManyHeaders, 4, ""},
		{"headers custom lists", Limits{MaxHeaders: 2}, start + "Allow: A, B, C\r\nSupported: a, b\r\n\r\n", nil, 0, ""},
		{"headers unlimited", Limits{MaxHeaders: -1, MaxValues: -1}, start + parseRepeatHeaders(2000) + "\r\n", nil, 0, ""},
		// MaxLineLength: default 8192 bytes, the line end not counted,
		// folds counted.
		{"line default at limit", Limits{}, start + "X: " + strings.Repeat("v", 8189) + "\r\n\r\n", nil, 0, ""},
		{"line default over", Limits{}, start + "Y: 1\r\nX: " + strings.Repeat("v", 8190) + "\r\n\r\n", ErrLineTooLong, 3, ""},
		{"line default folded over", Limits{}, start + "X: " + strings.Repeat("v", 5000) + "\r\n " + strings.Repeat("v", 5000) + "\r\n\r\n", ErrLineTooLong, 2, ""},
		{"line default LF over", Limits{}, start + "X: " + strings.Repeat("v", 8190) + "\n\n", ErrLineTooLong, 2, ""},
		{"start line default at limit", Limits{MaxURILength: -1}, "OPTIONS sip:" + strings.Repeat("a", 8192-len("OPTIONS sip: SIP/2.0")) + " SIP/2.0\r\n\r\n", nil, 0, ""},
		{"start line default over", Limits{MaxURILength: -1}, "OPTIONS sip:" + strings.Repeat("a", 8193-len("OPTIONS sip: SIP/2.0")) + " SIP/2.0\r\n\r\n", ErrLineTooLong, 1, ""},
		{"line custom", Limits{MaxLineLength: 30}, start + "Subject: 0123456789abcdefghijkl\r\n\r\n", ErrLineTooLong, 2, ""},
		{"line custom at limit", Limits{MaxLineLength: 30}, start + "Subject: 0123456789abcdefghijk\r\n\r\n", nil, 0, ""},
		{"line custom start line", Limits{MaxLineLength: 20}, start + "\r\n", ErrLineTooLong, 1, ""},
		{"line unlimited", Limits{MaxLineLength: -1, MaxMessageSize: -1}, start + "X: " + strings.Repeat("v", 100000) + "\r\n\r\n", nil, 0, ""},
		// MaxVias: default 70 values, whatever the lines.
		{"vias default at limit", Limits{}, start + vias(30) + vias(40) + "\r\n", nil, 0, ""},
		{"vias default over", Limits{}, start + vias(30) + vias(41) + "\r\n", ErrTooManyVias, 3, "Via"},
		{"vias custom", Limits{MaxVias: 1}, start + "v: SIP/2.0/UDP a, SIP/2.0/UDP b\r\n\r\n", ErrTooManyVias, 2, "v"},
		{"vias unlimited", Limits{MaxVias: -1}, start + vias(500) + "\r\n", nil, 0, ""},
		// MaxValues: default 1024 header values, each list element one.
		{"values default at limit", Limits{}, start + "X: 1\r\n" + list("Supported", 1023) + "\r\n", nil, 0, ""},
		{"values default over", Limits{}, start + "X: 1\r\n" + list("Supported", 1024) + "\r\n", ErrTooManyHeaders, 3, "Supported"},
		{"values over across lines", Limits{}, start + list("k", 600) + list("Allow", 600) + "\r\n", ErrTooManyHeaders, 3, "Allow"},
		{"values custom", Limits{MaxValues: 2}, start + "Route: <sip:a>, <sip:b>, <sip:c>\r\n\r\n", ErrTooManyHeaders, 2, "Route"},
		{"values custom, one per field", Limits{MaxValues: 2}, start + "X: 1\r\nY: 2\r\nZ: 3\r\n\r\n", ErrTooManyHeaders, 4, "Z"},
		{"values unlimited", Limits{MaxValues: -1, MaxLineLength: -1}, start + list("Supported", 5000) + "\r\n", nil, 0, ""},
		// MaxParams: default 1024 parameters in the whole message.
		{"params default at limit", Limits{}, start + params(1023) + "\r\n", nil, 0, ""},
		{"params default over", Limits{}, start + "To: <sip:b.example>;tag=1\r\n" + params(1024) + "\r\n", ErrTooManyParams, 3, "Contact"},
		{"params custom", Limits{MaxParams: 2}, start + "Via: SIP/2.0/UDP h;branch=z9hG4bK1;rport;x\r\n\r\n", ErrTooManyParams, 2, "Via"},
		{"params unlimited", Limits{MaxParams: -1}, start + params(3000) + "\r\n", nil, 0, ""},
		// A credential's parameters, in a chunk of their own after a
		// Contact that filled the block's, count as well.
		{"params custom credentials at limit", Limits{MaxParams: 17}, start + params(7) + credentials + "\r\n", nil, 0, ""},
		{"params custom credentials", Limits{MaxParams: 16}, start + params(7) + credentials + "\r\n", ErrTooManyParams, 3, "Authorization"},
		// MaxURILength: default 4096 bytes, in the start line and headers.
		{"uri default at limit", Limits{}, "OPTIONS " + longURI + " SIP/2.0\r\nTo: <" + longURI + ">\r\n\r\n", nil, 0, ""},
		{"uri default over", Limits{}, "OPTIONS " + longURI + "a SIP/2.0\r\n\r\n", ErrURITooLong, 1, ""},
		{"uri default over in header", Limits{}, start + "X: 1\r\nTo: <" + longURI + "a>\r\n\r\n", ErrURITooLong, 3, "To"},
		{"uri default over in addr-spec", Limits{}, start + "Contact: " + longURI + "a;expires=1\r\n\r\n", ErrURITooLong, 2, "Contact"},
		{"uri custom", Limits{MaxURILength: 12}, "OPTIONS sip:a.example SIP/2.0\r\n\r\n", ErrURITooLong, 1, ""},
		{"uri custom header", Limits{MaxURILength: 13}, start + "Route: <sip:a.example>, <sip:ab.example>\r\n\r\n", ErrURITooLong, 2, "Route"},
		{"uri unlimited", Limits{MaxURILength: -1}, "OPTIONS sip:" + strings.Repeat("a", 6000) + ".example SIP/2.0\r\n\r\n", nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Parser{Limits: tt.limits}
			m, err := p.Parse([]byte(tt.data))
			if tt.err == nil {
				require.NoError(t, err)
				require.NotNil(t, m)
				return
			}
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tt.err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.line, pe.Line, "%v", err)
			assert.Equal(t, tt.header, pe.Header)
			code := StatusBadRequest
			switch {
			case tt.err == ErrMessageTooLarge:
				code = StatusMessageTooLarge // RFC 3261 §21.5.7
			case tt.err == ErrURITooLong && tt.header == "":
				code = StatusRequestURITooLong // §21.4.12: the Request-URI only
			}
			assert.Equal(t, code, pe.StatusCode())
		})
	}
	// Parse uses the defaults, like a zero Parser.
	_, err := Parse([]byte(start + parseRepeatHeaders(257) + "\r\n"))
	assert.ErrorIs(t, err, ErrTooManyHeaders)
}

// TestListAmplification: a datagram of short list elements or parameters
// is refused by Limits.MaxValues or MaxParams before it costs memory in
// proportion to its elements. Before those limits, each of these was
// accepted, at 2.5 MB (Route) to 6.2 MB (parameters) for 57–64 KB of
// input; now the first field past a limit ends the parse, within one line
// of the limit.
func TestListAmplification(t *testing.T) {
	const start = "OPTIONS sip:a.example SIP/2.0\r\n"
	fill := func(prefix, unit string) []byte {
		line := prefix + strings.Repeat(unit, (DefaultMaxLineLength-len(prefix))/len(unit)-1) + "\r\n"
		n := (DefaultMaxMessageSize - len(start) - 2) / len(line)
		return []byte(start + strings.Repeat(line, n) + "\r\n")
	}
	tests := []struct {
		name string
		data []byte
		err  error
	}{
		{"Supported: a,a,a", fill("Supported: a", ",a"), ErrTooManyHeaders},
		{"Route: <sip:a>,<sip:a>", fill("Route: <sip:a>", ",<sip:a>"), ErrTooManyHeaders},
		{"Contact params", fill("Contact: <sip:a>", ";a"), ErrTooManyParams},
		{"Via params", fill("Via: SIP/2.0/UDP h", ";a"), ErrTooManyParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.LessOrEqual(t, len(tt.data), DefaultMaxMessageSize)
			_, err := Parse(tt.data)
			require.ErrorIs(t, err, tt.err)
			checkParse(t, tt.data) // the same error from the general parser
			if raceEnabled() {
				return
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			const n = 10
			for range n {
				_, _ = Parse(tt.data)
			}
			runtime.ReadMemStats(&after)
			perParse := (after.TotalAlloc - before.TotalAlloc) / n
			assert.Less(t, perParse, uint64(1<<20), "bytes allocated to refuse %d bytes", len(tt.data))
		})
	}
}

// TestGarbage: hostile input costs little. A datagram of random bytes is
// refused before anything is copied, and so is a valid start line followed
// by garbage with no end of headers; garbage that does end like a header
// block is refused at its first line.
func TestGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(4475, 3261))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	noLF := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("x")) }
	const start = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	tests := []struct {
		name      string
		data      []byte
		maxAllocs float64
	}{
		{"random", random(DefaultMaxMessageSize), 3},
		{"random without LF", noLF(random(DefaultMaxMessageSize)), 3},
		{"zeros", make([]byte, DefaultMaxMessageSize), 3},
		{"spaces", bytes.Repeat([]byte(" "), DefaultMaxMessageSize), 3},
		{"CRLFs", bytes.Repeat([]byte("\r\n"), DefaultMaxMessageSize/2), 3},
		{"too large", random(DefaultMaxMessageSize + 1), 3},
		{"start line and random", append([]byte(start), noLF(random(DefaultMaxMessageSize-len(start)))...), 3},
		{"start line and lines cut short", append(append([]byte(start), bytes.Repeat([]byte("garbage\r\n"), (DefaultMaxMessageSize-len(start))/9-1)...), "garbage"...), 3},
		// With an end of headers, the message is copied (one allocation
		// and its block) before its first header fails.
		{"start line, random and end", append(append([]byte(start), random(DefaultMaxMessageSize-len(start)-4)...), "\r\n\r\n"...), 6},
		{"start line and lines", append([]byte(start), bytes.Repeat([]byte("garbage\r\n"), (DefaultMaxMessageSize-len(start))/9)...), 6},
		{"start line and colons", append(append([]byte(start), bytes.Repeat([]byte(":"), DefaultMaxMessageSize-len(start)-4)...), "\r\n\r\n"...), 6},
		{"start line and one header line", append(append([]byte(start+"X: "), bytes.Repeat([]byte("a,"), (DefaultMaxMessageSize-len(start)-7)/2)...), "\r\n\r\n"...), 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.data)
			require.Error(t, err)
			assert.Nil(t, m)
			var pe *ParseError
			assert.True(t, errors.As(err, &pe))
			if !raceEnabled() {
				allocs := testing.AllocsPerRun(20, func() { _, _ = Parse(tt.data) })
				assert.LessOrEqual(t, allocs, tt.maxAllocs, "allocations to refuse it (%v)", err)
			}
			// Linear work: 100 refusals of 64 KB take microseconds each; a
			// quadratic scan would take seconds.
			begin := time.Now()
			for range 100 {
				_, _ = Parse(tt.data)
			}
			assert.Less(t, time.Since(begin), 5*time.Second)
		})
	}
}

// raceEnabled reports a -race build, in which sync.Pool drops items at
// random, so that error paths that format with fmt allocate a varying
// number of times.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// TestParseAllocations: a typical INVITE costs one allocation, a block for
// the message and its values with the copy of the input inside (decode.go),
// and ParseOwned, which copies nothing, costs the same one; a
// heavier one (two Vias, two Routes, ten methods in Allow, Session-Expires)
// spills into a few small chunks and stays within the bound of 8.
func TestParseAllocations(t *testing.T) {
	data := []byte("INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1;received=192.0.2.1\r\n" +
		"Max-Forwards: 70\r\n" +
		"Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n" +
		"To: \"Bob\" <sip:bob@biloxi.example.com>\r\n" +
		"From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"Contact: <sip:alice@192.0.2.101:5060;transport=udp>\r\n" +
		"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO, REFER, NOTIFY\r\n" +
		"Supported: replaces, timer, 100rel\r\n" +
		"Session-Expires: 1800\r\n" +
		"User-Agent: sippet\r\n" +
		"X-Custom: 1\r\n" +
		"Content-Type: application/sdp\r\n" +
		"Content-Length: 4\r\n\r\nv=0\n")
	_, err := Parse(data)
	require.NoError(t, err)
	assert.LessOrEqual(t, testing.AllocsPerRun(50, func() { _, _ = Parse(data) }), 8.0)

	typical, err := os.ReadFile("testdata/bench/invite.sip")
	require.NoError(t, err)
	_, err = Parse(typical)
	require.NoError(t, err)
	assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(typical) }))
	var p Parser
	assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = p.ParseOwned(typical) }))

	// A phone's REGISTER with credentials, too long for block3072: the
	// auth layout holds its credentials, their ten parameters and its two
	// Accept values, where the usual one took 4624 bytes in four
	// allocations (5152 in five before decoder.auth).
	phone, err := os.ReadFile("testdata/bench/phone-register.sip")
	require.NoError(t, err)
	require.Equal(t, layoutAuth, pickLayout(phone))
	m, err := Parse(phone)
	require.NoError(t, err)
	require.Len(t, m.Headers.Get(HeaderAuthorization).(*Auth).Params, 10)
	assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(phone) }))
	if !raceEnabled() {
		assert.LessOrEqual(t, bytesPerParse(phone, 50), uint64(3456+256))
	}
	// With the usual layout, the credentials take a chunk of their own
	// (decoder.auth), where growing the bump buffer for their parameters
	// took two allocations and 1440 bytes.
	full := func() {
		_, _ = defaultParser.parseInto(phone, false, nil, false, layoutFull)
	}
	assert.LessOrEqual(t, testing.AllocsPerRun(50, full), 4.0)

	// A shorter REGISTER with credentials, which block3072 would hold:
	// the auth layout too, in one allocation (two before, of 3648 bytes).
	short, err := os.ReadFile("testdata/bench/register-auth.sip")
	require.NoError(t, err)
	require.LessOrEqual(t, len(short), len(block3072{}.buf))
	require.Equal(t, layoutAuth, pickLayout(short))
	checkParse(t, short)
	assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(short) }))
}

// bytesPerParse is the average of the bytes that n parses of data allocate.
func bytesPerParse(data []byte, n int) uint64 {
	return bytesPerRun(n, func() { _, _ = Parse(data) })
}

// bytesPerRun is the average of the bytes that n runs of f allocate.
func bytesPerRun(n int, f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}

// TestParseSmallLayout: a short request without lists, as a load tool or
// a keep-alive sends (here sipp's OPTIONS), fills the small block layout
// (block.go): one allocation of the 2304-byte size class instead of 3072.
// Messages that smallMessage takes for small but that hold more values than
// that layout has room for spill, and parse exactly as with the full layout
// (checkParse compares the two).
func TestParseSmallLayout(t *testing.T) {
	options := []byte("OPTIONS sip:service@127.0.0.1:15060 SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:15061;branch=z9hG4bK-4242-1-0;rport\r\n" +
		"From: sipp <sip:sipp@127.0.0.1:15061>;tag=4242SIPpTag001\r\n" +
		"To: <sip:service@127.0.0.1:15060>\r\n" +
		"Call-ID: 1-4242@127.0.0.1\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Contact: <sip:sipp@127.0.0.1:15061>\r\n" +
		"Max-Forwards: 70\r\n" +
		"Accept: application/sdp\r\n" +
		"Content-Length: 0\r\n\r\n")
	require.True(t, smallMessage(options))
	checkParse(t, options)
	if !raceEnabled() {
		assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(options) }))
		assert.LessOrEqual(t, bytesPerParse(options, 100), uint64(2304), "bytes per parse")
		// ParseOwned keeps no copy, and takes the usual layout even for a
		// short message: its 2304-byte class costs less on the benchmark
		// machine than the small layout's 2048 (newOwnedBlock).
		var p Parser
		owned := bytesPerRun(100, func() { _, _ = p.ParseOwned(options) })
		assert.GreaterOrEqual(t, owned, uint64(2304), "bytes per ParseOwned")
		assert.LessOrEqual(t, owned, uint64(2304+64), "bytes per ParseOwned")
	}

	// Small by the guess, larger than the layout: two Vias on one line,
	// four addresses, eight parameters, four numbers.
	crowded := []byte("BYE sip:b@example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1;rport;x=1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2;y=2;z=3\r\n" +
		"To: <sip:b@example.com>;tag=1\r\n" +
		"From: <sip:a@example.com>;tag=2\r\n" +
		"Contact: <sip:a@192.0.2.1>\r\n" +
		"Reply-To: <sip:c@example.com>\r\n" +
		"Call-ID: 1@a\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nExpires: 5\r\nRSeq: 1\r\nl: 0\r\n\r\n")
	require.True(t, smallMessage(crowded))
	checkParse(t, crowded)
	m, err := Parse(crowded)
	require.NoError(t, err)
	vias := slices.Collect(m.Vias())
	require.Len(t, vias, 2)
	z, _ := vias[1].Params.Get("z")
	assert.Equal(t, "3", z)
	assert.Len(t, m.Headers, 12)
}

var contentLengthLine = regexp.MustCompile(`Content-Length: \d+`)

// TestParseLargeLayout: a message too long for the usual block gets the
// large layout when its size class has the room (block.go), so that a
// response through two proxies (three Vias, a Record-Route of two values,
// twelve parameters) is one allocation of 4864 bytes where it spilled
// three chunks; a longer message of the same class keeps the usual layout
// and its buffer; and a message with more values than the large layout
// holds spills and parses as with any other layout (checkParse).
func TestParseLargeLayout(t *testing.T) {
	ok, err := os.ReadFile("testdata/bench/ok.sip")
	require.NoError(t, err)
	require.Greater(t, len(ok), len(block3072{}.buf))
	require.LessOrEqual(t, len(ok), len(large4864{}.buf))
	routed, _ := lineCensus(ok)
	require.True(t, routed)
	checkParse(t, ok)
	// What else the process allocates meanwhile adds a few bytes to the
	// average; the size classes around are more than 1 KB apart.
	const noise = 256
	if !raceEnabled() {
		assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() { _, _ = Parse(ok) }))
		assert.Less(t, bytesPerParse(ok, 1000), uint64(4864+noise), "bytes per parse")
	}

	// Around the limits of each layout, an INVITE (whose values the usual
	// layout holds) with a body that makes it size bytes long: one
	// allocation of the class that size needs, whichever layout it takes.
	invite, err := os.ReadFile("testdata/bench/invite.sip")
	require.NoError(t, err)
	head, _, _ := bytes.Cut(invite, []byte("\r\n\r\n"))
	sized := func(size int) []byte {
		n := size - len(head) - 4
		for range 2 { // the length's digits count too
			h := contentLengthLine.ReplaceAll(head, []byte("Content-Length: "+strconv.Itoa(n)))
			n = size - len(h) - 4
		}
		h := contentLengthLine.ReplaceAll(head, []byte("Content-Length: "+strconv.Itoa(n)))
		body := bytes.Repeat([]byte("a=x\r\n"), n/5+1)[:n]
		return append(append(h, "\r\n\r\n"...), body...)
	}
	for _, tc := range []struct {
		size, class int
	}{
		{len(block3456{}.buf), 3456},
		{len(block3456{}.buf) + 1, 4864},
		{len(large4864{}.buf), 4864},
		{len(large4864{}.buf) + 1, 4864},
		{len(block4864{}.buf), 4864},
		{len(block4864{}.buf) + 1, 6912},
		{len(large6912{}.buf) + 1, 6912},
		{len(block6912{}.buf) + 1, 9472},
	} {
		data := sized(tc.size)
		require.Len(t, data, tc.size)
		checkParse(t, data)
		if !raceEnabled() {
			assert.Equal(t, 1.0, testing.AllocsPerRun(20, func() { _, _ = Parse(data) }), "%d bytes", tc.size)
			assert.Less(t, bytesPerParse(data, 1000), uint64(tc.class+noise), "%d bytes", tc.size)
		}
	}

	// More Vias, addresses and parameters than the large layout holds.
	var crowded []byte
	crowded = append(crowded, "SIP/2.0 200 OK\r\n"...)
	for i := range 6 {
		crowded = fmt.Appendf(crowded, "Via: SIP/2.0/UDP p%d.example.com;branch=z9hG4bK%d;received=192.0.2.%d;rport=5060\r\n", i, i, i)
	}
	crowded = append(crowded, "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>, <sip:p3.example.com;lr>, <sip:p4.example.com;lr>\r\n"...)
	crowded = append(crowded, "To: <sip:b@example.com>;tag=1\r\nFrom: <sip:a@example.com>;tag=2\r\nContact: <sip:b@192.0.2.9>\r\n"...)
	crowded = append(crowded, "Call-ID: 1@a\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n"...)
	crowded = append(crowded, "Server: "+strings.Repeat("sippet ", 40)+"\r\n\r\n"...)
	require.Greater(t, len(crowded), len(block3072{}.buf))
	require.LessOrEqual(t, len(crowded), len(large4864{}.buf))
	require.Equal(t, layoutLarge, pickLayout(crowded))
	checkParse(t, crowded)
	m, err := Parse(crowded)
	require.NoError(t, err)
	vias := slices.Collect(m.Vias())
	require.Len(t, vias, 6)
	assert.Equal(t, "192.0.2.5", vias[5].Received())
	assert.Equal(t, 4, m.Headers.Count(HeaderRecordRoute))
}

// TestParseTopViaRoom: the top Via of a request has room for the received
// parameter that the transport adds (RFC 3261 §18.2.1), so that adding it
// allocates nothing, and the room is the Via's alone: the parameters
// carved after it do not change.
func TestParseTopViaRoom(t *testing.T) {
	data := []byte("OPTIONS sip:a.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport\r\n" +
		"Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2\r\n" +
		"From: <sip:a@example.com>;tag=f\r\nTo: <sip:b@example.com>\r\n" +
		"Call-ID: 1@a\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n\r\n")
	for _, general := range []bool{false, true} {
		m, err := defaultParser.parseInto(data, false, nil, general, layoutAuto)
		require.NoError(t, err)
		top := m.TopVia()
		top.Params.Set("received", "127.0.0.1")
		top.Params.Set("rport", "5061")
		top.Params.Set("x", "1") // past the room: a new array
		assert.Equal(t, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport=5061;received=127.0.0.1;x=1", top.String())
		assert.Equal(t, "f", m.From().Tag())
		var second *Via
		for v := range m.Vias() {
			second = v
		}
		assert.Equal(t, "SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2", second.String())
	}
	if !raceEnabled() {
		one := bytes.Replace(data, []byte("Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK2\r\n"), nil, 1)
		assert.Equal(t, 1.0, testing.AllocsPerRun(50, func() {
			m, _ := Parse(one)
			m.TopVia().Params.Set("received", "127.0.0.1")
		}), "the parse's block only")
	}
}

// TestParseFraming covers line ends, leading CRLFs and the body.
func TestParseFraming(t *testing.T) {
	const head = "OPTIONS sip:a.example SIP/2.0\r\nCall-ID: x\r\n"
	tests := []struct {
		name    string
		data    string
		body    string
		headers int
	}{
		// RFC 3261 §7.5: CRLFs before the start line are ignored.
		{"leading CRLFs", "\r\n\r\n\n" + head + "\r\n", "", 1},
		// Bare LF line ends, folding included, are accepted (RFC 3261 §7
		// asks for CRLF, robustness for more).
		{"LF only", "OPTIONS sip:a.example SIP/2.0\nCall-ID: x\nSubject: a\n b\n\nbody", "body", 2},
		{"mixed line ends", "OPTIONS sip:a.example SIP/2.0\nCall-ID: x\r\nSubject: a\r\n\tb\n\r\nbody", "body", 2},
		// Without Content-Length, the body is the rest of the datagram
		// (RFC 3261 §18.3; RFC 4475 §3.4.1).
		{"no Content-Length", head + "\r\nv=0\r\n\r\n", "v=0\r\n\r\n", 1},
		{"no body", head + "\r\n", "", 1},
		// Bytes after Content-Length are discarded (RFC 3261 §18.3; RFC
		// 4475 §3.1.1.8).
		{"extra bytes", head + "Content-Length: 3\r\n\r\nabcdef", "abc", 2},
		{"extra message", head + "l: 0\r\n\r\n" + head + "\r\n", "", 2},
		{"exact body", head + "Content-Length: 6\r\n\r\n\r\nabc\n", "\r\nabc\n", 2},
		// A datagram that ends after a header line without the empty line
		// has nothing missing (RFC 4475 §3.1.2.15 is such a file).
		{"no empty line", head, "", 1},
		{"no empty line LF", "OPTIONS sip:a.example SIP/2.0\nCall-ID: x\n", "", 1},
		{"start line only", "OPTIONS sip:a.example SIP/2.0\r\n", "", 0},
		{"empty header block", "SIP/2.0 200 OK\r\n\r\nbody", "body", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.data))
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(m.Body))
			if tt.body == "" {
				assert.Nil(t, m.Body)
			}
			assert.Len(t, m.Headers, tt.headers)
			if s, ok := m.Headers.Get(HeaderSubject).(*Text); ok {
				assert.Equal(t, "a b", s.Value)
			}
		})
	}
	for _, data := range []string{
		"OPTIONS sip:a.example SIP/2.0",               // no line end at all
		"OPTIONS sip:a.example SIP/2.0\r\nCall-ID: x", // a line cut short
		"\r\n\r\n",
		"",
		"OPTIONS sip:a.example SIP/2.0\r\nContent-Length: 10\r\n\r\nshort", // RFC 4475 §3.1.2.2
	} {
		_, err := Parse([]byte(data))
		assert.Error(t, err, "%q", data)
	}
}

// TestParseOwnsItsInput: the message never aliases the caller's buffer,
// which a transport reuses for the next datagram.
func TestParseOwnsItsInput(t *testing.T) {
	data := []byte("INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0\r\n" + parseMinimalHeaders[:len(parseMinimalHeaders)-len("Content-Length: 0\r\n\r\n")] +
		"Subject: hi\r\nContent-Length: 4\r\n\r\nbody")
	m, err := Parse(data)
	require.NoError(t, err)
	want := m.String()
	for i := range data {
		data[i] = 'x'
	}
	assert.Equal(t, want, m.String())
	assert.Equal(t, "bob", m.RequestURI.User)
	assert.Equal(t, "body", string(m.Body))
	assert.Equal(t, "a84b4c76e66710", m.CallID())

	// Nor does an error.
	data = []byte("OPTIONS sip:a.example SIP/2.0\r\nCSeq: 1 BAD METHOD\r\n\r\n")
	_, err = Parse(data)
	require.Error(t, err)
	text := err.Error()
	for i := range data {
		data[i] = 'x'
	}
	assert.Equal(t, text, err.Error())
}

// TestContentLengthOnOutput: Content-Length always counts the body, in the
// position of the header when there is one and at the end otherwise.
func TestContentLengthOnOutput(t *testing.T) {
	uri, err := ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	build := func(body string, hs ...Header) *Message {
		m := &Message{Method: MethodMessage, RequestURI: uri, Headers: hs}
		if body != "" {
			m.Body = []byte(body)
		}
		return m
	}
	const start = "MESSAGE sip:bob@biloxi.example.com SIP/2.0\r\n"
	tests := []struct {
		name string
		m    *Message
		want string
	}{
		{"missing", build("hello", hdr(HeaderCallID, &Text{Value: "c"})), start + "Call-ID: c\r\nContent-Length: 5\r\n\r\nhello"},
		{"missing, no body", build("", hdr(HeaderCallID, &Text{Value: "c"})), start + "Call-ID: c\r\nContent-Length: 0\r\n\r\n"},
		{"wrong", build("hello", hdr(HeaderContentLength, &Number{Value: 99}), hdr(HeaderCallID, &Text{Value: "c"})), start + "Content-Length: 5\r\nCall-ID: c\r\n\r\nhello"},
		{"compact", build("hi", hdrCompact(HeaderContentLength, &Number{Value: 0})), start + "l: 2\r\n\r\nhi"},
		{"no value", build("hi", hdr(HeaderContentLength, nil)), start + "Content-Length: 2\r\n\r\nhi"},
		{"raw value", build("hi", hdr(HeaderContentLength, &Raw{Value: "many"})), start + "Content-Length: 2\r\n\r\nhi"},
		{"twice", build("hi", hdr(HeaderContentLength, &Number{Value: 1}), hdr(HeaderContentLength, &Number{Value: 2})), start + "Content-Length: 2\r\n\r\nhi"},
		{"no headers", build("hi"), start + "Content-Length: 2\r\n\r\nhi"},
		{"response", &Message{StatusCode: 200, Reason: "OK", Body: []byte("x")}, "SIP/2.0 200 OK\r\nContent-Length: 1\r\n\r\nx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.String())
			assert.Equal(t, tt.want, string(tt.m.Append([]byte(nil))))
			m, err := Parse(tt.m.Bytes())
			require.NoError(t, err)
			n, ok := m.Headers.Get(HeaderContentLength).(*Number)
			require.True(t, ok)
			assert.Equal(t, len(tt.m.Body), n.Value)
		})
	}
	// Parsed messages too: the body that Parse kept is what is counted.
	m, err := Parse([]byte("OPTIONS sip:a.example SIP/2.0\r\nContent-Length: 3\r\n\r\nabcdef"))
	require.NoError(t, err)
	m.Body = append(m.Body, "xy"...)
	assert.Equal(t, "OPTIONS sip:a.example SIP/2.0\r\nContent-Length: 5\r\n\r\nabcxy", m.String())
	// Append extends its argument.
	assert.Equal(t, "prefix:"+m.String(), string(m.Append([]byte("prefix:"))))
}

// TestParseRoundTrip: a message parsed, written and parsed again is the
// same message, and the second writing is the first.
func TestParseRoundTrip(t *testing.T) {
	for i, s := range fuzzSeeds {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			m, err := Parse([]byte(s))
			require.NoError(t, err)
			wire := m.Bytes()
			m2, err := Parse(wire)
			require.NoError(t, err)
			assert.Empty(t, messageDiff(m, m2))
			assert.Equal(t, string(wire), string(m2.Bytes()))
		})
	}
}

// TestBareCR: a CR that does not end a line is white space, as the LWS of
// RFC 3261 §7.3.1 and §25.1 is, wherever it is: the value is kept with a
// space in its place, by the fast path and the general parser alike, so that
// no value holds a line end that a next hop ending lines at a bare CR would
// read a header line into, and Parse(m.Bytes()) gives m again.
func TestBareCR(t *testing.T) {
	tests := []struct {
		line   string
		header string
		want   string // the value's wire form
	}{
		{"Subject: a\rInjected: 1", HeaderSubject, "a Injected: 1"},
		{"X-Foo: a\rInjected: 1", "X-Foo", "a Injected: 1"},
		{"X-Foo: a\r\r b", "X-Foo", "a b"},
		{"User-Agent: a\r(b)", HeaderUserAgent, "a (b)"},
		{`To: "a` + "\r" + `Injected: 1" <sip:a@b.example>`, HeaderTo, `"a Injected: 1" <sip:a@b.example>`},
		{"To: <sip:a@b.example>;x=\"a\rb\"", HeaderTo, `<sip:a@b.example>;x="a b"`},
		{"To: <sip:a@b.example>;\rtag=1", HeaderTo, "<sip:a@b.example>;tag=1"},
		{`To: "a\` + "\r" + `b" <sip:a@b.example>`, HeaderTo, `"a\ b" <sip:a@b.example>`}, // quoted-pair has no CR
		{"Via: SIP/2.0/UDP\rh.example;branch=z9hG4bK1", HeaderVia, "SIP/2.0/UDP h.example;branch=z9hG4bK1"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			data := []byte("OPTIONS sip:a.example SIP/2.0\r\nCall-ID: x\r\n" + tt.line + "\r\nContent-Length: 0\r\n\r\n")
			checkParse(t, data)
			m, err := Parse(data)
			require.NoError(t, err)
			v := m.Headers.Get(tt.header)
			require.NotNil(t, v)
			assert.Equal(t, tt.want, v.String())
			assert.NotContains(t, string(m.Bytes()), "\rI")
		})
	}
}
