package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
	"testing"

	"github.com/sippet-go/sippet/message"
)

// independent reference implementation
func refH(alg string, s string) string {
	var h hash.Hash
	switch strings.TrimSuffix(strings.ToUpper(alg), "-SESS") {
	case "", "MD5":
		h = md5.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-512-256":
		h = sha512.New512_256()
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func refResponse(alg, user, realm, pass, nonce, nc, cnonce, qop, method, uri, body string) string {
	ha1 := refH(alg, user+":"+realm+":"+pass)
	if strings.HasSuffix(strings.ToLower(alg), "-sess") {
		ha1 = refH(alg, ha1+":"+nonce+":"+cnonce)
	}
	a2 := method + ":" + uri
	if qop == "auth-int" {
		a2 += ":" + refH(alg, body)
	}
	ha2 := refH(alg, a2)
	if qop == "" {
		return refH(alg, ha1+":"+nonce+":"+ha2)
	}
	return refH(alg, ha1+":"+nonce+":"+nc+":"+cnonce+":"+qop+":"+ha2)
}

// RFC 3261 §22.4 item 8: algorithms depending on cnonce (MD5-sess) require qop.
func TestAudit2Digest_AnswerSessWithoutQOP(t *testing.T) {
	ch := &message.Auth{Scheme: "Digest"}
	ch.Params.SetQuoted("realm", "biloxi.com")
	ch.Params.SetQuoted("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093")
	ch.Params.Set("algorithm", "MD5-sess")
	a1, err1 := Answer(ch, "INVITE", "sip:bob@biloxi.com", nil, "bob", "zanzibar", 1, "cnonce-one")
	a2, err2 := Answer(ch, "INVITE", "sip:bob@biloxi.com", nil, "bob", "zanzibar", 1, "cnonce-two")
	if err1 != nil && err2 != nil {
		return // refused: correct
	}
	t.Logf("a1: %s", a1)
	t.Logf("a2: %s", a2)
	if !a1.Params.Has("cnonce") && a1.Param("response") != a2.Param("response") {
		t.Errorf("Answer to an MD5-sess challenge without qop returned credentials whose response depends on a cnonce it does not send (unverifiable); want an error")
	}
}

// RFC 3261 §22.4 item 6: forwarded request, digest-uri != Request-URI is not necessarily a failure.
func TestAudit2Digest_VerifyRetargetedRequestURI(t *testing.T) {
	s := newServer(newClock())
	req := newRequest(t, "")
	// UAC sends to the AOR
	aor, _ := message.ParseURI("sip:bob@biloxi.com")
	req.RequestURI = aor
	retry := authorize(t, s, req, false, "bob", "zanzibar")
	// a proxy retargets to the registered contact
	contact, _ := message.ParseURI("sip:bob@192.0.2.4")
	retry.RequestURI = contact
	_, err := s.Verify(retry, false, passwords)
	if err != nil {
		t.Errorf("retargeted request with correct credentials refused: %v", err)
	}
}

// qop compared case-insensitively for policy, but case-sensitively when computing HA2.
func TestAudit2Digest_QOPCaseAuthInt(t *testing.T) {
	c := newClock()
	s := newServer(c)
	s.QOP = []string{"auth-int"}
	req := newRequest(t, "Watson, come here.")
	ch := s.Challenge(req, false, false).Headers.Get(message.HeaderWWWAuthenticate).(*message.Auth)
	// credentials labelled AUTH-INT, computed as auth (no body hash)
	nonce := ch.Param("nonce")
	alg := ch.Param("algorithm")
	uri := req.RequestURI.String()
	resp := refResponse(alg, "bob", testRealm, "zanzibar", nonce, "00000001", "cn", "AUTH-INT", req.Method, uri, "")
	// refResponse with qop "AUTH-INT" hashes without body (since qop != "auth-int")
	a := &message.Auth{Scheme: "Digest"}
	a.Params.SetQuoted("username", "bob")
	a.Params.SetQuoted("realm", testRealm)
	a.Params.SetQuoted("nonce", nonce)
	a.Params.SetQuoted("uri", uri)
	a.Params.SetQuoted("response", resp)
	a.Params.Set("algorithm", alg)
	a.Params.Set("qop", "AUTH-INT")
	a.Params.Set("nc", "00000001")
	a.Params.SetQuoted("cnonce", "cn")
	m := req.Clone()
	m.Body = []byte("tampered body")
	m.Headers.Set(message.HeaderAuthorization, a)
	_, err := s.Verify(m, false, passwords)
	if err == nil {
		t.Errorf("server requiring auth-int accepted qop=AUTH-INT credentials that do not cover the body (tampered body accepted)")
	}
}

// RFC 3261 §22.3: multiple credentials with the same realm.
func TestAudit2Digest_VerifySameRealmSecondCredential(t *testing.T) {
	c := newClock()
	a := newServer(c)
	b := newServer(c)
	b.Secret = []byte("other secret")
	req := newRequest(t, "")
	respA := a.Challenge(req, true, false)
	respB := b.Challenge(req, true, false)
	chA := respA.Headers.Get(message.HeaderProxyAuthenticate).(*message.Auth)
	chB := respB.Headers.Get(message.HeaderProxyAuthenticate).(*message.Auth)
	credA, _ := Answer(chA, req.Method, req.RequestURI.String(), nil, "bob", "zanzibar", 1, "c1")
	credB, _ := Answer(chB, req.Method, req.RequestURI.String(), nil, "bob", "zanzibar", 1, "c2")
	m := req.Clone()
	m.Headers.Add(message.HeaderProxyAuthorization, credA)
	m.Headers.Add(message.HeaderProxyAuthorization, credB)
	if _, err := b.Verify(m, true, passwords); err != nil {
		t.Errorf("valid second same-realm credential ignored: %v", err)
	}
}

// RFC 3261 §22.1: credentials accepted for INVITE MUST be accepted for the ACK.
func TestAudit2Digest_VerifyACKDuplicatesInviteCredentials(t *testing.T) {
	c := newClock()
	s := newServer(c)
	raw := "INVITE sip:bob@biloxi.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n" +
		"Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.com>\r\nFrom: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@pc33.atlanta.com>\r\nContent-Length: 0\r\n\r\n"
	inv, err := message.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	retry := authorize(t, s, inv, false, "bob", "zanzibar")
	if _, err := s.Verify(retry, false, passwords); err != nil {
		t.Fatal(err)
	}
	ack := retry.Clone()
	ack.Method = "ACK"
	ack.CSeq().Method = "ACK"
	if _, err := s.Verify(ack, false, passwords); err != nil {
		t.Errorf("ACK carrying the INVITE's accepted credentials refused: %v", err)
	}
}
