package digest

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sippet-go/sippet/message"
)

// DefaultNonceLifetime is how long a nonce is accepted when
// Server.NonceLifetime is zero.
const DefaultNonceLifetime = 5 * time.Minute

// A Server challenges requests and verifies their credentials for one realm
// (RFC 3261 §22.2 for a UAS and a registrar, §22.3 for a proxy).
//
// Nonces carry their issue time and an HMAC under Secret, so any Server with
// the same Realm and Secret verifies them without shared state; only the
// nonce-counts seen, used to refuse replays, are kept in memory, for at most
// NonceLifetime and for at most MaxNonces nonces.
//
// The zero value of every field but Realm means the documented default. A
// Server is safe for concurrent use once its fields are set; it must not be
// copied after first use.
type Server struct {
	// Realm is the protection space, shown to the user (RFC 3261 §22.1):
	// usually the domain of the registrar or proxy.
	Realm string
	// Secret is the HMAC key of the nonces. Nil means a random key made on
	// first use: nonces then do not survive a restart, nor verify on another
	// Server.
	Secret []byte
	// NonceLifetime is how long a nonce is accepted; after it, credentials
	// fail with ErrStaleNonce. Zero means DefaultNonceLifetime.
	NonceLifetime time.Duration
	// Algorithms are offered in challenges, one header each, strongest first
	// (RFC 8760 §2.4), and are the only ones accepted in credentials. Nil means
	// SHA-256 then MD5: many SIP phones still know MD5 only.
	Algorithms []Algorithm
	// QOP are the quality-of-protection values offered: "auth" and
	// "auth-int" (RFC 7616 §3.3). Nil means ["auth"]. Credentials without qop
	// (RFC 2069 style) are refused, since they give no replay protection.
	QOP []string
	// Opaque, when not empty, is sent in challenges and must come back
	// unchanged in credentials (RFC 7616 §3.3).
	Opaque string
	// LooseURI accepts credentials whose uri is not the Request-URI, which
	// a UAS reached through a proxy that retargets requests (from an
	// address-of-record to a contact) must: in SIP "it is not necessarily a
	// failure if the two fields are not equivalent" (RFC 3261 §22.4 item
	// 6). The response still covers the uri as written. False means the two
	// must be equivalent (RFC 2617 §3.2.2.5), so that credentials cannot be
	// sent by a man in the middle to another destination: a proxy or a
	// registrar keeps it false.
	LooseURI bool
	// MaxNonces bounds the nonces whose nonce-count is remembered. Zero means
	// DefaultMaxNonces.
	MaxNonces int
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time

	once   sync.Once
	key    []byte
	counts counts
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) lifetime() time.Duration {
	if s.NonceLifetime > 0 {
		return s.NonceLifetime
	}
	return DefaultNonceLifetime
}

func (s *Server) maxNonces() int {
	if s.MaxNonces > 0 {
		return s.MaxNonces
	}
	return DefaultMaxNonces
}

func (s *Server) algorithms() []Algorithm {
	if len(s.Algorithms) > 0 {
		return s.Algorithms
	}
	return []Algorithm{SHA256, MD5}
}

func (s *Server) qops() []string {
	if len(s.QOP) > 0 {
		return s.QOP
	}
	return []string{"auth"}
}

func (s *Server) secret() []byte {
	if len(s.Secret) > 0 {
		return s.Secret
	}
	s.once.Do(func() {
		s.key = make([]byte, 32)
		rand.Read(s.key)
	})
	return s.key
}

// headerNames returns the challenge and credentials header names: a proxy
// uses Proxy-Authenticate / Proxy-Authorization (RFC 3261 §22.3).
func headerNames(proxy bool) (challenge, credentials string) {
	if proxy {
		return message.HeaderProxyAuthenticate, message.HeaderProxyAuthorization
	}
	return message.HeaderWWWAuthenticate, message.HeaderAuthorization
}

// Challenge returns the response that challenges req: 401 (Unauthorized)
// with WWW-Authenticate, or 407 (Proxy Authentication Required) with
// Proxy-Authenticate when proxy is set (RFC 3261 §22.2, §22.3). It carries
// one challenge per algorithm offered, strongest first, all with the same
// fresh nonce (RFC 8760 §2.4), and stale=true when stale is set: the answer
// to ErrStaleNonce, telling the client to retry with the new nonce without
// asking its user again (RFC 7616 §3.3).
func (s *Server) Challenge(req *message.Message, proxy bool, stale bool) *message.Message {
	code := 401
	if proxy {
		code = 407
	}
	resp := message.NewResponse(req, code, "")
	name, _ := headerNames(proxy)
	nonce := s.newNonce(s.now())
	qop := strings.Join(s.qops(), ",")
	algs := slices.Clone(s.algorithms())
	slices.SortStableFunc(algs, func(a, b Algorithm) int { return b.strength() - a.strength() })
	for _, a := range algs {
		c := &message.Auth{Scheme: "Digest"}
		c.Params.SetQuoted("realm", s.Realm)
		c.Params.SetQuoted("nonce", nonce)
		if s.Opaque != "" {
			c.Params.SetQuoted("opaque", s.Opaque)
		}
		if stale {
			c.Params.Set("stale", "true")
		}
		c.Params.Set("algorithm", string(a))
		c.Params.SetQuoted("qop", qop)
		resp.Headers.Add(name, c)
	}
	return resp
}

// Verify checks the credentials of req for the server's realm in
// Authorization, or in Proxy-Authorization when proxy is set, and returns the
// authenticated username. lookup returns the password of a user of a realm;
// a store that keeps hashes instead uses VerifyHA1.
//
// Credentials for other realms are ignored: they are for other proxies on the
// path (RFC 3261 §22.3); of several for the realm, any one may be right.
// ACK and CANCEL are never challenged (§22.1): a caller lets them through
// without Verify, since an ACK carries the INVITE's credentials, computed for
// the INVITE. On failure user is the username claimed, if any,
// for logging only. The error wraps one of the sentinels of this package;
// ErrNoCredentials, ErrStaleNonce (with stale=true) and ErrBadNonce call for a
// new Challenge.
func (s *Server) Verify(req *message.Message, proxy bool, lookup func(user, realm string) (password string, ok bool)) (user string, err error) {
	return s.VerifyHA1(req, proxy, func(user, realm string, a Algorithm) (string, bool) {
		pw, ok := lookup(user, realm)
		if !ok {
			return "", false
		}
		return HA1(a, user, realm, pw), true
	})
}

// VerifyHA1 is Verify for a store that keeps HA1 = H(username:realm:password)
// rather than passwords (see the HA1 function): lookup returns the HA1 for
// algorithm a, always a base algorithm (MD5, SHA-256 or SHA-512-256), as
// lowercase hex.
func (s *Server) VerifyHA1(req *message.Message, proxy bool, lookup func(user, realm string, a Algorithm) (ha1 string, ok bool)) (user string, err error) {
	_, name := headerNames(proxy)
	// Servers of one realm may each have challenged the request, and the
	// client answers them all (RFC 3261 §22.3): the credentials are tried
	// in turn, and the failure reported is one of this server's nonces
	// rather than one for another server of the realm.
	err = ErrNoCredentials
	for cred := range s.credentials(req, name) {
		u, e := s.verify(req, cred, lookup)
		if e == nil {
			return u, nil
		}
		if errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrBadNonce) && !errors.Is(e, ErrBadNonce) {
			user, err = u, e
		}
	}
	return user, err
}

// verify checks one set of credentials of req.
func (s *Server) verify(req *message.Message, cred *message.Auth, lookup func(user, realm string, a Algorithm) (ha1 string, ok bool)) (user string, err error) {
	p := func(n string) string { return cred.Param(n) }
	user = p("username")
	if user == "" {
		return "", fmt.Errorf("%w: no username", ErrBadCredentials)
	}
	alg, ok := ParseAlgorithm(p("algorithm"))
	if !ok || !slices.Contains(s.algorithms(), alg) {
		return user, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, p("algorithm"))
	}
	if s.Opaque != "" && p("opaque") != s.Opaque {
		return user, fmt.Errorf("%w: wrong opaque", ErrBadCredentials)
	}
	// The qop token is hashed as written but compared ignoring case.
	qop := p("qop")
	if !slices.Contains(s.qops(), strings.ToLower(qop)) {
		return user, fmt.Errorf("%w: qop %q not offered", ErrBadCredentials, qop)
	}
	ncText, cnonce := p("nc"), p("cnonce")
	nc, err := strconv.ParseUint(ncText, 16, 32)
	if err != nil || len(ncText) != 8 || nc == 0 || cnonce == "" {
		return user, fmt.Errorf("%w: nc %q, cnonce %q", ErrBadCredentials, ncText, cnonce)
	}
	uri := p("uri")
	if uri == "" {
		return user, fmt.Errorf("%w: no uri", ErrBadCredentials)
	}
	if !s.LooseURI && !sameURI(uri, req.RequestURI) {
		return user, fmt.Errorf("%w: %q", ErrURIMismatch, uri)
	}
	now := s.now()
	nonce := p("nonce")
	issued, nonceErr := s.checkNonce(nonce, now)
	if nonceErr != nil && !errors.Is(nonceErr, ErrStaleNonce) {
		return user, nonceErr
	}
	ha1, ok := lookup(user, s.Realm, alg.Base())
	if !ok {
		return user, fmt.Errorf("%w: %q", ErrUnknownUser, user)
	}
	c := computation{
		alg: alg, ha1: ha1, nonce: nonce, nc: ncText, cnonce: cnonce, qop: qop,
		method: req.Method, uri: uri, body: req.Body,
	}
	want := c.response()
	got := strings.ToLower(p("response"))
	if subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return user, ErrBadResponse
	}
	// Stale is reported only for a correct response under an old nonce, so
	// that stale=true never lets a client skip asking its user for a
	// password that is wrong (RFC 7616 §3.3).
	if nonceErr != nil {
		return user, nonceErr
	}
	// The nonce-count is recorded only for a correct response, so that a
	// forger cannot burn the counts of a legitimate client.
	fresh, known := s.counts.check(nonce, issued, uint32(nc), now, s.lifetime(), s.maxNonces())
	switch {
	case !known:
		return user, fmt.Errorf("%w: nonce forgotten", ErrStaleNonce)
	case !fresh:
		return user, fmt.Errorf("%w: nc %s", ErrReplay, ncText)
	}
	return user, nil
}

// credentials iterates over the Digest credentials in the headers named name
// whose realm is the server's.
func (s *Server) credentials(req *message.Message, name string) iter.Seq[*message.Auth] {
	return func(yield func(*message.Auth) bool) {
		for v := range req.Headers.Values(name) {
			a, ok := v.(*message.Auth)
			if ok && a != nil && strings.EqualFold(a.Scheme, "Digest") && a.Param("realm") == s.Realm && !yield(a) {
				return
			}
		}
	}
}

// sameURI reports whether the digest-uri names the Request-URI (RFC 2617
// §3.2.2.5). The hash covers the digest-uri as written, so an equivalent
// spelling is accepted.
func sameURI(digestURI string, ru *message.URI) bool {
	if ru == nil || digestURI == "" {
		return false
	}
	if digestURI == ru.String() {
		return true
	}
	u, err := message.ParseURI(digestURI)
	return err == nil && u.Equal(ru)
}
