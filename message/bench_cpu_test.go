package message

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseCPU parses the benchmark messages into blocks reused from
// one iteration to the next: the parsing alone, without the allocation and
// the garbage collector's work that dominate BenchmarkParse* on a small
// machine.
func BenchmarkParseCPU(b *testing.B) {
	for _, name := range []string{"invite", "register", "ok", "sipp-invite", "phone-register"} {
		data, err := os.ReadFile(filepath.Join("testdata", "bench", name+".sip"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			s := newScratchBlocks()
			for range s.blks {
				s.parse(b, data)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				s.parse(b, data)
			}
		})
	}
}

// BenchmarkAllocOnly allocates and fills a block as Parse does, without
// parsing: the allocation's share of BenchmarkParseINVITE.
func BenchmarkAllocOnly(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "invite.sip"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		blk, own := newBlock(len(data), layoutFull)
		copy(own, data)
		sinkBlock = blk
	}
}

var sinkBlock slots

// scratchBlocks parses into reused blocks, without allocating, in turn over
// blocks at several offsets within their pages: the time of one block
// depends on its address by up to 15% on the benchmark machine (likely 4K
// aliasing with the stack), which Parse, with a new block each time,
// averages out.
type scratchBlocks struct {
	p    Parser
	blks [8]*block4864
	next int
}

func newScratchBlocks() *scratchBlocks {
	s := new(scratchBlocks)
	for i := range s.blks {
		s.blks[i] = new(block4864)
	}
	return s
}

// parse parses data, which must be valid, into the next block, in the
// usual layout.
func (s *scratchBlocks) parse(b *testing.B, data []byte) {
	blk := s.blks[s.next%len(s.blks)]
	s.next++
	blk.block = block{}
	if _, err := s.p.parseInto(data, false, blk, false, layoutFull); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLazyFloor estimates what a parse of the INVITE would cost in a
// model that types values only when they are first read, the model that
// the half target would need (BENCHMARKS.md, "Round 7"): the parsing
// work into a reused block, which stands for checking every header (such
// a parser would still refuse a bad message at once), plus one allocation
// of what that model keeps, the copy of the message and an index of 16
// bytes per header field, which for the INVITE is the 1024-byte class.
// It is a floor: reading values later would cost more.
func BenchmarkLazyFloor(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "invite.sip"))
	if err != nil {
		b.Fatal(err)
	}
	type lazy struct {
		index [13][2]*byte // 16 bytes per header field, with pointers
		copy  [1024 - 8 - 13*16]byte
	}
	s := newScratchBlocks()
	b.ReportAllocs()
	for b.Loop() {
		s.parse(b, data)
		l := new(lazy)
		copy(l.copy[:], data)
		sinkLazy = l
	}
}

var sinkLazy any
