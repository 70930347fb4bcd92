package digest

import (
	"sync"
	"time"
)

// DefaultMaxNonces is the number of nonces whose nonce-count a Server
// remembers when Server.MaxNonces is zero.
const DefaultMaxNonces = 10000

// counts remembers the highest nonce-count seen with each nonce still alive,
// so that a replayed request is refused (RFC 7616 §3.4, §5.12). It holds at
// most max nonces: when full it forgets the oldest ones and raises a
// watermark, and a nonce issued at or before the watermark that it no longer
// remembers is treated as stale, so that forgetting never lets a replay
// through: the client is only asked to take a fresh nonce.
type counts struct {
	mu        sync.Mutex
	seen      map[string]*countEntry
	order     []string // nonces in the order first seen; a ring
	head      int      // index of the oldest in order
	watermark time.Time
}

type countEntry struct {
	nc     uint32
	issued time.Time
}

// check records nc for nonce, issued at issued, and reports whether it is
// above the last one seen. known is false when the nonce is forgotten (the
// caller reports it stale).
func (c *counts) check(nonce string, issued time.Time, nc uint32, now time.Time, lifetime time.Duration, max int) (fresh, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.seen[nonce]; ok {
		if nc <= e.nc {
			return false, true
		}
		e.nc = nc
		return true, true
	}
	if !issued.After(c.watermark) {
		return false, false
	}
	if c.seen == nil {
		c.seen = make(map[string]*countEntry)
	}
	// Forget nonces that have expired, oldest first, then the oldest live
	// ones while full. order is in first-use order, close to issue order, so
	// an expired nonce behind a live one waits for its turn; max bounds memory
	// all the same.
	for len(c.order)-c.head > 0 {
		oldest := c.order[c.head]
		e := c.seen[oldest]
		expired := now.Sub(e.issued) > lifetime
		if !expired && len(c.seen) < max {
			break
		}
		if !expired && e.issued.After(c.watermark) {
			c.watermark = e.issued
		}
		delete(c.seen, oldest)
		c.order[c.head] = ""
		c.head++
	}
	if c.head > len(c.order)/2 {
		n := copy(c.order, c.order[c.head:])
		clear(c.order[n:])
		c.order, c.head = c.order[:n], 0
	}
	c.seen[nonce] = &countEntry{nc: nc, issued: issued}
	c.order = append(c.order, nonce)
	return true, true
}

// len returns how many nonces are remembered.
func (c *counts) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
