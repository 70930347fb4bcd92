package location

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

func testBinding(t *testing.T, uri string, expires time.Duration, q int) Binding {
	t.Helper()
	a, err := message.ParseAddress("<" + uri + ">")
	require.NoError(t, err)
	return Binding{Contact: *a, Expires: time.Now().Add(expires), CallID: "c", CSeq: 1, Q: q}
}

func put(t *testing.T, m *Memory, aor string, bs ...Binding) []Binding {
	t.Helper()
	got, err := m.Update(aor, func([]Binding) ([]Binding, error) { return bs, nil })
	require.NoError(t, err)
	return got
}

// The reaper removes a binding when it expires, without any Lookup (RFC
// 3261 §10.2.1: a binding lasts its expiration interval and no more).
func TestMemoryExpiryTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR,
			testBinding(t, "sip:bob@a.example.com", 10*time.Second, 1000),
			testBinding(t, "sip:bob@b.example.com", 30*time.Second, 1000))

		time.Sleep(10 * time.Second)
		synctest.Wait()
		m.mu.Lock()
		require.Contains(t, m.aors, bobAOR)
		assert.Equal(t, []string{"sip:bob@b.example.com"}, contactURIs(m.aors[bobAOR].bindings))
		m.mu.Unlock()

		time.Sleep(20 * time.Second)
		synctest.Wait()
		m.mu.Lock()
		assert.NotContains(t, m.aors, bobAOR, "the AOR is gone after its last binding expired")
		m.mu.Unlock()
		assert.Nil(t, m.Lookup(bobAOR))
	})
}

// A refresh moves the timer: the binding outlives its first expiration.
func TestMemoryRefreshRearms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", 10*time.Second, 1000))
		time.Sleep(5 * time.Second)
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", 10*time.Second, 1000))
		time.Sleep(9 * time.Second)
		synctest.Wait()
		assert.Len(t, m.Lookup(bobAOR), 1, "refreshed at 5 s for 10 s: alive at 14 s")
		time.Sleep(time.Second)
		synctest.Wait()
		m.mu.Lock()
		assert.Empty(t, m.aors)
		m.mu.Unlock()
	})
}

// Lookup never returns an expired binding, even at the very instant of
// expiry, before the timer has run.
func TestMemoryLookupSkipsExpired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", time.Second, 1000))
		time.Sleep(time.Second)
		assert.Empty(t, m.Lookup(bobAOR))
	})
}

// RFC 3261 §20.10: q orders the contacts; Lookup returns the highest first,
// keeping the order of equal q-values.
func TestMemoryLookupOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR,
			testBinding(t, "sip:low@a.example.com", time.Minute, 100),
			testBinding(t, "sip:high@a.example.com", time.Minute, 1000),
			testBinding(t, "sip:mid1@a.example.com", time.Minute, 500),
			testBinding(t, "sip:mid2@a.example.com", time.Minute, 500))
		got := m.Lookup(bobAOR)
		assert.Equal(t, []string{"sip:high@a.example.com", "sip:mid1@a.example.com",
			"sip:mid2@a.example.com", "sip:low@a.example.com"}, contactURIs(got))
		for _, b := range got {
			assert.Equal(t, bobAOR, b.AOR)
		}
	})
}

// An error from fn changes nothing (RFC 3261 §10.3 step 7: all or nothing).
func TestMemoryUpdateError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", time.Minute, 1000))
		boom := errors.New("boom")
		_, err := m.Update(bobAOR, func(cur []Binding) ([]Binding, error) {
			cur[0].CSeq = 99
			return nil, boom
		})
		assert.ErrorIs(t, err, boom)
		got := m.Lookup(bobAOR)
		require.Len(t, got, 1)
		assert.Equal(t, uint32(1), got[0].CSeq)
	})
}

// Bindings returned are copies: changing them leaves the store alone.
func TestMemoryCopies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", time.Minute, 1000))
		got := m.Lookup(bobAOR)
		got[0].Contact.URI.Host = "evil.example.com"
		got[0].Contact.Params.Set("x", "y")
		again := m.Lookup(bobAOR)
		assert.Equal(t, "a.example.com", again[0].Contact.URI.Host)
		assert.False(t, again[0].Contact.Params.Has("x"))
	})
}

// Close stops the timers (goleak and synctest would see them otherwise) and
// makes Update fail.
func TestMemoryClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		put(t, m, bobAOR, testBinding(t, "sip:bob@a.example.com", time.Hour, 1000))
		require.NoError(t, m.Close())
		assert.Nil(t, m.Lookup(bobAOR))
		_, err := m.Update(bobAOR, func(cur []Binding) ([]Binding, error) { return cur, nil })
		assert.ErrorIs(t, err, ErrClosed)
	})
}

// Concurrent updates and lookups of a few AORs, for the race detector.
func TestMemoryConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		aors := []string{"sip:a@x", "sip:b@x", "sip:c@x"}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for j := range 50 {
					aor := aors[(i+j)%len(aors)]
					b := testBinding(t, "sip:ua@x", time.Duration(1+j%3)*time.Second, 1000)
					_, err := m.Update(aor, func([]Binding) ([]Binding, error) { return []Binding{b}, nil })
					assert.NoError(t, err)
					m.Lookup(aor)
					time.Sleep(100 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		m.mu.Lock()
		assert.Empty(t, m.aors)
		m.mu.Unlock()
	})
}
