package location

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// RFC 3261 §10.3 step 5: URI parameters go, escapes are resolved; §19.1.4:
// hosts ignore case, SIP differs from SIPS, an absent port differs from 5060.
func TestAOR(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"sip:bob@biloxi.example.com", "sip:bob@biloxi.example.com"},
		{"SIP:bob@BILOXI.Example.COM;user=phone;transport=tcp", "sip:bob@biloxi.example.com"},
		{"sip:%62ob@biloxi.example.com", "sip:bob@biloxi.example.com"},
		{"sip:bob:secret@biloxi.example.com?subject=x", "sip:bob@biloxi.example.com"},
		{"sip:Bob@biloxi.example.com", "sip:Bob@biloxi.example.com"},
		{"sips:bob@biloxi.example.com", "sips:bob@biloxi.example.com"},
		{"sip:bob@biloxi.example.com:5060", "sip:bob@biloxi.example.com:5060"},
		{"sip:a%20b@[2001:DB8:0::1]:5070", "sip:a%20b@[2001:db8::1]:5070"},
		{"sip:biloxi.example.com", "sip:biloxi.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := message.ParseURI(tt.in)
			require.NoError(t, err)
			got, err := AOR(u)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// RFC 3261 §10.2: an address-of-record is a SIP or SIPS URI.
func TestAORNotSIP(t *testing.T) {
	u, err := message.ParseURI("tel:+1-201-555-0123")
	require.NoError(t, err)
	_, err = AOR(u)
	assert.ErrorIs(t, err, ErrNotSIP)
	_, err = AOR(nil)
	assert.ErrorIs(t, err, ErrNotSIP)
}

func TestParseQ(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"0.5", 500, true}, {"0.123", 123, true},
		{"0.", 0, true}, {"1.000", 1000, true}, {"0.05", 50, true},
		{"1.5", 0, false}, {"2", 0, false}, {"0.1234", 0, false}, {"", 0, false},
		{"0,5", 0, false}, {"0.x", 0, false}, {"-1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseQ(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
