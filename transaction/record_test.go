package transaction

import (
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecord: a record gives back the key, destination, transport and data
// it was made with, for every kind of destination.
func TestRecord(t *testing.T) {
	_, id := Key{Branch: "z9hG4bK1", Method: "OPTIONS", Host: "192.0.2.1", Port: 5060}.detach()
	dests := []netip.AddrPort{
		{},
		netip.MustParseAddrPort("127.0.0.1:5060"),
		netip.MustParseAddrPort("[2001:db8::1]:5061"),
		netip.MustParseAddrPort("[fe80::1%eth0]:5062"),
		netip.MustParseAddrPort("[::ffff:192.0.2.1]:5063"), // stays IPv6, as netip keeps it
	}
	for _, dest := range dests {
		for _, data := range []string{"", "SIP/2.0 200 OK\r\n\r\n"} {
			for _, hasData := range []bool{false, true} {
				r, ok := newRecord(id, dest, 7, hasData, len(data))
				require.True(t, ok)
				r = append(r, data...).seal()
				got := recordAt(r.start())
				assert.Equal(t, id, got.id())
				assert.Equal(t, dest, got.dest())
				assert.Equal(t, uint16(7), got.transport())
				if hasData {
					assert.Equal(t, []byte(data), got.data())
				} else {
					assert.Nil(t, got.data())
				}
			}
		}
	}
	long := netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone(strings.Repeat("z", 256)), 1)
	_, ok := newRecord(id, long, 0, true, 10)
	assert.False(t, ok, "a zone longer than 255 bytes")
	_, ok = newRecord(strings.Repeat("k", 1<<16), netip.AddrPort{}, 0, false, 0)
	assert.False(t, ok, "a key longer than 65535 bytes")
}

// TestTransportTable: a transport keeps its number; the table refuses more
// than it can number.
func TestTransportTable(t *testing.T) {
	var tt transportTable
	a, b := actor.NewPID("local", "a"), actor.NewPID("local", "b")
	i, ok := tt.index(a)
	require.True(t, ok)
	j, ok := tt.index(b)
	require.True(t, ok)
	assert.NotEqual(t, i, j)
	k, _ := tt.index(actor.NewPID("local", "a")) // equal, not the same pointer
	assert.Equal(t, i, k)
	assert.Same(t, b, tt.pid(j))
	for n := len(tt.pids); n < noTransport; n++ {
		tt.pids = append(tt.pids, a)
	}
	_, ok = tt.index(actor.NewPID("local", "c"))
	assert.False(t, ok)
}

// TestTxSlot: a slot holds a host or a record and tells which; a record
// referenced by a slot alone, through its odd address, survives
// collections.
func TestTxSlot(t *testing.T) {
	pid := actor.NewPID("local", "host")
	h := hostSlot(pid)
	assert.Same(t, pid, h.pid())
	assert.Nil(t, h.rec())

	slots := map[string]txSlot{}
	for i := range 100 {
		_, id := Key{Branch: "z9hG4bK" + strings.Repeat("x", i), Method: "OPTIONS"}.detach()
		r, ok := newRecord(id, netip.MustParseAddrPort("127.0.0.1:5060"), 0, true, 4)
		require.True(t, ok)
		r = append(r, "data"...).seal()
		slots[r.id()] = recordSlot(r.start())
	}
	runtime.GC()
	_ = make([]byte, 1<<20) // reuse what was freed, if anything was
	runtime.GC()
	for id, s := range slots {
		require.Nil(t, s.pid())
		r := recordAt(s.rec())
		assert.Equal(t, id, r.id())
		assert.Equal(t, "data", string(r.data()))
	}
}
