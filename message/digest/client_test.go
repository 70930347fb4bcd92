package digest

import (
	"testing"

	"github.com/sippet-go/sippet/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func challenge(realm, alg, qop string) *message.Auth {
	c := &message.Auth{Scheme: "Digest"}
	c.Params.SetQuoted("realm", realm)
	c.Params.SetQuoted("nonce", "n-"+realm+"-"+alg)
	if alg != "" {
		c.Params.Set("algorithm", alg)
	}
	if qop != "" {
		c.Params.SetQuoted("qop", qop)
	}
	return c
}

// TestAnswerRFC2617 builds the credentials of RFC 2617 §3.5 and checks every
// parameter, quoted or not as RFC 7616 §3.4 writes them.
func TestAnswerRFC2617(t *testing.T) {
	ch := &message.Auth{Scheme: "Digest"}
	ch.Params.SetQuoted("realm", "testrealm@host.com")
	ch.Params.SetQuoted("qop", "auth,auth-int")
	ch.Params.SetQuoted("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093")
	ch.Params.SetQuoted("opaque", "5ccc069c403ebaf9f0171e9517f40e41")
	a, err := Answer(ch, "GET", "/dir/index.html", nil, "Mufasa", "Circle Of Life", 1, "0a4f113b")
	require.NoError(t, err)
	assert.Equal(t, `Digest username="Mufasa", realm="testrealm@host.com", `+
		`nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", `+
		`response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41", `+
		`qop=auth, nc=00000001, cnonce="0a4f113b"`, a.String())
}

// TestAnswerWithoutQOP answers an RFC 2069 style challenge (RFC 2617
// §3.2.2.1): response = KD(HA1, nonce:HA2), no nc nor cnonce.
func TestAnswerWithoutQOP(t *testing.T) {
	a, err := Answer(challenge("r", "", ""), "INVITE", "sip:bob@r", nil, "u", "p", 1, "c")
	require.NoError(t, err)
	ha1 := MD5.h("u", "r", "p")
	assert.Equal(t, MD5.h(ha1, "n-r-", MD5.h("INVITE", "sip:bob@r")), a.Param("response"))
	for _, name := range []string{"qop", "nc", "cnonce", "algorithm"} {
		assert.False(t, a.Params.Has(name), name)
	}
}

func TestAnswerErrors(t *testing.T) {
	tests := []struct {
		name string
		ch   *message.Auth
		want error
	}{
		{"nil", nil, ErrNoChallenge},
		{"basic", &message.Auth{Scheme: "Basic", Params: message.Params{{Name: "realm", Value: "r", Quoted: true}}}, ErrNoChallenge},
		{"no nonce", &message.Auth{Scheme: "Digest"}, ErrNoChallenge},
		{"unknown qop", challenge("r", "MD5", "auth-conf"), ErrNoChallenge},
		{"unknown algorithm", challenge("r", "AKAv1-MD5", "auth"), ErrUnsupportedAlgorithm},
		// RFC 3261 §22.4 item 8: MD5-sess hashes a cnonce, which only qop
		// sends; no server could check an answer without it.
		{"MD5-sess without qop", challenge("r", "MD5-sess", ""), ErrUnsupportedAlgorithm},
		{"SHA-256-sess without qop", challenge("r", "SHA-256-sess", ""), ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Answer(tt.ch, "INVITE", "sip:bob@r", nil, "u", "p", 1, "c")
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

// TestAuthorize checks the retried request (RFC 3261 §22.2, §22.3, §8.1.3.5).
func TestAuthorize(t *testing.T) {
	req := newRequest(t, "")
	old := challenge("a.example", "MD5", "auth")
	stale, err := Answer(old, req.Method, req.RequestURI.String(), nil, "bob", "x", 1, "c")
	require.NoError(t, err)
	other := challenge("c.example", "MD5", "auth")
	kept, err := Answer(other, req.Method, req.RequestURI.String(), nil, "bob", "x", 1, "c")
	require.NoError(t, err)
	req.Headers.Add(message.HeaderProxyAuthorization, stale)
	req.Headers.Add(message.HeaderProxyAuthorization, kept)

	resp := message.NewResponse(req, 407, "")
	// Two proxies challenge (RFC 3261 §22.3); the first offers MD5 before
	// SHA-512-256 and SHA-256, and something unknown.
	for _, c := range []*message.Auth{
		challenge("a.example", "MD5", "auth"),
		challenge("a.example", "SHA-512-256", "auth"),
		challenge("a.example", "SHA-256", "auth"),
		challenge("a.example", "SHA-1", "auth"),
		challenge("b.example", "", "auth-int"),
		{Scheme: "Basic"},
	} {
		resp.Headers.Add(message.HeaderProxyAuthenticate, c)
	}
	out, err := Authorize(req, resp, "bob", "zanzibar")
	require.NoError(t, err)

	assert.Equal(t, req.CSeq().Seq+1, out.CSeq().Seq)
	assert.Equal(t, uint32(1826), req.CSeq().Seq, "req unchanged")
	assert.NotEqual(t, req.TopVia().Branch(), out.TopVia().Branch())
	assert.Equal(t, "z9hG4bKnashds7", req.TopVia().Branch(), "req unchanged")
	assert.Zero(t, out.Headers.Count(message.HeaderAuthorization))

	got := map[string]*message.Auth{}
	for v := range out.Headers.Values(message.HeaderProxyAuthorization) {
		a := v.(*message.Auth)
		_, dup := got[a.Param("realm")]
		assert.False(t, dup, "one credential per realm")
		got[a.Param("realm")] = a
	}
	require.Len(t, got, 3)
	assert.Equal(t, "SHA-512-256", got["a.example"].Param("algorithm"), "strongest, RFC 8760 §2.4")
	assert.Equal(t, "n-a.example-SHA-512-256", got["a.example"].Param("nonce"))
	assert.Equal(t, "auth-int", got["b.example"].Param("qop"))
	assert.False(t, got["b.example"].Params.Has("algorithm"), "absent stays absent (MD5)")
	assert.Equal(t, kept.String(), got["c.example"].String())
	assert.Equal(t, "00000001", got["a.example"].Param("nc"))
	assert.NotEqual(t, got["a.example"].Param("cnonce"), got["b.example"].Param("cnonce"))
	assert.Equal(t, req.RequestURI.String(), got["a.example"].Param("uri"))
}

func TestAuthorizeErrors(t *testing.T) {
	req := newRequest(t, "")
	resp := message.NewResponse(req, 401, "")
	_, err := Authorize(req, resp, "bob", "zanzibar")
	assert.ErrorIs(t, err, ErrNoChallenge, "no challenge")

	resp.Headers.Add(message.HeaderWWWAuthenticate, challenge("r", "SHA-1", "auth"))
	_, err = Authorize(req, resp, "bob", "zanzibar")
	assert.ErrorIs(t, err, ErrNoChallenge, "no usable challenge")

	// A 401 answers with Authorization, not Proxy-Authorization.
	resp.Headers.Add(message.HeaderWWWAuthenticate, challenge("r", "MD5", "auth"))
	out, err := Authorize(req, resp, "bob", "zanzibar")
	require.NoError(t, err)
	assert.Equal(t, 1, out.Headers.Count(message.HeaderAuthorization))
	assert.Zero(t, out.Headers.Count(message.HeaderProxyAuthorization))
}

// TestAuthorizeFallsBack: a stronger challenge that cannot be answered (a
// qop this package does not know, -sess without qop) gives way to a weaker
// one of the same realm, rather than failing the whole retry.
func TestAuthorizeFallsBack(t *testing.T) {
	req := newRequest(t, "")
	for _, strong := range []*message.Auth{
		challenge("r", "SHA-256", "auth-conf"),
		challenge("r", "SHA-512-256-sess", ""),
	} {
		resp := message.NewResponse(req, 401, "")
		resp.Headers.Add(message.HeaderWWWAuthenticate, strong)
		resp.Headers.Add(message.HeaderWWWAuthenticate, challenge("r", "MD5", "auth"))
		out, err := Authorize(req, resp, "bob", "zanzibar")
		require.NoError(t, err, "%s", strong)
		cred := out.Headers.Get(message.HeaderAuthorization).(*message.Auth)
		assert.Equal(t, "MD5", cred.Param("algorithm"))
	}
}

// TestAuthorizeBothKinds answers a response that aggregates a UAS's
// WWW-Authenticate and a proxy's Proxy-Authenticate (RFC 3261 §22.3).
func TestAuthorizeBothKinds(t *testing.T) {
	req := newRequest(t, "")
	resp := message.NewResponse(req, 401, "")
	resp.Headers.Add(message.HeaderWWWAuthenticate, challenge("uas.example", "SHA-256", "auth"))
	resp.Headers.Add(message.HeaderProxyAuthenticate, challenge("proxy.example", "MD5", "auth"))
	out, err := Authorize(req, resp, "bob", "zanzibar")
	require.NoError(t, err)
	require.Equal(t, 1, out.Headers.Count(message.HeaderAuthorization))
	require.Equal(t, 1, out.Headers.Count(message.HeaderProxyAuthorization))
	assert.Equal(t, "uas.example", out.Headers.Get(message.HeaderAuthorization).(*message.Auth).Param("realm"))
	assert.Equal(t, "proxy.example", out.Headers.Get(message.HeaderProxyAuthorization).(*message.Auth).Param("realm"))
}
