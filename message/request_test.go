package message_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

func TestNewRequest(t *testing.T) {
	uri, err := message.ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	from, err := message.ParseAddress(`"Alice" <sip:alice@atlanta.example.com>`)
	require.NoError(t, err)
	to, err := message.ParseAddress("Bob <sip:bob@biloxi.example.com>")
	require.NoError(t, err)
	uriBefore, fromBefore, toBefore := uri.String(), from.String(), to.String()

	req := message.NewRequest(message.MethodInvite, uri, from, to)

	assert.True(t, req.IsRequest())
	assert.Equal(t, message.MethodInvite, req.Method)
	assert.Equal(t, "sip:bob@biloxi.example.com", req.RequestURI.String())
	// RFC 3261 §8.1.1.2: To as given, without a tag outside a dialog.
	assert.Equal(t, toBefore, req.To().String())
	// §8.1.1.3: From gets a new tag.
	assert.Equal(t, from.URI.String(), req.From().URI.String())
	assert.Equal(t, from.Display, req.From().Display)
	assert.True(t, builderIsToken(req.From().Tag()), req.From().String())
	// §8.1.1.4: a Call-ID.
	assert.True(t, builderIsToken(req.CallID()), req.CallID())
	// §8.1.1.5: CSeq with the request's method.
	assert.Equal(t, "1 INVITE", req.CSeq().String())
	// §8.1.1.6: Max-Forwards 70.
	mf, ok := req.MaxForwards()
	assert.True(t, ok)
	assert.Equal(t, 70, mf)
	// §8.1.1.7: the Via is the transaction's and the transport's.
	assert.Nil(t, req.TopVia())

	// The inputs are copied, not kept.
	assert.Equal(t, uriBefore, uri.String())
	assert.Equal(t, fromBefore, from.String(), "the caller's From must not get the tag")
	req.RequestURI.Params.Set("transport", "tcp")
	req.To().Params.Set("tag", "x")
	req.From().URI.Params.Set("user", "phone")
	assert.Equal(t, uriBefore, uri.String())
	assert.Equal(t, toBefore, to.String())
	assert.Equal(t, fromBefore, from.String())
}

func TestNewRequestKeepsFromTag(t *testing.T) {
	uri, err := message.ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	from, err := message.ParseAddress("<sip:alice@atlanta.example.com>;tag=9fxced76sl")
	require.NoError(t, err)
	to, err := message.ParseAddress("<sip:bob@biloxi.example.com>;tag=314159")
	require.NoError(t, err)
	req := message.NewRequest(message.MethodBye, uri, from, to)
	assert.Equal(t, "9fxced76sl", req.From().Tag())
	assert.Equal(t, "314159", req.To().Tag())
	assert.Equal(t, "1 BYE", req.CSeq().String())
}

// RFC 3261 §8.1.1.3: the From of a new request MUST carry a tag, and
// tag-param = "tag" EQUAL token (§25.1): a "tag" without a value is replaced.
func TestNewRequestValuelessFromTag(t *testing.T) {
	uri, err := message.ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	to, err := message.ParseAddress("<sip:bob@biloxi.example.com>")
	require.NoError(t, err)
	for _, params := range []string{";tag", `;tag=""`, ";x=1;TAG"} {
		from, err := message.ParseAddress("<sip:alice@atlanta.example.com>" + params)
		require.NoError(t, err)
		req := message.NewRequest(message.MethodInvite, uri, from, to)
		assert.Len(t, req.From().Tag(), 16, "%s", req.From())
		assert.Equal(t, strings.Count(params, ";"), len(req.From().Params), "the tag is replaced, not added: %s", req.From())
		assert.Empty(t, from.Tag(), "the argument must not change")
	}
}

func TestNewRequestUnique(t *testing.T) {
	uri, err := message.ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	addr, err := message.ParseAddress("<sip:bob@biloxi.example.com>")
	require.NoError(t, err)
	a := message.NewRequest(message.MethodOptions, uri, addr, addr)
	b := message.NewRequest(message.MethodOptions, uri, addr, addr)
	assert.NotEqual(t, a.CallID(), b.CallID())
	assert.NotEqual(t, a.From().Tag(), b.From().Tag())
}

func TestNewRequestRoundTrip(t *testing.T) {
	uri, err := message.ParseURI("sip:bob@biloxi.example.com")
	require.NoError(t, err)
	from, err := message.ParseAddress(`"Alice" <sip:alice@atlanta.example.com>`)
	require.NoError(t, err)
	to, err := message.ParseAddress("Bob <sip:bob@biloxi.example.com>")
	require.NoError(t, err)
	req := message.NewRequest(message.MethodInvite, uri, from, to)
	req.PushVia(&message.Via{Transport: "UDP", Host: "pc33.atlanta.example.com",
		Params: message.Params{{Name: "branch", Value: message.NewBranch()}}})
	contact, err := message.ParseAddress("<sip:alice@pc33.atlanta.example.com>")
	require.NoError(t, err)
	req.Headers.Add("Contact", contact)

	back := builderRoundTrip(t, req)
	assert.Equal(t, message.HeaderVia, back.Headers[0].Name, "Via goes on top")
	assert.Equal(t, req.CallID(), back.CallID())
	assert.Equal(t, req.From().Tag(), back.From().Tag())
}

// ackInvite is an INVITE as a proxy's client transaction sent it: the
// proxy's Via on top of the UAC's, and a route set.
func ackInvite(t testing.TB) *message.Message {
	return builderMsg(t,
		"INVITE sip:bob@192.0.2.4 SIP/2.0",
		"Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1",
		"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
		"Max-Forwards: 69",
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
		"Record-Route: <sip:bigbox3.site3.atlanta.com;lr>",
		"To: Bob <sip:bob@biloxi.example.com>",
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 314159 INVITE",
		"Contact: <sip:alice@pc33.atlanta.com>",
		`Proxy-Authorization: Digest username="alice", realm="atlanta.com", nonce="c60f3082ee1212b402a21831ae", uri="sip:bob@192.0.2.4", response="245f23415f11432b3434341c022"`,
		"Content-Length: 0",
	)
}

// ackResponse is a final response to ackInvite with status code code.
func ackResponse(t testing.TB, code int, cseq string) *message.Message {
	return builderMsg(t,
		"SIP/2.0 "+strconv.Itoa(code)+" "+message.StatusText(code),
		"Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1",
		"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
		"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: "+cseq,
		"Content-Length: 0",
	)
}

func TestNewAck(t *testing.T) {
	for _, code := range []int{300, 401, 407, 486, 487, 500, 603, 699} {
		t.Run(message.StatusText(code), func(t *testing.T) {
			invite := ackInvite(t)
			resp := ackResponse(t, code, "314159 INVITE")
			inviteBefore, respBefore := invite.String(), resp.String()

			ack, err := message.NewAck(invite, resp)
			require.NoError(t, err)

			// RFC 3261 §17.1.1.3.
			assert.Equal(t, message.MethodAck, ack.Method)
			assert.Equal(t, invite.RequestURI.String(), ack.RequestURI.String())
			assert.Equal(t, invite.CallID(), ack.CallID())
			assert.Equal(t, invite.From().String(), ack.From().String())
			assert.Equal(t, resp.To().String(), ack.To().String(), "To of the response, with its tag")
			assert.Equal(t, "314159 ACK", ack.CSeq().String())
			require.Equal(t, 1, ack.Headers.Count("Via"), "exactly one Via")
			assert.Equal(t, invite.TopVia().String(), ack.TopVia().String())
			assert.Equal(t, builderStrs(invite.Routes()), builderStrs(ack.Routes()), "the INVITE's Route values, in order")
			mf, ok := ack.MaxForwards()
			assert.True(t, ok)
			assert.Equal(t, 70, mf)
			for _, name := range []string{"Contact", "Record-Route", "Proxy-Authorization"} {
				assert.Zero(t, ack.Headers.Count(name), name)
			}
			assert.Empty(t, ack.Body)

			builderRoundTrip(t, ack)

			// The ACK shares nothing with its inputs.
			ack.TopVia().Params.Set("branch", "z9hG4bKchanged")
			ack.To().Params.Set("tag", "changed")
			ack.From().Params.Set("tag", "changed")
			ack.RequestURI.Params.Set("transport", "tcp")
			for r := range ack.Routes() {
				r.URI.Host = "changed.example.com"
			}
			assert.Equal(t, inviteBefore, invite.String())
			assert.Equal(t, respBefore, resp.String())
		})
	}
}

func TestNewAckErrors(t *testing.T) {
	withoutHeader := func(m *message.Message, name string) *message.Message {
		m = m.Clone()
		m.Headers.Del(name)
		return m
	}
	invite := ackInvite(t)
	busy := ackResponse(t, 486, "314159 INVITE")
	bye := builderMsg(t,
		"BYE sip:bob@192.0.2.4 SIP/2.0",
		"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds9",
		"To: <sip:bob@biloxi.example.com>;tag=a6c85cf",
		"From: <sip:alice@atlanta.example.com>;tag=1928301774",
		"Call-ID: a84b4c76e66710@pc33.atlanta.com",
		"CSeq: 314160 BYE",
	)
	tests := []struct {
		name   string
		invite *message.Message
		resp   *message.Message
		want   error
	}{
		{"nil INVITE", nil, busy, message.ErrAckNotAllowed},
		{"nil response", invite, nil, message.ErrAckNotAllowed},
		{"not an INVITE", bye, ackResponse(t, 486, "314160 BYE"), message.ErrAckNotAllowed},
		{"request as response", invite, bye, message.ErrAckNotAllowed},
		{"provisional", invite, ackResponse(t, 180, "314159 INVITE"), message.ErrAckNotAllowed},
		// §13.2.2.4: the ACK of a 2xx belongs to the dialog.
		{"2xx", invite, ackResponse(t, 200, "314159 INVITE"), message.ErrAckNotAllowed},
		{"other CSeq number", invite, ackResponse(t, 486, "314158 INVITE"), message.ErrAckNotAllowed},
		{"other CSeq method", invite, ackResponse(t, 486, "314159 BYE"), message.ErrAckNotAllowed},
		{"INVITE without Via", withoutHeader(invite, "Via"), busy, message.ErrMissingHeader},
		{"INVITE without From", withoutHeader(invite, "From"), busy, message.ErrMissingHeader},
		{"INVITE without Call-ID", withoutHeader(invite, "Call-ID"), busy, message.ErrMissingHeader},
		{"INVITE without CSeq", withoutHeader(invite, "CSeq"), busy, message.ErrMissingHeader},
		{"response without To", invite, withoutHeader(busy, "To"), message.ErrMissingHeader},
		{"response without CSeq", invite, withoutHeader(busy, "CSeq"), message.ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack, err := message.NewAck(tt.invite, tt.resp)
			assert.Nil(t, ack)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Regexp(t, "^sip: ", err.Error())
		})
	}
}

func TestNewCancel(t *testing.T) {
	tests := []struct {
		name string
		req  *message.Message
	}{
		{"INVITE", ackInvite(t)},
		// A re-INVITE has a To tag, which the CANCEL keeps (§9.1).
		{"re-INVITE", builderMsg(t,
			"INVITE sip:bob@192.0.2.4 SIP/2.0",
			"Via: SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bKnashds10",
			"Max-Forwards: 70",
			"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
			"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
			"Call-ID: a84b4c76e66710@pc33.atlanta.com",
			"CSeq: 2 INVITE",
		)},
		// §9.1 advises against it, but it is not an error.
		{"OPTIONS", builderMsg(t,
			"OPTIONS sip:bob@biloxi.example.com SIP/2.0",
			"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds11",
			"To: <sip:bob@biloxi.example.com>",
			"From: <sip:alice@atlanta.example.com>;tag=1928301774",
			"Call-ID: 1j9FpLxk3uxtm8tn@pc33.atlanta.com",
			"CSeq: 7 OPTIONS",
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			before := req.String()

			cancel, err := message.NewCancel(req)
			require.NoError(t, err)

			// RFC 3261 §9.1.
			assert.Equal(t, message.MethodCancel, cancel.Method)
			assert.Equal(t, req.RequestURI.String(), cancel.RequestURI.String())
			assert.Equal(t, req.CallID(), cancel.CallID())
			assert.Equal(t, req.To().String(), cancel.To().String())
			assert.Equal(t, req.From().String(), cancel.From().String())
			assert.Equal(t, req.CSeq().Seq, cancel.CSeq().Seq)
			assert.Equal(t, message.MethodCancel, cancel.CSeq().Method)
			require.Equal(t, 1, cancel.Headers.Count("Via"), "exactly one Via")
			assert.Equal(t, req.TopVia().String(), cancel.TopVia().String())
			assert.Equal(t, builderStrs(req.Routes()), builderStrs(cancel.Routes()))
			mf, ok := cancel.MaxForwards()
			assert.True(t, ok)
			assert.Equal(t, 70, mf)
			for _, name := range []string{"Contact", "Record-Route", "Proxy-Authorization"} {
				assert.Zero(t, cancel.Headers.Count(name), name)
			}

			builderRoundTrip(t, cancel)

			cancel.TopVia().Params.Set("branch", "z9hG4bKchanged")
			cancel.To().Params.Set("tag", "changed")
			cancel.RequestURI.User = "changed"
			assert.Equal(t, before, req.String())
		})
	}
}

func TestNewCancelErrors(t *testing.T) {
	invite := ackInvite(t)
	withoutHeader := func(name string) *message.Message {
		m := invite.Clone()
		m.Headers.Del(name)
		return m
	}
	ack, err := message.NewAck(invite, ackResponse(t, 486, "314159 INVITE"))
	require.NoError(t, err)
	cancel, err := message.NewCancel(invite)
	require.NoError(t, err)
	tests := []struct {
		name string
		req  *message.Message
		want error
	}{
		{"nil", nil, message.ErrCancelNotAllowed},
		{"response", ackResponse(t, 180, "314159 INVITE"), message.ErrCancelNotAllowed},
		{"ACK", ack, message.ErrCancelNotAllowed},
		{"CANCEL", cancel, message.ErrCancelNotAllowed},
		{"without Via", withoutHeader("Via"), message.ErrMissingHeader},
		{"without To", withoutHeader("To"), message.ErrMissingHeader},
		{"without From", withoutHeader("From"), message.ErrMissingHeader},
		{"without Call-ID", withoutHeader("Call-ID"), message.ErrMissingHeader},
		{"without CSeq", withoutHeader("CSeq"), message.ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := message.NewCancel(tt.req)
			assert.Nil(t, c)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.want), "%v", err)
			assert.Regexp(t, "^sip: ", err.Error())
		})
	}
}
