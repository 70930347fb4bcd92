package transaction

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAwaitList: a transaction leaves the list of those awaiting their core
// from wherever it stands, the rest keep their order, and nodes are reused,
// so that the list costs what the transactions in flight cost.
func TestAwaitList(t *testing.T) {
	m := &manager{running: map[*actor.PID]runningTx{}}
	m.awaiting.timer = time.NewTimer(time.Hour) // armed: await arms nothing
	defer m.awaiting.timer.Stop()
	order := func() []uint64 {
		var gens []uint64
		for n := m.awaiting.head; n != nil; n = n.next {
			gens = append(gens, n.gen)
		}
		var back []uint64
		for n := m.awaiting.tail; n != nil; n = n.prev {
			back = append([]uint64{n.gen}, back...)
		}
		require.Equal(t, gens, back, "both directions agree")
		return gens
	}
	var nodes []*awaiting
	for gen := uint64(1); gen <= 4; gen++ {
		nodes = append(nodes, m.await(nil, actor.NewPID("local", "h"), gen, time.Duration(gen)))
	}
	assert.Equal(t, []uint64{1, 2, 3, 4}, order())
	m.unawait(nodes[1])
	assert.Equal(t, []uint64{1, 3, 4}, order())
	m.unawait(nodes[0])
	m.unawait(nodes[3])
	assert.Equal(t, []uint64{3}, order())
	m.unawait(nodes[2])
	assert.Empty(t, order())
	assert.Nil(t, m.awaiting.tail)
	reused := m.await(nil, nil, 5, 5)
	assert.Same(t, nodes[2], reused, "the last node freed is the first reused")
	assert.Equal(t, []uint64{5}, order())
}
