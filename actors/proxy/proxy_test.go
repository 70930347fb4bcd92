package proxy_test

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/actors/proxy"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// RFC 3261 §10.3, §16.5-16.7, §16.12 and §12.2.1.1: bob registers, alice
// calls him through the proxy (180, 200 forwarded, Record-Route present),
// and the ACK and the BYE follow the route set through the proxy.
func TestCallThroughProxy(t *testing.T) {
	system := newSystem(t)
	_, px := newProxy(t, system, proxy.Config{}, fastTimers)
	bob := newAgent(t, system, "bob", answer)
	alice := newAgent(t, system, "alice", nil)
	register(t, bob, "bob", px)

	inv := invite(t, alice, "bob", px)
	alice.send(inv)
	got := awaitRequest(t, bob, message.MethodInvite).Request
	assert.Equal(t, bob.contact("bob").URI.String(), got.RequestURI.String(), "the Request-URI is the registered contact (§16.6 step 2)")
	assert.Equal(t, 2, viaCount(got), "the proxy added its Via (§16.6 step 8)")
	mf, _ := got.MaxForwards()
	assert.Equal(t, 69, mf, "Max-Forwards decremented (§16.6 step 3)")
	assert.Equal(t, 0, got.Headers.Count(message.HeaderRoute), "the proxy consumed its own Route (§16.4)")
	awaitResponse(t, alice, message.MethodInvite, message.StatusRinging)
	ok := awaitResponse(t, alice, message.MethodInvite, message.StatusOK)
	assert.Equal(t, 1, viaCount(ok), "the proxy removed its Via (§16.7 step 3)")
	rr, isAddr := ok.Headers.Get(message.HeaderRecordRoute).(*message.Address)
	require.True(t, isAddr, "the 2xx carries the proxy's Record-Route (§16.6 step 4)")
	assert.Equal(t, px.String(), rr.URI.HostPort())
	assert.True(t, rr.URI.IsLooseRouter(), "Record-Route has lr (§16.12)")

	ack := dialogRequest(t, inv, ok, message.MethodAck, inv.CSeq().Seq)
	alice.send(ack)
	gotAck := awaitRequest(t, bob, message.MethodAck).Request
	assert.Equal(t, 2, viaCount(gotAck), "the ACK came through the proxy")

	bye := dialogRequest(t, inv, ok, message.MethodBye, inv.CSeq().Seq+1)
	alice.send(bye)
	gotBye := awaitRequest(t, bob, message.MethodBye).Request
	assert.Equal(t, 2, viaCount(gotBye), "the BYE came through the proxy")
	awaitResponse(t, alice, message.MethodBye, message.StatusOK)
}

// The proxy's own answers (RFC 3261 §16.3, §16.5, §11.2).
func TestProxyAnswers(t *testing.T) {
	system := newSystem(t)
	loc := proxy.NewLocation()
	t.Cleanup(func() { _ = loc.Close() })
	// carol is a known user (a user database would say so) without a
	// contact.
	_, px := newProxy(t, system, proxy.Config{Supported: []string{"path"}, Registrar: loc,
		Locator: knownUsers{Locator: loc, users: []string{"carol"}}}, fastTimers)
	alice := newAgent(t, system, "alice", nil)

	tests := []struct {
		name   string
		method string
		uri    string
		edit   func(*message.Message)
		code   int
		header string // a header the response must carry, "" for none
	}{
		{"an unknown user gets 404 (§16.5)", message.MethodInvite, "sip:nobody@" + domain, nil, message.StatusNotFound, ""},
		{"a user without contact gets 480 (§16.5)", message.MethodInvite, "sip:carol@" + domain, nil, message.StatusTemporarilyUnavailable, ""},
		{"Max-Forwards 0 gets 483 (§16.3 step 3)", message.MethodInvite, "sip:bob@" + domain, func(m *message.Message) {
			m.Headers.Set(message.HeaderMaxForwards, &message.Number{Value: 0})
		}, message.StatusTooManyHops, ""},
		{"an unknown Proxy-Require gets 420 (§16.3 step 5)", message.MethodInvite, "sip:bob@" + domain, func(m *message.Message) {
			m.Headers.Add(message.HeaderProxyRequire, &message.Token{Value: "foo"})
		}, message.StatusBadExtension, message.HeaderUnsupported},
		{"OPTIONS to the proxy gets 200 with Allow (§11.2)", message.MethodOptions, "sip:" + px.String(), nil, message.StatusOK, message.HeaderAllow},
		{"OPTIONS to the domain gets 200 with Allow (§11.2)", message.MethodOptions, "sip:" + domain, nil, message.StatusOK, message.HeaderAllow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := request(t, tt.method, tt.uri, px)
			if tt.method == message.MethodInvite {
				m.Headers.Add(message.HeaderContact, alice.contact("alice"))
			}
			if tt.edit != nil {
				tt.edit(m)
			}
			alice.send(m)
			resp := awaitResponse(t, alice, tt.method, tt.code)
			if tt.header != "" {
				assert.NotEqual(t, -1, resp.Headers.Index(tt.header), "missing %s", tt.header)
			}
		})
	}
}

// RFC 3261 §16.10: alice cancels; the proxy cancels the branch, bob answers
// 487 and the proxy forwards it, while the stack answered the CANCEL 200.
func TestCancel(t *testing.T) {
	system := newSystem(t)
	_, px := newProxy(t, system, proxy.Config{}, fastTimers)
	bob := newAgent(t, system, "bob", ring)
	alice := newAgent(t, system, "alice", nil)
	register(t, bob, "bob", px)

	inv := invite(t, alice, "bob", px)
	alice.send(inv)
	awaitResponse(t, alice, message.MethodInvite, message.StatusRinging)
	cancel, err := message.NewCancel(inv)
	require.NoError(t, err)
	alice.send(cancel)
	awaitResponse(t, alice, message.MethodCancel, message.StatusOK)
	got := awaitRequest(t, bob, message.MethodCancel)
	assert.Contains(t, bob.invites, got.Key, "bob's CANCEL names his INVITE (§9.2)")
	awaitResponse(t, alice, message.MethodInvite, message.StatusRequestTerminated)
}

// RFC 3261 §16.10: a CANCEL before any branch answered anything is
// answered 487 by the proxy itself.
func TestCancelBeforeBranchAnswers(t *testing.T) {
	system := newSystem(t)
	silent := silentTarget(t)
	_, px := newProxy(t, system, proxy.Config{Locator: fixed(silent)},
		transaction.Timers{T1: 10 * time.Millisecond, Trying: time.Millisecond})
	alice := newAgent(t, system, "alice", nil)

	inv := invite(t, alice, "bob", px)
	alice.send(inv)
	awaitResponse(t, alice, message.MethodInvite, message.StatusTrying)
	cancel, err := message.NewCancel(inv)
	require.NoError(t, err)
	alice.send(cancel)
	awaitResponse(t, alice, message.MethodInvite, message.StatusRequestTerminated)
}

// RFC 3261 §16.6, §16.7 step 10: bob has two contacts; both ring, one
// answers 200, which goes to alice, and the proxy cancels the other, which
// answers 487.
func TestForking(t *testing.T) {
	system := newSystem(t)
	_, px := newProxy(t, system, proxy.Config{}, fastTimers)
	desk := newAgent(t, system, "desk", ring)
	mobile := newAgent(t, system, "mobile", nil)
	alice := newAgent(t, system, "alice", nil)
	register(t, desk, "bob", px)
	register(t, mobile, "bob", px)

	alice.send(invite(t, alice, "bob", px))
	awaitRequest(t, desk, message.MethodInvite)
	mobileInv := awaitRequest(t, mobile, message.MethodInvite).Request
	require.NoError(t, mobile.stack.Send(message.NewResponse(mobileInv, message.StatusRinging, "")))
	first := awaitResponse(t, alice, message.MethodInvite, message.StatusRinging)
	second := awaitResponse(t, alice, message.MethodInvite, message.StatusRinging)
	assert.NotEqual(t, first.To().Tag(), second.To().Tag(), "each branch's 180 is forwarded (§16.7 step 5)")

	ok := message.NewResponse(mobileInv, message.StatusOK, "")
	ok.Headers.Add(message.HeaderContact, mobile.contact("bob"))
	require.NoError(t, mobile.stack.Send(ok))
	awaitResponse(t, alice, message.MethodInvite, message.StatusOK)
	cancel := awaitRequest(t, desk, message.MethodCancel)
	assert.Contains(t, desk.invites, cancel.Key, "the CANCEL names desk's INVITE (§9.2)")
}

// RFC 3261 §16.7 step 6: the best final response of two branches, 6xx
// over the others, and the lowest class otherwise.
func TestBestResponse(t *testing.T) {
	tests := []struct {
		codes []int
		want  int
	}{
		{[]int{486, 603}, 603},
		{[]int{503, 404}, 404},
		{[]int{404, 302}, 302},
		{[]int{500, 407}, 407},
		{[]int{503, 503}, 500}, // a 503 becomes 500
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.codes), func(t *testing.T) {
			system := newSystem(t)
			_, px := newProxy(t, system, proxy.Config{}, fastTimers)
			alice := newAgent(t, system, "alice", nil)
			var uas []*agent
			for i, code := range tt.codes {
				code := code
				a := newAgent(t, system, fmt.Sprint("uas", i), func(a *agent, req *message.Message, _ transaction.Key) {
					if req.Method == message.MethodInvite {
						_ = a.stack.Send(message.NewResponse(req, code, ""))
					}
				})
				register(t, a, "bob", px)
				uas = append(uas, a)
			}
			alice.send(invite(t, alice, "bob", px))
			awaitResponse(t, alice, message.MethodInvite, tt.want)
		})
	}
}

// RFC 3261 §16.8: a branch whose client transaction times out counts as a
// 408, which the caller gets when it is the only branch.
func TestBranchTimeout(t *testing.T) {
	system := newSystem(t)
	silent := silentTarget(t)
	_, px := newProxy(t, system, proxy.Config{Locator: fixed(silent)},
		transaction.Timers{T1: 10 * time.Millisecond, Trying: time.Millisecond})
	alice := newAgent(t, system, "alice", nil)
	alice.send(invite(t, alice, "bob", px))
	awaitResponse(t, alice, message.MethodInvite, message.StatusRequestTimeout)
}

// RFC 3261 §16.8: Timer C cancels a branch that rings too long; its 487
// goes to the caller.
func TestTimerC(t *testing.T) {
	system := newSystem(t)
	_, px := newProxy(t, system, proxy.Config{Timeout: 200 * time.Millisecond}, fastTimers)
	bob := newAgent(t, system, "bob", ring)
	alice := newAgent(t, system, "alice", nil)
	register(t, bob, "bob", px)
	alice.send(invite(t, alice, "bob", px))
	awaitResponse(t, alice, message.MethodInvite, message.StatusRinging)
	awaitRequest(t, bob, message.MethodCancel)
	awaitResponse(t, alice, message.MethodInvite, message.StatusRequestTerminated)
}

// RFC 3261 §16.3 step 4: a request that comes back to the proxy unchanged
// is a loop, answered 482; here the location service sends bob to the
// proxy itself.
func TestLoop(t *testing.T) {
	system := newSystem(t)
	loc := &lateLocator{}
	_, px := newProxy(t, system, proxy.Config{Locator: loc}, fastTimers)
	loc.set(px)
	alice := newAgent(t, system, "alice", nil)
	alice.send(invite(t, alice, "bob", px))
	awaitResponse(t, alice, message.MethodInvite, message.StatusLoopDetected)
}

// RFC 3327 and RFC 3261 §16.6 steps 6-7: the Path of a binding becomes the
// Route of the forwarded request; a next hop without lr is a strict router,
// which gets the request with its URI as Request-URI and the contact as
// the last Route.
func TestPathRoute(t *testing.T) {
	for _, tt := range []struct {
		name   string
		strict bool
	}{{"loose router", false}, {"strict router", true}} {
		t.Run(tt.name, func(t *testing.T) {
			system := newSystem(t)
			bob := newAgent(t, system, "bob", answer)
			contact := &message.URI{Scheme: "sip", User: "bob", Host: "192.0.2.1"} // reached only through the Path
			hop := &message.Address{URI: message.URI{Scheme: "sip", Host: "127.0.0.1", Port: int(bob.addr.Port())}}
			if !tt.strict {
				hop.URI.Params.Set("lr", "")
			}
			_, px := newProxy(t, system, proxy.Config{Locator: pathLocator{contact: contact, path: hop}}, fastTimers)
			alice := newAgent(t, system, "alice", nil)
			alice.send(invite(t, alice, "bob", px))
			got := awaitRequest(t, bob, message.MethodInvite).Request
			var routes []string
			for r := range got.Routes() {
				routes = append(routes, r.URI.String())
			}
			if tt.strict {
				assert.Equal(t, hop.URI.String(), got.RequestURI.String())
				assert.Equal(t, []string{contact.String()}, routes)
			} else {
				assert.Equal(t, contact.String(), got.RequestURI.String())
				assert.Equal(t, []string{hop.URI.String()}, routes)
			}
			awaitResponse(t, alice, message.MethodInvite, message.StatusOK)
		})
	}
}

// RFC 3261 §22.3: the Authenticator's challenge goes back instead.
func TestAuthenticator(t *testing.T) {
	system := newSystem(t)
	_, px := newProxy(t, system, proxy.Config{Authenticator: challenger{}}, fastTimers)
	alice := newAgent(t, system, "alice", nil)
	alice.send(invite(t, alice, "bob", px))
	resp := awaitResponse(t, alice, message.MethodInvite, message.StatusProxyAuthenticationRequired)
	assert.NotEqual(t, -1, resp.Headers.Index(message.HeaderProxyAuthenticate))
}

// challenger asks every request for credentials.
type challenger struct{}

func (challenger) Authenticate(req *message.Message) *message.Message {
	resp := message.NewResponse(req, message.StatusProxyAuthenticationRequired, "")
	resp.Headers.Add(message.HeaderProxyAuthenticate, &message.Auth{Scheme: "Digest",
		Params: message.Params{{Name: "realm", Value: `"` + domain + `"`}, {Name: "nonce", Value: `"n"`}}})
	return resp
}

// fixed is a Locator that sends every user to addr.
type fixed netip.AddrPort

func (f fixed) Lookup(aor *message.URI) ([]proxy.Target, bool) {
	return []proxy.Target{{URI: &message.URI{Scheme: "sip", User: aor.User, Host: netip.AddrPort(f).Addr().String(), Port: int(netip.AddrPort(f).Port())}}}, true
}

// lateLocator is fixed with the address set after the proxy started.
type lateLocator struct {
	mu     sync.Mutex
	target netip.AddrPort
}

func (l *lateLocator) set(addr netip.AddrPort) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.target = addr
}

func (l *lateLocator) Lookup(aor *message.URI) ([]proxy.Target, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fixed(l.target).Lookup(aor)
}

// pathLocator binds every user to a contact reached through a Path.
type pathLocator struct {
	contact *message.URI
	path    *message.Address
}

func (l pathLocator) Lookup(*message.URI) ([]proxy.Target, bool) {
	return []proxy.Target{{URI: l.contact, Path: []*message.Address{l.path}}}, true
}

// silentTarget is a UDP socket that reads and discards, a UAS that never
// answers.
func silentTarget(t *testing.T) netip.AddrPort {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			if _, _, err := c.ReadFromUDP(buf); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// knownUsers is a Locator that knows users beyond those with bindings, as
// one backed by a user database does.
type knownUsers struct {
	proxy.Locator
	users []string
}

func (k knownUsers) Lookup(aor *message.URI) ([]proxy.Target, bool) {
	targets, ok := k.Locator.Lookup(aor)
	return targets, ok || slices.Contains(k.users, aor.User)
}

// RFC 3261 §22.3: the Proxy-Authorization values for the proxy's own realm
// stop at the proxy; those for other realms travel on.
func TestCredentialsStopAtTheProxy(t *testing.T) {
	system := newSystem(t)
	bob := newAgent(t, system, "bob", answer)
	_, px := newProxy(t, system, proxy.Config{Authenticator: letThrough{}, Realm: domain}, fastTimers)
	register(t, bob, "bob", px)
	alice := newAgent(t, system, "alice", nil)
	inv := invite(t, alice, "bob", px)
	for _, realm := range []string{domain, "elsewhere.example.net"} {
		inv.Headers.Add(message.HeaderProxyAuthorization, &message.Auth{Scheme: "Digest",
			Params: message.Params{{Name: "realm", Value: realm, Quoted: true}, {Name: "username", Value: "alice", Quoted: true}}})
	}
	alice.send(inv)
	got := awaitRequest(t, bob, message.MethodInvite).Request
	var realms []string
	for v := range got.Headers.Values(message.HeaderProxyAuthorization) {
		realm, _ := v.(*message.Auth).Params.Get("realm")
		realms = append(realms, realm)
	}
	assert.Equal(t, []string{"elsewhere.example.net"}, realms)
	awaitResponse(t, alice, message.MethodInvite, message.StatusOK)
}

// letThrough is an Authenticator that accepts every request.
type letThrough struct{}

func (letThrough) Authenticate(*message.Message) *message.Message { return nil }
