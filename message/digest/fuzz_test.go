package digest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sippet-go/sippet/message"
)

// FuzzVerify changes the credentials of a retry that a Server accepts, with
// the qop of each kind and in both headers: whatever they become, Verify
// neither panics nor accepts anyone but the one user whose password it
// knows, and every failure wraps one of the package's sentinels.
func FuzzVerify(f *testing.F) {
	sentinels := []error{ErrNoCredentials, ErrStaleNonce, ErrBadNonce, ErrReplay, ErrBadResponse,
		ErrUnsupportedAlgorithm, ErrUnknownUser, ErrBadCredentials, ErrURIMismatch}
	// The fuzzer's line goes after the start line of the request that the
	// seeds answer; the digest covers its method, Request-URI and body.
	base := newRequest(f, "hello").Bytes()
	k := bytes.Index(base, []byte("\r\n")) + 2
	head, tail := base[:k], base[k:]
	for _, qop := range []string{"auth", "auth-int"} {
		for _, proxy := range []bool{false, true} {
			s := newServer(newClock())
			s.QOP = []string{qop}
			retry := authorize(f, s, newRequest(f, "hello"), proxy, "bob", "zanzibar")
			_, name := headerNames(proxy)
			f.Add([]byte(name+": "+credentialsOf(f, retry, proxy).String()+"\r\n"), proxy)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte, proxy bool) {
		m, err := message.Parse(append(append(bytes.Clone(head), line...), tail...))
		if err != nil {
			return
		}
		s := newServer(newClock())
		s.QOP = []string{"auth", "auth-int"}
		user, err := s.Verify(m, proxy, passwords)
		if err == nil {
			if user != "bob" {
				t.Fatalf("accepted user %q", user)
			}
			return
		}
		for _, e := range sentinels {
			if errors.Is(err, e) {
				return
			}
		}
		t.Fatalf("error %v wraps no sentinel", err)
	})
}
