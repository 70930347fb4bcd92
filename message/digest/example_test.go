package digest_test

import (
	"errors"
	"fmt"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/message/digest"
)

const register = "REGISTER sip:registrar.biloxi.com SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n" +
	"Max-Forwards: 70\r\n" +
	"To: Bob <sip:bob@biloxi.com>\r\n" +
	"From: Bob <sip:bob@biloxi.com>;tag=456248\r\n" +
	"Call-ID: 843817637684230@998sdasdh09\r\n" +
	"CSeq: 1826 REGISTER\r\n" +
	"Contact: <sip:bob@192.0.2.4>\r\n" +
	"Content-Length: 0\r\n\r\n"

// A registrar challenges a REGISTER, the UA answers, the registrar verifies
// (RFC 3261 §22.2).
func Example() {
	registrar := &digest.Server{Realm: "biloxi.com", Secret: []byte("keep me secret")}
	lookup := func(user, realm string) (string, bool) {
		if user == "bob" {
			return "zanzibar", true
		}
		return "", false
	}

	req, _ := message.Parse([]byte(register))
	if _, err := registrar.Verify(req, false, lookup); errors.Is(err, digest.ErrNoCredentials) {
		resp := registrar.Challenge(req, false, false)
		fmt.Println(resp.StatusCode, resp.Reason, resp.Headers.Count(message.HeaderWWWAuthenticate), "challenges")

		// The UA side.
		retry, err := digest.Authorize(req, resp, "bob", "zanzibar")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("CSeq", retry.CSeq())

		user, err := registrar.Verify(retry, false, lookup)
		fmt.Println(user, err)

		_, err = registrar.Verify(retry, false, lookup)
		fmt.Println(err)
	}
	// Output:
	// 401 Unauthorized 2 challenges
	// CSeq 1827 REGISTER
	// bob <nil>
	// sip: digest: replayed nonce-count: nc 00000001
}

// A server answers ErrStaleNonce with a new challenge carrying stale=true,
// so that the client retries without asking its user (RFC 7616 §3.3).
func ExampleServer_Challenge() {
	s := &digest.Server{Realm: "biloxi.com", Algorithms: []digest.Algorithm{digest.SHA256}}
	req, _ := message.Parse([]byte(register))
	resp := s.Challenge(req, true, true)
	c := resp.Headers.Get(message.HeaderProxyAuthenticate).(*message.Auth)
	fmt.Println(resp.StatusCode, c.Param("realm"), c.Param("algorithm"), c.Param("qop"), c.Param("stale"))
	// Output:
	// 407 biloxi.com SHA-256 auth true
}

// The credentials of RFC 2617 §3.5.
func ExampleAnswer() {
	ch := &message.Auth{Scheme: "Digest"}
	ch.Params.SetQuoted("realm", "testrealm@host.com")
	ch.Params.SetQuoted("qop", "auth,auth-int")
	ch.Params.SetQuoted("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093")
	a, err := digest.Answer(ch, "GET", "/dir/index.html", nil, "Mufasa", "Circle Of Life", 1, "0a4f113b")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Param("response"))
	// Output:
	// 6629fae49393a05397450978507c4ef1
}

// A store that keeps hashes rather than passwords.
func ExampleHA1() {
	fmt.Println(digest.HA1(digest.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"))
	// Output:
	// 939e7578ed9e3c518a452acee763bce9
}
