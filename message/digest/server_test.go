package digest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sippet-go/sippet/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testRealm = "biloxi.com"

// clock is a settable Server.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{t: time.Unix(1_800_000_000, 0)} }

func newServer(c *clock) *Server {
	return &Server{Realm: testRealm, Secret: []byte("test secret"), Now: c.now}
}

func passwords(user, realm string) (string, bool) {
	if user == "bob" && realm == testRealm {
		return "zanzibar", true
	}
	return "", false
}

// newRequest parses a request: REGISTER of RFC 3665 §2.1 without a body, or
// MESSAGE with body.
func newRequest(t testing.TB, body string) *message.Message {
	t.Helper()
	method, uri := "REGISTER", "sip:registrar.biloxi.com"
	if body != "" {
		method, uri = "MESSAGE", "sip:alice@atlanta.com"
	}
	raw := method + " " + uri + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: Bob <sip:bob@biloxi.com>\r\n" +
		"From: Bob <sip:bob@biloxi.com>;tag=456248\r\n" +
		"Call-ID: 843817637684230@998sdasdh09\r\n" +
		"CSeq: 1826 " + method + "\r\n" +
		"Contact: <sip:bob@192.0.2.4>\r\n" +
		"Content-Type: text/plain\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
	m, err := message.Parse([]byte(raw))
	require.NoError(t, err)
	return m
}

// authorize runs Challenge then Authorize.
func authorize(t testing.TB, s *Server, req *message.Message, proxy bool, user, password string) *message.Message {
	t.Helper()
	out, err := Authorize(req, s.Challenge(req, proxy, false), user, password)
	require.NoError(t, err)
	return out
}

// credentialsOf returns the first credentials of m.
func credentialsOf(t testing.TB, m *message.Message, proxy bool) *message.Auth {
	t.Helper()
	_, name := headerNames(proxy)
	a, ok := m.Headers.Get(name).(*message.Auth)
	require.True(t, ok, "no %s in\n%s", name, m)
	return a
}

// TestRoundTrip challenges, answers and verifies with every algorithm and
// qop (RFC 3261 §22.2, §22.3; RFC 7616 §3.4; RFC 8760).
func TestRoundTrip(t *testing.T) {
	for _, alg := range algorithms {
		for _, qop := range []string{"auth", "auth-int"} {
			for _, proxy := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/proxy=%v", alg, qop, proxy), func(t *testing.T) {
					s := newServer(newClock())
					s.Algorithms, s.QOP = []Algorithm{alg}, []string{qop}
					req := newRequest(t, "hello")
					retry := authorize(t, s, req, proxy, "bob", "zanzibar")
					cred := credentialsOf(t, retry, proxy)
					assert.Equal(t, string(alg), cred.Param("algorithm"))
					assert.Equal(t, qop, cred.Param("qop"))
					user, err := s.Verify(retry, proxy, passwords)
					require.NoError(t, err)
					assert.Equal(t, "bob", user)
					_, err = s.Verify(retry, !proxy, passwords)
					assert.ErrorIs(t, err, ErrNoCredentials, "credentials in the other header")
				})
			}
		}
	}
}

// TestChallenge checks the 401 and 407 (RFC 3261 §22.2, §22.3): one
// challenge per algorithm, strongest first (RFC 8760 §2.4), same nonce.
func TestChallenge(t *testing.T) {
	s := newServer(newClock())
	s.Algorithms = []Algorithm{MD5, SHA512_256, SHA256}
	s.QOP = []string{"auth", "auth-int"}
	s.Opaque = "xyz"
	req := newRequest(t, "")

	resp := s.Challenge(req, false, false)
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, req.CallID(), resp.CallID())
	assert.Zero(t, resp.Headers.Count(message.HeaderProxyAuthenticate))
	var algs []string
	var nonce string
	for v := range resp.Headers.Values(message.HeaderWWWAuthenticate) {
		c := v.(*message.Auth)
		algs = append(algs, c.Param("algorithm"))
		assert.Equal(t, "Digest", c.Scheme)
		assert.Equal(t, testRealm, c.Param("realm"))
		assert.Equal(t, "auth,auth-int", c.Param("qop"))
		assert.Equal(t, "xyz", c.Param("opaque"))
		assert.False(t, c.Params.Has("stale"))
		if nonce == "" {
			nonce = c.Param("nonce")
		}
		assert.Equal(t, nonce, c.Param("nonce"))
	}
	assert.Equal(t, []string{"SHA-512-256", "SHA-256", "MD5"}, algs)

	resp = s.Challenge(req, true, true)
	assert.Equal(t, 407, resp.StatusCode)
	assert.Zero(t, resp.Headers.Count(message.HeaderWWWAuthenticate))
	c := resp.Headers.Get(message.HeaderProxyAuthenticate).(*message.Auth)
	assert.Equal(t, "true", c.Param("stale"))
	assert.NotEqual(t, nonce, c.Param("nonce"), "a fresh nonce each time")

	// Defaults: SHA-256 then MD5, qop auth.
	resp = newServer(newClock()).Challenge(req, false, false)
	algs = nil
	for v := range resp.Headers.Values(message.HeaderWWWAuthenticate) {
		algs = append(algs, v.(*message.Auth).Param("algorithm"))
		assert.Equal(t, "auth", v.(*message.Auth).Param("qop"))
	}
	assert.Equal(t, []string{"SHA-256", "MD5"}, algs)

	// The challenge survives the wire.
	parsed, err := message.Parse(s.Challenge(req, false, true).Bytes())
	require.NoError(t, err)
	retry, err := Authorize(req, parsed, "bob", "zanzibar")
	require.NoError(t, err)
	_, err = s.Verify(retry, false, passwords)
	assert.NoError(t, err)
}

// TestVerifyFailures covers each way credentials are refused.
func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name string
		// change alters the server, the clock or the authorized request.
		change func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message
		want   error
	}{
		{
			name: "no credentials",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				retry.Headers.Del(message.HeaderAuthorization)
				return retry
			},
			want: ErrNoCredentials,
		},
		{
			// RFC 3261 §22.3: credentials for other realms are not ours.
			name: "wrong realm",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				s.Realm = "atlanta.com"
				return retry
			},
			want: ErrNoCredentials,
		},
		{
			name: "wrong password",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return authorize(t, s, newRequest(t, ""), false, "bob", "Zanzibar")
			},
			want: ErrBadResponse,
		},
		{
			name: "unknown user",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return authorize(t, s, newRequest(t, ""), false, "carol", "zanzibar")
			},
			want: ErrUnknownUser,
		},
		{
			// RFC 7616 §3.3: expired nonce, right password.
			name: "stale nonce",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				c.t = c.t.Add(DefaultNonceLifetime + time.Second)
				return retry
			},
			want: ErrStaleNonce,
		},
		{
			// stale=true only for a correct digest (RFC 7616 §3.3).
			name: "stale nonce, wrong password",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				retry = authorize(t, s, newRequest(t, ""), false, "bob", "nope")
				c.t = c.t.Add(DefaultNonceLifetime + time.Second)
				return retry
			},
			want: ErrBadResponse,
		},
		{
			name: "nonce from the future",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				c.t = c.t.Add(time.Hour)
				retry = authorize(t, s, newRequest(t, ""), false, "bob", "zanzibar")
				c.t = c.t.Add(-time.Hour)
				return retry
			},
			want: ErrBadNonce,
		},
		{
			name: "tampered nonce",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return reanswer(t, retry, func(ch *message.Auth) {
					n := []byte(ch.Param("nonce"))
					n[3] ^= 1
					ch.Params.SetQuoted("nonce", string(n))
				})
			},
			want: ErrBadNonce,
		},
		{
			name: "nonce of another secret",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				other := newServer(c)
				other.Secret = []byte("other secret")
				return authorize(t, other, newRequest(t, ""), false, "bob", "zanzibar")
			},
			want: ErrBadNonce,
		},
		{
			name: "garbage nonce",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return reanswer(t, retry, func(ch *message.Auth) { ch.Params.SetQuoted("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093") })
			},
			want: ErrBadNonce,
		},
		{
			// RFC 2617 §3.2.2.5.
			name: "digest-uri mismatch",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				u, err := message.ParseURI("sip:other.biloxi.com")
				require.NoError(t, err)
				retry.RequestURI = u
				return retry
			},
			want: ErrURIMismatch,
		},
		{
			name: "algorithm not offered",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				s.Algorithms = []Algorithm{SHA256}
				return reanswer(t, retry, func(ch *message.Auth) { ch.Params.Set("algorithm", "MD5") })
			},
			want: ErrUnsupportedAlgorithm,
		},
		{
			name: "unknown algorithm",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				credentialsOf(t, retry, false).Params.Set("algorithm", "SHA-1")
				return retry
			},
			want: ErrUnsupportedAlgorithm,
		},
		{
			name: "qop not offered",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return reanswer(t, retry, func(ch *message.Auth) { ch.Params.SetQuoted("qop", "auth-int") })
			},
			want: ErrBadCredentials,
		},
		{
			// RFC 2069 style credentials carry no nonce-count.
			name: "no qop",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				return reanswer(t, retry, func(ch *message.Auth) { ch.Params.Del("qop") })
			},
			want: ErrBadCredentials,
		},
		{
			name: "malformed nc",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				credentialsOf(t, retry, false).Params.Set("nc", "1")
				return retry
			},
			want: ErrBadCredentials,
		},
		{
			name: "wrong opaque",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				s.Opaque = "abc"
				return retry
			},
			want: ErrBadCredentials,
		},
		{
			name: "tampered response",
			change: func(t *testing.T, s *Server, c *clock, retry *message.Message) *message.Message {
				cred := credentialsOf(t, retry, false)
				r := []byte(cred.Param("response"))
				r[0] ^= 1
				cred.Params.SetQuoted("response", string(r))
				return retry
			},
			want: ErrBadResponse,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			s := newServer(c)
			retry := authorize(t, s, newRequest(t, ""), false, "bob", "zanzibar")
			retry = tt.change(t, s, c, retry)
			_, err := s.Verify(retry, false, passwords)
			assert.ErrorIs(t, err, tt.want)
			for _, other := range []error{ErrNoCredentials, ErrStaleNonce, ErrBadNonce, ErrReplay, ErrBadResponse,
				ErrUnsupportedAlgorithm, ErrUnknownUser, ErrBadCredentials, ErrURIMismatch} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other)
				}
			}
		})
	}
}

// reanswer replaces the credentials of retry by an answer to a challenge
// built from them and changed by edit.
func reanswer(t *testing.T, retry *message.Message, edit func(*message.Auth)) *message.Message {
	t.Helper()
	cred := credentialsOf(t, retry, false)
	ch := &message.Auth{Scheme: "Digest"}
	ch.Params.SetQuoted("realm", cred.Param("realm"))
	ch.Params.SetQuoted("nonce", cred.Param("nonce"))
	ch.Params.Set("algorithm", cred.Param("algorithm"))
	ch.Params.SetQuoted("qop", "auth")
	edit(ch)
	a, err := Answer(ch, retry.Method, retry.RequestURI.String(), retry.Body, "bob", "zanzibar", 1, NewCnonce())
	require.NoError(t, err)
	retry.Headers.Set(message.HeaderAuthorization, a)
	return retry
}

// TestStaleThenRetry follows RFC 7616 §3.3: after ErrStaleNonce the server
// challenges with stale=true and the client's retry is accepted.
func TestStaleThenRetry(t *testing.T) {
	c := newClock()
	s := newServer(c)
	req := newRequest(t, "")
	retry := authorize(t, s, req, false, "bob", "zanzibar")
	c.t = c.t.Add(s.lifetime() + time.Nanosecond)
	_, err := s.Verify(retry, false, passwords)
	require.ErrorIs(t, err, ErrStaleNonce)
	resp := s.Challenge(retry, false, errors.Is(err, ErrStaleNonce))
	assert.Equal(t, "true", resp.Headers.Get(message.HeaderWWWAuthenticate).(*message.Auth).Param("stale"))
	again, err := Authorize(retry, resp, "bob", "zanzibar")
	require.NoError(t, err)
	_, err = s.Verify(again, false, passwords)
	assert.NoError(t, err)
}

// TestReplay checks nonce-count tracking (RFC 7616 §3.4, §5.12): a nonce
// may be reused with a higher nc only.
func TestReplay(t *testing.T) {
	s := newServer(newClock())
	req := newRequest(t, "")
	retry := authorize(t, s, req, false, "bob", "zanzibar")
	_, err := s.Verify(retry, false, passwords)
	require.NoError(t, err)
	_, err = s.Verify(retry, false, passwords)
	assert.ErrorIs(t, err, ErrReplay, "same request again")

	ch := s.Challenge(req, false, false).Headers.Get(message.HeaderWWWAuthenticate).(*message.Auth)
	ch.Params.SetQuoted("nonce", credentialsOf(t, retry, false).Param("nonce"))
	for _, step := range []struct {
		nc   uint32
		want error
	}{{3, nil}, {2, ErrReplay}, {3, ErrReplay}, {4, nil}} {
		a, err := Answer(ch, req.Method, req.RequestURI.String(), nil, "bob", "zanzibar", step.nc, NewCnonce())
		require.NoError(t, err)
		m := req.Clone()
		m.Headers.Set(message.HeaderAuthorization, a)
		_, err = s.Verify(m, false, passwords)
		if step.want == nil {
			assert.NoError(t, err, "nc=%d", step.nc)
		} else {
			assert.ErrorIs(t, err, step.want, "nc=%d", step.nc)
		}
	}

	// A forged response does not advance the count of the real client.
	a, err := Answer(ch, req.Method, req.RequestURI.String(), nil, "bob", "wrong", 9, NewCnonce())
	require.NoError(t, err)
	m := req.Clone()
	m.Headers.Set(message.HeaderAuthorization, a)
	_, err = s.Verify(m, false, passwords)
	require.ErrorIs(t, err, ErrBadResponse)
	a, err = Answer(ch, req.Method, req.RequestURI.String(), nil, "bob", "zanzibar", 5, NewCnonce())
	require.NoError(t, err)
	m.Headers.Set(message.HeaderAuthorization, a)
	_, err = s.Verify(m, false, passwords)
	assert.NoError(t, err)
}

// TestReplayBounded checks that the nonce-count record stays bounded and
// that a forgotten nonce is stale, never replayable.
func TestReplayBounded(t *testing.T) {
	c := newClock()
	s := newServer(c)
	s.MaxNonces = 2
	req := newRequest(t, "")
	var retries []*message.Message
	for range 3 {
		c.t = c.t.Add(time.Second)
		r := authorize(t, s, req, false, "bob", "zanzibar")
		_, err := s.Verify(r, false, passwords)
		require.NoError(t, err)
		retries = append(retries, r)
	}
	assert.Equal(t, 2, s.counts.len())
	_, err := s.Verify(retries[0], false, passwords)
	assert.ErrorIs(t, err, ErrStaleNonce, "forgotten nonce")
	_, err = s.Verify(retries[2], false, passwords)
	assert.ErrorIs(t, err, ErrReplay, "remembered nonce")

	// Expired records go when new ones come.
	c.t = c.t.Add(s.lifetime() + time.Minute)
	r := authorize(t, s, req, false, "bob", "zanzibar")
	_, err = s.Verify(r, false, passwords)
	require.NoError(t, err)
	assert.Equal(t, 1, s.counts.len())
}

// TestAuthInt checks that qop=auth-int covers the body (RFC 2617 §3.2.2.3).
func TestAuthInt(t *testing.T) {
	s := newServer(newClock())
	s.QOP = []string{"auth-int"}
	retry := authorize(t, s, newRequest(t, "Watson, come here."), false, "bob", "zanzibar")
	tampered := retry.Clone()
	tampered.Body = []byte("Watson, go away.")
	_, err := s.Verify(tampered, false, passwords)
	assert.ErrorIs(t, err, ErrBadResponse)
	_, err = s.Verify(retry, false, passwords)
	assert.NoError(t, err)

	// qop=auth does not cover it.
	s.QOP = nil
	retry = authorize(t, s, newRequest(t, "Watson, come here."), false, "bob", "zanzibar")
	retry.Body = []byte("Watson, go away.")
	_, err = s.Verify(retry, false, passwords)
	assert.NoError(t, err)
}

// TestVerifyHA1 checks a store that keeps HA1 per base algorithm.
func TestVerifyHA1(t *testing.T) {
	for _, alg := range []Algorithm{MD5, SHA256Sess} {
		t.Run(string(alg), func(t *testing.T) {
			s := newServer(newClock())
			s.Algorithms = []Algorithm{alg}
			var asked Algorithm
			store := func(user, realm string, a Algorithm) (string, bool) {
				asked = a
				return HA1(a, user, realm, "zanzibar"), user == "bob"
			}
			retry := authorize(t, s, newRequest(t, ""), false, "bob", "zanzibar")
			user, err := s.VerifyHA1(retry, false, store)
			require.NoError(t, err)
			assert.Equal(t, "bob", user)
			assert.Equal(t, alg.Base(), asked)
		})
	}
}

// TestDigestURIEquivalent accepts a digest-uri that names the Request-URI
// in another spelling (RFC 3261 §19.1.4: hosts compare case-insensitively).
func TestDigestURIEquivalent(t *testing.T) {
	s := newServer(newClock())
	req := newRequest(t, "")
	ch := s.Challenge(req, false, false).Headers.Get(message.HeaderWWWAuthenticate).(*message.Auth)
	a, err := Answer(ch, req.Method, "sip:Registrar.Biloxi.COM", nil, "bob", "zanzibar", 1, NewCnonce())
	require.NoError(t, err)
	m := req.Clone()
	m.Headers.Add(message.HeaderAuthorization, a)
	_, err = s.Verify(m, false, passwords)
	assert.NoError(t, err)
}

// TestVerifyConcurrent exercises the nonce-count record from many
// goroutines (run with -race).
func TestVerifyConcurrent(t *testing.T) {
	s := &Server{Realm: testRealm, MaxNonces: 8}
	req := newRequest(t, "")
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			resp := s.Challenge(req, false, false)
			retry, err := Authorize(req, resp, "bob", "zanzibar")
			if err == nil {
				_, err = s.Verify(retry, false, passwords)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// A nonce issued before one that was evicted is refused as stale.
		if err != nil {
			assert.ErrorIs(t, err, ErrStaleNonce)
		}
	}
	assert.LessOrEqual(t, s.counts.len(), 8)
}

// TestErrorsPrefixed checks the sentinel convention.
func TestErrorsPrefixed(t *testing.T) {
	for _, err := range []error{ErrNoCredentials, ErrStaleNonce, ErrBadNonce, ErrReplay, ErrBadResponse,
		ErrUnsupportedAlgorithm, ErrUnknownUser, ErrBadCredentials, ErrURIMismatch, ErrNoChallenge} {
		assert.True(t, strings.HasPrefix(err.Error(), "sip: digest: "), err.Error())
	}
}

// TestAuthIntCase: the qop token compares ignoring case, in the server's
// check of it and in the request-digest alike (RFC 2617 §3.2.2.3): a server
// that asks for auth-int never takes "AUTH-INT" credentials that do not
// cover the body, and takes those that do.
func TestAuthIntCase(t *testing.T) {
	s := newServer(newClock())
	s.QOP = []string{"auth-int"}
	req := newRequest(t, "Watson, come here.")
	ch := s.Challenge(req, false, false).Headers.Get(message.HeaderWWWAuthenticate).(*message.Auth)
	answer := func(cnonce string, body []byte) *message.Message {
		a, err := Answer(ch, req.Method, req.RequestURI.String(), body, "bob", "zanzibar", 1, cnonce)
		require.NoError(t, err)
		a.Params.Set("qop", "AUTH-INT") // and the response recomputed for it
		c := computation{alg: SHA256, ha1: HA1(SHA256, "bob", testRealm, "zanzibar"), nonce: ch.Param("nonce"),
			nc: "00000001", cnonce: cnonce, qop: "AUTH-INT", method: req.Method, uri: req.RequestURI.String(), body: body}
		a.Params.SetQuoted("response", c.response())
		m := req.Clone()
		m.Headers.Set(message.HeaderAuthorization, a)
		return m
	}
	require.Equal(t, string(SHA256), ch.Param("algorithm"))
	// Credentials computed over another body: a changed body.
	_, err := s.Verify(answer("c1", []byte("Watson, go away.")), false, passwords)
	assert.ErrorIs(t, err, ErrBadResponse)
	_, err = s.Verify(answer("c2", req.Body), false, passwords)
	assert.NoError(t, err)
	// The body hash is what makes them differ.
	c := computation{alg: SHA256, ha1: "x", nonce: "n", nc: "00000001", cnonce: "c", qop: "AUTH-INT", method: "M", uri: "u"}
	d := c
	d.body = []byte("b")
	assert.NotEqual(t, c.response(), d.response())
}

// TestVerifyRetargeted: a proxy may change the Request-URI from the
// address-of-record that the credentials name to a contact (RFC 3261 §22.4
// item 6, "not necessarily a failure"). LooseURI accepts that, for a UAS;
// without it the two must be equivalent (RFC 2617 §3.2.2.5).
func TestVerifyRetargeted(t *testing.T) {
	s := newServer(newClock())
	req := newRequest(t, "")
	aor, err := message.ParseURI("sip:bob@biloxi.com")
	require.NoError(t, err)
	req.RequestURI = aor
	retry := authorize(t, s, req, false, "bob", "zanzibar")
	contact, err := message.ParseURI("sip:bob@192.0.2.4")
	require.NoError(t, err)
	retry.RequestURI = contact
	_, err = s.Verify(retry, false, passwords)
	assert.ErrorIs(t, err, ErrURIMismatch)
	s.LooseURI = true
	user, err := s.Verify(retry, false, passwords)
	require.NoError(t, err)
	assert.Equal(t, "bob", user)
	// The uri is still covered by the response, and must be present.
	cred := credentialsOf(t, retry, false)
	cred.Params.SetQuoted("uri", "sip:carol@biloxi.com")
	_, err = s.Verify(retry, false, passwords)
	assert.ErrorIs(t, err, ErrBadResponse)
	cred.Params.SetQuoted("uri", "")
	_, err = s.Verify(retry, false, passwords)
	assert.ErrorIs(t, err, ErrBadCredentials)
}

// TestVerifySameRealm: proxies of one realm that each challenged a request
// get one set of credentials each, with the same realm (RFC 3261 §22.3): the
// server takes its own, whichever comes first, and of failures reports one
// about its own nonce.
func TestVerifySameRealm(t *testing.T) {
	c := newClock()
	a, b := newServer(c), newServer(c)
	b.Secret = []byte("another secret")
	req := newRequest(t, "")
	cred := func(s *Server, password string) *message.Auth {
		ch := s.Challenge(req, true, false).Headers.Get(message.HeaderProxyAuthenticate).(*message.Auth)
		au, err := Answer(ch, req.Method, req.RequestURI.String(), nil, "bob", password, 1, NewCnonce())
		require.NoError(t, err)
		return au
	}
	with := func(creds ...*message.Auth) *message.Message {
		m := req.Clone()
		for _, cr := range creds {
			m.Headers.Add(message.HeaderProxyAuthorization, cr)
		}
		return m
	}
	for _, order := range [][]*Server{{a, b}, {b, a}} {
		m := with(cred(order[0], "zanzibar"), cred(order[1], "zanzibar"))
		_, err := a.Verify(m, true, passwords)
		assert.NoError(t, err)
		_, err = b.Verify(m, true, passwords)
		assert.NoError(t, err)
	}
	// A wrong password in a's credentials: a reports it, not b's nonce.
	_, err := a.Verify(with(cred(b, "zanzibar"), cred(a, "wrong")), true, passwords)
	assert.ErrorIs(t, err, ErrBadResponse)
	_, err = a.Verify(with(cred(b, "zanzibar")), true, passwords)
	assert.ErrorIs(t, err, ErrBadNonce)
}
