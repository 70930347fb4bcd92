package message

import "unsafe"

// A clone lives in a block of the parser's layouts (block.go), its body in
// the block's buffer when it fits: a proxy clones every request it forwards
// and every response it relays (RFC 3261 §16.6, §16.7), and one value at a
// time a clone of the benchmark INVITE cost 28 allocations; in examples/proxy
// under load, cloning took as much of the CPU as parsing. As with
// Headers.Clone, the strings are shared, since nothing can change them.

// Clone returns a deep copy of m that shares nothing mutable with it.
func (m *Message) Clone() *Message {
	var n cloneCounts
	n.count(m)
	s, own := n.newBlock(len(m.Body))
	f := s // its slices are the free slots, handed out as the values are copied
	c := s.msg
	*c = *m
	if m.RequestURI != nil {
		u := s.uri
		*u = *m.RequestURI
		u.Params = f.cloneParams(u.Params)
		u.Headers = f.cloneParams(u.Headers)
		c.RequestURI = u
	}
	if m.Headers != nil {
		// The block's spare header slots are the clone's own: a proxy
		// that adds a Via or a Record-Route appends in place.
		hs := Headers(s.headers[:0])
		if len(m.Headers) > cap(hs) {
			hs = make(Headers, 0, len(m.Headers))
		}
		for _, h := range m.Headers {
			h.Value = f.clone(h.Value)
			hs = append(hs, h)
		}
		c.Headers = hs
	}
	c.Body = nil
	if len(m.Body) > 0 {
		if len(own) < len(m.Body) {
			own = make([]byte, len(m.Body))
		}
		own = own[:len(m.Body):len(m.Body)]
		copy(own, m.Body)
		c.Body = own
	}
	return c
}

// cloneCounts are the values of a message by the slots that hold them, to
// pick the layout that takes the fewest bytes (newBlock).
type cloneCounts struct {
	headers, params, vias, addrs, numbers, texts, raws, tokens, strs, lists, media, cseqs int
}

func (n *cloneCounts) count(m *Message) {
	if u := m.RequestURI; u != nil {
		n.params += len(u.Params) + len(u.Headers)
	}
	n.headers = len(m.Headers)
	for i := range m.Headers {
		switch v := m.Headers[i].Value.(type) {
		case *Via:
			if v != nil {
				n.vias++
				n.params += len(v.Params)
			}
		case *Address:
			if v != nil {
				n.addrs++
				n.params += len(v.URI.Params) + len(v.URI.Headers) + len(v.Params)
			}
		case *Token:
			if v != nil {
				n.tokens++
				n.params += len(v.Params)
			}
		case *TokenList:
			if v != nil {
				n.lists++
				n.strs += len(v.Values)
			}
		case *MediaType:
			if v != nil {
				n.media++
				n.params += len(v.Params)
			}
		case *Number:
			n.numbers++
		case *Text:
			n.texts++
		case *Raw:
			n.raws++
		case *CSeq:
			n.cseqs++
		}
	}
}

// spillCost is what spill counts for one allocation beyond the block.
const spillCost = 64

// The room of each layout, in values of each kind; read only.
var (
	smallRoom = roomOf(new(smallBlock).slots())
	fullRoom  = roomOf(new(block).slots())
	largeRoom = roomOf(new(largeBlock).slots())
)

func roomOf(s slots) cloneCounts {
	return cloneCounts{len(s.headers), len(s.params), len(s.vias), len(s.addrs), len(s.numbers),
		len(s.texts), len(s.raws), len(s.tokens), len(s.strs), len(s.lists), len(s.media), len(s.cseq)}
}

// spill returns the bytes that the values of n take outside a layout with
// room r, allocated one by one. Each kind that spills is one allocation
// more at least, which costs the runtime about what 64 bytes do (the
// mean rounding up to a size class, and the object's own bookkeeping).
func (n *cloneCounts) spill(r *cloneCounts) int {
	over := func(have, room int, size uintptr) int {
		if have <= room {
			return 0
		}
		return (have-room)*int(size) + spillCost
	}
	b := 0
	if n.headers > r.headers {
		b = n.headers*int(unsafe.Sizeof(Header{})) + spillCost // the whole list moves
	}
	return b + over(n.params, r.params, unsafe.Sizeof(Param{})) +
		over(n.vias, r.vias, unsafe.Sizeof(Via{})) + over(n.addrs, r.addrs, unsafe.Sizeof(Address{})) +
		over(n.numbers, r.numbers, unsafe.Sizeof(Number{})) + over(n.texts, r.texts, unsafe.Sizeof(Text{})) +
		over(n.raws, r.raws, unsafe.Sizeof(Raw{})) + over(n.tokens, r.tokens, unsafe.Sizeof(Token{})) +
		over(n.strs, r.strs, unsafe.Sizeof("")) + over(n.lists, r.lists, unsafe.Sizeof(TokenList{})) +
		over(n.media, r.media, unsafe.Sizeof(MediaType{})) + over(n.cseqs, r.cseqs, unsafe.Sizeof(CSeq{}))
}

// newBlock returns the block of a clone with a body of body bytes: of the
// layouts, the one whose size class and spilled values take the fewest
// bytes. Bytes rather than allocations: a clone that a proxy or a dialog
// keeps should cost about what the values it holds do, and on a server's
// heap the collector's and the cache's work follows the bytes.
func (n *cloneCounts) newBlock(body int) (slots, []byte) {
	// Each layout's size class for body, plus what spills; 1 MiB stands
	// for a layout whose classes hold no such body.
	smallBytes, fullBytes, largeBytes := 1<<20, 4864, 1<<20 // full: or more, by size
	switch {
	case body <= len(small2304{}.buf):
		smallBytes = 2304
	case body <= len(small3072{}.buf):
		smallBytes = 3072
	}
	switch {
	case body <= len(block3072{}.buf):
		fullBytes = 3072
	case body <= len(block3456{}.buf):
		fullBytes = 3456
	}
	if body <= len(large4864{}.buf) {
		largeBytes = 4864
	}
	smallBytes += n.spill(&smallRoom)
	fullBytes += n.spill(&fullRoom)
	largeBytes += n.spill(&largeRoom)
	switch {
	case smallBytes <= fullBytes && smallBytes <= largeBytes:
		return newBlock(body, layoutSmall)
	case largeBytes < fullBytes:
		b := new(large4864)
		return b.slots(), b.buf[:body:body]
	}
	return newBlock(body, layoutFull)
}

// clone is v.Clone() in the free slots of s.
func (s *slots) clone(v Value) Value {
	switch v := v.(type) {
	case *Via:
		c := copyInto(&s.vias, v)
		if c != nil {
			c.Params = s.cloneParams(v.Params)
		}
		return c
	case *Address:
		c := copyInto(&s.addrs, v)
		if c != nil {
			c.URI.Params = s.cloneParams(v.URI.Params)
			c.URI.Headers = s.cloneParams(v.URI.Headers)
			c.Params = s.cloneParams(v.Params)
		}
		return c
	case *Token:
		c := copyInto(&s.tokens, v)
		if c != nil {
			c.Params = s.cloneParams(v.Params)
		}
		return c
	case *TokenList:
		c := copyInto(&s.lists, v)
		if c != nil && v.Values != nil {
			c.Values = takeN(&s.strs, len(v.Values))
			copy(c.Values, v.Values)
		}
		return c
	case *MediaType:
		c := copyInto(&s.media, v)
		if c != nil {
			c.Params = s.cloneParams(v.Params)
		}
		return c
	case *Number:
		return copyInto(&s.numbers, v)
	case *Text:
		return copyInto(&s.texts, v)
	case *Raw:
		return copyInto(&s.raws, v)
	case *CSeq:
		return copyInto(&s.cseq, v)
	case nil:
		return nil
	}
	return v.Clone()
}

// copyInto copies *v into the first free slot of *free (see take), or
// returns nil for a nil v.
func copyInto[T any](free *[]T, v *T) *T {
	if v == nil {
		return nil
	}
	c := take(free)
	*c = *v
	return c
}

// cloneParams is ps.Clone() in the free parameter slots of s. The copy's
// capacity ends with it, so that an append moves the list rather than write
// over the next one.
func (s *slots) cloneParams(ps Params) Params {
	n := len(ps)
	if n == 0 {
		return nil // as Params.Clone
	}
	c := takeN(&s.params, n)
	copy(c, ps)
	return c
}

// takeN hands out the first n free slots of *free, or n new ones when
// fewer are free, capped at n: an append moves the slice rather than write
// over the next one.
func takeN[T any](free *[]T, n int) []T {
	if n > len(*free) {
		return make([]T, n)
	}
	c := (*free)[:n:n]
	*free = (*free)[n:]
	return c
}
