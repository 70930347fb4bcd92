package message_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// The benchmark messages live in testdata/bench as wire bytes (CRLF line
// ends), shared with the comparison against other libraries in ../bench so
// that both measure the same input byte for byte.
var benchMessages = []struct {
	name string // subtest name
	file string // file in testdata/bench
	// wire is what Bytes changes in the text, if anything: it writes
	// every address with angle brackets.
	wire *strings.Replacer
}{
	{"INVITE", "invite.sip", nil},
	{"REGISTER", "register.sip", nil},
	{"200OK", "ok.sip", nil},
	// What sipp's built-in uac scenario sends.
	{"SippINVITE", "sipp-invite.sip", strings.NewReplacer("Contact: sip:sipp@127.0.0.1:5061", "Contact: <sip:sipp@127.0.0.1:5061>")},
	// A phone's second REGISTER, with its credentials (RFC 3261 §22.4).
	{"PhoneREGISTER", "phone-register.sip", strings.NewReplacer("To: sip:alice@example.com", "To: <sip:alice@example.com>")},
	// register.sip after a 401, with its credentials.
	{"REGISTERAuth", "register-auth.sip", nil},
}

// A Via and a Contact as a proxy or a registrar meets them.
const (
	benchVia     = "SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5060"
	benchContact = `"Bob" <sip:bob@192.0.2.4:5060;transport=udp>;expires=7200;q=0.7`
)

func readBenchMessage(tb testing.TB, file string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bench", file))
	require.NoError(tb, err)
	return data
}

// TestBenchMessages guards the benchmarks: each message must parse, so that
// they never time an error path, and must come back byte for byte from Bytes
// (but for the angle brackets it adds), so that serializing it writes the
// same amount of text that was parsed.
func TestBenchMessages(t *testing.T) {
	for _, bm := range benchMessages {
		t.Run(bm.name, func(t *testing.T) {
			data := readBenchMessage(t, bm.file)
			// RFC 3261 §7: lines end in CRLF on the wire; a checkout that
			// rewrote them would make these messages unrepresentative.
			require.Equal(t, bytes.Count(data, []byte("\n")), bytes.Count(data, []byte("\r\n")), "bare LF in %s", bm.file)
			m, err := message.Parse(data)
			require.NoError(t, err)
			assert.NotEmpty(t, m.CallID())
			assert.NotNil(t, m.TopVia())
			assert.NotNil(t, m.CSeq())
			want := string(data)
			if bm.wire != nil {
				want = bm.wire.Replace(want)
			}
			assert.Equal(t, want, string(m.Bytes()))
		})
	}
	v, err := message.ParseVia(benchVia)
	require.NoError(t, err)
	assert.Equal(t, benchVia, v.String())
	a, err := message.ParseAddress(benchContact)
	require.NoError(t, err)
	assert.Equal(t, benchContact, a.String())
}

// BenchmarkParseINVITE and its siblings parse a whole message, as a
// transport does for each one it receives. The names match those of the
// comparison in ../bench.
func BenchmarkParseINVITE(b *testing.B)   { benchParse(b, "invite.sip") }
func BenchmarkParseREGISTER(b *testing.B) { benchParse(b, "register.sip") }
func BenchmarkParse200OK(b *testing.B)    { benchParse(b, "ok.sip") }

// BenchmarkParseSippINVITE parses the INVITE of sipp's uac scenario, which
// the load tests of bench/ send: display names of tokens, a Contact
// without angle brackets.
func BenchmarkParseSippINVITE(b *testing.B) { benchParse(b, "sipp-invite.sip") }

// BenchmarkParsePhoneREGISTER parses a REGISTER with credentials, as a
// registrar receives them from phones every few minutes.
func BenchmarkParsePhoneREGISTER(b *testing.B) { benchParse(b, "phone-register.sip") }

// BenchmarkParseREGISTERAuth parses the REGISTER of BenchmarkParseREGISTER
// sent again with its credentials, as after a 401.
func BenchmarkParseREGISTERAuth(b *testing.B) { benchParse(b, "register-auth.sip") }

func benchParse(b *testing.B, file string) {
	data := readBenchMessage(b, file)
	if _, err := message.Parse(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := message.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOwnedINVITE parses the INVITE with ParseOwned, which keeps
// the input instead of copying it.
func BenchmarkParseOwnedINVITE(b *testing.B) { benchParseOwned(b, "invite.sip") }

// BenchmarkParseOwnedREGISTER is the same for a short request, which
// takes the small layout.
func BenchmarkParseOwnedREGISTER(b *testing.B) { benchParseOwned(b, "register.sip") }

func benchParseOwned(b *testing.B, file string) {
	data := readBenchMessage(b, file)
	var p message.Parser
	if _, err := p.ParseOwned(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := p.ParseOwned(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSerializeINVITE and its siblings write a parsed message back to
// the wire with Bytes.
func BenchmarkSerializeINVITE(b *testing.B)   { benchSerialize(b, "invite.sip") }
func BenchmarkSerializeREGISTER(b *testing.B) { benchSerialize(b, "register.sip") }
func BenchmarkSerialize200OK(b *testing.B)    { benchSerialize(b, "ok.sip") }

func benchSerialize(b *testing.B, file string) {
	data := readBenchMessage(b, file)
	m, err := message.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_ = m.Bytes()
	}
}

// BenchmarkParseVia parses one Via value on its own.
// BenchmarkAppendINVITE writes the INVITE into a buffer reused from one
// iteration to the next: Bytes without its allocation.
func BenchmarkAppendINVITE(b *testing.B) {
	data := readBenchMessage(b, "invite.sip")
	m, err := message.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 2*len(data))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		buf = m.Append(buf[:0])
	}
}

func BenchmarkCloneINVITE(b *testing.B) { benchClone(b, "invite.sip") }
func BenchmarkClone200OK(b *testing.B)  { benchClone(b, "ok.sip") }

func benchClone(b *testing.B, file string) {
	m, err := message.Parse(readBenchMessage(b, file))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Clone()
	}
}

func BenchmarkParseVia(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchVia)))
	for b.Loop() {
		if _, err := message.ParseVia(benchVia); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAddress parses one Contact value on its own.
func BenchmarkParseAddress(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchContact)))
	for b.Loop() {
		if _, err := message.ParseAddress(benchContact); err != nil {
			b.Fatal(err)
		}
	}
}
