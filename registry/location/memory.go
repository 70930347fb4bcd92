package location

import (
	"cmp"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// MemoryConfig configures a Memory store. The zero value is ready to use.
type MemoryConfig struct {
	// Logger receives a debug record for each binding that expires; nil
	// discards them.
	Logger *slog.Logger
}

// Memory is a Store that keeps bindings in memory. Each AOR has a timer set
// to its earliest expiration, so that expired bindings are removed when they
// expire even if nobody looks them up again, and an AOR without bindings
// takes no memory.
//
// Close stops the timers; a Memory must be closed when no longer used.
type Memory struct {
	log *slog.Logger

	mu     sync.Mutex
	aors   map[string]*record
	closed bool
}

// record holds the bindings of one AOR and the timer that removes them.
type record struct {
	bindings []Binding // highest q first, none expired when last armed
	timer    *time.Timer
}

// NewMemory returns an empty Memory store.
func NewMemory(cfg MemoryConfig) *Memory {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Memory{log: log, aors: make(map[string]*record)}
}

// Lookup implements Store.
func (m *Memory) Lookup(aor string) []Binding {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.aors[aor]
	if r == nil {
		return nil
	}
	return live(r.bindings, time.Now())
}

// Update implements Store. It returns ErrClosed after Close.
func (m *Memory) Update(aor string, fn func(current []Binding) ([]Binding, error)) ([]Binding, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	now := time.Now()
	r := m.aors[aor]
	var current []Binding
	if r != nil {
		current = live(r.bindings, now)
	}
	next, err := fn(current)
	if err != nil {
		return nil, err
	}
	next = live(next, now)
	if len(next) == 0 {
		if r != nil {
			r.timer.Stop()
			delete(m.aors, aor)
		}
		return nil, nil
	}
	for i := range next {
		next[i].AOR = aor
	}
	if r == nil {
		r = &record{}
		m.aors[aor] = r
	}
	r.bindings = next
	m.arm(aor, r, now)
	return live(next, now), nil
}

// Close stops every timer and forgets every binding. Lookup then finds
// nothing and Update returns ErrClosed. Close always returns nil.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for aor, r := range m.aors {
		r.timer.Stop()
		delete(m.aors, aor)
	}
	return nil
}

// arm sets the timer of r to fire at its earliest expiration. m.mu is held.
func (m *Memory) arm(aor string, r *record, now time.Time) {
	earliest := r.bindings[0].Expires
	for _, b := range r.bindings[1:] {
		if b.Expires.Before(earliest) {
			earliest = b.Expires
		}
	}
	d := earliest.Sub(now)
	if r.timer == nil {
		r.timer = time.AfterFunc(d, func() { m.expire(aor, r) })
		return
	}
	r.timer.Reset(d)
}

// expire removes the expired bindings of aor when its timer fires.
func (m *Memory) expire(aor string, r *record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.aors[aor] != r {
		// Removed or closed after the timer fired.
		return
	}
	now := time.Now()
	kept := r.bindings[:0]
	for _, b := range r.bindings {
		if b.Expires.After(now) {
			kept = append(kept, b)
			continue
		}
		m.log.Debug("sip: binding expired", "aor", aor, "contact", b.Contact.URI.String())
	}
	clear(r.bindings[len(kept):])
	r.bindings = kept
	if len(kept) == 0 {
		delete(m.aors, aor)
		return
	}
	m.arm(aor, r, now)
}

// live returns copies of the bindings of bs that have not expired at now,
// highest q first; bindings of equal q keep their order.
func live(bs []Binding, now time.Time) []Binding {
	var out []Binding
	for i := range bs {
		if bs[i].Expires.After(now) {
			out = append(out, bs[i].Clone())
		}
	}
	slices.SortStableFunc(out, func(a, b Binding) int { return cmp.Compare(b.Q, a.Q) })
	return out
}
