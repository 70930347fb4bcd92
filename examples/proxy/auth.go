package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/message/digest"
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

// defaultDigest are the digest algorithms offered when -digest is not
// given: the strongest first (RFC 8760 §2.4), MD5 for older clients (sipp
// 3.6 knows only MD5).
const defaultDigest = "SHA-256,MD5"

// parseAlgorithms reads a comma-separated -digest list ("" is
// defaultDigest).
func parseAlgorithms(s string) ([]digest.Algorithm, error) {
	if strings.TrimSpace(s) == "" {
		s = defaultDigest
	}
	var algs []digest.Algorithm
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		a, ok := digest.ParseAlgorithm(name)
		if name == "" || !ok {
			return nil, fmt.Errorf("unknown digest algorithm %q", name)
		}
		algs = append(algs, a)
	}
	return algs, nil
}

// authenticator is the proxy's proxy.Authenticator: HTTP digest from
// package message/digest (RFC 3261 §22, RFC 7616, RFC 8760) for the users
// of the -users file. A REGISTER is challenged as a registrar does, with
// 401 and WWW-Authenticate; any other request from a local user as a proxy
// does, with 407 and Proxy-Authenticate (§22.3).
type authenticator struct {
	server *digest.Server
	users  map[string]string
	logger *slog.Logger
}

// newAuthenticator returns an authenticator for realm (the domain), with
// a random nonce secret made at start: nonces do not outlive the process.
func newAuthenticator(realm string, users map[string]string, algs string, logger *slog.Logger) (*authenticator, error) {
	offered, err := parseAlgorithms(algs)
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &authenticator{
		server: &digest.Server{Realm: realm, Secret: secret, Algorithms: offered},
		users:  users,
		logger: logger,
	}, nil
}

// password is the server's lookup of a user's password.
func (a *authenticator) password(user, _ string) (string, bool) {
	p, ok := a.users[user]
	return p, ok
}

// Authenticate lets req through when its credentials are right for the
// user it comes from, and answers otherwise: a new challenge (stale when
// only the nonce was old), 403 for a wrong password or another user's
// credentials, 400 for malformed ones.
func (a *authenticator) Authenticate(req *message.Message) *message.Message {
	proxy := req.Method != message.MethodRegister
	user, err := a.server.Verify(req, proxy, a.password)
	if err != nil {
		a.logger.Debug("digest authentication failed", "method", req.Method, "user", user, "error", err)
		switch {
		case errors.Is(err, digest.ErrStaleNonce):
			// The password was right: the client retries with the new
			// nonce without asking its user (RFC 7616 §3.3).
			return a.server.Challenge(req, proxy, true)
		case errors.Is(err, digest.ErrBadResponse), errors.Is(err, digest.ErrUnknownUser):
			// Wrong password or no such user: asking again will not help
			// (RFC 3261 §21.4.4).
			return message.NewResponse(req, message.StatusForbidden, "")
		case errors.Is(err, digest.ErrBadCredentials), errors.Is(err, digest.ErrURIMismatch):
			return message.NewResponse(req, message.StatusBadRequest, "")
		default:
			// No credentials for the realm, a nonce not ours, a replayed
			// nonce-count or an algorithm not offered: a fresh challenge
			// (§22.1).
			return a.server.Challenge(req, proxy, false)
		}
	}
	// The user authenticated must be the one the request claims to come
	// from (§22.3), and a REGISTER must be for the user's own
	// address-of-record (§10.3 step 4).
	if !sameUser(req.From(), user) || (!proxy && !sameUser(req.To(), user)) {
		a.logger.Debug("digest user is not the request's", "method", req.Method, "user", user)
		return message.NewResponse(req, message.StatusForbidden, "")
	}
	return nil
}

// sameUser reports whether the user part of addr's URI is user.
func sameUser(addr *message.Address, user string) bool {
	return addr != nil && addr.URI.UserUnescaped() == user
}
