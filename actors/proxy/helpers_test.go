package proxy_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/actors/proxy"
	"github.com/sippet-go/sippet/internal/siptest"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// TestMain checks that no test leaves a goroutine behind.
func TestMain(m *testing.M) { siptest.VerifyTestMain(m) }

// wait is how long a test waits for an event that loopback delivers in
// microseconds (or a short timer fires); only a broken proxy makes it
// expire.
const wait = 5 * time.Second

// fastTimers make retransmissions and timeouts quick; the timer values
// themselves are tested in virtual time in package transaction.
var fastTimers = transaction.Timers{T1: 20 * time.Millisecond, T2: 80 * time.Millisecond, T4: 100 * time.Millisecond}

// domain is the domain of the proxy under test.
const domain = "example.com"

// An agent is a user agent core whose reactions the test chooses: every
// event goes to events, and behave, if set, answers requests.
type agent struct {
	t      *testing.T
	stack  *actors.Stack
	addr   netip.AddrPort
	events chan any
	behave func(a *agent, req *message.Message, key transaction.Key)
	// invites are the INVITEs received, by server transaction, for the
	// 487 that answers their CANCEL.
	invites map[transaction.Key]*message.Message
}

func (a *agent) ReceiveRequest(req *message.Message, key transaction.Key) {
	if req.Method == message.MethodInvite {
		a.invites[key] = req
	}
	a.events <- &transaction.RequestEvent{Key: key, Request: req}
	if a.behave != nil {
		a.behave(a, req, key)
	}
}

func (a *agent) ReceiveResponse(resp *message.Message, key transaction.Key) {
	a.events <- &transaction.ResponseEvent{Key: key, Response: resp}
}

func (a *agent) ReceiveError(err error, key transaction.Key) {
	a.events <- &transaction.ErrorEvent{Key: key, Err: err}
}

func (a *agent) send(m *message.Message) {
	a.t.Helper()
	require.NoError(a.t, a.stack.Send(m))
}

// contact is the agent's Contact URI for user.
func (a *agent) contact(user string) *message.Address {
	c, err := message.ParseAddress(fmt.Sprintf("<sip:%s@%s>", user, a.addr))
	require.NoError(a.t, err)
	return c
}

// answer is a UAS behaviour: 180 then 200 (with Contact) to an INVITE, 487
// to the INVITE a CANCEL names, 200 to anything else but ACK.
func answer(a *agent, req *message.Message, key transaction.Key) {
	switch req.Method {
	case message.MethodInvite:
		ringing := message.NewResponse(req, message.StatusRinging, "")
		_ = a.stack.Send(ringing)
		ok := message.NewResponse(req, message.StatusOK, "")
		ok.To().Params.Set("tag", ringing.To().Tag())
		user := req.RequestURI.User
		if user == "" {
			// A strict router's URI (TestPathRoute) names no user.
			user = req.To().URI.User
		}
		ok.Headers.Add(message.HeaderContact, a.contact(user))
		_ = a.stack.Send(ok)
	default:
		respondOthers(a, req, key)
	}
}

// ring is a UAS behaviour that answers an INVITE 180 only, and the rest as
// answer does.
func ring(a *agent, req *message.Message, key transaction.Key) {
	if req.Method == message.MethodInvite {
		_ = a.stack.Send(message.NewResponse(req, message.StatusRinging, ""))
		return
	}
	respondOthers(a, req, key)
}

func respondOthers(a *agent, req *message.Message, key transaction.Key) {
	switch req.Method {
	case message.MethodAck:
	case message.MethodCancel:
		if inv, ok := a.invites[key]; ok {
			_ = a.stack.Send(message.NewResponse(inv, message.StatusRequestTerminated, ""))
		}
	default:
		_ = a.stack.Send(message.NewResponse(req, message.StatusOK, ""))
	}
}

func newSystem(t *testing.T) *actor.ActorSystem {
	system := actors.NewSystem(nil)
	t.Cleanup(system.Shutdown)
	return system
}

// newStack starts a stack with a UDP transport on a free loopback port.
func newStack(t *testing.T, system *actor.ActorSystem, name string, timers transaction.Timers, core actors.Core) (*actors.Stack, netip.AddrPort) {
	t.Helper()
	s, err := actors.Spawn(system, name, actors.Config{Timers: timers})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	require.NoError(t, s.RegisterCore(core))
	tr, err := s.ListenUDP("127.0.0.1:0", "")
	require.NoError(t, err)
	return s, tr.Local
}

// newAgent starts a user agent stack.
func newAgent(t *testing.T, system *actor.ActorSystem, name string, behave func(*agent, *message.Message, transaction.Key)) *agent {
	t.Helper()
	a := &agent{t: t, events: make(chan any, 256), behave: behave, invites: make(map[transaction.Key]*message.Message)}
	a.stack, a.addr = newStack(t, system, name, fastTimers, a)
	return a
}

// newProxy starts a proxy stack for domain with cfg (Domains and
// RecordRoute are set here) and the given timers.
func newProxy(t *testing.T, system *actor.ActorSystem, cfg proxy.Config, timers transaction.Timers) (*proxy.Proxy, netip.AddrPort) {
	t.Helper()
	s, err := actors.Spawn(system, "proxy", actors.Config{Timers: timers})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	cfg.Domains = []string{domain}
	cfg.RecordRoute = true
	p := proxy.New(s, cfg)
	require.NoError(t, s.RegisterCore(p))
	tr, err := s.ListenUDP("127.0.0.1:0", "")
	require.NoError(t, err)
	return p, tr.Local
}

// request builds a request from alice@example.com to uri, preloaded with
// a Route to the proxy at px (RFC 3261 §8.1.2) so that it goes there.
func request(t *testing.T, method, uri string, px netip.AddrPort) *message.Message {
	t.Helper()
	u, err := message.ParseURI(uri)
	require.NoError(t, err)
	from, err := message.ParseAddress("<sip:alice@" + domain + ">")
	require.NoError(t, err)
	to := &message.Address{URI: *u.Clone()}
	m := message.NewRequest(method, u, from, to)
	route, err := message.ParseAddress(fmt.Sprintf("<sip:%s;lr>", px))
	require.NoError(t, err)
	m.PushRoute(route)
	return m
}

// invite builds an INVITE from alice (at agent a) to user@example.com
// through the proxy at px.
func invite(t *testing.T, a *agent, user string, px netip.AddrPort) *message.Message {
	t.Helper()
	m := request(t, message.MethodInvite, "sip:"+user+"@"+domain, px)
	m.Headers.Add(message.HeaderContact, a.contact("alice"))
	return m
}

// register binds user@example.com to agent a's contact at the proxy at px
// (RFC 3261 §10.2) and waits for the 200.
func register(t *testing.T, a *agent, user string, px netip.AddrPort) {
	t.Helper()
	m := request(t, message.MethodRegister, "sip:"+domain, px)
	aor, err := message.ParseAddress("<sip:" + user + "@" + domain + ">")
	require.NoError(t, err)
	m.Headers.Set(message.HeaderTo, aor)
	m.Headers.Set(message.HeaderFrom, &message.Address{URI: aor.URI, Params: message.Params{{Name: "tag", Value: message.NewTag()}}})
	m.Headers.Add(message.HeaderContact, a.contact(user))
	a.send(m)
	awaitResponse(t, a, message.MethodRegister, message.StatusOK)
}

// awaitResponse waits for a response to method with code, skipping other
// events; it fails after wait.
func awaitResponse(t *testing.T, a *agent, method string, code int) *message.Message {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-a.events:
			if r, ok := ev.(*transaction.ResponseEvent); ok && r.Response.CSeq().Method == method && r.Response.StatusCode == code {
				return r.Response
			}
			t.Logf("skipped %s", describe(ev))
		case <-deadline:
			t.Fatalf("no %d to %s within %v", code, method, wait)
			return nil
		}
	}
}

// awaitRequest waits for a request of method, skipping other events.
func awaitRequest(t *testing.T, a *agent, method string) *transaction.RequestEvent {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-a.events:
			if r, ok := ev.(*transaction.RequestEvent); ok && r.Request.Method == method {
				return r
			}
			t.Logf("skipped %s", describe(ev))
		case <-deadline:
			t.Fatalf("no %s within %v", method, wait)
			return nil
		}
	}
}

func describe(ev any) string {
	switch e := ev.(type) {
	case *transaction.RequestEvent:
		return "request " + e.Request.Method
	case *transaction.ResponseEvent:
		return fmt.Sprintf("response %d to %s", e.Response.StatusCode, e.Response.CSeq().Method)
	case *transaction.ErrorEvent:
		return "error " + e.Err.Error()
	}
	return fmt.Sprintf("%T", ev)
}

// dialogRequest builds a request inside the dialog that the 2xx ok to
// invite created, as the UAC does (RFC 3261 §12.2.1.1): Request-URI the
// remote target, Route the Record-Route of ok in reverse order.
func dialogRequest(t *testing.T, invite, ok *message.Message, method string, seq uint32) *message.Message {
	t.Helper()
	var target *message.URI
	for c := range ok.Contacts() {
		target = &c.URI
		break
	}
	require.NotNil(t, target, "the 2xx has a Contact")
	m := message.NewRequest(method, target, invite.From(), ok.To())
	m.Headers.Set(message.HeaderCallID, &message.Text{Value: invite.CallID()})
	m.Headers.Set(message.HeaderCSeq, &message.CSeq{Seq: seq, Method: method})
	var rr []*message.Address
	for a := range ok.RecordRoutes() {
		rr = append(rr, a)
	}
	for _, a := range rr {
		// Pushing each on top reverses the order (§12.1.2).
		m.PushRoute(a.Clone().(*message.Address))
	}
	return m
}

// viaCount counts the Via values of m.
func viaCount(m *message.Message) int {
	n := 0
	for range m.Vias() {
		n++
	}
	return n
}
