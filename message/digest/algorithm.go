package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
)

// An Algorithm names the hash function of a digest computation, as written
// in the algorithm parameter (RFC 7616 §3.3, RFC 8760 §2.2). The "-sess"
// variants hash the nonce and cnonce into HA1 (RFC 7616 §3.4.2).
type Algorithm string

// The algorithms this package computes. MD5 is the default when a challenge
// or credentials carry no algorithm parameter (RFC 7616 §3.3).
const (
	MD5            Algorithm = "MD5"
	MD5Sess        Algorithm = "MD5-sess"
	SHA256         Algorithm = "SHA-256"
	SHA256Sess     Algorithm = "SHA-256-sess"
	SHA512_256     Algorithm = "SHA-512-256"
	SHA512_256Sess Algorithm = "SHA-512-256-sess"
)

// algorithms lists the known algorithms, strongest first: the order in
// which Authorize prefers them.
var algorithms = [...]Algorithm{SHA512_256, SHA512_256Sess, SHA256, SHA256Sess, MD5, MD5Sess}

// ParseAlgorithm returns the known Algorithm spelled s, ignoring case (the
// algorithm parameter is a token, compared case-insensitively, RFC 7616
// §3.3); "" means MD5. ok is false for an algorithm this package does not
// know.
func ParseAlgorithm(s string) (a Algorithm, ok bool) {
	if s == "" {
		return MD5, true
	}
	for _, a := range algorithms {
		if strings.EqualFold(string(a), s) {
			return a, true
		}
	}
	return "", false
}

// Sess reports whether a is a session variant ("-sess").
func (a Algorithm) Sess() bool { return strings.HasSuffix(string(a), "-sess") }

// Base returns a without its "-sess" suffix: the algorithm whose HA1 a
// password store keeps.
func (a Algorithm) Base() Algorithm { return Algorithm(strings.TrimSuffix(string(a), "-sess")) }

// strength ranks a for picking among challenges: higher is stronger, 0 is
// unknown.
func (a Algorithm) strength() int {
	switch a.Base() {
	case SHA512_256:
		return 3
	case SHA256:
		return 2
	case MD5:
		return 1
	}
	return 0
}

func (a Algorithm) newHash() hash.Hash {
	switch a.Base() {
	case SHA512_256:
		return sha512.New512_256()
	case SHA256:
		return sha256.New()
	case MD5:
		return md5.New()
	}
	return nil
}

// h is H(data) in lowercase hex, the KD and H functions of RFC 7616 §3.4.1
// joined: the callers pass the colon-separated parts.
func (a Algorithm) h(parts ...string) string {
	hh := a.newHash()
	for i, p := range parts {
		if i > 0 {
			hh.Write([]byte{':'})
		}
		hh.Write([]byte(p))
	}
	return hex.EncodeToString(hh.Sum(nil))
}

// hBytes is H(body) for qop=auth-int (RFC 7616 §3.4.3).
func (a Algorithm) hBytes(body []byte) string {
	hh := a.newHash()
	hh.Write(body)
	return hex.EncodeToString(hh.Sum(nil))
}

// HA1 returns H(username:realm:password) with the hash function of a (its
// "-sess" suffix ignored): what a password store keeps instead of the password
// (RFC 7616 §3.4.2, RFC 3261 §22.4). It returns "" for an unknown algorithm.
func HA1(a Algorithm, username, realm, password string) string {
	if a.strength() == 0 {
		return ""
	}
	return a.h(username, realm, password)
}

// computation holds the inputs of one request-digest (RFC 7616 §3.4.1).
type computation struct {
	alg    Algorithm
	ha1    string // H(username:realm:password), before the -sess step
	nonce  string
	nc     string // 8 hex digits, "" without qop
	cnonce string
	qop    string // "", "auth" or "auth-int"
	method string
	uri    string
	body   []byte
}

// response computes the request-digest: KD(HA1, nonce:nc:cnonce:qop:HA2), or
// KD(HA1, nonce:HA2) without qop (RFC 2069 compatibility, RFC 2617 §3.2.2.1).
func (c *computation) response() string {
	ha1 := c.ha1
	if c.alg.Sess() {
		ha1 = c.alg.h(ha1, c.nonce, c.cnonce)
	}
	var ha2 string
	// The qop is hashed as written, but names auth-int in any case, as the
	// server's check of it does.
	if strings.EqualFold(c.qop, "auth-int") {
		ha2 = c.alg.h(c.method, c.uri, c.alg.hBytes(c.body))
	} else {
		ha2 = c.alg.h(c.method, c.uri)
	}
	if c.qop == "" {
		return c.alg.h(ha1, c.nonce, ha2)
	}
	return c.alg.h(ha1, c.nonce, c.nc, c.cnonce, c.qop, ha2)
}
