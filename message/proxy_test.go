package message_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// proxyRequest is a request arriving at a proxy; extra lines go after the
// Via lines.
func proxyRequest(t testing.TB, extra ...string) *message.Message {
	lines := []string{
		"INVITE sip:bob@biloxi.example.com SIP/2.0",
		"v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1, " +
			"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
	}
	lines = append(lines, extra...)
	lines = append(lines,
		"To: Bob <sip:bob@biloxi.example.com>",
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 314159 INVITE",
	)
	return builderMsg(t, lines...)
}

// headerLines returns the header lines of m on the wire, without the start
// line, Content-Length and the end of the header block.
func headerLines(m *message.Message) []string {
	lines := strings.Split(strings.TrimSuffix(m.String(), "\r\n\r\n"), "\r\n")[1:]
	return slices.DeleteFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Content-Length:") })
}

func TestDecrementMaxForwards(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
		want  int
		// at is the index the Max-Forwards header has afterwards.
		at int
	}{
		// RFC 3261 §16.6 step 3: decrement by one.
		{"70", []string{"Max-Forwards: 70"}, 69, 2},
		{"1", []string{"Max-Forwards: 1"}, 0, 2},
		{"leading zeros", []string{"Max-Forwards: 0010"}, 9, 2},
		// §16.6 step 3: add one of 70 when absent, under the Vias.
		{"absent", nil, 70, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := proxyRequest(t, tt.extra...)
			got, err := m.DecrementMaxForwards()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			mf, ok := m.MaxForwards()
			assert.True(t, ok)
			assert.Equal(t, tt.want, mf)
			assert.Equal(t, 1, m.Headers.Count("Max-Forwards"))
			assert.Equal(t, message.HeaderMaxForwards, m.Headers[tt.at].Name)
			back := builderRoundTrip(t, m)
			mf, _ = back.MaxForwards()
			assert.Equal(t, tt.want, mf)
		})
	}
}

func TestDecrementMaxForwardsZero(t *testing.T) {
	// RFC 3261 §16.3 step 3: a request with Max-Forwards 0 is not forwarded
	// but answered with 483.
	m := proxyRequest(t, "Max-Forwards: 0")
	before := m.String()
	got, err := m.DecrementMaxForwards()
	require.Error(t, err)
	assert.Zero(t, got)
	assert.ErrorIs(t, err, message.ErrTooManyHops)
	var ve *message.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, message.StatusTooManyHops, ve.StatusCode)
	assert.Equal(t, message.HeaderMaxForwards, ve.Header)
	assert.Equal(t, before, m.String(), "the message must not change")
}

func TestDecrementMaxForwardsInvalid(t *testing.T) {
	m := proxyRequest(t)
	m.Headers.Add("Max-Forwards", &message.Raw{Value: "many"})
	_, err := m.DecrementMaxForwards()
	assert.ErrorIs(t, err, message.ErrInvalidHeader)
}

// TestDecrementMaxForwardsKeepsValue checks that the value is replaced, not
// changed in place: a copy that shares values with the received message
// (a shallow copy of its headers) leaves the received message intact.
func TestDecrementMaxForwardsKeepsValue(t *testing.T) {
	orig := proxyRequest(t, "Max-Forwards: 70")
	cp := *orig
	cp.Headers = slices.Clone(orig.Headers)
	_, err := cp.DecrementMaxForwards()
	require.NoError(t, err)
	mf, _ := orig.MaxForwards()
	assert.Equal(t, 70, mf)
}

func TestPushPopVia(t *testing.T) {
	m := proxyRequest(t)
	mine := &message.Via{Transport: "UDP", Host: "p1.example.com",
		Params: message.Params{{Name: "branch", Value: "z9hG4bKp1"}}}

	// RFC 3261 §16.6 step 8: the proxy's Via goes before the others, and
	// the values written on one line stay on it.
	m.PushVia(mine)
	assert.Equal(t, []string{
		"SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1",
		"SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1",
		"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
	}, builderStrs(m.Vias()))
	assert.Equal(t, []string{
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1",
		"v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1, " +
			"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
	}, headerLines(m)[:2])
	back := builderRoundTrip(t, m)
	assert.Equal(t, builderStrs(m.Vias()), builderStrs(back.Vias()))

	// §16.7 step 3: the proxy pops its own Via from the response.
	assert.Same(t, mine, m.PopVia())
	assert.Equal(t, "z9hG4bK77ef4c2312983.1", m.PopVia().Branch())
	// The value left alone on its line keeps the line's compact form.
	assert.Equal(t, "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1", headerLines(m)[0])
	builderRoundTrip(t, m)
	assert.Equal(t, "z9hG4bKnashds8", m.PopVia().Branch())
	assert.Nil(t, m.PopVia(), "no Via left")
	assert.Nil(t, m.TopVia())

	// The first Via of a message goes on top.
	m.PushVia(mine)
	assert.Equal(t, message.HeaderVia, m.Headers[0].Name)
	builderRoundTrip(t, m)
}

func TestPushPopRoute(t *testing.T) {
	p1, err := message.ParseAddress("<sip:p1.example.com;lr>")
	require.NoError(t, err)

	t.Run("onto existing", func(t *testing.T) {
		m := proxyRequest(t, "Max-Forwards: 70", "Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>")
		m.PushRoute(p1)
		assert.Equal(t, []string{
			"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>", "<sip:p3.example.com;lr>",
		}, builderStrs(m.Routes()))
		assert.Contains(t, headerLines(m), "Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>")
		builderRoundTrip(t, m)

		// §16.4: the proxy removes the Route value that names it.
		assert.Same(t, p1, m.PopRoute())
		assert.Equal(t, "<sip:p2.example.com;lr>", m.PopRoute().String())
		assert.Contains(t, headerLines(m), "Route: <sip:p3.example.com;lr>")
		builderRoundTrip(t, m)
		assert.Equal(t, "<sip:p3.example.com;lr>", m.PopRoute().String())
		assert.Nil(t, m.PopRoute())
		assert.Zero(t, m.Headers.Count("Route"))
	})
	t.Run("first", func(t *testing.T) {
		// §7.3.1: headers proxies read go near the top, under the Vias.
		m := proxyRequest(t)
		m.PushRoute(p1)
		assert.Equal(t, "Route: <sip:p1.example.com;lr>", headerLines(m)[1])
		builderRoundTrip(t, m)
	})
}

func TestPushRecordRoute(t *testing.T) {
	mine, err := message.ParseAddress("<sip:p1.example.com;lr>")
	require.NoError(t, err)

	// RFC 3261 §16.6 step 4: the proxy's Record-Route goes before the others.
	m := proxyRequest(t, "Record-Route: <sip:p2.example.com;lr>")
	m.PushRecordRoute(mine)
	assert.Equal(t, []string{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}, builderStrs(m.RecordRoutes()))
	builderRoundTrip(t, m)

	m = proxyRequest(t)
	m.PushRecordRoute(mine)
	assert.Equal(t, "Record-Route: <sip:p1.example.com;lr>", headerLines(m)[1])
	builderRoundTrip(t, m)
}

func TestIsLooseRouter(t *testing.T) {
	tests := []struct {
		uri  string
		want bool
	}{
		// RFC 3261 §19.1.1: lr marks a loose router.
		{"sip:p1.example.com;lr", true},
		{"sip:p1.example.com;transport=tcp;lr", true},
		{"sips:p1.example.com:5061;lr;maddr=192.0.2.1", true},
		{"sip:p1.example.com;LR", true},     // parameter names are case-insensitive (§19.1.4)
		{"sip:p1.example.com;%6C%72", true}, // and may be escaped (RFC 4475 §3.1.1.2)
		{"sip:p1.example.com;%6Cx", false},
		{"sip:p1.example.com;lr=on", true}, // a value some implementations add
		{"sip:p1.example.com", false},      // a strict router (RFC 2543)
		{"sip:lr.example.com", false},      // lr as a host is not the parameter
		{"sip:lr@p1.example.com", false},   // nor as a user
		{"sip:p1.example.com;lrx", false},  // another parameter
		{"sip:p1.example.com?lr=1", false}, // a header of the URI, not a parameter
		{"sip:p1.example.com;x=lr", false}, // a value, not a name
		{"sip:p1.example.com;transport=udp", false},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			u, err := message.ParseURI(tt.uri)
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.IsLooseRouter())
		})
	}
	var nilURI *message.URI
	assert.False(t, nilURI.IsLooseRouter())
}

// TestProxyForward walks a proxy through RFC 3261 §16.4 and §16.6 on a copy
// of a received request, and checks the copy on the wire and the received
// request untouched.
func TestProxyForward(t *testing.T) {
	received := proxyRequest(t,
		"Max-Forwards: 69",
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
		"Record-Route: <sip:bigbox3.site3.atlanta.com;lr>",
	)
	before := received.String()

	fwd := received.Clone() // §16.6 step 1
	own := fwd.PopRoute()   // §16.4: the top Route names this proxy
	require.NotNil(t, own)
	require.True(t, own.URI.IsLooseRouter())
	mf, err := fwd.DecrementMaxForwards() // §16.6 step 3
	require.NoError(t, err)
	assert.Equal(t, 68, mf)
	rr, err := message.ParseAddress("<sip:p1.example.com;lr>")
	require.NoError(t, err)
	fwd.PushRecordRoute(rr) // §16.6 step 4
	branch := message.NewBranch()
	fwd.PushVia(&message.Via{Transport: "TCP", Host: "p1.example.com", // §16.6 step 8
		Params: message.Params{{Name: "branch", Value: branch}}})

	assert.Equal(t, []string{
		"Via: SIP/2.0/TCP p1.example.com;branch=" + branch,
		"v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1, " +
			"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
		"Max-Forwards: 68",
		"Route: <sip:p2.example.com;lr>",
		"Record-Route: <sip:p1.example.com;lr>",
		"Record-Route: <sip:bigbox3.site3.atlanta.com;lr>",
		"To: Bob <sip:bob@biloxi.example.com>",
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 314159 INVITE",
	}, headerLines(fwd))
	builderRoundTrip(t, fwd)
	assert.Equal(t, before, received.String())

	// §16.7 step 3: the response comes back with the proxy's Via on top,
	// which it removes before passing the response upstream.
	resp := message.NewResponse(fwd, 180, "")
	top := resp.PopVia()
	require.NotNil(t, top)
	assert.Equal(t, branch, top.Branch())
	assert.Equal(t, builderStrs(received.Vias()), builderStrs(resp.Vias()))
}
