package message

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// msgRequest is a request with list headers on one line and in compact form,
// as a proxy receives it.
const msgRequest = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
	"v: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2, SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\r\n" +
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK0\r\n" +
	"Max-Forwards: 68\r\n" +
	"Route: <sip:p3.example.com;lr>, <sip:p4.example.com;lr>\r\n" +
	"Record-Route: <sip:p2.example.com;lr>\r\n" +
	"Record-Route: <sip:p1.example.com;lr>\r\n" +
	"To: Bob <sip:bob@biloxi.example.com>\r\n" +
	"From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Contact: <sip:alice@192.0.2.101>;expires=60, *\r\n" +
	"Expires: 120\r\n" +
	"Content-Type: application/sdp\r\n" +
	"X-Trace: 1\r\n" +
	"Content-Length: 4\r\n\r\nv=0\n"

func msgParse(t *testing.T, s string) *Message {
	t.Helper()
	m, err := Parse([]byte(s))
	require.NoError(t, err)
	return m
}

func msgHosts[T interface{ *Via | *Address }](seq func(func(T) bool)) []string {
	var out []string
	for v := range seq {
		switch v := any(v).(type) {
		case *Via:
			out = append(out, v.Host)
		case *Address:
			out = append(out, v.URI.Host)
		}
	}
	return out
}

// TestAccessors covers the typed accessors of Message.
func TestAccessors(t *testing.T) {
	m := msgParse(t, msgRequest)
	assert.True(t, m.IsRequest())
	assert.False(t, m.IsResponse())
	assert.Equal(t, "p2.example.com", m.TopVia().Host)
	assert.Equal(t, "z9hG4bK2", m.TopVia().Branch())
	assert.Equal(t, []string{"p2.example.com", "p1.example.com", "pc33.atlanta.example.com"}, msgHosts(m.Vias()))
	assert.Equal(t, "Bob", m.To().Display)
	assert.Equal(t, "", m.To().Tag())
	assert.Equal(t, "1928301774", m.From().Tag())
	assert.Equal(t, "Alice", m.From().DisplayName())
	assert.Equal(t, "a84b4c76e66710@pc33.atlanta.example.com", m.CallID())
	assert.Equal(t, &CSeq{Seq: 314159, Method: MethodInvite}, m.CSeq())
	mf, ok := m.MaxForwards()
	assert.True(t, ok)
	assert.Equal(t, 68, mf)
	exp, ok := m.Expires()
	assert.True(t, ok)
	assert.Equal(t, 120, exp)
	assert.True(t, m.ContentType().Is("APPLICATION", "SDP"))
	contacts := slices.Collect(m.Contacts())
	require.Len(t, contacts, 2)
	assert.Equal(t, "192.0.2.101", contacts[0].URI.Host)
	assert.True(t, contacts[1].Wildcard)
	assert.Equal(t, []string{"p3.example.com", "p4.example.com"}, msgHosts(m.Routes()))
	assert.Equal(t, []string{"p2.example.com", "p1.example.com"}, msgHosts(m.RecordRoutes()))

	// Iteration stops when asked.
	n := 0
	for range m.Vias() {
		n++
		break
	}
	assert.Equal(t, 1, n)

	// Absent headers.
	r := msgParse(t, "SIP/2.0 100 Trying\r\n\r\n")
	assert.True(t, r.IsResponse())
	assert.Nil(t, r.TopVia())
	assert.Nil(t, r.From())
	assert.Nil(t, r.To())
	assert.Equal(t, "", r.CallID())
	assert.Nil(t, r.CSeq())
	_, ok = r.MaxForwards()
	assert.False(t, ok)
	_, ok = r.Expires()
	assert.False(t, ok)
	assert.Nil(t, r.ContentType())
	assert.Empty(t, slices.Collect(r.Vias()))
	assert.Empty(t, slices.Collect(r.Contacts()))
	assert.Empty(t, slices.Collect(r.Routes()))
	assert.Empty(t, slices.Collect(r.RecordRoutes()))

	// A non-critical header kept as *Raw has no typed value; an empty one
	// neither.
	r = msgParse(t, "SIP/2.0 100 Trying\r\nExpires: soon\r\nContent-Type:\r\n\r\n")
	_, ok = r.Expires()
	assert.False(t, ok)
	assert.Nil(t, r.ContentType())
}

// TestHeadersLookup covers Get, Index, Count and Values, with names in any
// case and in compact form.
func TestHeadersLookup(t *testing.T) {
	m := msgParse(t, msgRequest)
	hs := m.Headers
	for _, name := range []string{"Via", "via", "VIA", "v", "V"} {
		assert.Equal(t, 0, hs.Index(name), name)
		assert.Equal(t, 3, hs.Count(name), name)
		assert.Same(t, m.TopVia(), hs.Get(name), name)
	}
	assert.Equal(t, 2, hs.Count("route"))
	assert.Equal(t, 1, hs.Count("i"))
	assert.Equal(t, 1, hs.Count("x-trace"))
	assert.Equal(t, &Raw{Value: "1"}, hs.Get("X-TRACE"))
	assert.Equal(t, -1, hs.Index("Subject"))
	assert.Nil(t, hs.Get("Subject"))
	assert.Equal(t, 0, hs.Count("s"))
	var values []string
	for v := range hs.Values("m") {
		values = append(values, v.String())
	}
	assert.Equal(t, []string{"<sip:alice@192.0.2.101>;expires=60", "*"}, values)
	n := 0
	for range hs.Values("Via") {
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func msgVia(host string) *Via {
	return &Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: host, Params: Params{{Name: "branch", Value: "z9hG4bK" + host}}}
}

// TestHeadersEdit covers Add, Set, Del, Insert and Remove, and how the
// result is written: list values joined on one line stay so, and a value
// that starts a line again gets the line's form.
func TestHeadersEdit(t *testing.T) {
	const start = "OPTIONS sip:a.example SIP/2.0\r\n"
	const length = "Content-Length: 0\r\n"
	tests := []struct {
		name string
		in   string // header lines
		edit func(hs *Headers) Value
		want string // header lines after the edit
		ret  string // the value returned by Remove
	}{
		// RFC 3261 §16.6 step 8: a proxy pushes its Via on top.
		{"insert via", "v: SIP/2.0/UDP a;branch=z9hG4bKa, SIP/2.0/UDP b;branch=z9hG4bKb\r\nX-A: 1\r\n",
			func(hs *Headers) Value { hs.Insert("Via", msgVia("p")); return nil },
			"Via: SIP/2.0/UDP p;branch=z9hG4bKp\r\nv: SIP/2.0/UDP a;branch=z9hG4bKa, SIP/2.0/UDP b;branch=z9hG4bKb\r\nX-A: 1\r\n", ""},
		// With no header of the name, at the end (after Content-Length).
		{"insert none", "X-A: 1\r\n",
			func(hs *Headers) Value { hs.Insert("v", msgVia("p")); return nil },
			"X-A: 1\r\n" + length + "Via: SIP/2.0/UDP p;branch=z9hG4bKp\r\n", ""},
		{"insert after others", "X-A: 1\r\nRecord-Route: <sip:b;lr>\r\n",
			func(hs *Headers) Value {
				hs.Insert(HeaderRecordRoute, &Address{URI: URI{Scheme: "sip", Host: "a", Params: Params{{Name: "lr"}}}})
				return nil
			},
			"X-A: 1\r\nRecord-Route: <sip:a;lr>\r\nRecord-Route: <sip:b;lr>\r\n", ""},
		// RFC 3261 §16.7 step 3 and §16.4: pop the top Via or Route; the next
		// value of the line starts it, in its form.
		{"remove joined", "v: SIP/2.0/UDP a;branch=z9hG4bKa, SIP/2.0/UDP b;branch=z9hG4bKb\r\nX-A: 1\r\n",
			func(hs *Headers) Value { return hs.Remove("Via") },
			"v: SIP/2.0/UDP b;branch=z9hG4bKb\r\nX-A: 1\r\n", "SIP/2.0/UDP a;branch=z9hG4bKa"},
		{"remove three", "Route: <sip:a;lr>, <sip:b;lr>, <sip:c;lr>\r\n",
			func(hs *Headers) Value { return hs.Remove("route") },
			"Route: <sip:b;lr>, <sip:c;lr>\r\n", "<sip:a;lr>"},
		{"remove line", "Route: <sip:a;lr>\r\nX-A: 1\r\nRoute: <sip:b;lr>\r\n",
			func(hs *Headers) Value { return hs.Remove("Route") },
			"X-A: 1\r\nRoute: <sip:b;lr>\r\n", "<sip:a;lr>"},
		{"remove none", "X-A: 1\r\n",
			func(hs *Headers) Value { return hs.Remove("Route") },
			"X-A: 1\r\n", ""},
		{"remove leaves others joined", "X-A: 1\r\nAllow: A, B\r\n",
			func(hs *Headers) Value { return hs.Remove("x-a") },
			"Allow: A, B\r\n", "1"},
		// Set replaces every value at the position of the first.
		{"set", "Supported: a\r\nX-A: 1\r\nk: b, c\r\n",
			func(hs *Headers) Value { hs.Set("supported", Tokens("d")); return nil },
			"Supported: d\r\nX-A: 1\r\n", ""},
		{"set compact", "k: b, c\r\nX-A: 1\r\n",
			func(hs *Headers) Value { hs.Set("Supported", Tokens("d")); return nil },
			"k: d\r\nX-A: 1\r\n", ""},
		{"set new", "X-A: 1\r\n",
			func(hs *Headers) Value { hs.Set("Subject", &Text{Value: "hi"}); return nil },
			"X-A: 1\r\n" + length + "Subject: hi\r\n", ""},
		{"set unknown", "x-a: 1\r\nX-A: 2\r\n",
			func(hs *Headers) Value { hs.Set("X-a", &Raw{Value: "3"}); return nil },
			"X-a: 3\r\n", ""},
		{"del", "Route: <sip:a;lr>, <sip:b;lr>\r\nX-A: 1\r\nRoute: <sip:c;lr>\r\n",
			func(hs *Headers) Value { hs.Del("ROUTE"); return nil },
			"X-A: 1\r\n", ""},
		{"add", "Allow: A, B\r\n",
			func(hs *Headers) Value { hs.Add("allow", Tokens("C")); hs.Add("k", nil); return nil },
			"Allow: A, B\r\n" + length + "Allow: C\r\nSupported: \r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := msgParse(t, start+tt.in+length+"\r\n")
			v := tt.edit(&m.Headers)
			if tt.ret == "" {
				assert.Nil(t, v)
			} else if assert.NotNil(t, v) {
				assert.Equal(t, tt.ret, v.String())
			}
			want := tt.want
			if !strings.Contains(want, length) {
				want += length
			}
			assert.Equal(t, start+want+"\r\n", m.String())
			// What was written parses to the edited headers.
			m2 := msgParse(t, m.String())
			assert.Empty(t, messageDiff(m, m2))
		})
	}
}

// TestHeadersEditKeepsNamesCanonical: Add, Set and Insert store the
// canonical name of a known header, so the accessors find it.
func TestHeadersEditKeepsNamesCanonical(t *testing.T) {
	var hs Headers
	hs.Add("i", &Text{Value: "c"})
	hs.Set("cseq", &CSeq{Seq: 1, Method: MethodOptions})
	hs.Insert("v", msgVia("a"))
	hs.Add("x-custom", &Raw{Value: "1"})
	m := &Message{StatusCode: 200, Headers: hs}
	assert.Equal(t, "c", m.CallID())
	assert.Equal(t, uint32(1), m.CSeq().Seq)
	assert.Equal(t, "a", m.TopVia().Host)
	assert.Equal(t, []string{HeaderCallID, HeaderCSeq, HeaderVia, "x-custom"},
		[]string{hs[0].Name, hs[1].Name, hs[2].Name, hs[3].Name})
	assert.Equal(t, "SIP/2.0 200 \r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nVia: SIP/2.0/UDP a;branch=z9hG4bKa\r\nx-custom: 1\r\nContent-Length: 0\r\n\r\n", m.String())
}

// TestClone: a clone shares nothing that can be changed with its original,
// so that an actor can edit a message it received.
func TestClone(t *testing.T) {
	m := msgParse(t, msgRequest)
	want := m.String()
	c := m.Clone()
	assert.Equal(t, want, c.String())
	assert.Empty(t, messageDiff(m, c))

	c.RequestURI.Params.Set("transport", "tcp")
	c.RequestURI.Host = "other.example.com"
	c.TopVia().Params.Set("received", "192.0.2.9")
	c.TopVia().Params[0].Value = "changed"
	c.From().Params[0].Value = "changed"
	c.From().URI.User = "eve"
	c.CSeq().Seq++
	c.Headers.Remove("Via")
	c.Headers.Insert("Via", msgVia("p"))
	c.Headers[len(c.Headers)-2].Value.(*Raw).Value = "2"
	c.Body[0] = 'X'
	c.Method = MethodBye
	assert.Equal(t, want, m.String())

	// A typed nil value is copied as it is.
	var nilVia *Via
	withNil := &Message{StatusCode: 200, Headers: Headers{{Name: HeaderVia, Value: nilVia}}}
	assert.Equal(t, withNil, withNil.Clone())

	var nilHeaders Headers
	assert.Nil(t, nilHeaders.Clone())
	assert.Nil(t, (&Message{StatusCode: 200}).Clone().Body)
	assert.Nil(t, (&Message{StatusCode: 200}).Clone().RequestURI)
	empty := Headers{{Name: HeaderSupported}}
	assert.Equal(t, empty, empty.Clone())
}

// TestCloneBlock: a clone is one allocation of a block layout (clone.go)
// when its values fit one, and whatever layout it takes, it equals its
// original and shares nothing that can change: every value of the clone is
// changed, and the original still writes the same bytes.
func TestCloneBlock(t *testing.T) {
	var inputs [][]byte
	for _, name := range []string{"invite.sip", "register.sip", "ok.sip"} {
		data, err := os.ReadFile(filepath.Join("testdata", "bench", name))
		require.NoError(t, err)
		inputs = append(inputs, data)
	}
	inputs = append(inputs, []byte(msgRequest))
	// More values of each kind than the large layout holds, and values
	// that no layout holds (Authorization, Warning, Date).
	var crowded strings.Builder
	crowded.WriteString("INVITE sip:b@example.com;transport=tcp?subject=x SIP/2.0\r\n")
	for i := range 5 {
		fmt.Fprintf(&crowded, "Via: SIP/2.0/UDP p%d.example.com;branch=z9hG4bK%d;rport\r\n", i, i)
	}
	for i := range 8 {
		fmt.Fprintf(&crowded, "Route: <sip:p%d.example.com;lr>\r\n", i)
	}
	crowded.WriteString("To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n" +
		"Max-Forwards: 70\r\nExpires: 5\r\nMin-Expires: 5\r\nContent-Length: 0\r\nSubject: s\r\nOrganization: o\r\nServer: x\r\n" +
		"Supported: a, b, c, d, e, f, g, h, i, j, k, l\r\nAccept: application/sdp, text/plain\r\nX-A: 1\r\nX-B: 2\r\n" +
		"Authorization: Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:b@example.com\", response=\"0123456789abcdef0123456789abcdef\"\r\n" +
		"Warning: 399 example.com \"x\"\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT\r\n\r\n")
	inputs = append(inputs, []byte(crowded.String()))

	for i, data := range inputs {
		m, err := Parse(data)
		require.NoError(t, err, i)
		want := m.String()
		c := m.Clone()
		require.Empty(t, messageDiff(m, c), i)
		if !raceEnabled() {
			allocs := testing.AllocsPerRun(20, func() { _ = m.Clone() })
			switch i {
			case 0: // the INVITE spills its two lists from the small layout
				assert.LessOrEqual(t, allocs, 4.0, "input %d", i)
			case 1: // the REGISTER fits the small layout
				assert.Equal(t, 1.0, allocs, "input %d", i)
			case 2: // the 200 OK spills from the usual layout, which costs fewer bytes than the large one
				assert.LessOrEqual(t, allocs, 10.0, "input %d", i)
			}
		}
		var n cloneCounts
		n.count(m)
		blk, _ := n.newBlock(len(m.Body))
		switch i {
		case 0, 1:
			assert.Equal(t, uintptr(smallBlockSize), blk.size, "input %d takes the small layout", i)
		case 2:
			assert.Equal(t, uintptr(blockSize), blk.size, "the 200 OK takes the usual layout")
		}
		if c.RequestURI != nil {
			c.RequestURI.Params.Set("x", "1")
			c.RequestURI.Host = "changed.example.com"
			if len(c.RequestURI.Params) > 0 {
				c.RequestURI.Params[0].Value = "changed"
			}
		}
		for j := range c.Headers {
			switch v := c.Headers[j].Value.(type) {
			case *Via:
				v.Host = "changed.example.com"
				v.Params[0].Value = "changed"
				v.Params.Set("received", "192.0.2.9")
			case *Address:
				v.URI.User = "changed"
				v.URI.Params.Set("x", "1")
				v.Params.Set("tag", "changed")
			case *Token:
				v.Value = "changed"
				v.Params.Set("q", "1")
			case *TokenList:
				v.Values[0] = "changed"
				v.Values = append(v.Values, "added")
			case *MediaType:
				v.Subtype = "changed"
			case *Number:
				v.Value++
			case *Text:
				v.Value = "changed"
			case *Raw:
				v.Value = "changed"
			case *CSeq:
				v.Seq++
			case *Auth:
				v.Params.Set("nonce", "changed")
			}
		}
		c.Headers = append(c.Headers, Header{Name: HeaderRecordRoute, Value: &Address{URI: URI{Scheme: "sip", Host: "rr.example.com"}}})
		c.Headers.Insert(HeaderVia, &Via{Transport: "UDP", Host: "new.example.com"})
		if len(c.Body) > 0 {
			c.Body[0] = 'X'
		}
		assert.Equal(t, want, m.String(), "input %d", i)
	}
}

// TestHandBuiltNames: a header built by hand may name itself in another
// case or in compact form (RFC 3261 §7.3.1, §7.3.3), as Append writes it;
// the accessors, lookups and edits find it as Parse would after a round
// trip.
func TestHandBuiltNames(t *testing.T) {
	t.Run("compact", func(t *testing.T) {
		m := &Message{StatusCode: 200, Headers: Headers{
			{Name: "v", Value: msgVia("proxy")},
			{Name: HeaderVia, Value: msgVia("client")},
		}}
		p, err := Parse(m.Bytes())
		require.NoError(t, err)
		assert.Equal(t, p.Headers.Count(HeaderVia), m.Headers.Count(HeaderVia))
		assert.Equal(t, "proxy", m.Headers.Get("v").(*Via).Host)
		assert.Equal(t, "proxy", m.TopVia().Host)
		var hosts []string
		for v := range m.Vias() {
			hosts = append(hosts, v.Host)
		}
		assert.Equal(t, []string{"proxy", "client"}, hosts)
		assert.Equal(t, "proxy", m.PopVia().Host)
		m.Headers.Del(HeaderVia)
		assert.Empty(t, m.Headers)
	})
	t.Run("case", func(t *testing.T) {
		m := &Message{Method: MethodInvite, RequestURI: &URI{Scheme: "sip", Host: "b.example"}, Headers: Headers{
			{Name: "via", Value: msgVia("a.example")},
			{Name: "FROM", Value: &Address{URI: URI{Scheme: "sip", Host: "a.example"}, Params: Params{{Name: "tag", Value: "1"}}}},
			{Name: "to", Value: &Address{URI: URI{Scheme: "sip", Host: "b.example"}}},
			{Name: "call-id", Value: &Text{Value: "c"}},
			{Name: "cseq", Value: &CSeq{Seq: 1, Method: MethodInvite}},
			{Name: "max-forwards", Value: &Number{Value: 70}},
		}}
		require.NotNil(t, m.TopVia())
		assert.Equal(t, "1", m.From().Tag())
		assert.NotNil(t, m.To())
		assert.Equal(t, "c", m.CallID())
		assert.Equal(t, uint32(1), m.CSeq().Seq)
		mf, ok := m.MaxForwards()
		assert.True(t, ok)
		assert.Equal(t, 70, mf)
		assert.NoError(t, m.Validate())
		_, err := NewCancel(m)
		assert.NoError(t, err)
		assert.NotNil(t, NewResponse(m, StatusRequestTerminated, "").TopVia())
	})
}

// TestTypedNilMandatory: Validate, RequestPolicy.Check and
// DecrementMaxForwards answer a mandatory header whose value is a nil
// pointer, which a program may set, as one that does not hold its type.
func TestTypedNilMandatory(t *testing.T) {
	for _, tt := range []struct {
		name string
		v    Value
	}{
		{HeaderVia, (*Via)(nil)}, {HeaderTo, (*Address)(nil)}, {HeaderFrom, (*Address)(nil)},
		{HeaderCallID, (*Text)(nil)}, {HeaderCSeq, (*CSeq)(nil)}, {HeaderMaxForwards, (*Number)(nil)},
		{HeaderContentLength, (*Number)(nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(msgRequest))
			require.NoError(t, err)
			m.Headers.Set(tt.name, tt.v)
			var ve *ValidationError
			require.ErrorAs(t, m.Validate(), &ve)
			assert.Equal(t, StatusBadRequest, ve.StatusCode)
			assert.Error(t, (&RequestPolicy{Proxy: true}).Check(m))
		})
	}
	m := &Message{Method: MethodOptions, RequestURI: &URI{Scheme: "sip", Host: "a.example"},
		Headers: Headers{{Name: HeaderMaxForwards, Value: (*Number)(nil)}}}
	_, err := m.DecrementMaxForwards()
	assert.ErrorIs(t, err, ErrInvalidHeader)
	// A body's Content-Type that is a nil *MediaType names no media type.
	m, err = Parse([]byte(msgRequest))
	require.NoError(t, err)
	require.NotEmpty(t, m.Body)
	m.Headers.Set(HeaderContentType, (*MediaType)(nil))
	assert.ErrorIs(t, m.Validate(), ErrMissingHeader)
}
