package transaction

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// RFC 3261 §17.2.2: in Completed a server non-INVITE transaction only
// answers retransmissions with its final response. The manager holds it as
// a record (park.go): its host runs the next transaction, the key leaves
// the registry (which holds live transactions; a stack's Send refuses a
// late response with ErrNoTransaction), a retransmission gets the same
// bytes, a late response that reaches the manager is discarded, and
// Terminate ends it quietly.
func TestParkedServerNonInvite(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodRegister, "z9hG4bKp")
		key := serverKey(t, req)
		h.in(req, false)
		actorPID, ok := h.reg.Transaction(key)
		require.True(t, ok)
		ok200 := message.NewResponse(req, message.StatusOK, "")
		h.respond(ok200)

		_, ok = h.reg.Transaction(key)
		assert.False(t, ok, "the registry holds live transactions")
		assert.True(t, h.alive(key), "in Completed")
		next := request(t, message.MethodOptions, "z9hG4bKnext")
		h.in(next, false)
		pid, ok := h.reg.Transaction(serverKey(t, next))
		require.True(t, ok)
		assert.True(t, pid.Equal(actorPID), "the host runs the next transaction")

		h.at(time.Second)
		h.in(req, false)
		assert.Equal(t, ms(0, 1000), h.sends(is(ok200)), "the retransmission gets the final response again")
		h.respond(message.NewResponse(req, message.StatusNotFound, ""))
		assert.Empty(t, h.sends(status(message.StatusNotFound)))

		h.sys.Root.Send(h.mgr, &Terminate{Key: key})
		assert.False(t, h.alive(key))
		h.in(req, false)
		assert.Len(t, h.events(), 3, "after Terminate the request is new to the core")
	})
}

// RFC 3261 §17.2.4: a transport error on the final response of a parked
// transaction ends it and reaches the core.
func TestParkedTransportError(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		broken := errors.New("network unreachable")
		h.failSends(func(*transport.Outgoing) error { return broken })
		req := request(t, message.MethodOptions, "z9hG4bKe")
		key := serverKey(t, req)
		h.in(req, false)
		h.respond(message.NewResponse(req, message.StatusOK, ""))
		assert.False(t, h.alive(key))
		evs := h.events()
		require.Len(t, evs, 2)
		assert.ErrorIs(t, evs[1].ev.(*ErrorEvent).Err, broken)
		assert.Equal(t, key, evs[1].ev.(*ErrorEvent).Key)
	})
}

// RFC 3261 §17.1.1.2: a client INVITE transaction in Completed sends the
// ACK again for each retransmitted final response, from its record; the
// core hears of the response once; Timer D (32 s) ends it.
func TestParkedClientInviteAcksAgain(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKc")
		key, err := ClientKey(inv)
		require.NoError(t, err)
		h.startClient(inv, false)
		busy := message.NewResponse(inv, message.StatusBusyHere, "")
		h.in(busy, false)
		h.at(2 * time.Second)
		h.in(busy, false)
		assert.Equal(t, ms(0, 2000), h.sends(method(message.MethodAck)))
		assert.Len(t, h.events(), 1)
		h.endsAt(key, 32*time.Second)
	})
}

// Past Config.MaxTransactions, live and parked transactions together, a
// request that would start a server transaction gets a stateless 503 with
// Retry-After (RFC 3261 §21.5.4) and StartClient fails with ErrOverloaded;
// retransmissions still reach their transactions, and room made by an
// expiry is used again.
func TestMaxTransactions(t *testing.T) {
	bubble(t, Config{MaxTransactions: 2, OverloadRetryAfter: 1500 * time.Millisecond}, func(t *testing.T, h *harness) {
		first := request(t, message.MethodOptions, "z9hG4bK1")
		h.in(first, false)
		h.respond(message.NewResponse(first, message.StatusOK, "")) // parked
		second := request(t, message.MethodOptions, "z9hG4bK2")
		h.in(second, false) // live
		third := request(t, message.MethodOptions, "z9hG4bK3")
		h.in(third, false)
		refused := h.sends(status(message.StatusServiceUnavailable))
		require.Len(t, refused, 1, "the third request is refused")
		out := h.outgoing()
		last := out[len(out)-1].out.Message
		assert.Equal(t, third.CallID(), last.CallID())
		ra, ok := last.Headers.Get(message.HeaderRetryAfter).(*message.Interval)
		require.True(t, ok)
		assert.Equal(t, 2, ra.Seconds, "1.5 s rounds up")
		assert.False(t, h.alive(serverKey(t, third)))
		assert.Len(t, h.events(), 2, "the core never saw it")

		h.in(first, false)
		assert.Len(t, h.sends(status(message.StatusOK)), 2, "a retransmission is still answered")

		inv := request(t, message.MethodInvite, "z9hG4bKc")
		key, err := ClientKey(inv)
		require.NoError(t, err)
		h.startClient(inv, false)
		evs := h.events()
		assert.Equal(t, &ErrorEvent{Key: key, Err: ErrOverloaded}, evs[len(evs)-1].ev)

		h.at(33 * time.Second) // Timer J ended the first
		h.in(third, false)
		assert.True(t, h.alive(serverKey(t, third)), "room again")
	})
}

// Parked transactions expire in the order they were parked, each at its own
// Timer J, across the blocks of the manager's queue.
func TestParkedExpireInOrder(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		const n = 2*waitBlockSize + 10
		keys := make([]Key, n)
		for i := range n {
			req := request(t, message.MethodOptions, fmt.Sprintf("z9hG4bKq%d", i))
			keys[i] = serverKey(t, req)
			h.in(req, false)
			h.respond(message.NewResponse(req, message.StatusOK, ""))
			h.at(time.Duration(i+1) * 10 * time.Millisecond)
		}
		// The i-th was parked at i*10 ms and ends 32 s later.
		for _, i := range []int{0, waitBlockSize - 1, waitBlockSize, n - 1} {
			at := 32*time.Second + time.Duration(i)*10*time.Millisecond
			h.endsAt(keys[i], at)
			if i+1 < n {
				assert.True(t, h.alive(keys[i+1]), "the next is still there at %v", at)
			}
		}
	})
}

// A host runs one transaction after another (host.go). What was meant for
// an earlier one never reaches the next: a late Respond sent to the host
// (by a core that looked the host up before its transaction ended) is
// discarded, and the earlier transaction's timerUnanswered does not end the
// next one.
func TestHostReuseIsolation(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		first := request(t, message.MethodOptions, "z9hG4bKfirst")
		h.in(first, false)
		hostPID, ok := h.reg.Transaction(serverKey(t, first))
		require.True(t, ok)
		h.respond(message.NewResponse(first, message.StatusOK, "")) // parked; host idle

		h.at(2 * time.Second)
		second := request(t, message.MethodOptions, "z9hG4bKsecond")
		secondKey := serverKey(t, second)
		h.in(second, false)
		pid, ok := h.reg.Transaction(secondKey)
		require.True(t, ok)
		require.True(t, pid.Equal(hostPID), "the same host runs the second")

		late := message.NewResponse(first, message.StatusNotFound, "")
		h.sys.Root.Send(hostPID, &Respond{Response: late})
		h.at(3 * time.Second)
		assert.Empty(t, h.sends(status(message.StatusNotFound)), "not sent as the second's")
		assert.True(t, h.alive(secondKey), "the second still waits for its core")

		// The first's timerUnanswered was due at 37 s (64*T1 + T4); the
		// second's is at 39 s.
		h.endsAt(secondKey, 39*time.Second)
		evs := h.events()
		require.Len(t, evs, 3)
		assert.Equal(t, secondKey, evs[2].ev.(*ErrorEvent).Key)
		assert.ErrorIs(t, evs[2].ev.(*ErrorEvent).Err, ErrTimeout)
	})
}
