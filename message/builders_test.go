package message_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// builderText joins header lines with CRLF and ends the header block, as a
// message arrives on the wire.
func builderText(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n")
}

// builderMsg parses a message written as lines.
func builderMsg(t testing.TB, lines ...string) *message.Message {
	t.Helper()
	m, err := message.Parse(builderText(lines...))
	require.NoError(t, err)
	return m
}

// builderRoundTrip checks that m survives Bytes and Parse unchanged, and
// returns the parsed copy.
func builderRoundTrip(t *testing.T, m *message.Message) *message.Message {
	t.Helper()
	wire := m.Bytes()
	back, err := message.Parse(wire)
	require.NoError(t, err, "%s", wire)
	assert.Equal(t, string(wire), back.String())
	return back
}

// builderIsToken reports whether s is a non-empty token (RFC 3261 §25.1).
func builderIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// builderBits is how many random bits n base32 characters carry at most.
func builderBits(n int) int { return 5 * n }

func TestNewBranch(t *testing.T) {
	const n = 10000
	seen := make(map[string]bool, n)
	for range n {
		b := message.NewBranch()
		// RFC 3261 §8.1.1.7: the branch starts with the magic cookie and is
		// unique across space and time.
		require.True(t, strings.HasPrefix(b, message.MagicCookie), b)
		rest := b[len(message.MagicCookie):]
		require.GreaterOrEqual(t, builderBits(len(rest)), 64, b)
		require.True(t, builderIsToken(b), "branch %q is not a token", b)
		require.False(t, seen[b], "branch %q repeated", b)
		seen[b] = true
	}
}

func TestNewBranchInVia(t *testing.T) {
	b := message.NewBranch()
	v, err := message.ParseVia("SIP/2.0/UDP pc33.atlanta.com;branch=" + b)
	require.NoError(t, err)
	assert.Equal(t, b, v.Branch())
}

func TestNewTag(t *testing.T) {
	const n = 10000
	seen := make(map[string]bool, n)
	for range n {
		tag := message.NewTag()
		// RFC 3261 §19.3: at least 32 bits of randomness, and a token.
		require.GreaterOrEqual(t, builderBits(len(tag)), 32, tag)
		require.True(t, builderIsToken(tag), "tag %q is not a token", tag)
		require.False(t, seen[tag], "tag %q repeated", tag)
		seen[tag] = true
	}
}

func TestNewCallID(t *testing.T) {
	tests := []struct {
		name   string
		host   string
		suffix string
	}{
		{"no host", "", ""},
		{"host name", "atlanta.example.com", "@atlanta.example.com"},
		{"IPv4", "192.0.2.4", "@192.0.2.4"},
		{"IPv6", "[2001:db8::1]", "@[2001:db8::1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := message.NewCallID(tt.host)
			word, host, found := strings.Cut(id, "@")
			assert.Equal(t, tt.host != "", found, id)
			assert.Equal(t, tt.host, host)
			assert.True(t, strings.HasSuffix(id, tt.suffix), id)
			// RFC 3261 §8.1.1.4: the random part alone makes it unique.
			assert.GreaterOrEqual(t, builderBits(len(word)), 120, id)
			assert.True(t, builderIsToken(word), id)

			// The parser accepts it as callid = word [ "@" word ].
			m := builderMsg(t,
				"OPTIONS sip:bob@biloxi.example.com SIP/2.0",
				"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
				"Call-ID: "+id,
				"CSeq: 1 OPTIONS",
			)
			assert.Equal(t, id, m.CallID())
		})
	}
}

func TestNewCallIDUnique(t *testing.T) {
	const n = 10000
	seen := make(map[string]bool, n)
	for range n {
		id := message.NewCallID("")
		require.False(t, seen[id], "Call-ID %q repeated", id)
		seen[id] = true
	}
}
