package transport

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

func TestStatelessReply(t *testing.T) {
	src := netip.MustParseAddrPort("127.0.0.1:40000")
	tests := []struct {
		name string
		in   string
		want string // "" when nothing is sent
		port int    // where the response goes
		// parses tells whether the 400 parses: a header copied verbatim
		// may be the broken one.
		parses bool
	}{
		{
			// RFC 3261 §8.2, §18.2.1, RFC 3581 §4: a 400 naming the problem,
			// top Via stamped, the others and From/To/Call-ID/CSeq verbatim.
			name: "bad cseq",
			in: "OPTIONS sip:bob@example.com SIP/2.0\n" +
				"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK0\n" +
				"v: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bKx\n" +
				"Max-Forwards: 70\n" +
				"f: <sip:alice@example.com>;tag=1\n" +
				"To: <sip:bob@example.com>\n" +
				"Call-ID: abc@192.0.2.1\n" +
				"CSeq: x OPTIONS\n" +
				"Content-Length: 0\n\n",
			want: "SIP/2.0 400 invalid header (CSeq)\n" +
				"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport=40000;received=127.0.0.1\n" +
				"Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK0\n" +
				"v: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bKx\n" +
				"f: <sip:alice@example.com>;tag=1\n" +
				"To: <sip:bob@example.com>\n" +
				"Call-ID: abc@192.0.2.1\n" +
				"CSeq: x OPTIONS\n" +
				"Content-Length: 0\n\n",
			port: 40000,
		},
		{
			// RFC 3261 §7.3.1: folded lines are joined.
			name: "folded to",
			in: "INVITE sip:bob@example.com SIP/2.0\n" +
				"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\n" +
				"To: <sip:bob@example.com>\n" +
				"   ;tag=x\n" +
				"CSeq: 1 INVITE\n" +
				"Max-Forwards: abc\n\n",
			want: "SIP/2.0 400 invalid header (Max-Forwards)\n" +
				"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\n" +
				"To: <sip:bob@example.com> ;tag=x\n" +
				"CSeq: 1 INVITE\n" +
				"Content-Length: 0\n\n",
			port:   5060,
			parses: true,
		},
		// RFC 3261 §17.2.3: an ACK is never answered.
		{name: "ack", in: "ACK sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\nCSeq: x ACK\n\n"},
		// A response is never answered (RFC 3261 §18.1.2: discarded).
		{name: "response", in: "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\nCSeq: x INVITE\n\n"},
		{name: "garbage", in: "hello world\n\n"},
		{name: "binary", in: "\x00\x01\x02"},
		{name: "no via", in: "OPTIONS sip:bob@example.com SIP/2.0\nCSeq: x OPTIONS\n\n"},
		{name: "unreadable via", in: "OPTIONS sip:bob@example.com SIP/2.0\nVia: nonsense\nCSeq: x OPTIONS\n\n"},
		{name: "no version", in: "OPTIONS sip:bob@example.com\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.ReplaceAll(tt.in, "\n", "\r\n")
			_, err := message.Parse([]byte(in))
			require.Error(t, err)
			out, via, ok := statelessReply(nil, []byte(in), src, err)
			if tt.want == "" {
				assert.False(t, ok, "%q", out)
				assert.Nil(t, via)
				return
			}
			require.True(t, ok)
			assert.Equal(t, strings.ReplaceAll(tt.want, "\n", "\r\n"), string(out))
			require.NotNil(t, via)
			host, port := ResponseTarget(via)
			assert.Equal(t, "127.0.0.1", host)
			assert.Equal(t, tt.port, port)
			if tt.parses {
				resp, err := message.Parse(out)
				require.NoError(t, err)
				assert.Equal(t, 400, resp.StatusCode)
				assert.Equal(t, "invalid header (Max-Forwards)", resp.Reason)
			}
		})
	}
}

func TestReplyStatusReason(t *testing.T) {
	long := strings.Repeat("é", 100)
	tests := []struct {
		name string
		err  error
		code int
		want string
	}{
		{"parse error", &message.ParseError{Header: "CSeq", Err: message.ErrInvalidHeader}, 400, "invalid header (CSeq)"},
		{"version", &message.ParseError{Err: message.ErrBadVersion}, 505, "unsupported SIP version"},
		{"other error", errors.New("boom"), 400, "Bad Request"},
		{"control bytes", &message.ParseError{Header: "X\r\nInjected: 1", Err: message.ErrInvalidHeader}, 400, "invalid header (X  Injected: 1)"},
		{"long", &message.ParseError{Header: long, Err: message.ErrInvalidHeader}, 400, "invalid header (" + long[:80]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, reason := replyStatus(tt.err)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.want, reason)
			assert.LessOrEqual(t, len(reason), maxReasonLength)
			assert.NotContains(t, reason, "\r")
			assert.NotContains(t, reason, "\n")
			assert.True(t, utf8.ValidString(reason))
		})
	}
}
