package message

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzSeeds are typical messages that start the corpus next to the RFC 4475
// torture messages.
var fuzzSeeds = []string{
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: \"Bob\" <sip:bob@biloxi.example.com>\r\n" +
		"From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
		"CSeq: 314159 INVITE\r\n" +
		"Contact: <sip:alice@192.0.2.101:5060;transport=udp>;expires=60;q=0.5, *\r\n" +
		"Allow: INVITE, ACK, CANCEL\r\n" +
		"Supported:\r\n" +
		"Content-Type: application/sdp;charset=\"utf-8\"\r\n" +
		"Content-Length: 4\r\n\r\nv=0\n",
	"SIP/2.0 401 Unauthorized\r\n" +
		"v: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKa;received=2001:db8::2;rport=5061, SIP/2.0/UDP h\r\n" +
		"f: <sip:a@b>;tag=1\r\nt: sip:c@d;tag=2\r\ni: x@y\r\nCSeq: 1 REGISTER\r\n" +
		"WWW-Authenticate: Digest realm=\"atlanta.com\", qop=\"auth,auth-int\", nonce=\"84a4\", algorithm=MD5\r\n" +
		"Retry-After: 120 (in a (nested) meeting);duration=60\r\n" +
		"Warning: 307 isi.edu \"Session parameter 'foo' not understood\", 399 h:5060 \"x\"\r\n" +
		"Timestamp: 54.21 0.3\r\nRAck: 776656 1 INVITE\r\nSession-Expires: 1800;refresher=uac\r\n" +
		"Reason: SIP;cause=200;text=\"Call completed, elsewhere\"\r\n" +
		"Event: presence;id=7\r\nSubscription-State: active;expires=60\r\n" +
		"X-Unknown:  folded\r\n  value ;;,\r\nl: 0\r\n\r\n",
	"OPTIONS sips:[::1]:5061;transport=tls?h=v SIP/2.0\nVia: SIP/2.0/TLS a.b\nCall-ID: c\nCSeq: 0009 OPTIONS\n\n",
	"\r\n\r\nACK tel:+1-201-555-0123;ext=12 SIP/2.0\r\nRoute: <sip:p1;lr>, <sip:p2;lr>\r\nm: \"J \\\"R\\\"\" <sip:j@r>\r\n\r\nbody without length",
	"SIP/2.0 100 \r\nContent-Length: 0\r\n\r\n",
}

// FuzzParse checks that Parse never panics and that whatever it accepts is
// written by Bytes in a form that parses back to the same message.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join(tortureDir, "*", "*.dat"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if m != nil {
				t.Fatalf("Parse returned a message with error %v", err)
			}
			return
		}
		wire := m.Bytes()
		m2, err := Parse(wire)
		if err != nil {
			t.Fatalf("Parse(Bytes) failed: %v\ninput: %q\nwire:  %q", err, data, wire)
		}
		if diff := messageDiff(m, m2); diff != "" {
			t.Fatalf("Parse(Bytes) differs: %s\ninput: %q\nwire:  %q", diff, data, wire)
		}
		// Serializing is a fixed point after the first round.
		if wire2 := m2.Bytes(); !bytes.Equal(wire, wire2) {
			t.Fatalf("Bytes not stable:\nfirst:  %q\nsecond: %q", wire, wire2)
		}
	})
}

// messageDiff reports how got, parsed from want.Bytes(), differs from want,
// or "". Only what the serializer normalizes by design is forgiven: a
// Content-Length header is added when want had none (its value is len(Body),
// as in want when it had one). Everything else must be identical: the start
// line, and for every header its name, compact and joined flags, the
// concrete type and every field of its value, and its wire form; the body.
func messageDiff(want, got *Message) string {
	if want.Method != got.Method || want.StatusCode != got.StatusCode ||
		want.Reason != got.Reason || want.Version != got.Version {
		return fmt.Sprintf("start line %q %d %q %q != %q %d %q %q",
			want.Method, want.StatusCode, want.Reason, want.Version,
			got.Method, got.StatusCode, got.Reason, got.Version)
	}
	if !reflect.DeepEqual(want.RequestURI, got.RequestURI) {
		return fmt.Sprintf("Request-URI %#v != %#v", want.RequestURI, got.RequestURI)
	}
	if !bytes.Equal(want.Body, got.Body) || (want.Body == nil) != (got.Body == nil) {
		return fmt.Sprintf("body %q != %q", want.Body, got.Body)
	}
	gh := got.Headers
	if want.Headers.Index(HeaderContentLength) < 0 {
		i := gh.Index(HeaderContentLength)
		if i != len(gh)-1 {
			return fmt.Sprintf("added Content-Length at %d of %d headers", i, len(gh))
		}
		if n, ok := gh[i].Value.(*Number); !ok || n.Value != len(got.Body) {
			return fmt.Sprintf("added Content-Length %v for a body of %d bytes", gh[i].Value, len(got.Body))
		}
		gh = gh[:i]
	}
	if len(want.Headers) != len(gh) {
		return fmt.Sprintf("%d headers != %d", len(want.Headers), len(gh))
	}
	for i := range gh {
		w, g := want.Headers[i], gh[i]
		if w.Name != g.Name || w.Compact != g.Compact || w.Joined != g.Joined {
			return fmt.Sprintf("header %d: %+v != %+v", i, w, g)
		}
		if reflect.TypeOf(w.Value) != reflect.TypeOf(g.Value) {
			return fmt.Sprintf("header %d (%s): type %T != %T", i, w.Name, w.Value, g.Value)
		}
		if w.Value == nil {
			continue
		}
		if !reflect.DeepEqual(w.Value, g.Value) {
			return fmt.Sprintf("header %d (%s): %#v != %#v", i, w.Name, w.Value, g.Value)
		}
		if w.Value.String() != g.Value.String() {
			return fmt.Sprintf("header %d (%s): %q != %q", i, w.Name, w.Value.String(), g.Value.String())
		}
	}
	return ""
}
