package message

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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
	// Bare CRs, which are white space wherever they are.
	"MESSAGE sip:a@b SIP/2.0\r\nSubject: a\rX: 1\r\nTo: \"a\rb\" <sip:a@b>;x=\"c\rd\"\r\n" +
		"Via: SIP/2.0/UDP\rh;branch=z9hG4bK1\r\nX-Raw: \r\r\r\nl: 1\r\n\r\nx",
}

// FuzzParse checks that Parse never panics and that whatever it accepts is
// written by Bytes in a form that parses back to the same message.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	// Every typed header, one message each.
	for _, tt := range headerTests {
		f.Add([]byte(headerTestStart + tt.line + "\r\n\r\n" + tt.body))
	}
	// The torture messages, and the benchmark messages, which are the
	// common forms that the fast path reads.
	files, _ := filepath.Glob(filepath.Join(tortureDir, "*", "*.dat"))
	bench, _ := filepath.Glob(filepath.Join("testdata", "bench", "*.sip"))
	for _, file := range append(files, bench...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(checkParse)
}

// checkParse is the property FuzzParse checks: Parse refuses data with a
// *ParseError, or accepts it into a message that owns its bytes, clones
// exactly, and is written by Bytes in a form that parses back to the same
// message and is written again byte for byte.
func checkParse(t *testing.T, data []byte) {
	input := bytes.Clone(data)
	m, err := Parse(input)
	// The fast path (fastParse) gives what the general parser gives,
	// errors included, or leaves the message to it; and either block
	// layout gives the same message, so the general parser fills the
	// one Parse did not pick.
	other := layoutSmall
	if smallMessage(data) {
		other = layoutFull
	}
	general, gerr := defaultParser.parseInto(data, false, nil, true, other)
	if (err == nil) != (gerr == nil) || err != nil && err.Error() != gerr.Error() {
		t.Fatalf("Parse error %v, general parser's %v", err, gerr)
	}
	if err == nil && !reflect.DeepEqual(general, m) {
		t.Fatalf("Parse differs from the general parser:\n%#v\n%#v", m, general)
	}
	if err != nil {
		var pe *ParseError
		if m != nil || !errors.As(err, &pe) || pe.Err == nil || pe.Line < 0 {
			t.Fatalf("Parse error %#v with message %v", err, m)
		}
		if strings.ContainsAny(pe.Reason(), "\r\n") {
			t.Fatalf("reason phrase %q", pe.Reason())
		}
		return
	}
	wire := m.Bytes()
	// Bytes sizes its buffer exactly (wireSize).
	if n := m.wireSize(); n != len(wire) || cap(wire) < len(wire) {
		t.Fatalf("wireSize %d, wire %d bytes, capacity %d: %q", n, len(wire), cap(wire), wire)
	}
	clear(input)
	if again := m.Bytes(); !bytes.Equal(wire, again) {
		t.Fatalf("message changed with its input:\nbefore: %q\nafter:  %q", wire, again)
	}
	if c := m.Clone(); !reflect.DeepEqual(m, c) {
		t.Fatalf("Clone differs:\n%#v\n%#v", m, c)
	}
	m2, err := Parse(wire)
	if err != nil {
		t.Fatalf("Parse(Bytes) failed: %v\ninput: %q\nwire:  %q", err, data, wire)
	}
	if diff := messageDiff(m, m2); diff != "" {
		t.Fatalf("Parse(Bytes) differs: %s\ninput: %q\nwire:  %q", diff, data, wire)
	}
	if wire2 := m2.Bytes(); !bytes.Equal(wire, wire2) {
		t.Fatalf("Bytes not stable:\nfirst:  %q\nsecond: %q", wire, wire2)
	}
}

// TestParseMutations checks the property of FuzzParse on messages made of
// the header lines of headerTests with separators, quotes, brackets and
// line ends inserted, deleted or repeated: the byte-level fuzzer rarely
// builds such well-formed-but-odd messages by itself.
func TestParseMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(3261, 4475))
	const special = ",;:=\"<>\\ \t\r\n@?%/*()[]0a"
	starts := []string{headerTestStart, "SIP/2.0 200 OK\r\n", "ACK tel:+1-201-555-0123 SIP/2.0\n"}
	accepted := 0
	for range 30000 {
		var b strings.Builder
		b.WriteString(starts[rng.IntN(len(starts))])
		for range 1 + rng.IntN(3) {
			line := []byte(headerTests[rng.IntN(len(headerTests))].line)
			for range rng.IntN(4) {
				i := rng.IntN(len(line) + 1)
				switch rng.IntN(3) {
				case 0:
					line = slices.Insert(line, i, special[rng.IntN(len(special))])
				case 1:
					if i < len(line) {
						line = slices.Delete(line, i, i+1)
					}
				case 2:
					j := i + rng.IntN(len(line)-i+1)
					line = slices.Insert(line, j, line[i:j]...)
				}
			}
			b.Write(line)
			b.WriteString("\r\n")
		}
		b.WriteString("\r\n")
		if rng.IntN(4) == 0 {
			b.WriteString("body")
		}
		data := []byte(b.String())
		if _, err := Parse(data); err == nil {
			accepted++
		}
		checkParse(t, data)
	}
	// The mutations must leave enough messages valid to test something.
	assert.Greater(t, accepted, 10000)
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
