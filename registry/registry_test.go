package registry

import (
	"net/netip"
	"strconv"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pid(id string) *actor.PID { return actor.NewPID("nonhost", id) }

func TestTransactions(t *testing.T) {
	r := New[string]()
	a, b := pid("a"), pid("b")
	require.True(t, r.PutTransaction("k", a))
	assert.False(t, r.PutTransaction("k", b), "a live key is not taken over")
	got, ok := r.Transaction("k")
	require.True(t, ok)
	assert.True(t, got.Equal(a))

	r.DeleteTransaction("k", b)
	_, ok = r.Transaction("k")
	assert.True(t, ok, "deleting with another PID leaves the entry: a newer transaction may own the key")
	r.DeleteTransaction("k", a)
	_, ok = r.Transaction("k")
	assert.False(t, ok)
	assert.Equal(t, 0, r.TransactionCount())
}

func TestTransportByProtocolAndFamily(t *testing.T) {
	r := New[string]()
	v4 := Transport{Protocol: "UDP", Local: netip.MustParseAddrPort("127.0.0.1:5060"), PID: pid("v4")}
	v6 := Transport{Protocol: "UDP", Local: netip.MustParseAddrPort("[::1]:5060"), PID: pid("v6")}
	tcp := Transport{Protocol: "TCP", Reliable: true, Local: netip.MustParseAddrPort("127.0.0.1:5060"), PID: pid("tcp")}
	r.AddTransport(v4)
	r.AddTransport(v6)
	r.AddTransport(tcp)

	tests := []struct {
		proto string
		dest  string
		want  string
	}{
		{"UDP", "192.0.2.1", "v4"},
		{"UDP", "2001:db8::1", "v6"},
		{"UDP", "::ffff:192.0.2.1", "v4"},
		{"TCP", "192.0.2.1", "tcp"},
		{"TCP", "2001:db8::1", ""},
		{"TLS", "192.0.2.1", ""},
	}
	for _, tt := range tests {
		got, ok := r.Transport(tt.proto, netip.MustParseAddr(tt.dest))
		if tt.want == "" {
			assert.False(t, ok, "%s %s", tt.proto, tt.dest)
			continue
		}
		require.True(t, ok, "%s %s", tt.proto, tt.dest)
		assert.Equal(t, tt.want, got.PID.Id)
	}
	got, ok := r.Transport("UDP", netip.Addr{})
	require.True(t, ok)
	assert.Equal(t, "v4", got.PID.Id, "no destination: the first of the protocol")

	// A transport rebound after a restart replaces its entry.
	moved := v4
	moved.Local = netip.MustParseAddrPort("127.0.0.1:5070")
	r.AddTransport(moved)
	assert.Len(t, r.Transports(), 3)
	got, _ = r.Transport("UDP", netip.MustParseAddr("127.0.0.1"))
	assert.Equal(t, uint16(5070), got.Local.Port())

	r.RemoveTransport(v4.PID)
	_, ok = r.Transport("UDP", netip.MustParseAddr("127.0.0.1"))
	assert.False(t, ok)
}

func TestCore(t *testing.T) {
	r := New[string]()
	assert.Nil(t, r.Core())
	r.SetCore(pid("core"))
	assert.Equal(t, "core", r.Core().Id)
	r.SetCore(nil)
	assert.Nil(t, r.Core())
}

// Two stacks in one process have separate registries.
func TestRegistriesAreSeparate(t *testing.T) {
	a, b := New[string](), New[string]()
	a.SetCore(pid("a"))
	require.True(t, a.PutTransaction("k", pid("a")))
	assert.Nil(t, b.Core())
	_, ok := b.Transaction("k")
	assert.False(t, ok)
	assert.True(t, b.PutTransaction("k", pid("b")))
}

// Concurrent writers and readers: run with -race.
func TestConcurrentUse(t *testing.T) {
	r := New[int]()
	const writers, each = 4, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				k := w*each + i
				p := pid(strconv.Itoa(k))
				if r.PutTransaction(k, p) {
					r.DeleteTransaction(k, p)
				}
				r.PutTransaction(k, p)
			}
		}()
		go func() {
			defer wg.Done()
			for i := range each {
				r.Transaction(w*each + i)
				r.AddTransport(Transport{Protocol: "UDP", PID: pid("t" + strconv.Itoa(w))})
				r.Transport("UDP", netip.Addr{})
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, writers*each, r.TransactionCount())
	n := 0
	r.RangeTransactions(func(int, *actor.PID) bool { n++; return true })
	assert.Equal(t, writers*each, n)
	assert.Len(t, r.Transports(), writers)
}

func BenchmarkTransactionLookup(b *testing.B) {
	r := New[string]()
	for i := range 100000 {
		r.PutTransaction("z9hG4bK"+strconv.Itoa(i), pid(strconv.Itoa(i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Transaction("z9hG4bK4242")
	}
}
