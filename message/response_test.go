package message_test

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// responseRequest is a request as a UAS receives it after two proxies, the
// second of which put two Via values on one line.
func responseRequest(t testing.TB, method, toParams string) *message.Message {
	t.Helper()
	text := builderText(
		method+" sip:bob@biloxi.example.com SIP/2.0",
		"Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3",
		"v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2, "+
			"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
		"Max-Forwards: 68",
		"Record-Route: <sip:server10.biloxi.com;lr>, <sip:bigbox3.site3.atlanta.com;lr>",
		"Route: <sip:edge.biloxi.com;lr>",
		"To: Bob <sip:bob@biloxi.example.com>"+toParams,
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 314159 "+method,
		"Contact: <sip:alice@pc33.atlanta.com>",
		"Timestamp: 54.7 0.2",
		"Content-Type: application/sdp",
		"Content-Length: 5",
	)
	m, err := message.Parse(append(text, "v=0\r\n"...))
	require.NoError(t, err)
	return m
}

// builderStrs returns the wire form of each value, in order.
func builderStrs[T fmt.Stringer](seq func(func(T) bool)) []string {
	var out []string
	for v := range seq {
		out = append(out, v.String())
	}
	return out
}

func TestNewResponseHeaders(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		toParams    string // To parameters of the request
		code        int
		wantTag     string // "new": a fresh tag; otherwise the exact tag
		wantRecRout bool
	}{
		// RFC 3261 §8.2.6.2: a 100 (Trying) gets no tag; any other response
		// to a request without a To tag gets one.
		{"100 gets no tag", message.MethodInvite, "", 100, "", false},
		{"180 gets a tag", message.MethodInvite, "", 180, "new", true},
		{"183 gets a tag", message.MethodInvite, "", 183, "new", true},
		{"200 gets a tag", message.MethodInvite, "", 200, "new", true},
		{"302 gets a tag", message.MethodInvite, "", 302, "new", false},
		{"486 gets a tag", message.MethodInvite, "", 486, "new", false},
		{"603 gets a tag", message.MethodInvite, "", 603, "new", false},
		// §8.2.6.2: the To of a request with a tag is copied as it is.
		{"existing tag kept", message.MethodInvite, ";tag=a6c85cf", 200, "a6c85cf", true},
		{"existing tag kept in 100", message.MethodInvite, ";tag=a6c85cf", 100, "a6c85cf", false},
		{"existing tag kept in 481", message.MethodBye, ";tag=a6c85cf", 481, "a6c85cf", false},
		// §25.1: tag-param = "tag" EQUAL token, so a "tag" without a value
		// is no tag: the response gets a new one, in its place.
		{"tag without a value", message.MethodInvite, ";tag", 200, "new", true},
		{"tag with an empty quoted value", message.MethodInvite, `;tag=""`, 200, "new", true},
		// §12.1.1: Record-Route is copied in 101-299 responses to requests
		// that create dialogs.
		{"SUBSCRIBE 202", message.MethodSubscribe, "", 202, "new", true},
		{"REFER 202", message.MethodRefer, "", 202, "new", true},
		{"NOTIFY 200", message.MethodNotify, ";tag=x1", 200, "x1", true},
		{"OPTIONS 200", message.MethodOptions, "", 200, "new", false},
		{"MESSAGE 200", message.MethodMessage, "", 200, "new", false},
		{"REGISTER 200", message.MethodRegister, "", 200, "new", false},
		{"INVITE 299", message.MethodInvite, "", 299, "new", true},
		{"INVITE 300", message.MethodInvite, "", 300, "new", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := responseRequest(t, tt.method, tt.toParams)
			resp := message.NewResponse(req, tt.code, "")

			assert.True(t, resp.IsResponse())
			assert.Equal(t, tt.code, resp.StatusCode)
			assert.Equal(t, message.StatusText(tt.code), resp.Reason)

			// §8.2.6.2: Via values in order, From, Call-ID and CSeq equal.
			assert.Equal(t, builderStrs(req.Vias()), builderStrs(resp.Vias()))
			assert.Equal(t, req.From().String(), resp.From().String())
			assert.Equal(t, req.CallID(), resp.CallID())
			assert.Equal(t, req.CSeq().String(), resp.CSeq().String())
			// §8.2.6.1: Timestamp echoed.
			assert.Equal(t, req.Headers.Get("Timestamp").String(), resp.Headers.Get("Timestamp").String())

			to := resp.To()
			require.NotNil(t, to)
			assert.Equal(t, req.To().URI.String(), to.URI.String())
			assert.Equal(t, req.To().Display, to.Display)
			switch tt.wantTag {
			case "":
				assert.False(t, to.Params.Has("tag"), to.String())
			case "new":
				assert.True(t, builderIsToken(to.Tag()), to.String())
				assert.Empty(t, req.To().Tag(), "the request's To must not change")
				assert.Len(t, to.Params, 1, "one tag: %s", to)
			default:
				assert.Equal(t, tt.wantTag, to.Tag())
			}

			if tt.wantRecRout {
				assert.Equal(t, builderStrs(req.RecordRoutes()), builderStrs(resp.RecordRoutes()))
			} else {
				assert.Zero(t, resp.Headers.Count("Record-Route"))
			}

			// What the core adds itself is not copied.
			for _, name := range []string{"Contact", "Route", "Max-Forwards", "Content-Type"} {
				assert.Zero(t, resp.Headers.Count(name), name)
			}
			assert.Empty(t, resp.Body)

			builderRoundTrip(t, resp)
		})
	}
}

func TestNewResponseReason(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	tests := []struct {
		code   int
		reason string
		want   string
	}{
		{180, "", "Ringing"},
		{486, "", "Busy Here"},
		{486, "Busy Here Right Now", "Busy Here Right Now"},
		{499, "", message.StatusText(499)},
		{499, "Custom", "Custom"},
	}
	for _, tt := range tests {
		resp := message.NewResponse(req, tt.code, tt.reason)
		assert.Equal(t, tt.want, resp.Reason, "%d %q", tt.code, tt.reason)
		back := builderRoundTrip(t, resp)
		assert.Equal(t, tt.code, back.StatusCode)
	}
}

// TestNewResponseViaLines checks that the Via values keep their order and
// their lines on the wire: the response retraces the request's path
// (§8.2.6.2, §18.2.2).
func TestNewResponseViaLines(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	resp := message.NewResponse(req, 100, "")
	assert.Equal(t, "SIP/2.0 100 Trying\r\n"+
		"Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3\r\n"+
		"v: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2, "+
		"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n"+
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"+
		"To: Bob <sip:bob@biloxi.example.com>\r\n"+
		"Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"+
		"CSeq: 314159 INVITE\r\n"+
		"Timestamp: 54.7 0.2\r\n"+
		"Content-Length: 0\r\n\r\n", resp.String())
}

// TestNewResponseCompactTo: the To keeps its compact form, with or without
// the tag added to it, as the headers copied whole keep theirs.
func TestNewResponseCompactTo(t *testing.T) {
	req, err := message.Parse([]byte("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n" +
		"t: <sip:bob@biloxi.example.com>\r\nf: <sip:alice@atlanta.example.com>;tag=1\r\n" +
		"i: a84b4c76e66710\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n"))
	require.NoError(t, err)
	for _, code := range []int{100, 200} {
		wire := message.NewResponse(req, code, "").String()
		assert.Contains(t, wire, "\r\nt: <sip:bob@biloxi.example.com>")
		assert.Contains(t, wire, "\r\nf: <sip:alice@atlanta.example.com>;tag=1\r\n")
	}
}

func TestNewResponseNewTagEachCall(t *testing.T) {
	// Each call makes its own tag; a UAS reuses the first one itself.
	req := responseRequest(t, message.MethodInvite, "")
	a := message.NewResponse(req, 180, "")
	b := message.NewResponse(req, 180, "")
	assert.NotEqual(t, a.To().Tag(), b.To().Tag())
}

func TestNewResponseMissingHeaders(t *testing.T) {
	// A request that lacks headers gives a response that lacks them too,
	// rather than a panic.
	req := builderMsg(t,
		"OPTIONS sip:bob@biloxi.example.com SIP/2.0",
		"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
	)
	resp := message.NewResponse(req, 400, "Missing Call-ID")
	assert.Equal(t, builderStrs(req.Vias()), builderStrs(resp.Vias()))
	assert.Nil(t, resp.To())
	assert.Empty(t, resp.CallID())
	assert.Equal(t, "Missing Call-ID", resp.Reason)
}

// TestNewResponseDoesNotAlias changes every part of the response that was
// copied from the request, and checks that the request did not change: the
// request may be read by other actors at the same time.
func TestNewResponseDoesNotAlias(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	before := req.String()
	resp := message.NewResponse(req, 200, "")

	resp.To().Params.Set("tag", "changed")
	resp.To().Params.Set("extra", "1")
	resp.To().URI.Params.Set("user", "phone")
	resp.To().URI.Host = "changed.example.com"
	resp.From().Params.Set("tag", "changed")
	resp.From().URI.Params.Set("transport", "tcp")
	for v := range resp.Vias() {
		v.Params.Set("received", "198.51.100.1")
		v.Host = "changed.example.com"
	}
	for rr := range resp.RecordRoutes() {
		rr.URI.Params.Set("transport", "tcp")
	}
	resp.CSeq().Seq++
	resp.Headers.Get("Timestamp").(*message.Timestamp).Delay = "9.9"
	resp.Headers.Get("Call-ID").(*message.Text).Value = "changed"
	resp.Headers[0].Joined = true

	assert.Equal(t, before, req.String())
}

// TestNewResponseConcurrent builds and changes responses to one request from
// several goroutines, as actors do; run with -race, any write to the shared
// request is reported.
func TestNewResponseConcurrent(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	before := req.String()
	const workers = 4
	tags := make([]string, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			resp := message.NewResponse(req, 180+i, "")
			resp.To().Params.Set("x", "y")
			resp.TopVia().Params.Set("received", "198.51.100.1")
			tags[i] = resp.To().Tag()
			_ = req.String()
		})
	}
	wg.Wait()
	assert.Equal(t, before, req.String())
	slices.Sort(tags)
	assert.Len(t, slices.Compact(tags), workers, "each response gets its own tag")
}

// bigRequest is a request with more of everything than NewResponse keeps
// room for: 10 Via values (some on one line, some compact), 6 Record-Route
// values and long parameter lists, URI headers included.
func bigRequest(t testing.TB, method string) *message.Message {
	t.Helper()
	lines := []string{method + " sip:bob@biloxi.example.com SIP/2.0"}
	for i := range 10 {
		via := fmt.Sprintf("SIP/2.0/UDP p%d.example.com:50%02d;branch=z9hG4bK%d;received=192.0.2.%d;rport=50%02d;x%d", i, i, i, i, i, i)
		switch i % 3 {
		case 0:
			lines = append(lines, "Via: "+via)
		case 1:
			lines[len(lines)-1] += ", " + via
		case 2:
			lines = append(lines, "v: "+via)
		}
	}
	for i := range 6 {
		lines = append(lines, fmt.Sprintf("Record-Route: <sip:p%d.example.com;lr;transport=tcp;r%d=on>;x=%d", i, i, i))
	}
	lines = append(lines,
		"Max-Forwards: 60",
		`To: "Bob B." <sip:bob@biloxi.example.com;user=phone;a=1;b=2?subject=hi&priority=urgent>;p1=1;p2="two"`,
		"f: Alice <sips:alice@atlanta.example.com;transport=tls;maddr=192.0.2.9>;tag=1928301774;p3;p4=4",
		"i: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 7 "+method,
		"Timestamp: 1.5",
		"Content-Length: 0",
	)
	return builderMsg(t, lines...)
}

// referenceResponse is NewResponse as it was before the block, value by
// value with Clone, with tag as the To tag it adds: what NewResponse must
// still build.
func referenceResponse(req *message.Message, code int, tag string) *message.Message {
	resp := &message.Message{StatusCode: code, Reason: message.StatusText(code), Version: message.Version}
	copyAll := func(name string) {
		for _, h := range req.Headers {
			if message.CanonicalName(h.Name) == name {
				h.Name = name
				if h.Value != nil {
					h.Value = h.Value.Clone()
				}
				resp.Headers = append(resp.Headers, h)
			}
		}
	}
	copyAll("Via")
	if code > 100 && code < 300 && message.CreatesDialog(req.Method) {
		copyAll("Record-Route")
	}
	copyAll("From")
	if to := req.To(); to != nil {
		to = to.Clone().(*message.Address)
		if code > 100 && !to.Params.Has("tag") {
			to.Params.Set("tag", tag)
		}
		resp.Headers = append(resp.Headers, message.Header{Name: "To", Value: to})
	}
	copyAll("Call-ID")
	copyAll("CSeq")
	copyAll("Timestamp")
	return resp
}

// responseCases are requests that fill the response's block (small and
// large) exactly, leave it room, or overflow it, with the codes that copy
// Record-Route or not.
func responseCases(t *testing.T) []struct {
	name string
	req  *message.Message
	code int
} {
	register, err := message.Parse(readBenchMessage(t, "register.sip"))
	require.NoError(t, err)
	proxied, err := message.Parse(proxiedInvite(t))
	require.NoError(t, err)
	type tc = struct {
		name string
		req  *message.Message
		code int
	}
	var cases []tc
	for _, code := range []int{100, 180, 200, 486} {
		c := strconv.Itoa(code)
		cases = append(cases,
			tc{"register " + c, register, code},
			tc{"proxied INVITE " + c, proxied, code},
			tc{"two proxies " + c, responseRequest(t, message.MethodInvite, ""), code},
			tc{"big INVITE " + c, bigRequest(t, message.MethodInvite), code},
			tc{"big BYE " + c, bigRequest(t, message.MethodBye), code},
		)
	}
	return cases
}

// TestNewResponseAsReference checks that the response is what a copy value by
// value makes, whether it fits in its block or not.
func TestNewResponseAsReference(t *testing.T) {
	for _, tt := range responseCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			resp := message.NewResponse(tt.req, tt.code, "")
			want := referenceResponse(tt.req, tt.code, resp.To().Tag())
			// Same values of the same types, with the same flags.
			assert.Equal(t, want, resp)
			assert.Equal(t, want.String(), resp.String())
			if tt.code > 100 {
				assert.Len(t, resp.To().Tag(), len(message.NewTag()))
			}
			// Room for what a core adds (Contact, Allow, Supported, Server).
			assert.GreaterOrEqual(t, cap(resp.Headers)-len(resp.Headers), 4)
		})
	}
}

// TestNewResponseParamsApart appends a parameter to every list the response
// holds, then changes every value: each list must grow without writing over
// its neighbour in the block, and the request must not change.
func TestNewResponseParamsApart(t *testing.T) {
	change := func(m *message.Message) {
		n := 0
		// Changed in place first, which a list shared with the request
		// would show, then grown.
		grow := func(ps *message.Params) {
			n++
			if len(*ps) > 0 {
				(*ps)[0].Value = "changed"
			}
			*ps = append(*ps, message.Param{Name: "n", Value: strconv.Itoa(n)})
		}
		for i := range m.Headers {
			h := &m.Headers[i]
			switch v := h.Value.(type) {
			case *message.Via:
				grow(&v.Params)
				v.Host = "changed.example.com"
			case *message.Address:
				grow(&v.URI.Params)
				grow(&v.URI.Headers)
				grow(&v.Params)
				v.URI.Host = "changed.example.com"
			case *message.CSeq:
				v.Seq++
			case *message.Timestamp:
				v.Delay = "9.9"
			case *message.Text:
				v.Value = "changed"
			}
			h.Compact, h.Joined = !h.Compact, !h.Joined
		}
	}
	for _, tt := range responseCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.req.String()
			resp := message.NewResponse(tt.req, tt.code, "")
			want := referenceResponse(tt.req, tt.code, resp.To().Tag())
			change(resp)
			change(want)
			assert.Equal(t, want.String(), resp.String())
			assert.Equal(t, before, tt.req.String())
		})
	}
}

// TestNewResponseHeadersGrow appends more headers than the response has room
// for.
func TestNewResponseHeadersGrow(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	before := req.String()
	resp := message.NewResponse(req, 200, "")
	want := resp.String()
	var extra strings.Builder
	for i := range 40 {
		resp.Headers.Add("X-Extra", &message.Raw{Value: strconv.Itoa(i)})
		fmt.Fprintf(&extra, "X-Extra: %d\r\n", i)
	}
	head, _, _ := strings.Cut(want, "Content-Length")
	assert.Equal(t, head+extra.String()+"Content-Length: 0\r\n\r\n", resp.String())
	assert.Equal(t, before, req.String())
}

// TestNewResponseOneAllocation guards the point of the response's block: a
// request from a user agent, or through one record-routing proxy, gets its
// response in one allocation, To tag included.
func TestNewResponseOneAllocation(t *testing.T) {
	register, err := message.Parse(readBenchMessage(t, "register.sip"))
	require.NoError(t, err)
	proxied, err := message.Parse(proxiedInvite(t))
	require.NoError(t, err)
	// NewTag allocates its string and nothing else, but with -race the
	// random bytes under the tag escape as well.
	var tag string
	extra := testing.AllocsPerRun(50, func() { tag = message.NewTag() }) - 1
	require.NotEmpty(t, tag)
	for _, req := range []*message.Message{register, proxied} {
		allocs := testing.AllocsPerRun(50, func() { _ = message.NewResponse(req, 200, "") })
		assert.Equal(t, 1+extra, allocs, req.Method)
	}
}

// TestNewResponseTagOutlives keeps only the To tags of responses through
// collections: a tag is written in its response's block, which must live as
// long as the tag does.
func TestNewResponseTagOutlives(t *testing.T) {
	req := responseRequest(t, message.MethodInvite, "")
	const n = 1000
	tags := make([]string, n)
	copies := make([]string, n)
	for i := range n {
		tags[i] = message.NewResponse(req, 180, "").To().Tag()
		copies[i] = strings.Clone(tags[i])
	}
	for range 3 {
		runtime.GC()
		for range n {
			_ = message.NewResponse(req, 180, "")
		}
	}
	assert.Equal(t, copies, tags)
}
