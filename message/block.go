package message

import (
	"bytes"
	"strings"
	"unsafe"
)

// A block holds a parsed message together with room for the values of a
// typical message, so that parsing one costs one allocation (the block,
// with the copy of the input after it: see newBlock) rather than one per
// header. Values that do not fit spill into fresh chunks; nothing ever moves
// once handed out.
//
// Every slot costs bytes on every parse, and on a small machine the garbage
// collector's work follows the bytes allocated (a 6 KB block parsed 50%
// slower than a 3 KB one in BenchmarkParseINVITE). So there are four
// layouts. block holds what an INVITE or a REGISTER from a user agent needs
// (one Via; From, To and Contact; Allow and Supported, one TokenList
// each): 2272 bytes, so that such an INVITE with a short SDP body takes
// the 3072-byte size class. smallBlock holds what a short request without
// lists needs, such as an OPTIONS, a BYE or a REGISTER, in 1864 bytes: a
// server answering those allocates 768 or 1152 bytes less per message.
// largeBlock, 3496 bytes, holds what a message through proxies needs
// (three Vias, six addresses), in the room that the larger size classes
// would otherwise leave unused; pickLayout gives it to the messages that
// have two Via or Record-Route lines. authBlock, 2552 bytes, holds a
// request with credentials that is too long for block3072: a phone's
// REGISTER or its INVITE after a 407, with the Auth and its parameters.
// The first spill chunk holds two values, so a message one value larger
// than its layout pays for a few hundred bytes more, not for a second
// block.
type block struct {
	msg     Message
	uri     URI
	headers [16]Header
	params  [6]Param
	vias    [1]Via
	addrs   [3]Address
	numbers [3]Number
	texts   [2]Text
	raws    [1]Raw
	tokens  [1]Token
	strs    [16]string // Allow alone often lists 8 to 12 methods, Supported 2 to 5 tags
	lists   [2]TokenList
	media   [1]MediaType
	cseq    [1]CSeq
}

// smallBlock is the layout for messages that smallMessage picks.
type smallBlock struct {
	msg     Message
	uri     URI
	headers [12]Header
	params  [6]Param
	vias    [1]Via
	addrs   [3]Address
	numbers [3]Number
	texts   [2]Text
	raws    [1]Raw
	tokens  [1]Token
	strs    [2]string
	lists   [1]TokenList
	media   [1]MediaType
	cseq    [1]CSeq
}

// largeBlock is the layout of a message through proxies, with a Via and a
// Record-Route value per hop (a 200 OK through two proxies needs three
// Vias, five addresses and twelve parameters, and spilled three chunks out
// of block), too long for block3072, and of any message too long for
// block3456 that still leaves the larger size classes room for more
// slots. It takes the room that block4864 would leave unused under a
// message of up to 1360 bytes.
type largeBlock struct {
	msg     Message
	uri     URI
	headers [20]Header
	params  [14]Param
	vias    [3]Via
	addrs   [6]Address
	numbers [3]Number
	texts   [2]Text
	raws    [1]Raw
	tokens  [1]Token
	strs    [16]string
	lists   [2]TokenList
	media   [1]MediaType
	cseq    [1]CSeq
}

// authBlock is the layout of a request with credentials (RFC 3261 §22.4)
// that is too long for block3072, a phone's REGISTER or its INVITE after a
// 407: an Auth and room for its ten or so parameters beside the Via's,
// the From tag and the Contact's, and two Accept values. In block3456, the
// usual layout took three more allocations for them (the parameters
// overflowing the block, the credentials' chunk, the second media type):
// 4624 bytes in four allocations for the REGISTER in
// testdata/bench/phone-register.sip, where this one takes 3456 in one.
type authBlock struct {
	msg     Message
	uri     URI
	headers [14]Header
	params  [18]Param
	vias    [1]Via
	addrs   [3]Address
	numbers [3]Number
	texts   [2]Text
	raws    [1]Raw
	tokens  [1]Token
	strs    [4]string
	lists   [1]TokenList
	media   [2]MediaType
	cseq    [1]CSeq
	auths   [1]Auth
}

// slots are a block's parts, whatever its layout, as the decoder fills them.
type slots struct {
	base    unsafe.Pointer // the block, size bytes long
	size    uintptr
	msg     *Message
	uri     *URI
	headers []Header
	params  []Param
	vias    []Via
	addrs   []Address
	numbers []Number
	texts   []Text
	raws    []Raw
	tokens  []Token
	strs    []string
	lists   []TokenList
	media   []MediaType
	cseq    []CSeq
	auths   []Auth // authBlock only
}

func (b *block) slots() slots {
	return slots{unsafe.Pointer(b), unsafe.Sizeof(*b), &b.msg, &b.uri,
		b.headers[:], b.params[:], b.vias[:], b.addrs[:], b.numbers[:], b.texts[:],
		b.raws[:], b.tokens[:], b.strs[:], b.lists[:], b.media[:], b.cseq[:], nil}
}

func (b *largeBlock) slots() slots {
	return slots{unsafe.Pointer(b), unsafe.Sizeof(*b), &b.msg, &b.uri,
		b.headers[:], b.params[:], b.vias[:], b.addrs[:], b.numbers[:], b.texts[:],
		b.raws[:], b.tokens[:], b.strs[:], b.lists[:], b.media[:], b.cseq[:], nil}
}

func (b *smallBlock) slots() slots {
	return slots{unsafe.Pointer(b), unsafe.Sizeof(*b), &b.msg, &b.uri,
		b.headers[:], b.params[:], b.vias[:], b.addrs[:], b.numbers[:], b.texts[:],
		b.raws[:], b.tokens[:], b.strs[:], b.lists[:], b.media[:], b.cseq[:], nil}
}

func (b *authBlock) slots() slots {
	return slots{unsafe.Pointer(b), unsafe.Sizeof(*b), &b.msg, &b.uri,
		b.headers[:], b.params[:], b.vias[:], b.addrs[:], b.numbers[:], b.texts[:],
		b.raws[:], b.tokens[:], b.strs[:], b.lists[:], b.media[:], b.cseq[:], b.auths[:]}
}

// reset zeroes every slot, for the general parser to start again after the
// fast path gave up.
func (s *slots) reset() {
	*s.msg = Message{}
	*s.uri = URI{}
	clear(s.headers)
	clear(s.params)
	clear(s.vias)
	clear(s.addrs)
	clear(s.numbers)
	clear(s.texts)
	clear(s.raws)
	clear(s.tokens)
	clear(s.strs)
	clear(s.lists)
	clear(s.media)
	clear(s.cseq)
	clear(s.auths)
}

// Sizes of the layouts.
const (
	blockSize      = int(unsafe.Sizeof(block{}))
	smallBlockSize = int(unsafe.Sizeof(smallBlock{}))
	largeBlockSize = int(unsafe.Sizeof(largeBlock{}))
	authBlockSize  = int(unsafe.Sizeof(authBlock{}))
)

// mallocHeader is the word the runtime puts before an object that has
// pointers and is larger than 512 bytes.
const mallocHeader = 8

// Parse allocates its block and the copy of the message together, the bytes
// after the block: one allocation rather than two, and the garbage collector
// does not scan the bytes, which come after every pointer. Each type fills a
// size class of the runtime exactly, so no byte is lost to rounding. On the
// benchmark machine, allocating a block and a separate 768-byte copy took
// 3.7 µs where one 3456-byte object holding both took 1.2 µs; the classes
// below are ones that hold many objects per span (the runtime refills
// its cache a span at a time), which is the likely reason: 2688, whose
// spans hold three objects, took twice as long as 3072.
type (
	small2304 struct {
		smallBlock
		buf [2304 - mallocHeader - smallBlockSize]byte
	}
	small3072 struct {
		smallBlock
		buf [3072 - mallocHeader - smallBlockSize]byte
	}
	block3072 struct {
		block
		buf [3072 - mallocHeader - blockSize]byte
	}
	block3456 struct {
		block
		buf [3456 - mallocHeader - blockSize]byte
	}
	block4864 struct {
		block
		buf [4864 - mallocHeader - blockSize]byte
	}
	block6912 struct {
		block
		buf [6912 - mallocHeader - blockSize]byte
	}
	block9472 struct {
		block
		buf [9472 - mallocHeader - blockSize]byte
	}
	large4864 struct {
		largeBlock
		buf [4864 - mallocHeader - largeBlockSize]byte
	}
	large6912 struct {
		largeBlock
		buf [6912 - mallocHeader - largeBlockSize]byte
	}
	large9472 struct {
		largeBlock
		buf [9472 - mallocHeader - largeBlockSize]byte
	}
	auth3456 struct {
		authBlock
		buf [3456 - mallocHeader - authBlockSize]byte
	}
	auth4864 struct {
		authBlock
		buf [4864 - mallocHeader - authBlockSize]byte
	}
)

// Limits of smallMessage: the largest message that small3072 holds, and the
// most line ends and commas, which bound the header values. A message of at
// most smallLines lines has a start line, an empty line and at most twelve
// header fields; every comma may split a field into one value more.
const (
	smallMax   = len(small3072{}.buf)
	smallLines = 14
)

// smallMessage reports whether data, a whole message, likely fits the
// small layout. A wrong guess costs spill chunks, never a wrong result.
func smallMessage(data []byte) bool {
	return len(data) <= smallMax && bytes.Count(data, []byte{'\n'})+bytes.Count(data, []byte{','}) <= smallLines
}

// pickLayout returns the layout for data, a whole message:
//   - small for what smallMessage takes;
//   - large for a message through proxies, and auth for a request with
//     credentials, when it is too long for block3072 and their size
//     classes hold it;
//   - auth for a REGISTER with credentials of any length: registrars get
//     them all the time, and the usual layout gave the credentials a chunk
//     of their own and often too few parameter slots;
//   - full otherwise.
//
// At the lengths block3072 holds, which the common INVITE has, only a
// REGISTER pays for the line census.
func pickLayout(data []byte) layout {
	n := len(data)
	switch {
	case smallMessage(data):
		return layoutSmall
	case n <= len(block3072{}.buf):
		if bytes.HasPrefix(data, []byte("REGISTER ")) {
			if _, credentials := lineCensus(data); credentials {
				return layoutAuth
			}
		}
		return layoutFull
	case n > max(len(large4864{}.buf), len(auth4864{}.buf)):
		return layoutFull
	}
	switch routed, credentials := lineCensus(data); {
	case routed:
		if n <= len(large4864{}.buf) {
			return layoutLarge
		}
	case credentials && n <= len(auth4864{}.buf):
		return layoutAuth
	}
	return layoutFull
}

// lineCensus reports whether the header block of data has two Via lines,
// or a Via line and a Record-Route line (routed: a message that went
// through a proxy, whose values the usual layout would spill), and whether
// it has an Authorization or Proxy-Authorization line before the second
// of those: a routed message takes the large layout, or the usual one,
// whatever its credentials. Only the first bytes of each line are looked
// at.
func lineCensus(data []byte) (routed, credentials bool) {
	s := unsafe.String(unsafe.SliceData(data), len(data))
	n := 0
	for i := strings.IndexByte(s, '\n') + 1; i > 0 && i < len(s); {
		line := s[i:]
		if line[0] == '\r' || line[0] == '\n' {
			break // the end of the header block
		}
		switch line[0] | 0x20 {
		case 'v', 'r':
			if hasPrefixFold(line, "via:") || hasPrefixFold(line, "v:") || hasPrefixFold(line, "record-route:") {
				if n++; n == 2 {
					return true, credentials
				}
			}
		case 'a', 'p':
			credentials = credentials || hasPrefixFold(line, "authorization:") || hasPrefixFold(line, "proxy-authorization:")
		}
		j := strings.IndexByte(line, '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false, credentials
}

// newBlock returns a block and n bytes to copy a message into, in one
// allocation unless the message is large, in the layout lay (never
// layoutAuto).
func newBlock(n int, lay layout) (slots, []byte) {
	if lay == layoutLarge && n <= len(large4864{}.buf) && n > len(block3072{}.buf) {
		b := new(large4864)
		return b.slots(), b.buf[:n:n]
	}
	if lay == layoutAuth {
		switch {
		case n <= len(auth3456{}.buf):
			b := new(auth3456)
			return b.slots(), b.buf[:n:n]
		case n <= len(auth4864{}.buf):
			b := new(auth4864)
			return b.slots(), b.buf[:n:n]
		}
	}
	if lay == layoutSmall {
		switch {
		case n <= len(small2304{}.buf):
			b := new(small2304)
			return b.slots(), b.buf[:n:n]
		case n <= len(small3072{}.buf):
			b := new(small3072)
			return b.slots(), b.buf[:n:n]
		}
	}
	// Past block3456, each size class takes the large layout when the
	// message leaves it the room, the usual one otherwise.
	switch {
	case n <= len(block3072{}.buf):
		b := new(block3072)
		return b.slots(), b.buf[:n:n]
	case n <= len(block3456{}.buf):
		b := new(block3456)
		return b.slots(), b.buf[:n:n]
	case n <= len(large4864{}.buf):
		b := new(large4864)
		return b.slots(), b.buf[:n:n]
	case n <= len(block4864{}.buf):
		b := new(block4864)
		return b.slots(), b.buf[:n:n]
	case n <= len(large6912{}.buf):
		b := new(large6912)
		return b.slots(), b.buf[:n:n]
	case n <= len(block6912{}.buf):
		b := new(block6912)
		return b.slots(), b.buf[:n:n]
	case n <= len(large9472{}.buf):
		b := new(large9472)
		return b.slots(), b.buf[:n:n]
	case n <= len(block9472{}.buf):
		b := new(block9472)
		return b.slots(), b.buf[:n:n]
	}
	return new(block).slots(), make([]byte, n)
}

// newOwnedBlock returns a block without room for a copy, for ParseOwned:
// the usual layout whatever the message, in the 2304-byte class. The small
// layout alone would take the 2048-byte class, whose spans hold four
// objects, and which costs more than 2304 bytes here (BenchmarkAllocClass
// in ../bench): ParseOwnedREGISTER took 1899–2362 ns with it and 1649–1987
// ns without.
func newOwnedBlock() slots {
	return new(block).slots()
}
