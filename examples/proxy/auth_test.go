package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/internal/siptest"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/message/digest"
)

// testUsers are the users of the authentication tests.
var testUsers = map[string]string{"alice": "secret", "bob": "secret"}

// usersFile writes testUsers to a users file and returns its name.
func usersFile(t *testing.T) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "users")
	require.NoError(t, os.WriteFile(name, []byte("# test users\nalice:secret\n\nbob:secret\n"), 0o600))
	return name
}

// sipRequest parses a request written with \n line ends.
func sipRequest(t *testing.T, raw string) *message.Message {
	t.Helper()
	m, err := message.Parse([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	require.NoError(t, err)
	return m
}

// registerAs is a REGISTER of the address-of-record of to, sent by from
// (RFC 3261 §10.2).
func registerAs(t *testing.T, from, to string) *message.Message {
	return sipRequest(t, `REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.4:5060;branch=`+message.NewBranch()+`
Max-Forwards: 70
To: <sip:`+to+`@example.com>
From: <sip:`+from+`@example.com>;tag=456248
Call-ID: `+message.NewCallID("")+`
CSeq: 1 REGISTER
Contact: <sip:`+to+`@192.0.2.4>
Content-Length: 0

`)
}

// inviteFrom is an INVITE from a user of example.com to bob (RFC 3261 §8.1.1).
func inviteFrom(t *testing.T, from string) *message.Message {
	return sipRequest(t, `INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.5:5060;branch=`+message.NewBranch()+`
Max-Forwards: 70
To: <sip:bob@example.com>
From: <sip:`+from+`@example.com>;tag=1928301774
Call-ID: `+message.NewCallID("")+`
CSeq: 314159 INVITE
Contact: <sip:`+from+`@192.0.2.5>
Content-Length: 0

`)
}

// clock is the settable time of a digest.Server under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestAuthenticator(t *testing.T, algs string) (*authenticator, *clock) {
	t.Helper()
	a, err := newAuthenticator("example.com", testUsers, algs, nil)
	require.NoError(t, err)
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	a.server.Now = c.now
	return a, c
}

// challengeOf returns the Digest challenges of resp in order.
func challengeOf(t *testing.T, resp *message.Message, name string) []*message.Auth {
	t.Helper()
	var cs []*message.Auth
	for v := range resp.Headers.Values(name) {
		c, ok := v.(*message.Auth)
		require.True(t, ok, "%s is a challenge", name)
		cs = append(cs, c)
	}
	return cs
}

// A REGISTER is challenged by the registrar with 401 and one
// WWW-Authenticate per algorithm, strongest first, realm the domain (RFC
// 3261 §22.2, RFC 8760 §2.4); other requests from the domain by the proxy
// with 407 and Proxy-Authenticate (§22.3).
func TestAuthenticateChallenges(t *testing.T) {
	tests := []struct {
		name   string
		algs   string
		req    func(t *testing.T) *message.Message
		code   int
		header string
		want   []string
	}{
		{"REGISTER default", "", func(t *testing.T) *message.Message { return registerAs(t, "bob", "bob") },
			message.StatusUnauthorized, message.HeaderWWWAuthenticate, []string{"SHA-256", "MD5"}},
		{"REGISTER MD5", "MD5", func(t *testing.T) *message.Message { return registerAs(t, "bob", "bob") },
			message.StatusUnauthorized, message.HeaderWWWAuthenticate, []string{"MD5"}},
		{"INVITE weakest first in flag", "MD5,SHA-512-256", func(t *testing.T) *message.Message { return inviteFrom(t, "alice") },
			message.StatusProxyAuthenticationRequired, message.HeaderProxyAuthenticate, []string{"SHA-512-256", "MD5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newTestAuthenticator(t, tt.algs)
			resp := a.Authenticate(tt.req(t))
			require.NotNil(t, resp)
			assert.Equal(t, tt.code, resp.StatusCode)
			var algs []string
			for _, c := range challengeOf(t, resp, tt.header) {
				assert.Equal(t, "example.com", c.Param("realm"))
				assert.Equal(t, "auth", c.Param("qop"))
				assert.Empty(t, c.Param("stale"))
				algs = append(algs, c.Param("algorithm"))
			}
			assert.Equal(t, tt.want, algs)
		})
	}
}

// The retry with the credentials of the right password goes on (RFC 3261
// §22.2, §22.3); a wrong password, an unknown user or a user other than
// the one the request is from or, for a REGISTER, for (§10.3 step 4) get
// 403.
func TestAuthenticateCredentials(t *testing.T) {
	tests := []struct {
		name           string
		req            func(t *testing.T) *message.Message
		user, password string
		code           int // 0: let through
	}{
		{"REGISTER right password", func(t *testing.T) *message.Message { return registerAs(t, "bob", "bob") }, "bob", "secret", 0},
		{"REGISTER wrong password", func(t *testing.T) *message.Message { return registerAs(t, "bob", "bob") }, "bob", "wrong", message.StatusForbidden},
		{"REGISTER unknown user", func(t *testing.T) *message.Message { return registerAs(t, "carol", "carol") }, "carol", "secret", message.StatusForbidden},
		{"REGISTER of another AOR", func(t *testing.T) *message.Message { return registerAs(t, "alice", "bob") }, "alice", "secret", message.StatusForbidden},
		{"REGISTER From another user", func(t *testing.T) *message.Message { return registerAs(t, "bob", "alice") }, "alice", "secret", message.StatusForbidden},
		{"INVITE right password", func(t *testing.T) *message.Message { return inviteFrom(t, "alice") }, "alice", "secret", 0},
		{"INVITE wrong password", func(t *testing.T) *message.Message { return inviteFrom(t, "alice") }, "alice", "wrong", message.StatusForbidden},
		{"INVITE as another user", func(t *testing.T) *message.Message { return inviteFrom(t, "alice") }, "bob", "secret", message.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newTestAuthenticator(t, "")
			req := tt.req(t)
			challenge := a.Authenticate(req)
			require.NotNil(t, challenge, "first request is challenged")
			retry, err := digest.Authorize(req, challenge, tt.user, tt.password)
			require.NoError(t, err)
			resp := a.Authenticate(retry)
			if tt.code == 0 {
				assert.Nil(t, resp)
				return
			}
			require.NotNil(t, resp)
			assert.Equal(t, tt.code, resp.StatusCode)
		})
	}
}

// Credentials under an expired nonce get a new challenge with stale=true,
// whose answer goes on without asking the user again (RFC 7616 §3.3); a
// replayed nonce-count gets a fresh challenge (RFC 7616 §5.12).
func TestAuthenticateStaleAndReplay(t *testing.T) {
	a, clk := newTestAuthenticator(t, "")
	req := inviteFrom(t, "alice")
	challenge := a.Authenticate(req)
	require.NotNil(t, challenge)
	retry, err := digest.Authorize(req, challenge, "alice", "secret")
	require.NoError(t, err)

	clk.t = clk.t.Add(digest.DefaultNonceLifetime + time.Minute)
	resp := a.Authenticate(retry)
	require.NotNil(t, resp)
	require.Equal(t, message.StatusProxyAuthenticationRequired, resp.StatusCode)
	for _, c := range challengeOf(t, resp, message.HeaderProxyAuthenticate) {
		assert.Equal(t, "true", c.Param("stale"))
	}

	retry, err = digest.Authorize(req, resp, "alice", "secret")
	require.NoError(t, err)
	assert.Nil(t, a.Authenticate(retry), "retry with the fresh nonce")

	resp = a.Authenticate(retry)
	require.NotNil(t, resp, "replay")
	assert.Equal(t, message.StatusProxyAuthenticationRequired, resp.StatusCode)
	for _, c := range challengeOf(t, resp, message.HeaderProxyAuthenticate) {
		assert.Empty(t, c.Param("stale"))
	}
}

// Credentials of an algorithm not offered get a new challenge; a digest-uri
// that is not the Request-URI gets 400 (RFC 2617 §3.2.2.5).
func TestAuthenticateRefusedCredentials(t *testing.T) {
	md5Only, _ := newTestAuthenticator(t, "MD5")
	sha, _ := newTestAuthenticator(t, "SHA-256")
	req := registerAs(t, "bob", "bob")
	retry, err := digest.Authorize(req, sha.Authenticate(req), "bob", "secret")
	require.NoError(t, err)
	resp := md5Only.Authenticate(retry)
	require.NotNil(t, resp)
	assert.Equal(t, message.StatusUnauthorized, resp.StatusCode, "SHA-256 credentials to an MD5 server")

	retry, err = digest.Authorize(req, md5Only.Authenticate(req), "bob", "secret")
	require.NoError(t, err)
	retry.RequestURI = &message.URI{Scheme: "sip", Host: "elsewhere.example.com"}
	resp = md5Only.Authenticate(retry)
	require.NotNil(t, resp)
	assert.Equal(t, message.StatusBadRequest, resp.StatusCode)
}

func TestParseAlgorithms(t *testing.T) {
	tests := []struct {
		in      string
		want    []digest.Algorithm
		wantErr bool
	}{
		{"", []digest.Algorithm{digest.SHA256, digest.MD5}, false},
		{"MD5", []digest.Algorithm{digest.MD5}, false},
		{" sha-256 , md5-sess ", []digest.Algorithm{digest.SHA256, digest.MD5Sess}, false},
		{"SHA-1", nil, true},
		{",", nil, true},
	}
	for _, tt := range tests {
		got, err := parseAlgorithms(tt.in)
		if tt.wantErr {
			assert.Error(t, err, "%q", tt.in)
			continue
		}
		require.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestRunRejectsBadDigest(t *testing.T) {
	err := run(context.Background(), options{listen: "udp:127.0.0.1:0", domain: "localhost", users: usersFile(t), digest: "SHA-1"},
		slog.New(slog.DiscardHandler))
	assert.ErrorContains(t, err, "-digest")
}

// ua is a UDP user agent of the tests: it sends requests to the proxy and
// reads the responses.
type ua struct {
	t     *testing.T
	conn  *net.UDPConn
	local netip.AddrPort
	proxy netip.AddrPort
}

func newUA(t *testing.T, proxy netip.AddrPort) *ua {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &ua{t: t, conn: conn, local: conn.LocalAddr().(*net.UDPAddr).AddrPort(), proxy: proxy}
}

// request parses raw with LOCAL and PROXY replaced by the addresses.
func (u *ua) request(raw string) *message.Message {
	raw = strings.ReplaceAll(raw, "LOCAL", u.local.String())
	raw = strings.ReplaceAll(raw, "PROXY", u.proxy.String())
	return sipRequest(u.t, raw)
}

func (u *ua) send(m *message.Message) {
	u.t.Helper()
	_, err := u.conn.WriteToUDPAddrPort(m.Bytes(), u.proxy)
	require.NoError(u.t, err)
}

// do sends req and returns its final response, acknowledging a non-2xx
// final response to an INVITE (RFC 3261 §17.1.1.3).
func (u *ua) do(req *message.Message) *message.Message {
	u.t.Helper()
	u.send(req)
	buf := make([]byte, 65535)
	require.NoError(u.t, u.conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	for {
		n, err := u.conn.Read(buf)
		require.NoError(u.t, err, "no final response to %s", req.Method)
		resp, err := message.Parse(buf[:n])
		require.NoError(u.t, err)
		if !resp.IsResponse() || resp.StatusCode < 200 || resp.CSeq().Seq != req.CSeq().Seq {
			continue
		}
		if req.Method == message.MethodInvite && resp.StatusCode >= 300 {
			ack, err := message.NewAck(req, resp)
			require.NoError(u.t, err)
			u.send(ack)
		}
		return resp
	}
}

// register binds the user's address-of-record to the UA (RFC 3261 §10.2),
// answering the challenge with password.
func (u *ua) register(user, password string) *message.Message {
	u.t.Helper()
	req := u.request(`REGISTER sip:PROXY SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=` + message.NewBranch() + `;rport
Max-Forwards: 70
To: <sip:` + user + `@127.0.0.1>
From: <sip:` + user + `@127.0.0.1>;tag=` + message.NewTag() + `
Call-ID: ` + message.NewCallID("") + `
CSeq: 1 REGISTER
Contact: <sip:` + user + `@LOCAL>
Content-Length: 0

`)
	resp := u.do(req)
	require.Equal(u.t, message.StatusUnauthorized, resp.StatusCode, "REGISTER without credentials")
	retry, err := digest.Authorize(req, resp, user, password)
	require.NoError(u.t, err)
	return u.do(retry)
}

// busy answers every INVITE that reaches u with 486 (Busy Here), until u
// is closed.
func (u *ua) busy() {
	buf := make([]byte, 65535)
	for {
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		req, err := message.Parse(buf[:n])
		if err != nil || req.Method != message.MethodInvite {
			continue
		}
		resp := message.NewResponse(req, message.StatusBusyHere, "")
		if to := resp.To(); to != nil && to.Tag() == "" {
			to.Params.Set("tag", message.NewTag())
		}
		_, _ = u.conn.WriteToUDPAddrPort(resp.Bytes(), from)
	}
}

// Through the proxy with -users: a REGISTER is challenged with 401 and
// accepted with the right password (RFC 3261 §22.2, §10.3), refused with a
// wrong one; an INVITE from a user of the domain is challenged with 407
// (§22.3), and with the right credentials reaches the callee, whose 486
// comes back (§16.7).
func TestDigestThroughProxy(t *testing.T) {
	addr := startProxy(t, options{domain: "127.0.0.1", users: usersFile(t), recordRoute: true})

	bob := newUA(t, addr)
	assert.Equal(t, message.StatusForbidden, bob.register("bob", "wrong").StatusCode, "wrong password")
	require.Equal(t, message.StatusOK, bob.register("bob", "secret").StatusCode, "right password")
	done := make(chan struct{})
	go func() { defer close(done); bob.busy() }()
	t.Cleanup(func() { bob.conn.Close(); <-done })

	alice := newUA(t, addr)
	invite := alice.request(`INVITE sip:bob@PROXY SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=` + message.NewBranch() + `;rport
Max-Forwards: 70
To: <sip:bob@PROXY>
From: <sip:alice@PROXY>;tag=` + message.NewTag() + `
Call-ID: ` + message.NewCallID("") + `
CSeq: 1 INVITE
Contact: <sip:alice@LOCAL>
Content-Length: 0

`)
	resp := alice.do(invite)
	require.Equal(t, message.StatusProxyAuthenticationRequired, resp.StatusCode)
	require.Positive(t, resp.Headers.Count(message.HeaderProxyAuthenticate))
	retry, err := digest.Authorize(invite, resp, "alice", "secret")
	require.NoError(t, err)
	resp = alice.do(retry)
	assert.Equal(t, message.StatusBusyHere, resp.StatusCode, "the INVITE reached bob")

	// A new INVITE transaction (§8.1.3.5: new branch, higher CSeq) with
	// a wrong password.
	again := invite.Clone()
	again.CSeq().Seq = 3
	again.TopVia().Params.Set("branch", message.NewBranch())
	resp = alice.do(again)
	require.Equal(t, message.StatusProxyAuthenticationRequired, resp.StatusCode)
	wrong, err := digest.Authorize(again, resp, "alice", "wrong")
	require.NoError(t, err)
	assert.Equal(t, message.StatusForbidden, alice.do(wrong).StatusCode)
}

// sipp end to end with digest authentication (RFC 3261 §22.2, §22.3): a
// sipp UAS registers as bob answering the 401 challenge, then a sipp UAC
// calls bob through the proxy as alice 100 times, answering the 407
// challenge of each INVITE, with no failed call. sipp 3.6 computes MD5
// only, hence -digest MD5; and it hashes sip:host:port as the digest-uri
// unless -auth_uri names the Request-URI, which the proxy checks (RFC 2617
// §3.2.2.5).
func TestSippDigestCalls(t *testing.T) {
	sipp := sippPath(t)
	const n = 500 // as many as TestSippCalls makes without authentication
	addr := startProxy(t, options{domain: "127.0.0.1", users: usersFile(t), digest: "MD5", recordRoute: true})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	uasPort := siptest.FreePort(t)
	reg := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/register_auth.xml", "-s", "bob",
		"-au", "bob", "-ap", "secret", "-m", "1"}, sippArgs(t, uasPort)...)...)
	out, err := reg.CombinedOutput()
	require.NoErrorf(t, err, "sipp REGISTER failed:\n%s", tail(string(out), 40))
	assert.Regexp(t, calls(1), string(out), "REGISTER summary")

	uas := startSippUAS(t, ctx, sipp, uasPort, "-sn", "uas", "-m", fmt.Sprint(n))

	uac := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/uac_auth.xml", "-s", "bob",
		"-au", "alice", "-ap", "secret", "-auth_uri", "bob@" + addr.String(), "-m", fmt.Sprint(n), "-r", "200", "-l", "50"}, sippArgs(t, siptest.FreePort(t))...)...)
	out, err = uac.CombinedOutput()
	require.NoErrorf(t, err, "sipp UAC failed:\n%s", tail(string(out), 40))
	assert.Regexp(t, calls(n), string(out), "UAC summary")
	assert.Regexp(t, `Failed call\s*\|\s*\d+\s*\|\s*0\b`, string(out), "UAC summary")

	uasOut := uas.wait(t)
	assert.Regexp(t, calls(n), uasOut, "UAS summary")
}

// sipp with a wrong password: the REGISTER is refused with 403, and the
// scenario, which expects 200, fails.
func TestSippDigestWrongPassword(t *testing.T) {
	sipp := sippPath(t)
	addr := startProxy(t, options{domain: "127.0.0.1", users: usersFile(t), digest: "MD5"})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reg := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/register_auth.xml", "-s", "bob",
		"-au", "bob", "-ap", "wrong", "-m", "1"}, sippArgs(t, siptest.FreePort(t))...)...)
	out, err := reg.CombinedOutput()
	require.Errorf(t, err, "sipp REGISTER succeeded with a wrong password:\n%s", tail(string(out), 40))
	assert.Contains(t, string(out), "403", "sipp saw the 403")
}
