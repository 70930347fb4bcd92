package message

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headerTestStart is the start line of the minimal message each header is
// parsed in.
const headerTestStart = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"

// A headerTest is one header field parsed inside a minimal message.
type headerTest struct {
	line string  // the field as received, without its CRLF
	body string  // the message body (for Content-Length)
	want Headers // the parsed headers
	wire string  // the field as Bytes writes it; "" when it is line
}

// hdrParams builds a Params from name, value pairs; a value starting with '"' is
// quoted (the quotes are dropped).
func hdrParams(nv ...string) Params {
	var ps Params
	for i := 0; i < len(nv); i += 2 {
		v := nv[i+1]
		if strings.HasPrefix(v, `"`) {
			ps = append(ps, Param{Name: nv[i], Value: strings.Trim(v, `"`), Quoted: true})
		} else {
			ps = append(ps, Param{Name: nv[i], Value: v})
		}
	}
	return ps
}

func hdrSIPURI(user, host string, port int, params ...string) URI {
	return URI{Scheme: "sip", User: user, Host: host, Port: port, Params: hdrParams(params...)}
}

func hdr(name string, v Value) Header        { return Header{Name: name, Value: v} }
func hdrCompact(name string, v Value) Header { return Header{Name: name, Value: v, Compact: true} }
func hdrJoined(name string, v Value) Header  { return Header{Name: name, Value: v, Joined: true} }
func hdrToken(v string, params ...string) *Token {
	return &Token{Value: v, Params: hdrParams(params...)}
}

var headerTests = []headerTest{
	// RFC 3261 §20.1; an empty Accept means no body is acceptable.
	{line: "Accept: application/sdp;level=1, application/x-private, text/html", want: Headers{
		hdr(HeaderAccept, &MediaType{Type: "application", Subtype: "sdp", Params: hdrParams("level", "1")}),
		hdrJoined(HeaderAccept, &MediaType{Type: "application", Subtype: "x-private"}),
		hdrJoined(HeaderAccept, &MediaType{Type: "text", Subtype: "html"}),
	}},
	{line: "Accept:", want: Headers{hdr(HeaderAccept, nil)}, wire: "Accept: "},
	{line: "Accept: application / sdp ; q = 0.5", want: Headers{
		hdr(HeaderAccept, &MediaType{Type: "application", Subtype: "sdp", Params: hdrParams("q", "0.5")}),
	}, wire: "Accept: application/sdp;q=0.5"},
	// RFC 3841 §9.2: not typed, kept verbatim.
	{line: `a: *;audio;require`, want: Headers{hdrCompact(HeaderAcceptContact, &Raw{Value: "*;audio;require"})}},
	{line: "Accept-Contact: *;audio", want: Headers{hdr(HeaderAcceptContact, &Raw{Value: "*;audio"})}},
	// RFC 3261 §20.2, §20.3.
	{line: "Accept-Encoding: gzip, identity;q=0.5", want: Headers{
		hdr(HeaderAcceptEncoding, hdrToken("gzip")), hdrJoined(HeaderAcceptEncoding, hdrToken("identity", "q", "0.5")),
	}},
	{line: "Accept-Language: da, en-gb;q=0.8, en;q=0.7", want: Headers{
		hdr(HeaderAcceptLanguage, hdrToken("da")),
		hdrJoined(HeaderAcceptLanguage, hdrToken("en-gb", "q", "0.8")),
		hdrJoined(HeaderAcceptLanguage, hdrToken("en", "q", "0.7")),
	}},
	// RFC 3261 §20.4.
	{line: "Alert-Info: <http://www.example.com/sounds/moo.wav>", want: Headers{
		hdr(HeaderAlertInfo, &Address{URI: URI{Scheme: "http", Opaque: "//www.example.com/sounds/moo.wav"}}),
	}},
	// RFC 3261 §20.5; empty is allowed.
	{line: "Allow: INVITE, ACK, OPTIONS", want: Headers{
		hdr(HeaderAllow, Tokens("INVITE", "ACK", "OPTIONS")),
	}},
	{line: "Allow:", want: Headers{hdr(HeaderAllow, nil)}, wire: "Allow: "},
	// RFC 3261 §7.3.1: LWS around the commas; written back without it.
	{line: "Allow:INVITE ,ACK,\tBYE", want: Headers{hdr(HeaderAllow, Tokens("INVITE", "ACK", "BYE"))}, wire: "Allow: INVITE, ACK, BYE"},
	// RFC 6665 §8.2.2 (compact u).
	{line: "u: presence, dialog", want: Headers{
		hdrCompact(HeaderAllowEvents, Tokens("presence", "dialog")),
	}},
	{line: "Allow-Events: refer", want: Headers{hdr(HeaderAllowEvents, Tokens("refer"))}},
	// RFC 3261 §20.6: no scheme.
	{line: `Authentication-Info: nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="ab"`, want: Headers{
		hdr(HeaderAuthenticationInfo, &Auth{Params: hdrParams("nextnonce", `"47364c23432d2e131a5fb210812c"`, "qop", "auth", "rspauth", `"ab"`)}),
	}},
	// RFC 3261 §20.7: quoted and unquoted Digest parameters.
	{line: `Authorization: Digest username="Alice", realm="atlanta.com", nonce="84a4cc6f", uri="sip:bob@biloxi.com",` +
		` response="7587245234b3434cc3412213e5f113a5", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001`,
		want: Headers{hdr(HeaderAuthorization, &Auth{Scheme: "Digest", Params: hdrParams(
			"username", `"Alice"`, "realm", `"atlanta.com"`, "nonce", `"84a4cc6f"`, "uri", `"sip:bob@biloxi.com"`,
			"response", `"7587245234b3434cc3412213e5f113a5"`, "algorithm", "MD5", "cnonce", `"0a4f113b"`,
			"qop", "auth", "nc", "00000001")})}},
	{line: `Authorization: Digest  username = "Alice" ,realm="a\"b"`, want: Headers{
		hdr(HeaderAuthorization, &Auth{Scheme: "Digest", Params: hdrParams("username", `"Alice"`, "realm", `"a\"b"`)}),
	}, wire: `Authorization: Digest username="Alice", realm="a\"b"`},
	// RFC 3261 §20.8 (compact i).
	{line: "Call-ID: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@biloxi.com", want: Headers{
		hdr(HeaderCallID, &Text{Value: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@biloxi.com"}),
	}},
	{line: "i:f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4", want: Headers{
		hdrCompact(HeaderCallID, &Text{Value: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4"}),
	}, wire: "i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4"},
	// RFC 3261 §20.9.
	{line: "Call-Info: <http://wwww.example.com/alice/photo.jpg> ;purpose=icon, <http://www.example.com/alice/> ;purpose=info",
		want: Headers{
			hdr(HeaderCallInfo, &Address{URI: URI{Scheme: "http", Opaque: "//wwww.example.com/alice/photo.jpg"}, Params: hdrParams("purpose", "icon")}),
			hdrJoined(HeaderCallInfo, &Address{URI: URI{Scheme: "http", Opaque: "//www.example.com/alice/"}, Params: hdrParams("purpose", "info")}),
		}, wire: "Call-Info: <http://wwww.example.com/alice/photo.jpg>;purpose=icon, <http://www.example.com/alice/>;purpose=info"},
	// RFC 3261 §20.10 (compact m): "*", q and expires, quoted display names
	// with escapes, addr-spec whose parameters are header parameters.
	{line: "Contact: *", want: Headers{hdr(HeaderContact, &Address{Wildcard: true})}},
	{line: `Contact: "Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. \"W\" \\ Jr" <mailto:watson@bell-telephone.com> ;q=0.1`,
		want: Headers{
			hdr(HeaderContact, &Address{Display: `"Mr. Watson"`, URI: hdrSIPURI("watson", "worcester.bell-telephone.com", 0), Params: hdrParams("q", "0.7", "expires", "3600")}),
			hdrJoined(HeaderContact, &Address{Display: `"Mr. \"W\" \\ Jr"`, URI: URI{Scheme: "mailto", Opaque: "watson@bell-telephone.com"}, Params: hdrParams("q", "0.1")}),
		}, wire: `Contact: "Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7;expires=3600, "Mr. \"W\" \\ Jr" <mailto:watson@bell-telephone.com>;q=0.1`},
	{line: "m: sip:alice@192.0.2.4:5060;transport=tcp;expires=60", want: Headers{
		hdrCompact(HeaderContact, &Address{URI: hdrSIPURI("alice", "192.0.2.4", 5060), Params: hdrParams("transport", "tcp", "expires", "60")}),
	}, wire: "m: <sip:alice@192.0.2.4:5060>;transport=tcp;expires=60"},
	{line: "Contact: Bob Smith<sips:bob@[2001:db8::1]:5061;transport=tls>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"",
		want: Headers{hdr(HeaderContact, &Address{Display: "Bob Smith",
			URI:    URI{Scheme: "sips", User: "bob", Host: "[2001:db8::1]", Port: 5061, Params: hdrParams("transport", "tls")},
			Params: hdrParams("+sip.instance", `"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"`)})},
		wire: "Contact: Bob Smith <sips:bob@[2001:db8::1]:5061;transport=tls>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""},
	// RFC 3261 §20.11.
	{line: "Content-Disposition: session;handling=optional", want: Headers{
		hdr(HeaderContentDisposition, hdrToken("session", "handling", "optional")),
	}},
	// RFC 3261 §20.12 (compact e), §20.13.
	{line: "e: gzip", want: Headers{hdrCompact(HeaderContentEncoding, Tokens("gzip"))}},
	{line: "Content-Encoding: gzip, tar", want: Headers{hdr(HeaderContentEncoding, Tokens("gzip", "tar"))}},
	{line: "Content-Language: fr, en", want: Headers{hdr(HeaderContentLanguage, Tokens("fr", "en"))}},
	// RFC 3261 §20.14 (compact l): written from the body.
	{line: "Content-Length: 0", want: Headers{hdr(HeaderContentLength, &Number{Value: 0})}},
	{line: "l: 004", body: "v=0\n", want: Headers{hdrCompact(HeaderContentLength, &Number{Value: 4})}, wire: "l: 4"},
	// RFC 3261 §20.15 (compact c).
	{line: "Content-Type: application/sdp", want: Headers{hdr(HeaderContentType, &MediaType{Type: "application", Subtype: "sdp"})}},
	{line: `c: text/html; charset=ISO-8859-4;format="x y"`, want: Headers{
		hdrCompact(HeaderContentType, &MediaType{Type: "text", Subtype: "html", Params: hdrParams("charset", "ISO-8859-4", "format", `"x y"`)}),
	}, wire: `c: text/html;charset=ISO-8859-4;format="x y"`},
	// RFC 3261 §20.16.
	{line: "CSeq: 4711 INVITE", want: Headers{hdr(HeaderCSeq, &CSeq{Seq: 4711, Method: MethodInvite})}},
	{line: "CSeq:\t0002147483647   ACK", want: Headers{hdr(HeaderCSeq, &CSeq{Seq: 1<<31 - 1, Method: MethodAck})}, wire: "CSeq: 2147483647 ACK"},
	// §20.16: a 32-bit unsigned integer, which a dialog's requests may
	// reach from a first number below 2**31 (§12.2.1.1).
	{line: "CSeq: 4294967295 BYE", want: Headers{hdr(HeaderCSeq, &CSeq{Seq: 1<<32 - 1, Method: MethodBye})}},
	// RFC 3261 §20.17.
	{line: "Date: Sat, 13 Nov 2010 23:29:00 GMT", want: Headers{hdr(HeaderDate, &Text{Value: "Sat, 13 Nov 2010 23:29:00 GMT"})}},
	// RFC 3261 §20.18.
	{line: "Error-Info: <sip:not-in-service-recording@atlanta.com>", want: Headers{
		hdr(HeaderErrorInfo, &Address{URI: hdrSIPURI("not-in-service-recording", "atlanta.com", 0)}),
	}},
	// RFC 6665 §8.2.1 (compact o): the id parameter.
	{line: "Event: dialog;id=a7f3", want: Headers{hdr(HeaderEvent, hdrToken("dialog", "id", "a7f3"))}},
	{line: "o: presence", want: Headers{hdrCompact(HeaderEvent, hdrToken("presence"))}},
	// RFC 3261 §20.19.
	{line: "Expires: 5", want: Headers{hdr(HeaderExpires, &Number{Value: 5})}},
	// RFC 3261 §20.20 (compact f).
	{line: `From: "A. G. Bell" <sip:agb@bell-telephone.com> ;tag=a48s`, want: Headers{
		hdr(HeaderFrom, &Address{Display: `"A. G. Bell"`, URI: hdrSIPURI("agb", "bell-telephone.com", 0), Params: hdrParams("tag", "a48s")}),
	}, wire: `From: "A. G. Bell" <sip:agb@bell-telephone.com>;tag=a48s`},
	{line: "f: Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8", want: Headers{
		hdrCompact(HeaderFrom, &Address{Display: "Anonymous", URI: hdrSIPURI("c8oqz84zk7z", "privacy.org", 0), Params: hdrParams("tag", "hyh8")}),
	}},
	// RFC 8224 (compact y), RFC 4474 Identity-Info (compact n): verbatim.
	{line: "y: ZYNBbHC00VMZr2kZt6VmCvPonWJMGvQTBDqghoWeLxJfzB2a1pxAr3VgrB0SsSAa", want: Headers{
		hdrCompact(HeaderIdentity, &Raw{Value: "ZYNBbHC00VMZr2kZt6VmCvPonWJMGvQTBDqghoWeLxJfzB2a1pxAr3VgrB0SsSAa"}),
	}},
	{line: "Identity: abc;info=<https://example.com/cert>", want: Headers{hdr(HeaderIdentity, &Raw{Value: "abc;info=<https://example.com/cert>"})}},
	{line: "n: <https://atlanta.example.com/atlanta.cer>;alg=rsa-sha1", want: Headers{
		hdrCompact(HeaderIdentityInfo, &Raw{Value: "<https://atlanta.example.com/atlanta.cer>;alg=rsa-sha1"}),
	}},
	{line: "Identity-Info: <https://a.example/c.cer>", want: Headers{hdr(HeaderIdentityInfo, &Raw{Value: "<https://a.example/c.cer>"})}},
	// RFC 3261 §20.21: Call-IDs hold "@".
	{line: "In-Reply-To: 70710@saturn.bell-tel.com, 17320@saturn.bell-tel.com", want: Headers{
		hdr(HeaderInReplyTo, hdrToken("70710@saturn.bell-tel.com")), hdrJoined(HeaderInReplyTo, hdrToken("17320@saturn.bell-tel.com")),
	}},
	// callid = word [ "@" word ]: '"', '<' and '>' are word characters,
	// and a comma is not (§25.1).
	{line: `In-Reply-To: a<b@h.example.com, c>d@h.example.com, e"f`, want: Headers{
		hdr(HeaderInReplyTo, hdrToken("a<b@h.example.com")), hdrJoined(HeaderInReplyTo, hdrToken("c>d@h.example.com")),
		hdrJoined(HeaderInReplyTo, hdrToken(`e"f`)),
	}},
	// RFC 3261 §20.22.
	{line: "Max-Forwards: 70", want: Headers{hdr(HeaderMaxForwards, &Number{Value: 70})}},
	{line: "Max-Forwards: 255", want: Headers{hdr(HeaderMaxForwards, &Number{Value: 255})}},
	// RFC 3261 §20.24, §20.23.
	{line: "MIME-Version: 1.0", want: Headers{hdr(HeaderMIMEVersion, &Text{Value: "1.0"})}},
	{line: "Min-Expires: 60", want: Headers{hdr(HeaderMinExpires, &Number{Value: 60})}},
	// RFC 4028 §5.
	{line: "Min-SE: 90", want: Headers{hdr(HeaderMinSE, &Interval{Seconds: 90})}},
	{line: "Min-SE: 90;x=1", want: Headers{hdr(HeaderMinSE, &Interval{Seconds: 90, Params: hdrParams("x", "1")})}},
	// RFC 3261 §20.25.
	{line: "Organization: Boxes by Bob", want: Headers{hdr(HeaderOrganization, &Text{Value: "Boxes by Bob"})}},
	// RFC 3325 §9.1.
	{line: `P-Asserted-Identity: "Cullen Jennings" <sip:fluffy@cisco.com>, <tel:+14085264000>`, want: Headers{
		hdr(HeaderPAssertedIdentity, &Address{Display: `"Cullen Jennings"`, URI: hdrSIPURI("fluffy", "cisco.com", 0)}),
		hdrJoined(HeaderPAssertedIdentity, &Address{URI: URI{Scheme: "tel", User: "+14085264000"}}),
	}},
	// RFC 3327 §4.
	{line: "Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>", want: Headers{
		hdr(HeaderPath, &Address{URI: hdrSIPURI("", "P3.EXAMPLEHOME.COM", 0, "lr", "")}),
		hdrJoined(HeaderPath, &Address{URI: hdrSIPURI("", "P1.EXAMPLEVISITED.COM", 0, "lr", "")}),
	}, wire: "Path: <sip:P3.EXAMPLEHOME.COM;lr>, <sip:P1.EXAMPLEVISITED.COM;lr>"},
	// RFC 3261 §20.26.
	{line: "Priority: emergency", want: Headers{hdr(HeaderPriority, hdrToken("emergency"))}},
	// RFC 3261 §20.27, §20.28.
	{line: `Proxy-Authenticate: Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5`,
		want: Headers{hdr(HeaderProxyAuthenticate, &Auth{Scheme: "Digest", Params: hdrParams("realm", `"atlanta.com"`, "domain", `"sip:ss1.carrier.com"`,
			"qop", `"auth"`, "nonce", `"f84f1cec41e6cbe5aea9c8e88d359"`, "opaque", `""`, "stale", "FALSE", "algorithm", "MD5")})}},
	{line: `Proxy-Authorization: Digest username="Alice", realm="atlanta.com", nonce="c60f3082ee1212b402a21831ae", response="245f23415f11432b3434341c022"`,
		want: Headers{hdr(HeaderProxyAuthorization, &Auth{Scheme: "Digest", Params: hdrParams("username", `"Alice"`, "realm", `"atlanta.com"`,
			"nonce", `"c60f3082ee1212b402a21831ae"`, "response", `"245f23415f11432b3434341c022"`)})}},
	// RFC 3261 §20.29.
	{line: "Proxy-Require: foo", want: Headers{hdr(HeaderProxyRequire, Tokens("foo"))}},
	// RFC 3262 §7.2.
	{line: "RAck: 776656 1 INVITE", want: Headers{hdr(HeaderRAck, &RAck{RSeq: 776656, CSeq: 1, Method: MethodInvite})}},
	{line: "RAck:  1\t 02   PRACK ", want: Headers{hdr(HeaderRAck, &RAck{RSeq: 1, CSeq: 2, Method: MethodPrack})}, wire: "RAck: 1 2 PRACK"},
	// RFC 3326 §2: a quoted text holding a comma.
	{line: `Reason: SIP ;cause=200 ;text="Call completed, elsewhere"`, want: Headers{
		hdr(HeaderReason, hdrToken("SIP", "cause", "200", "text", `"Call completed, elsewhere"`)),
	}, wire: `Reason: SIP;cause=200;text="Call completed, elsewhere"`},
	{line: `Reason: Q.850;cause=16;text="Terminated", SIP;cause=600`, want: Headers{
		hdr(HeaderReason, hdrToken("Q.850", "cause", "16", "text", `"Terminated"`)), hdrJoined(HeaderReason, hdrToken("SIP", "cause", "600")),
	}},
	// RFC 3261 §20.30.
	{line: "Record-Route: <sip:server10.biloxi.com;lr>, <sip:bigbox3.site3.atlanta.com;lr>", want: Headers{
		hdr(HeaderRecordRoute, &Address{URI: hdrSIPURI("", "server10.biloxi.com", 0, "lr", "")}),
		hdrJoined(HeaderRecordRoute, &Address{URI: hdrSIPURI("", "bigbox3.site3.atlanta.com", 0, "lr", "")}),
	}},
	// RFC 3515 §2.1 (compact r), RFC 3892 (compact b).
	{line: "Refer-To: <sip:bob@biloxi.example.net?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345>", want: Headers{
		hdr(HeaderReferTo, &Address{URI: URI{Scheme: "sip", User: "bob", Host: "biloxi.example.net",
			Headers: hdrParams("Replaces", "12345%40192.168.118.3%3Bto-tag%3D12345")}}),
	}},
	{line: "r: sip:carol@cleveland.example.org", want: Headers{hdrCompact(HeaderReferTo, &Address{URI: hdrSIPURI("carol", "cleveland.example.org", 0)})},
		wire: "r: <sip:carol@cleveland.example.org>"},
	{line: `b: "Alice" <sip:alice@atlanta.example.com>`, want: Headers{
		hdrCompact(HeaderReferredBy, &Address{Display: `"Alice"`, URI: hdrSIPURI("alice", "atlanta.example.com", 0)}),
	}},
	{line: "Referred-By: <sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\"", want: Headers{
		hdr(HeaderReferredBy, &Address{URI: hdrSIPURI("referrer", "referrer.example", 0), Params: hdrParams("cid", `"20398823.2UWQFN309shb3@referrer.example"`)}),
	}},
	// RFC 3841 §9 (compacts j and d): verbatim.
	{line: `j: *;actor="msg-taker";video`, want: Headers{hdrCompact(HeaderRejectContact, &Raw{Value: `*;actor="msg-taker";video`})}},
	{line: "Reject-Contact: *;video", want: Headers{hdr(HeaderRejectContact, &Raw{Value: "*;video"})}},
	{line: "d: proxy, recurse", want: Headers{hdrCompact(HeaderRequestDisposition, &Raw{Value: "proxy, recurse"})}},
	{line: "Request-Disposition: redirect", want: Headers{hdr(HeaderRequestDisposition, &Raw{Value: "redirect"})}},
	// RFC 3261 §20.31, §20.32.
	{line: "Reply-To: Bob <sip:bob@biloxi.com>", want: Headers{hdr(HeaderReplyTo, &Address{Display: "Bob", URI: hdrSIPURI("bob", "biloxi.com", 0)})}},
	{line: "Require: 100rel", want: Headers{hdr(HeaderRequire, Tokens("100rel"))}},
	// RFC 3261 §20.33: a comment and a duration.
	{line: "Retry-After: 18000;duration=3600", want: Headers{hdr(HeaderRetryAfter, &Interval{Seconds: 18000, Params: hdrParams("duration", "3600")})}},
	{line: "Retry-After: 120 (I'm in a (long) meeting) ;duration=60", want: Headers{
		hdr(HeaderRetryAfter, &Interval{Seconds: 120, Comment: "I'm in a (long) meeting", Params: hdrParams("duration", "60")}),
	}, wire: "Retry-After: 120 (I'm in a (long) meeting);duration=60"},
	// RFC 3261 §20.34.
	{line: "Route: <sip:bigbox3.site3.atlanta.com;lr>, <sip:server10.biloxi.com;lr>", want: Headers{
		hdr(HeaderRoute, &Address{URI: hdrSIPURI("", "bigbox3.site3.atlanta.com", 0, "lr", "")}),
		hdrJoined(HeaderRoute, &Address{URI: hdrSIPURI("", "server10.biloxi.com", 0, "lr", "")}),
	}},
	// Route, Record-Route and Path are name-addr only (§20.34, §20.30, RFC
	// 3327 §4): the parameters of a URI sent without <> are the URI's.
	{line: "Route: sip:p1.example.com;lr , sip:p2.example.com;lr;transport=tcp", want: Headers{
		hdr(HeaderRoute, &Address{URI: hdrSIPURI("", "p1.example.com", 0, "lr", "")}),
		hdrJoined(HeaderRoute, &Address{URI: hdrSIPURI("", "p2.example.com", 0, "lr", "", "transport", "tcp")}),
	}, wire: "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr;transport=tcp>"},
	{line: "Record-Route: sip:p1.example.com;lr", want: Headers{
		hdr(HeaderRecordRoute, &Address{URI: hdrSIPURI("", "p1.example.com", 0, "lr", "")}),
	}, wire: "Record-Route: <sip:p1.example.com;lr>"},
	{line: "Path: sip:p1.example.com;lr;ob", want: Headers{
		hdr(HeaderPath, &Address{URI: hdrSIPURI("", "p1.example.com", 0, "lr", "", "ob", "")}),
	}, wire: "Path: <sip:p1.example.com;lr;ob>"},
	// RFC 3262 §7.1.
	{line: "RSeq: 988789", want: Headers{hdr(HeaderRSeq, &Number{Value: 988789})}},
	// RFC 3261 §20.35.
	{line: "Server: HomeServer v2", want: Headers{hdr(HeaderServer, &Text{Value: "HomeServer v2"})}},
	// RFC 4028 §4 (compact x).
	{line: "Session-Expires: 4000;refresher=uac", want: Headers{hdr(HeaderSessionExpires, &Interval{Seconds: 4000, Params: hdrParams("refresher", "uac")})}},
	{line: "x: 1800", want: Headers{hdrCompact(HeaderSessionExpires, &Interval{Seconds: 1800})}},
	// RFC 3261 §20.36 (compact s).
	{line: "Subject: Need more boxes", want: Headers{hdr(HeaderSubject, &Text{Value: "Need more boxes"})}},
	{line: "s: Tech Support", want: Headers{hdrCompact(HeaderSubject, &Text{Value: "Tech Support"})}},
	// RFC 6665 §8.2.3.
	{line: "Subscription-State: active;expires=60", want: Headers{hdr(HeaderSubscriptionState, hdrToken("active", "expires", "60"))}},
	{line: "Subscription-State: terminated;reason=timeout;retry-after=30", want: Headers{
		hdr(HeaderSubscriptionState, hdrToken("terminated", "reason", "timeout", "retry-after", "30")),
	}},
	// RFC 3261 §20.37 (compact k); empty is allowed.
	{line: "Supported: 100rel, timer", want: Headers{hdr(HeaderSupported, Tokens("100rel", "timer"))}},
	{line: "k: path", want: Headers{hdrCompact(HeaderSupported, Tokens("path"))}},
	{line: "Supported: ", want: Headers{hdr(HeaderSupported, nil)}},
	// RFC 3261 §20.38.
	{line: "Timestamp: 54", want: Headers{hdr(HeaderTimestamp, &Timestamp{Value: "54"})}},
	{line: "Timestamp: 54.21   0.3", want: Headers{hdr(HeaderTimestamp, &Timestamp{Value: "54.21", Delay: "0.3"})}, wire: "Timestamp: 54.21 0.3"},
	// delay = *(DIGIT) [ "." *(DIGIT) ]: unlike the time, it needs no digit.
	{line: "Timestamp: 54 .5", want: Headers{hdr(HeaderTimestamp, &Timestamp{Value: "54", Delay: ".5"})}},
	{line: "Timestamp: 54.21 .003", want: Headers{hdr(HeaderTimestamp, &Timestamp{Value: "54.21", Delay: ".003"})}},
	// RFC 3261 §20.39 (compact t).
	{line: "To: The Operator <sip:operator@cs.columbia.edu>;tag=287447", want: Headers{
		hdr(HeaderTo, &Address{Display: "The Operator", URI: hdrSIPURI("operator", "cs.columbia.edu", 0), Params: hdrParams("tag", "287447")}),
	}},
	{line: "t: sip:+12125551212@server.phone2net.com", want: Headers{hdrCompact(HeaderTo, &Address{URI: hdrSIPURI("+12125551212", "server.phone2net.com", 0)})},
		wire: "t: <sip:+12125551212@server.phone2net.com>"},
	// RFC 3261 §20.40, §20.41.
	{line: "Unsupported: foo, bar", want: Headers{hdr(HeaderUnsupported, Tokens("foo", "bar"))}},
	{line: "User-Agent: Softphone Beta1.5", want: Headers{hdr(HeaderUserAgent, &Text{Value: "Softphone Beta1.5"})}},
	// RFC 3261 §20.42 (compact v); IPv6 with brackets, received and rport
	// (RFC 3581).
	{line: "Via: SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7", want: Headers{
		hdr(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "erlang.bell-telephone.com", Port: 5060, Params: hdrParams("branch", "z9hG4bK87asdks7")}),
	}},
	{line: "Via: SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207 ;branch=z9hG4bK77asjd, SIP/2.0/TCP h", want: Headers{
		hdr(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "192.0.2.1", Port: 5060, Params: hdrParams("received", "192.0.2.207", "branch", "z9hG4bK77asjd")}),
		hdrJoined(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "TCP", Host: "h"}),
	}, wire: "Via: SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.207;branch=z9hG4bK77asjd, SIP/2.0/TCP h"},
	{line: "v: SIP/2.0/TCP [2001:db8::9:1]:5061;branch=z9hG4bKas3;received=2001:db8::9:255;rport=5062", want: Headers{
		hdrCompact(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "TCP", Host: "[2001:db8::9:1]", Port: 5061,
			Params: hdrParams("branch", "z9hG4bKas3", "received", "2001:db8::9:255", "rport", "5062")}),
	}},
	{line: "Via: SIP/2.0/WSS [::1];rport;received=[::2];branch=z9hG4bKx", want: Headers{
		hdr(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "WSS", Host: "[::1]", Params: hdrParams("rport", "", "received", "[::2]", "branch", "z9hG4bKx")}),
	}},
	// RFC 3261 §20.43.
	{line: `Warning: 307 isi.edu "Session parameter 'foo' not understood"`, want: Headers{
		hdr(HeaderWarning, &Warning{Code: 307, Agent: "isi.edu", Text: "Session parameter 'foo' not understood"}),
	}},
	{line: `Warning: 301 isi.edu "Incompatible network address type 'E.164', sorry", 399 192.0.2.1:5060 "a \"b\""`, want: Headers{
		hdr(HeaderWarning, &Warning{Code: 301, Agent: "isi.edu", Text: "Incompatible network address type 'E.164', sorry"}),
		hdrJoined(HeaderWarning, &Warning{Code: 399, Agent: "192.0.2.1:5060", Text: `a \"b\"`}),
	}},
	// RFC 3261 §20.44: qop is a quoted list holding a comma.
	{line: `WWW-Authenticate: Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5`,
		want: Headers{hdr(HeaderWWWAuthenticate, &Auth{Scheme: "Digest", Params: hdrParams("realm", `"atlanta.com"`, "domain", `"sip:boxesbybob.com"`,
			"qop", `"auth,auth-int"`, "nonce", `"f84f1cec41e6cbe5aea9c8e88d359"`, "opaque", `""`, "stale", "FALSE", "algorithm", "MD5")})}},

	// A header this package does not know keeps its name as written and
	// its value verbatim (unfolded, trimmed).
	{line: "X-Custom-Thing:  a, b;c=\"d\"  ", want: Headers{hdr("X-Custom-Thing", &Raw{Value: `a, b;c="d"`})}, wire: `X-Custom-Thing: a, b;c="d"`},
	{line: "X-Empty:", want: Headers{hdr("X-Empty", &Raw{})}, wire: "X-Empty: "},
	{line: "X-Folded: one\r\n  two\r\n\tthree", want: Headers{hdr("X-Folded", &Raw{Value: "one two three"})}, wire: "X-Folded: one two three"},
	// Names of known headers are case-insensitive and canonicalized.
	{line: "cALL-iD: abc", want: Headers{hdr(HeaderCallID, &Text{Value: "abc"})}, wire: "Call-ID: abc"},
	{line: "V: SIP/2.0/UDP h", want: Headers{hdrCompact(HeaderVia, &Via{Protocol: "SIP", Version: "2.0", Transport: "UDP", Host: "h"})}, wire: "v: SIP/2.0/UDP h"},

	// A known header that is not critical keeps a value that does not
	// follow its grammar as *Raw, so that a proxy forwards it untouched
	// (header.go).
	{line: "Expires: soon", want: Headers{hdr(HeaderExpires, &Raw{Value: "soon"})}},
	{line: "Supported: a b, c", want: Headers{hdr(HeaderSupported, &Raw{Value: "a b, c"})}},
	{line: "Accept: text, text/html", want: Headers{hdr(HeaderAccept, &Raw{Value: "text, text/html"})}},
	{line: "Allow: INVITE,", want: Headers{hdr(HeaderAllow, &Raw{Value: "INVITE,"})}},
	{line: "Supported: timer;refresher=uac", want: Headers{hdr(HeaderSupported, &Raw{Value: "timer;refresher=uac"})}},
	{line: "Require: <100rel>", want: Headers{hdr(HeaderRequire, &Raw{Value: "<100rel>"})}},
	{line: "Allow: INVITE,,ACK", want: Headers{hdr(HeaderAllow, &Raw{Value: "INVITE,,ACK"})}},
	{line: "Retry-After: later", want: Headers{hdr(HeaderRetryAfter, &Raw{Value: "later"})}},
	{line: "Warning: 1812 overture \"In Progress\"", want: Headers{hdr(HeaderWarning, &Raw{Value: `1812 overture "In Progress"`})}},
	{line: "Timestamp: 1 2 3", want: Headers{hdr(HeaderTimestamp, &Raw{Value: "1 2 3"})}},
	{line: "RAck: 1 INVITE", want: Headers{hdr(HeaderRAck, &Raw{Value: "1 INVITE"})}},
	{line: `Authorization: Digest realm="x`, want: Headers{hdr(HeaderAuthorization, &Raw{Value: `Digest realm="x`})}},
	{line: "Refer-To: <sip:a@b", want: Headers{hdr(HeaderReferTo, &Raw{Value: "<sip:a@b"})}},
	{line: "Alert-Info: http://x.example/a", want: Headers{hdr(HeaderAlertInfo, &Raw{Value: "http://x.example/a"})}},
	{line: "Content-Type: sdp", want: Headers{hdr(HeaderContentType, &Raw{Value: "sdp"})}},
	{line: "Min-SE: -1", want: Headers{hdr(HeaderMinSE, &Raw{Value: "-1"})}},
}

// TestHeaders parses each header in a minimal message, checks its typed
// values, the wire form Bytes gives it and that this form parses back to
// the same values.
func TestHeaders(t *testing.T) {
	for _, tt := range headerTests {
		t.Run(tt.line, func(t *testing.T) {
			data := headerTestStart + tt.line + "\r\n\r\n" + tt.body
			m, err := Parse([]byte(data))
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Headers)

			wire := tt.wire
			if wire == "" {
				wire = tt.line
			}
			want := headerTestStart + wire + "\r\n"
			if m.Headers.Index(HeaderContentLength) < 0 {
				want += "Content-Length: " + strconv.Itoa(len(tt.body)) + "\r\n"
			}
			want += "\r\n" + tt.body
			assert.Equal(t, want, m.String())

			m2, err := Parse(m.Bytes())
			require.NoError(t, err)
			assert.Empty(t, messageDiff(m, m2))
			// Each value writes on its own what it wrote in the message.
			for _, h := range m.Headers {
				if h.Value != nil {
					assert.Equal(t, string(h.Value.Append(nil)), h.Value.String())
					assert.Equal(t, h.Value, h.Value.Clone())
				}
			}
		})
	}
}

// TestHeadersCoverTable keeps the table above complete: every header of
// headertable.go, in full and compact form, has a row.
func TestHeadersCoverTable(t *testing.T) {
	full := map[string]bool{}
	compact := map[string]bool{}
	for _, tt := range headerTests {
		name, _, _ := strings.Cut(tt.line, ":")
		if len(name) == 1 {
			compact[strings.ToLower(name)] = true
		} else {
			full[name] = true
		}
	}
	for _, s := range headerSpecs {
		assert.True(t, full[s.name], "no row for %s", s.name)
		if s.compact != 0 {
			assert.True(t, compact[string(rune(s.compact))], "no row for compact %c (%s)", s.compact, s.name)
		}
	}
	assert.Len(t, compact, 20, "a b c d e f i j k l m n o r s t u v x y")
}

// TestCanonicalName covers every name of the table in other cases and in
// compact form.
func TestCanonicalName(t *testing.T) {
	for _, s := range headerSpecs {
		assert.Equal(t, s.name, CanonicalName(strings.ToUpper(s.name)))
		assert.Equal(t, s.name, CanonicalName(strings.ToLower(s.name)))
		if s.compact != 0 {
			c := string(rune(s.compact))
			assert.Equal(t, s.name, CanonicalName(c))
			assert.Equal(t, s.name, CanonicalName(strings.ToUpper(c)))
			assert.Equal(t, c, CompactName(s.name))
			assert.Equal(t, c, CompactName(strings.ToLower(s.name)))
		} else {
			assert.Equal(t, "", CompactName(s.name))
		}
	}
	for _, name := range []string{"X-Foo", "g", "", "1", "Vias", "Vi"} {
		assert.Equal(t, name, CanonicalName(name))
		assert.Equal(t, "", CompactName(name))
	}
}

// TestCriticalHeaderErrors: an invalid value of a header that routing and
// transactions depend on fails the parse (header.go), at the line where the
// field starts and naming the header as written.
func TestCriticalHeaderErrors(t *testing.T) {
	tests := []struct {
		lines  string // header lines after the start line (line 1)
		err    error
		line   int
		header string
	}{
		{"CSeq: x INVITE", ErrInvalidHeader, 2, "CSeq"},
		{"CSeq: 1", ErrInvalidHeader, 2, "CSeq"},
		{"CSeq: 4294967296 INVITE", ErrInvalidHeader, 2, "CSeq"}, // RFC 3261 §20.16: 32 bits (RFC 4475 §3.1.2.4)
		{"CSeq: 1 IN VITE", ErrInvalidHeader, 2, "CSeq"},
		{"X: 1\r\ncseq:", ErrInvalidHeader, 3, "cseq"},
		{"Max-Forwards: 256", ErrInvalidHeader, 2, "Max-Forwards"}, // RFC 3261 §20.22: 0-255
		{"Max-Forwards: -1", ErrInvalidHeader, 2, "Max-Forwards"},
		{"Max-Forwards: 7 0", ErrInvalidHeader, 2, "Max-Forwards"},
		{"Call-ID: a b", ErrInvalidHeader, 2, "Call-ID"},
		{"i: a@", ErrInvalidHeader, 2, "i"},
		{"Via: SIP/2.0 host", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDPhost", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP host:0", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP host:65536", ErrInvalidHeader, 2, "Via"},
		// sent-by = host, and IPv6reference = "[" IPv6address "]" (§25.1).
		{"Via: SIP/2.0/UDP [a;b=c];branch=z9hG4bK1", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP [not-an-address]", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP [::1%eth0]:5060", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP []", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP [::1", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP host;branch=", ErrInvalidHeader, 2, "Via"},
		{`Via: SIP/2.0/UDP host;branch="z9hG4bK"`, ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP host;rport=x", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP host;ttl=256", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP a,", ErrInvalidHeader, 2, "Via"},
		{"Via: SIP/2.0/UDP a, ,SIP/2.0/UDP b", ErrInvalidHeader, 2, "Via"},
		{"v: SIP/2.0/UDP a junk", ErrInvalidHeader, 2, "v"},
		{"From: <sip:a@b", ErrInvalidHeader, 2, "From"},
		{"From: Bell, Alexander <sip:a@b>", ErrInvalidHeader, 2, "From"},
		{"From: \"Bell <sip:a@b>", ErrInvalidHeader, 2, "From"},
		{"From: <sip:a@b>;tag", ErrInvalidHeader, -1, ""}, // valid: a tag without value is a generic-param
		{"From: <sip:a@b> x", ErrInvalidHeader, 2, "From"},
		{"To: <sip:a@b>;=x", ErrInvalidHeader, 2, "To"},
		{"To: <sip:a@b>;x=", ErrInvalidHeader, 2, "To"},
		{"To: sip:a@b?subject=x", ErrInvalidHeader, 2, "To"}, // RFC 3261 §20: "?" needs <>
		{"To: <sip:a@b:99999>", ErrInvalidURI, 2, "To"},
		{"To: <>", ErrInvalidURI, 2, "To"},
		{"t: *", ErrInvalidURI, 2, "t"},
		{"Contact: <sip:a@b>, <", ErrInvalidHeader, 2, "Contact"},
		{`Contact: "a <sip:a@b>`, ErrInvalidHeader, 2, "Contact"},
		{"Contact: <sip:a@b>,", ErrInvalidHeader, 2, "Contact"},
		{"Route: <sip:a@b;lr>,\r\n <sip:c d>", ErrInvalidURI, 2, "Route"},
		{"Record-Route: sip:a@b;lr, foo", ErrInvalidURI, 2, "Record-Route"},
		{"Content-Length: x", ErrBadContentLength, 2, "Content-Length"},
		{"Content-Length: 4294967296", ErrBadContentLength, 2, "Content-Length"},
		{"l:", ErrBadContentLength, 2, "l"},
		{"Content-Length: 0\r\nl: 0", ErrBadContentLength, 3, "l"},      // RFC 4475 §3.3.9
		{"Content-Length: 1", ErrBadContentLength, 2, "Content-Length"}, // RFC 4475 §3.1.2.2
		{"X: 1\r\nl: 1", ErrBadContentLength, 3, "l"},
		// Header-level syntax.
		{"NoColon", ErrInvalidHeader, 2, ""},
		{"Bad Name: x", ErrInvalidHeader, 2, ""},
		{": x", ErrInvalidHeader, 2, ""},
		{" Via: SIP/2.0/UDP h", ErrInvalidHeader, 2, ""}, // a fold right after the start line
	}
	for _, tt := range tests {
		t.Run(tt.lines, func(t *testing.T) {
			m, err := Parse([]byte(headerTestStart + tt.lines + "\r\n\r\n"))
			if tt.line < 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, tt.err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.line, pe.Line)
			assert.Equal(t, tt.header, pe.Header)
			assert.Equal(t, StatusBadRequest, pe.StatusCode())
			assert.NotContains(t, pe.Reason(), "\r")
			assert.NotContains(t, pe.Reason(), "\n")
		})
	}
}

// TestHeaderOrder: headers keep the message order, their compact form and
// the lines their list values were written on (RFC 3261 §7.3.1: the order of
// values of one name matters, and a proxy must not change it).
func TestHeaderOrder(t *testing.T) {
	data := headerTestStart +
		"Route: <sip:p1.example.com;lr>\r\n" +
		"v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2\r\n" +
		"Subject: Lunch\r\n" +
		"Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n" +
		"Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n" +
		"X-B: 1\r\n" +
		"x-b: 2\r\n" +
		"l: 0\r\n" +
		"\r\n"
	m, err := Parse([]byte(data))
	require.NoError(t, err)
	type entry struct {
		name            string
		compact, joined bool
		value           string
	}
	var got []entry
	for _, h := range m.Headers {
		got = append(got, entry{h.Name, h.Compact, h.Joined, h.Value.String()})
	}
	assert.Equal(t, []entry{
		{"Route", false, false, "<sip:p1.example.com;lr>"},
		{"Via", true, false, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1"},
		{"Via", true, true, "SIP/2.0/TCP b.example.com;branch=z9hG4bK2"},
		{"Subject", false, false, "Lunch"},
		{"Route", false, false, "<sip:p2.example.com;lr>"},
		{"Route", false, true, "<sip:p3.example.com;lr>"},
		{"Via", false, false, "SIP/2.0/UDP c.example.com;branch=z9hG4bK3"},
		{"X-B", false, false, "1"},
		{"x-b", false, false, "2"},
		{"Content-Length", true, false, "0"},
	}, got)
	assert.Equal(t, data, m.String())
	var routes []string
	for r := range m.Routes() {
		routes = append(routes, r.URI.Host)
	}
	assert.Equal(t, []string{"p1.example.com", "p2.example.com", "p3.example.com"}, routes)
	assert.Equal(t, 3, m.Headers.Count("v"))
	assert.Equal(t, 2, m.Headers.Count("X-B"))
}
