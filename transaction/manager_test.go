package transaction

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// Without a registered core, events are logged and dropped; the
// transaction still runs (RFC 3261 §17.2.1: the 100 is sent).
func TestNoCore(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		h.reg.SetCore(nil)
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		h.in(inv, false)
		h.at(time.Second)
		assert.Empty(t, h.events())
		assert.Contains(t, h.logs.String(), "no core registered")
		assert.Equal(t, ms(200), h.sends(status(message.StatusTrying)))
	})
}

// A request that no transport carried cannot be answered: it is dropped.
func TestRequestWithoutTransportDropped(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		h.sys.Root.Send(h.mgr, &transport.Incoming{Message: request(t, message.MethodOptions, "z9hG4bKs")})
		h.sys.Root.Send(h.mgr, &transport.Incoming{})
		synctest.Wait()
		assert.Empty(t, h.events())
		assert.Equal(t, 0, h.reg.TransactionCount())
	})
}

// RFC 3261 §17.2.1: an INVITE retransmitted before the Trying delay and
// before any response gets the 100 (Trying) at once, and only once.
func TestServerInviteRetransmissionBeforeTrying(t *testing.T) {
	bubble(t, Config{Timers: Timers{Trying: 2 * time.Second}}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		h.in(inv, false)
		h.at(500 * time.Millisecond)
		h.in(inv, false)
		h.at(5 * time.Second)
		assert.Equal(t, ms(500), h.sends(status(message.StatusTrying)))
	})
}

// RFC 6026 §8.7: an ACK that matches a server INVITE transaction in
// Accepted (an RFC 2543 peer reuses the INVITE's Via for the ACK of a 2xx)
// goes to the core.
func TestServerInviteAcceptedAckToCore(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := requestVia(t, message.MethodInvite, "SIP/2.0/UDP 127.0.0.1:5070;branch=old")
		key := serverKey(t, inv)
		h.in(inv, false)
		ok := message.NewResponse(inv, message.StatusOK, "")
		h.respond(ok)
		ack := requestVia(t, message.MethodAck, "SIP/2.0/UDP 127.0.0.1:5070;branch=old")
		require.Equal(t, key, serverKey(t, ack))
		h.in(ack, false)
		evs := h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &RequestEvent{Key: key, Request: ack}, evs[1].ev)
	})
}

// Bad Respond messages are ignored, not fatal.
func TestRespondWithoutResponse(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodOptions, "z9hG4bKs")
		key := serverKey(t, req)
		h.in(req, false)
		pid, ok := h.reg.Transaction(key)
		require.True(t, ok)
		h.sys.Root.Send(pid, &Respond{})
		h.sys.Root.Send(pid, &Respond{Response: req})
		synctest.Wait()
		assert.True(t, h.alive(key))
		assert.Empty(t, h.outgoing())
	})
}

// Drain with no live transaction closes Done at once.
func TestDrainIdle(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		done := make(chan struct{})
		h.sys.Root.Send(h.mgr, &Drain{Done: done})
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Done not closed")
		}
		// A drained manager still answers: 503 without Retry-After.
		h.in(request(t, message.MethodOptions, "z9hG4bKs"), false)
		out := h.outgoing()
		require.Len(t, out, 1)
		assert.Equal(t, message.StatusServiceUnavailable, out[0].out.Message.StatusCode)
		assert.Nil(t, out[0].out.Message.Headers.Get(message.HeaderRetryAfter))
	})
}

// Stopping the manager (the stack's shutdown) stops every transaction:
// cores still waiting get ErrTerminated, and the registry (which holds the
// live ones) is emptied.
func TestManagerStop(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		opt := request(t, message.MethodOptions, "z9hG4bKo")
		h.in(inv, false)
		h.in(opt, false)
		h.respond(message.NewResponse(opt, message.StatusOK, ""))
		require.Equal(t, 1, h.reg.TransactionCount(), "the INVITE; the OPTIONS waits in Completed, parked")
		require.True(t, h.alive(serverKey(t, opt)))
		h.sys.Root.Stop(h.mgr)
		synctest.Wait()
		assert.Equal(t, 0, h.reg.TransactionCount())
		evs := h.events()
		require.Len(t, evs, 3)
		assert.Equal(t, &ErrorEvent{Key: serverKey(t, inv), Err: ErrTerminated}, evs[2].ev)
	})
}
