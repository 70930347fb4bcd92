package digest

import (
	"testing"

	"github.com/sippet-go/sippet/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRFCVectors checks the hash functions against the worked examples of
// the RFCs. SIP computes the request-digest exactly as HTTP does (RFC 3261
// §22.4), with the SIP method and Request-URI in A2; the examples use GET and
// an HTTP path.
func TestRFCVectors(t *testing.T) {
	tests := []struct {
		name  string
		c     computation
		user  string
		realm string
		pass  string
		want  string
	}{
		{
			// RFC 2617 §3.5.
			name: "RFC 2617 3.5 MD5 auth",
			c: computation{alg: MD5, nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", nc: "00000001",
				cnonce: "0a4f113b", qop: "auth", method: "GET", uri: "/dir/index.html"},
			user: "Mufasa", realm: "testrealm@host.com", pass: "Circle Of Life",
			want: "6629fae49393a05397450978507c4ef1",
		},
		{
			// RFC 7616 §3.9.1, SHA-256 (password "Circle of Life", erratum 4495).
			name: "RFC 7616 3.9.1 SHA-256 auth",
			c: computation{alg: SHA256, nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc: "00000001",
				cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop: "auth", method: "GET", uri: "/dir/index.html"},
			user: "Mufasa", realm: "http-auth@example.org", pass: "Circle of Life",
			want: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
		},
		{
			// RFC 7616 §3.9.1, MD5.
			name: "RFC 7616 3.9.1 MD5 auth",
			c: computation{alg: MD5, nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc: "00000001",
				cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop: "auth", method: "GET", uri: "/dir/index.html"},
			user: "Mufasa", realm: "http-auth@example.org", pass: "Circle of Life",
			want: "8ca523f5e9506fed4657c9700eebdbec",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.ha1 = HA1(tt.c.alg, tt.user, tt.realm, tt.pass)
			assert.Equal(t, tt.want, tt.c.response())
		})
	}
}

// TestHashFunctions checks that each algorithm name maps to its hash
// function (RFC 7616 §3.2, RFC 8760 §2.2) with the "abc" vectors of RFC 1321
// and FIPS 180-4; the SHA-512-256 example of RFC 7616 §3.9.2 is disputed
// (erratum 4897), so it is not used.
func TestHashFunctions(t *testing.T) {
	tests := []struct {
		alg  Algorithm
		want string
	}{
		{MD5, "900150983cd24fb0d6963f7d28e17f72"},
		{MD5Sess, "900150983cd24fb0d6963f7d28e17f72"},
		{SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{SHA256Sess, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{SHA512_256, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
		{SHA512_256Sess, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.alg.h("abc"))
			assert.Equal(t, tt.want, tt.alg.hBytes([]byte("abc")))
		})
	}
}

// TestParseAlgorithm covers the default (RFC 7616 §3.3: absent means MD5)
// and case-insensitive matching of the token.
func TestParseAlgorithm(t *testing.T) {
	tests := []struct {
		in   string
		want Algorithm
		ok   bool
	}{
		{"", MD5, true},
		{"md5", MD5, true},
		{"sha-256", SHA256, true},
		{"SHA-512-256-SESS", SHA512_256Sess, true},
		{"SHA-1", "", false},
		{"AKAv1-MD5", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseAlgorithm(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	assert.Equal(t, "", HA1("SHA-1", "u", "r", "p"), "unknown algorithm")
}

// The answers that Sippet, the Elixir library this project re-imagines,
// computes for bob/zanzibar at biloxi.com (its test/digest_auth_test.exs):
// RFC 2069 style without qop, qop auth with and without an algorithm, and
// auth-int over an SDP body, with MD5 and MD5-sess.
func TestSippetKnownAnswers(t *testing.T) {
	const sdp = "v=0\r\n" +
		"o=bob 2890844526 2890844526 IN IP4 media.biloxi.com\r\n" +
		"s=-\r\n" +
		"c=IN IP4 media.biloxi.com\r\n" +
		"t=0 0\r\n" +
		"m=audio 49170 RTP/AVP 0\r\n" +
		"a=rtpmap:0 PCMU/8000\r\n" +
		"m=video 51372 RTP/AVP 31\r\n" +
		"a=rtpmap:31 H261/90000\r\n" +
		"m=video 53000 RTP/AVP 32\r\n" +
		"a=rtpmap:32 MPV/90000\r\n"
	tests := []struct {
		name, qop, algorithm, body, want string
	}{
		{"no qop, no algorithm", "", "", "", "bf57e4e0d0bffc0fbaedce64d59add5e"},
		{"auth, no algorithm", "auth", "", "", "89eb0059246c02b2f6ee02c7961d5ea3"},
		{"auth, MD5", "auth", "MD5", "", "89eb0059246c02b2f6ee02c7961d5ea3"},
		{"auth, MD5-sess", "auth", "MD5-sess", "", "e4e4ea61d186d07a92c9e1f6919902e9"},
		{"auth-int, MD5", "auth-int", "MD5", sdp, "bdbeebb2da6adb6bca02599c2239e192"},
		{"auth-int, MD5-sess", "auth-int", "MD5-sess", sdp, "91984da2d8663716e91554859c22ca70"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := &message.Auth{Scheme: "Digest", Params: message.Params{
				{Name: "realm", Value: "biloxi.com", Quoted: true},
				{Name: "nonce", Value: "dcd98b7102dd2f0e8b11d0f600bfb0c093", Quoted: true},
				{Name: "opaque", Value: "5ccc069c403ebaf9f0171e9517f40e41", Quoted: true},
			}}
			if tt.qop != "" {
				ch.Params = append(ch.Params, message.Param{Name: "qop", Value: tt.qop, Quoted: true})
			}
			if tt.algorithm != "" {
				ch.Params = append(ch.Params, message.Param{Name: "algorithm", Value: tt.algorithm})
			}
			got, err := Answer(ch, message.MethodInvite, "sip:bob@biloxi.com", []byte(tt.body), "bob", "zanzibar", 1, "0a4f113b")
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Param("response"))
		})
	}
}
