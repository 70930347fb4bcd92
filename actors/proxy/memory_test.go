package proxy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/actors/proxy"
	"github.com/sippet-go/sippet/message"
)

// registerRequest is a REGISTER for bob@example.com with the given Contact
// values and Expires ("" for none), as a UA sends it (RFC 3261 §10.2).
func registerRequest(t *testing.T, expires string, contacts ...string) *message.Message {
	t.Helper()
	raw := "REGISTER sip:example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK" + message.NewTag() + "\r\n" +
		"Max-Forwards: 70\r\nTo: <sip:bob@example.com>\r\nFrom: <sip:bob@example.com>;tag=1\r\n" +
		"Call-ID: reg-1\r\nCSeq: 1 REGISTER\r\n"
	for _, c := range contacts {
		raw += "Contact: " + c + "\r\n"
	}
	if expires != "" {
		raw += "Expires: " + expires + "\r\n"
	}
	raw += "Content-Length: 0\r\n\r\n"
	m, err := message.Parse([]byte(raw))
	require.NoError(t, err)
	return m
}

// RFC 3261 §10.3: the bindings a sequence of REGISTERs leaves, and the
// Lookup answers the proxy turns into 404 and 480.
func TestMemory(t *testing.T) {
	bob := &message.URI{Scheme: "sip", User: "bob", Host: "EXAMPLE.com", Port: 5060}
	tests := []struct {
		name     string
		requests [][]string // expires, contacts...
		advance  time.Duration
		want     []string // contacts bound, "" element for none but known
		known    bool
		code     int // of the last REGISTER
	}{
		{"unknown user", nil, 0, nil, false, 0},
		{"one contact", [][]string{{"", "<sip:bob@127.0.0.1:5070>"}}, 0, []string{"sip:bob@127.0.0.1:5070"}, true, 200},
		{"two contacts (§10.3 step 7)", [][]string{{"", "<sip:bob@127.0.0.1:5070>"}, {"", "<sip:bob@127.0.0.1:5072>"}}, 0,
			[]string{"sip:bob@127.0.0.1:5070", "sip:bob@127.0.0.1:5072"}, true, 200},
		{"refresh keeps one binding", [][]string{{"", "<sip:bob@127.0.0.1:5070>"}, {"60", "<sip:bob@127.0.0.1:5070>"}}, 0,
			[]string{"sip:bob@127.0.0.1:5070"}, true, 200},
		{"expires=0 removes (§10.2.2)", [][]string{{"", "<sip:bob@127.0.0.1:5070>"}, {"", "<sip:bob@127.0.0.1:5070>;expires=0"}}, 0,
			nil, true, 200},
		{"wildcard removes all (§10.2.2)", [][]string{{"", "<sip:bob@127.0.0.1:5070>", "<sip:bob@127.0.0.1:5072>"}, {"0", "*"}}, 0,
			nil, true, 200},
		{"wildcard with Expires above 0 is 400 (§10.3 step 6)", [][]string{{"60", "*"}}, 0, nil, false, 400},
		{"bindings expire", [][]string{{"60", "<sip:bob@127.0.0.1:5070>"}}, 61 * time.Second, nil, true, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Unix(1_000_000, 0)
			m := proxy.NewMemory()
			m.Now = func() time.Time { return now }
			var resp *message.Message
			for _, r := range tt.requests {
				resp = m.Register(registerRequest(t, r[0], r[1:]...))
			}
			if resp != nil {
				assert.Equal(t, tt.code, resp.StatusCode)
			}
			now = now.Add(tt.advance)
			targets, ok := m.Lookup(bob)
			assert.Equal(t, tt.known, ok)
			var got []string
			for _, tg := range targets {
				got = append(got, tg.URI.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// The 200 to a REGISTER lists the bindings with their expires (§10.3 step
// 8), and a Path is kept as the route set of the contact (RFC 3327).
func TestMemoryResponseAndPath(t *testing.T) {
	m := proxy.NewMemory()
	req := registerRequest(t, "120", "<sip:bob@127.0.0.1:5070>")
	path, err := message.ParseAddress("<sip:edge.example.com;lr>")
	require.NoError(t, err)
	req.Headers.Add(message.HeaderPath, path)
	resp := m.Register(req)
	require.Equal(t, message.StatusOK, resp.StatusCode)
	c, ok := resp.Headers.Get(message.HeaderContact).(*message.Address)
	require.True(t, ok)
	exp, _ := c.Params.Get("expires")
	assert.Equal(t, "120", exp)
	targets, ok := m.Lookup(&message.URI{Scheme: "sip", User: "bob", Host: "example.com"})
	require.True(t, ok)
	require.Len(t, targets, 1)
	require.Len(t, targets[0].Path, 1)
	assert.Equal(t, "edge.example.com", targets[0].Path[0].URI.Host)
}
