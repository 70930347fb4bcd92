package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/sippet-go/sippet/message"
)

// The messages are those of package message's own benchmarks, read from its
// testdata, so that both sets of figures describe the same bytes.
var messages = []struct {
	name string // benchmark name suffix
	file string // file in ../message/testdata/bench
	vias int    // Via values the message carries
}{
	{"INVITE", "invite.sip", 1},
	{"REGISTER", "register.sip", 1},
	{"200OK", "ok.sip", 3},
	{"SippINVITE", "sipp-invite.sip", 1},       // what sipp's uac scenario sends
	{"PhoneREGISTER", "phone-register.sip", 1}, // with credentials
	{"REGISTERAuth", "register-auth.sip", 1},   // REGISTER's, with credentials
}

func load(tb testing.TB, file string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "message", "testdata", "bench", file))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// parseBoth parses data with both libraries and fails unless both agree on
// the Call-ID and on the number of Vias: a benchmark must never time an error
// path or a parser that gave up early.
func parseBoth(tb testing.TB, data []byte, vias int) (*message.Message, sip.Message) {
	tb.Helper()
	ours, err := message.Parse(data)
	if err != nil {
		tb.Fatalf("sippet: %v", err)
	}
	p := sip.NewParser()
	theirs, err := p.ParseSIP(data)
	if err != nil {
		tb.Fatalf("sipgo: %v", err)
	}
	if theirs.CallID() == nil || ours.CallID() != theirs.CallID().Value() || ours.CallID() == "" {
		tb.Fatalf("Call-ID: sippet %q, sipgo %v", ours.CallID(), theirs.CallID())
	}
	n := 0
	for range ours.Vias() {
		n++
	}
	if m := len(theirs.GetHeaders("Via")); n != vias || m != vias {
		tb.Fatalf("Vias: sippet %d, sipgo %d, want %d", n, m, vias)
	}
	if !bytes.Equal(ours.Body, theirs.Body()) {
		tb.Fatalf("bodies differ: sippet %d bytes, sipgo %d", len(ours.Body), len(theirs.Body()))
	}
	return ours, theirs
}

func TestBothParse(t *testing.T) {
	for _, m := range messages {
		t.Run(m.name, func(t *testing.T) {
			ours, theirs := parseBoth(t, load(t, m.file), m.vias)
			// Both write the same number of header lines back.
			a := bytes.Count(ours.Bytes(), []byte("\r\n"))
			b := bytes.Count([]byte(theirs.String()), []byte("\r\n"))
			if a == 0 || b == 0 {
				t.Fatalf("serialized line counts: sippet %d, sipgo %d", a, b)
			}
		})
	}
}

// BenchmarkParseINVITE and its siblings time a whole parse of one message
// held in memory, as a transport does for each datagram.
func BenchmarkParseINVITE(b *testing.B)   { benchParse(b, messages[0].file, messages[0].vias) }
func BenchmarkParseREGISTER(b *testing.B) { benchParse(b, messages[1].file, messages[1].vias) }
func BenchmarkParse200OK(b *testing.B)    { benchParse(b, messages[2].file, messages[2].vias) }

// BenchmarkParseSippINVITE and BenchmarkParsePhoneREGISTER time the forms
// that the three messages above do not have: display names of tokens, a
// Contact without angle brackets, Digest credentials.
func BenchmarkParseSippINVITE(b *testing.B) {
	benchParse(b, messages[3].file, messages[3].vias)
}
func BenchmarkParsePhoneREGISTER(b *testing.B) {
	benchParse(b, messages[4].file, messages[4].vias)
}
func BenchmarkParseREGISTERAuth(b *testing.B) {
	benchParse(b, messages[5].file, messages[5].vias)
}

func benchParse(b *testing.B, file string, vias int) {
	data := load(b, file)
	parseBoth(b, data, vias)
	b.Run("lib=sippet", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		defer cpuMetric(b)()
		for b.Loop() {
			if _, err := message.Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	// ParseOwned keeps data instead of copying it, as a transport that reads
	// each datagram into a buffer of its own can let it; the allocation of
	// that buffer is then the transport's, and is not timed here.
	b.Run("lib=sippet-owned", func(b *testing.B) {
		var p message.Parser
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		defer cpuMetric(b)()
		for b.Loop() {
			if _, err := p.ParseOwned(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=sipgo", func(b *testing.B) {
		p := sip.NewParser()
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		defer cpuMetric(b)()
		for b.Loop() {
			if _, err := p.ParseSIP(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSerializeINVITE and its siblings time writing a parsed message to
// a fresh buffer: Bytes for sippet, String for sipgo.
func BenchmarkSerializeINVITE(b *testing.B)   { benchSerialize(b, messages[0].file, messages[0].vias) }
func BenchmarkSerializeREGISTER(b *testing.B) { benchSerialize(b, messages[1].file, messages[1].vias) }
func BenchmarkSerialize200OK(b *testing.B)    { benchSerialize(b, messages[2].file, messages[2].vias) }

func benchSerialize(b *testing.B, file string, vias int) {
	data := load(b, file)
	ours, theirs := parseBoth(b, data, vias)
	b.Run("lib=sippet", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		defer cpuMetric(b)()
		for b.Loop() {
			_ = ours.Bytes()
		}
	})
	b.Run("lib=sipgo", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		defer cpuMetric(b)()
		for b.Loop() {
			_ = theirs.String()
		}
	})
}

// BenchmarkAppendINVITE writes the INVITE into a buffer reused across
// iterations, as a transport with a pooled buffer would: Append for sippet,
// StringWrite into a bytes.Buffer for sipgo.
func BenchmarkAppendINVITE(b *testing.B) {
	data := load(b, messages[0].file)
	ours, theirs := parseBoth(b, data, messages[0].vias)
	b.Run("lib=sippet", func(b *testing.B) {
		buf := make([]byte, 0, 2*len(data))
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			buf = ours.Append(buf[:0])
		}
	})
	b.Run("lib=sipgo", func(b *testing.B) {
		var buf bytes.Buffer
		buf.Grow(2 * len(data))
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			buf.Reset()
			theirs.StringWrite(&buf)
		}
	})
}

// BenchmarkAllocFloor allocates what sippet allocates for the INVITE,
// without parsing or writing anything: for Parse, one object of the size
// class of its block (3072 bytes, with pointers) with the message copied
// in; for Bytes, the 764 bytes of the wire form, copied in. On a small
// machine whose garbage collector runs every few milliseconds, this is the
// share of Parse and Bytes that no parser or serializer code can remove
// (BENCHMARKS.md).
func BenchmarkAllocFloor(b *testing.B) {
	data := load(b, messages[0].file)
	type block struct {
		values [280]*byte // as many words as message's block, all pointers
		copy   [3072 - 8 - 280*8]byte
	}
	b.Run("what=parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			blk := new(block)
			copy(blk.copy[:], data)
			floorSink = blk
		}
	})
	b.Run("what=bytes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := make([]byte, len(data))
			copy(out, data)
			bytesSink = out
		}
	})
}

// BenchmarkAllocClass allocates one object with pointers of each size
// class from 1 to 9.5 KB, and does nothing else: what a parse's block costs
// by its size alone on this machine, whose collector runs every few
// megabytes allocated. The cost is not proportional to the size: the
// classes whose spans hold few objects (1280, 1536, 2048, 2688, 4096 and
// 8192 bytes) cost about twice as much per byte as their neighbours, and
// the block layouts of package message take none of them.
func BenchmarkAllocClass(b *testing.B) {
	for _, size := range []int{1024, 1280, 1536, 1792, 2048, 2304, 2688, 3072, 3456, 4096, 4864, 5376, 6144, 6912, 8192, 9472} {
		b.Run("bytes="+strconv.Itoa(size), func(b *testing.B) {
			// A slice of pointers larger than 512 bytes has an 8-byte
			// header before it in its size class.
			n := (size - 8) / 8
			b.ReportAllocs()
			for b.Loop() {
				classSink = make([]*byte, n)
			}
		})
	}
}

// floorSink, bytesSink and classSink keep the allocations of
// BenchmarkAllocFloor and BenchmarkAllocClass from being optimized away.
var (
	floorSink any
	bytesSink []byte
	classSink []*byte
)
