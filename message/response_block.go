package message

import "unsafe"

// A response made by NewResponse lives in one block with room for everything
// it copies from a typical request, so that building it costs one allocation
// rather than one per value and parameter list: in a server's load, responses
// were a sixth of the bytes allocated per request, and the collector's work
// grows with the number of objects as well as with their bytes. As in a
// parsed message (decode.go), the block's values point into each other and
// its strings are those of the request, or the To tag written in the block
// itself.
//
// Every slot costs bytes in every response, so there are two sizes: a
// request straight from a user agent (one Via, no Record-Route to copy) gets
// the small one, a request that came through a proxy the larger. What does
// not fit in the block is allocated on its own. Each size fills a size class
// of the runtime whose spans hold many objects (1408 bytes, 11 to a span;
// 1792, 9 to a span): the runtime refills its cache a span at a time, and on
// the benchmark machine that refill is most of what an allocation of this
// size costs. Allocating one object took 1.0 µs for the 1280-byte class (6
// to a span), 0.62 µs for 1408, 1.5 µs for 2048 (4 to a span), 0.72 µs for
// 1792.
type responseBlock struct {
	msg    Message
	texts  [1]Text // Call-ID
	cseqs  [1]CSeq
	stamps [1]Timestamp
	tag    [16]byte // what NewTag makes
}

type (
	smallResponse struct {
		responseBlock
		// One Via, From, To, Call-ID, CSeq and Timestamp, and 4 for the
		// core (Contact, Allow, Supported, Server...).
		headers [10]Header
		vias    [1]Via
		addrs   [2]Address // From, To
		// branch, rport and received in the Via, the From and To tags,
		// and 3 more.
		params [8]Param
	}
	largeResponse struct {
		responseBlock
		headers [12]Header // the copied Via and Record-Route values and 9
		vias    [2]Via
		addrs   [3]Address // From, To, one Record-Route
		// A proxy's branch; branch, rport and received in the UAC's Via;
		// lr in the Record-Route; the From and To tags; and 2 more.
		params [9]Param
	}
)

// Both fit their size class (1408 and 1792 bytes with the malloc header);
// a field that made one overflow makes an array length negative here.
var (
	_ [1408 - mallocHeader - unsafe.Sizeof(smallResponse{})]struct{}
	_ [1792 - mallocHeader - unsafe.Sizeof(largeResponse{})]struct{}
)

// responseBuilder hands out the free slots of a block; each slice holds the
// slots not yet used.
type responseBuilder struct {
	block   *responseBlock
	headers Headers // empty, with the room left
	vias    []Via
	addrs   []Address
	params  []Param
	texts   []Text
	cseqs   []CSeq
	stamps  []Timestamp
}

// newResponseBuilder allocates the block for a response that copies nvia Via
// and nrr Record-Route values.
func newResponseBuilder(nvia, nrr int) responseBuilder {
	var b responseBuilder
	if nvia <= 1 && nrr == 0 {
		s := new(smallResponse)
		b = responseBuilder{block: &s.responseBlock, headers: s.headers[:0], vias: s.vias[:], addrs: s.addrs[:], params: s.params[:]}
	} else {
		l := new(largeResponse)
		b = responseBuilder{block: &l.responseBlock, headers: l.headers[:0], vias: l.vias[:], addrs: l.addrs[:], params: l.params[:]}
	}
	// Room for the copied headers and the few a core adds: growing the
	// slice later copies it all.
	if n := nvia + nrr + 9; cap(b.headers) < n {
		b.headers = make(Headers, 0, n)
	}
	b.texts = b.block.texts[:]
	b.cseqs = b.block.cseqs[:]
	b.stamps = b.block.stamps[:]
	return b
}

// take returns the first free slot of *free, or a new value once they are
// all used.
func take[T any](free *[]T) *T {
	if len(*free) == 0 {
		return new(T)
	}
	p := &(*free)[0]
	*free = (*free)[1:]
	return p
}

// copyHeaders is copyHeaders with the values copied into the block.
func (b *responseBuilder) copyHeaders(src Headers, name string) {
	for i := range src {
		if h := src[i]; h.matches(name) {
			h.Name = name
			h.Value = b.clone(h.Value)
			b.headers = append(b.headers, h)
		}
	}
}

// clone is v.Clone() in the block's slots, for the types a response copies.
func (b *responseBuilder) clone(v Value) Value {
	switch v := v.(type) {
	case nil:
		return nil
	case *Via:
		c := copyInto(&b.vias, v)
		if c != nil {
			c.Params = b.cloneParams(v.Params, 0)
		}
		return c
	case *Address:
		if v == nil {
			return v
		}
		return b.address(v, 0)
	case *Text:
		return copyInto(&b.texts, v)
	case *CSeq:
		return copyInto(&b.cseqs, v)
	case *Timestamp:
		return copyInto(&b.stamps, v)
	}
	return v.Clone()
}

// address copies a with room for extra more header parameters.
func (b *responseBuilder) address(a *Address, extra int) *Address {
	c := take(&b.addrs)
	*c = *a
	c.URI.Params = b.cloneParams(a.URI.Params, 0)
	c.URI.Headers = b.cloneParams(a.URI.Headers, 0)
	c.Params = b.cloneParams(a.Params, extra)
	return c
}

// cloneParams copies ps with room for extra more parameters. Its capacity
// ends there, so that an append beyond it moves the list rather than write
// over the next one in the block.
func (b *responseBuilder) cloneParams(ps Params, extra int) Params {
	n := len(ps)
	if n+extra == 0 {
		return nil // as Params.Clone
	}
	var c Params
	if n+extra <= len(b.params) {
		c = b.params[: n : n+extra]
		b.params = b.params[n+extra:]
	} else {
		c = make(Params, n, n+extra)
	}
	copy(c, ps)
	return c
}

// newTag returns a tag as NewTag makes one, written in the block. Like any
// string of a parsed message, it keeps its whole block alive: a dialog that
// keeps the tag for long can strings.Clone it.
func (b *responseBuilder) newTag() string {
	t := appendRandom(b.block.tag[:0], tagBytes)
	return unsafe.String(unsafe.SliceData(t), len(t))
}
