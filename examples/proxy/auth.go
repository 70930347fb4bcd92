package main

import (
	"bufio"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/sippet-go/sippet/message"
)

// readUsers reads a file of user:password lines; blank lines and lines
// starting with # are skipped.
func readUsers(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	users := make(map[string]string)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, pass, ok := strings.Cut(line, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("%s:%d: want user:password", name, n)
		}
		users[user] = pass
	}
	return users, sc.Err()
}

// digest is a placeholder proxy.Authenticator, to be replaced by package
// message/digest: HTTP digest with MD5 (RFC 3261 §22.4, RFC 2617), qop
// auth or none, one nonce for the life of the process and no replay
// protection. A REGISTER is challenged with 401 and WWW-Authenticate,
// anything else with 407 and Proxy-Authenticate (§22.3).
type digest struct {
	realm string
	nonce string
	users map[string]string
}

func newDigest(realm string, users map[string]string) *digest {
	return &digest{realm: realm, nonce: rand.Text(), users: users}
}

// Authenticate lets req through when its credentials for the realm are
// right, and answers the challenge otherwise.
func (d *digest) Authenticate(req *message.Message) *message.Message {
	credsHeader, challengeHeader, code := message.HeaderProxyAuthorization, message.HeaderProxyAuthenticate, message.StatusProxyAuthenticationRequired
	if req.Method == message.MethodRegister {
		credsHeader, challengeHeader, code = message.HeaderAuthorization, message.HeaderWWWAuthenticate, message.StatusUnauthorized
	}
	for v := range req.Headers.Values(credsHeader) {
		if a, ok := v.(*message.Auth); ok && strings.EqualFold(a.Scheme, "Digest") && a.Param("realm") == d.realm {
			if d.valid(req.Method, a) {
				return nil
			}
			return message.NewResponse(req, message.StatusForbidden, "")
		}
	}
	resp := message.NewResponse(req, code, "")
	resp.Headers.Add(challengeHeader, &message.Auth{Scheme: "Digest", Params: message.Params{
		{Name: "realm", Value: message.Quote(d.realm)},
		{Name: "nonce", Value: message.Quote(d.nonce)},
		{Name: "algorithm", Value: "MD5"},
		{Name: "qop", Value: `"auth"`},
	}})
	return resp
}

// valid checks the digest response of credentials a (RFC 2617 §3.2.2).
func (d *digest) valid(method string, a *message.Auth) bool {
	pass, ok := d.users[a.Param("username")]
	if !ok || a.Param("nonce") != d.nonce {
		return false
	}
	if alg := a.Param("algorithm"); alg != "" && !strings.EqualFold(alg, "MD5") {
		return false
	}
	ha1 := md5hex(a.Param("username") + ":" + d.realm + ":" + pass)
	ha2 := md5hex(method + ":" + a.Param("uri"))
	var want string
	if qop := a.Param("qop"); qop == "" {
		want = md5hex(ha1 + ":" + d.nonce + ":" + ha2)
	} else {
		want = md5hex(ha1 + ":" + d.nonce + ":" + a.Param("nc") + ":" + a.Param("cnonce") + ":" + qop + ":" + ha2)
	}
	return strings.EqualFold(want, a.Param("response"))
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
