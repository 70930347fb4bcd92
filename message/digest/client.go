package digest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// Answer returns the credentials that answer the Digest challenge for a
// request with method, Request-URI uri and body (RFC 3261 §22.2, RFC 7616
// §3.4): nc is the nonce-count (1 for the first request with this nonce) and
// cnonce the client nonce (see NewCnonce). qop=auth is chosen when offered,
// else auth-int; a challenge without qop is answered RFC 2069 style, but for
// a -sess algorithm, whose session key hashes the cnonce that only qop sends:
// that is an error wrapping ErrUnsupportedAlgorithm.
//
// The result is the value of an Authorization header, or of a
// Proxy-Authorization header for a challenge taken from Proxy-Authenticate.
func Answer(challenge *message.Auth, method, uri string, body []byte, user, password string, nc uint32, cnonce string) (*message.Auth, error) {
	if challenge == nil || !strings.EqualFold(challenge.Scheme, "Digest") {
		return nil, ErrNoChallenge
	}
	alg, ok := ParseAlgorithm(challenge.Param("algorithm"))
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, challenge.Param("algorithm"))
	}
	realm, nonce := challenge.Param("realm"), challenge.Param("nonce")
	if nonce == "" {
		return nil, fmt.Errorf("%w: challenge without nonce", ErrNoChallenge)
	}
	qop, err := pickQOP(challenge.Param("qop"), challenge.Params.Has("qop"))
	if err != nil {
		return nil, err
	}
	if alg.Sess() && qop == "" {
		// The session key hashes a cnonce, which only qop sends (RFC 3261
		// §22.4 item 8): no server could check the answer.
		return nil, fmt.Errorf("%w: %s without qop", ErrUnsupportedAlgorithm, alg)
	}
	c := computation{
		alg: alg, ha1: HA1(alg, user, realm, password), nonce: nonce, cnonce: cnonce,
		qop: qop, method: method, uri: uri, body: body,
	}
	if qop != "" {
		c.nc = fmt.Sprintf("%08x", nc)
	}
	a := &message.Auth{Scheme: "Digest"}
	a.Params.SetQuoted("username", user)
	a.Params.SetQuoted("realm", realm)
	a.Params.SetQuoted("nonce", nonce)
	a.Params.SetQuoted("uri", uri)
	a.Params.SetQuoted("response", c.response())
	if challenge.Params.Has("algorithm") {
		a.Params.Set("algorithm", string(alg))
	}
	if opaque, ok := challenge.Params.Get("opaque"); ok {
		a.Params.SetQuoted("opaque", opaque)
	}
	if qop != "" {
		a.Params.Set("qop", qop)
		a.Params.Set("nc", c.nc)
		a.Params.SetQuoted("cnonce", cnonce)
	}
	return a, nil
}

// pickQOP chooses among the qop-options of a challenge: auth, else auth-int;
// "" when the challenge has none.
func pickQOP(options string, present bool) (string, error) {
	if !present {
		return "", nil
	}
	var authInt bool
	for o := range strings.SplitSeq(options, ",") {
		switch strings.ToLower(strings.TrimSpace(o)) {
		case "auth":
			return "auth", nil
		case "auth-int":
			authInt = true
		}
	}
	if authInt {
		return "auth-int", nil
	}
	return "", fmt.Errorf("%w: qop %q", ErrNoChallenge, options)
}

// NewCnonce returns a random client nonce: 128 bits in hex.
func NewCnonce() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Authorize returns a copy of req that answers the 401 or 407 response resp
// with the credentials of user and password, ready to be sent again (RFC 3261
// §22.2, §22.3). Each WWW-Authenticate realm gets an Authorization header and
// each Proxy-Authenticate realm a Proxy-Authorization header (a forking
// proxy may put both kinds in one response, §22.3; §16.7 step 7); each
// answers the realm's strongest challenge (SHA-512-256, then SHA-256, then
// MD5) with nonce-count 1 and a fresh cnonce. RFC 8760 §2.4 has a client
// take the topmost challenge it supports "unless a local policy dictates
// otherwise"; this policy is that one, so that a challenge inserted above
// the server's cannot downgrade the algorithm. Older
// credentials for the realms answered are removed, others kept (§22.3). The
// CSeq is incremented and the top Via gets a new branch, since the retry is a
// new transaction (§8.1.3.5). req is not changed.
//
// One user and password answer every realm; a caller with per-realm
// credentials, or that reuses a nonce for later requests (counting nc
// itself), uses Answer.
func Authorize(req, resp *message.Message, user, password string) (*message.Message, error) {
	if req.RequestURI == nil {
		return nil, fmt.Errorf("%w: request without Request-URI", ErrNoChallenge)
	}
	out := req.Clone()
	uri := out.RequestURI.String()
	answered := 0
	for _, proxy := range []bool{false, true} {
		challengeName, credName := headerNames(proxy)
		best, realms := strongest(resp, challengeName)
		if len(realms) == 0 {
			continue
		}
		var creds []*message.Auth
		for _, realm := range realms {
			a, err := Answer(best[realm], out.Method, uri, out.Body, user, password, 1, NewCnonce())
			if err != nil {
				return nil, err
			}
			creds = append(creds, a)
		}
		kept := out.Headers[:0]
		for _, h := range out.Headers {
			if a, ok := h.Value.(*message.Auth); ok && h.Name == credName && best[a.Param("realm")] != nil {
				continue
			}
			kept = append(kept, h)
		}
		clear(out.Headers[len(kept):])
		out.Headers = kept
		for _, a := range creds {
			out.Headers.Add(credName, a)
		}
		answered += len(creds)
	}
	if answered == 0 {
		return nil, ErrNoChallenge
	}
	if cs := out.CSeq(); cs != nil {
		cs.Seq++
	}
	if v := out.TopVia(); v != nil {
		v.Params.Set("branch", message.NewBranch())
	}
	return out, nil
}

// strongest returns, for each realm challenged in the headers named name,
// its Digest challenge of the strongest algorithm among those that Answer
// can answer, and the realms in the order of the response.
func strongest(resp *message.Message, name string) (best map[string]*message.Auth, realms []string) {
	best = map[string]*message.Auth{}
	rank := map[string]int{}
	for v := range resp.Headers.Values(name) {
		c, ok := v.(*message.Auth)
		if !ok || !strings.EqualFold(c.Scheme, "Digest") || c.Param("nonce") == "" {
			continue
		}
		alg, ok := ParseAlgorithm(c.Param("algorithm"))
		if !ok {
			continue
		}
		// A challenge Answer would refuse gives way to a weaker one.
		qop, err := pickQOP(c.Param("qop"), c.Params.Has("qop"))
		if err != nil || alg.Sess() && qop == "" {
			continue
		}
		realm := c.Param("realm")
		if best[realm] == nil {
			realms = append(realms, realm)
		}
		if alg.strength() > rank[realm] {
			best[realm], rank[realm] = c, alg.strength()
		}
	}
	return best, realms
}
