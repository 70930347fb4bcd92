package transaction

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// RFC 3261 §17.1.1.2: on an unreliable transport Timer A retransmits the
// INVITE at T1, 2*T1, 4*T1... without a T2 cap, until Timer B (64*T1)
// times the transaction out; on a reliable transport only Timer B runs.
func TestClientInviteTimersAB(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reliable bool
		sends    []time.Duration
	}{
		{"unreliable", false, ms(0, 500, 1500, 3500, 7500, 15500, 31500)},
		{"reliable", true, ms(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				inv := request(t, message.MethodInvite, "z9hG4bKa")
				key := clientKey(t, inv)
				h.startClient(inv, tc.reliable)
				require.True(t, h.alive(key))
				h.at(40 * time.Second)

				assert.Equal(t, tc.sends, h.sends(is(inv)))
				for _, s := range h.outgoing() {
					assert.Equal(t, peer, s.out.Dest, "client requests go to Dest")
					assert.NotNil(t, s.out.ReplyTo, "transport errors come back to the transaction")
				}
				evs := h.events()
				require.Len(t, evs, 1)
				assert.Equal(t, 32*time.Second, evs[0].at, "Timer B = 64*T1")
				ev, ok := evs[0].ev.(*ErrorEvent)
				require.True(t, ok)
				assert.Equal(t, key, ev.Key)
				assert.ErrorIs(t, ev.Err, ErrTimeout)
				assert.False(t, h.alive(key))
			})
		})
	}
}

// RFC 3261 §17.1.1.2: Timer A follows the configured T1 and is not capped
// by T2.
func TestClientInviteTimerACustomT1(t *testing.T) {
	bubble(t, Config{Timers: Timers{T1: 100 * time.Millisecond, T2: 200 * time.Millisecond}}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKa")
		h.startClient(inv, false)
		h.at(10 * time.Second)
		assert.Equal(t, ms(0, 100, 300, 700, 1500, 3100, 6300), h.sends(is(inv)))
		evs := h.events()
		require.Len(t, evs, 1)
		assert.Equal(t, 6400*time.Millisecond, evs[0].at)
	})
}

// RFC 3261 §17.1.1.2: a provisional response moves the transaction to
// Proceeding, reaches the core, and stops the retransmissions and Timer B.
func TestClientInviteProceeding(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKa")
		key := clientKey(t, inv)
		h.startClient(inv, false)
		h.at(200 * time.Millisecond)
		ringing := message.NewResponse(inv, message.StatusRinging, "")
		h.in(ringing, false)
		h.at(100 * time.Second)
		assert.Equal(t, ms(0), h.sends(is(inv)))
		evs := h.events()
		require.Len(t, evs, 1)
		assert.Equal(t, &ResponseEvent{Key: key, Response: ringing}, evs[0].ev)
		assert.True(t, h.alive(key), "no Timer B in Proceeding")

		// Terminate of a transaction whose core still waits: ErrTerminated.
		h.sys.Root.Send(h.mgr, &Terminate{Key: key})
		assert.False(t, h.alive(key))
		evs = h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &ErrorEvent{Key: key, Err: ErrTerminated}, evs[1].ev)
	})
}

// RFC 3261 §17.1.1.2, §17.1.1.3: a non-2xx final response is ACKed by the
// transaction, which waits Timer D (32 s unreliable, 0 reliable) in
// Completed, ACKing retransmitted responses without passing them up.
func TestClientInviteTimerD(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reliable bool
		end      time.Duration
	}{
		{"unreliable", false, 33 * time.Second},
		{"reliable", true, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				inv := request(t, message.MethodInvite, "z9hG4bKa")
				key := clientKey(t, inv)
				h.startClient(inv, tc.reliable)
				h.at(time.Second)
				busy := message.NewResponse(inv, message.StatusBusyHere, "")
				h.in(busy, tc.reliable)
				if !tc.reliable {
					h.at(2 * time.Second)
					h.in(busy, false)
				}
				if tc.reliable {
					assert.False(t, h.alive(key), "no Timer D on a reliable transport")
				} else {
					h.endsAt(key, tc.end)
				}

				acks := h.outgoing()[len(h.sends(is(inv))):]
				want := ms(1000)
				if !tc.reliable {
					want = ms(1000, 2000)
				}
				var at []time.Duration
				for _, s := range acks {
					at = append(at, s.at)
					ack := s.out.Message
					assert.Equal(t, message.MethodAck, ack.Method)
					assert.Equal(t, "z9hG4bKa", ack.TopVia().Branch(), "§17.1.1.3: the ACK has the INVITE's branch")
					assert.Equal(t, peer, s.out.Dest, "§17.1.1.3: the ACK goes where the INVITE went")
				}
				assert.Equal(t, want, at)
				evs := h.events()
				require.Len(t, evs, 1, "retransmissions do not reach the core")
				assert.Equal(t, &ResponseEvent{Key: key, Response: busy}, evs[0].ev)

				// Once the transaction is gone, the response is a stray.
				h.in(busy, tc.reliable)
				require.Len(t, h.events(), 2)
				assert.Equal(t, &ResponseEvent{Key: key, Response: busy}, h.events()[1].ev)
			})
		})
	}
}

// RFC 6026 §8.4: a 2xx moves the client INVITE transaction to Accepted,
// where 2xx retransmissions reach the core too, for 64*T1 (Timer M) on any
// transport; the transaction sends no ACK for a 2xx.
func TestClientInviteTimerM(t *testing.T) {
	forTransports(t, func(t *testing.T, reliable bool) {
		bubble(t, Config{}, func(t *testing.T, h *harness) {
			inv := request(t, message.MethodInvite, "z9hG4bKa")
			key := clientKey(t, inv)
			h.startClient(inv, reliable)
			h.at(time.Second)
			ok := message.NewResponse(inv, message.StatusOK, "")
			h.in(ok, reliable)
			h.at(2 * time.Second)
			h.in(ok, reliable)
			h.endsAt(key, 33*time.Second)

			wantSends := ms(0, 500)
			if reliable {
				wantSends = ms(0)
			}
			assert.Equal(t, wantSends, h.sends(is(inv)), "no retransmission in Accepted")
			assert.Empty(t, h.sends(method(message.MethodAck)), "the core ACKs a 2xx")
			evs := h.events()
			require.Len(t, evs, 2)
			assert.Equal(t, time.Second, evs[0].at)
			assert.Equal(t, 2*time.Second, evs[1].at)
			for _, ev := range evs {
				assert.Equal(t, &ResponseEvent{Key: key, Response: ok}, ev.ev)
			}
		})
	})
}

// RFC 3261 §17.1.4: a transport error is reported to the core and ends the
// transaction.
func TestClientTransportError(t *testing.T) {
	boom := errors.New("boom")
	for _, m := range []string{message.MethodInvite, message.MethodOptions} {
		t.Run(m, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				h.failSends(func(*transport.Outgoing) error { return boom })
				req := request(t, m, "z9hG4bKa")
				key := clientKey(t, req)
				h.startClient(req, false)
				assert.False(t, h.alive(key))
				evs := h.events()
				require.Len(t, evs, 1)
				assert.Equal(t, &ErrorEvent{Key: key, Err: boom}, evs[0].ev)
			})
		})
	}
}

// RFC 3261 §17.1.2.2: Timer E retransmits a non-INVITE request at T1,
// 2*T1... capped at T2 on an unreliable transport; Timer F (64*T1) times
// it out on any transport.
func TestClientNonInviteTimersEF(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reliable bool
		sends    []time.Duration
	}{
		{"unreliable", false, ms(0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500)},
		{"reliable", true, ms(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				req := request(t, message.MethodOptions, "z9hG4bKo")
				key := clientKey(t, req)
				h.startClient(req, tc.reliable)
				h.at(40 * time.Second)
				assert.Equal(t, tc.sends, h.sends(is(req)))
				evs := h.events()
				require.Len(t, evs, 1)
				assert.Equal(t, 32*time.Second, evs[0].at, "Timer F = 64*T1")
				assert.Equal(t, &ErrorEvent{Key: key, Err: ErrTimeout}, evs[0].ev)
				assert.False(t, h.alive(key))
			})
		})
	}
}

// RFC 3261 §17.1.2.2: in Proceeding, Timer E fires every T2.
func TestClientNonInviteProceedingTimerE(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodOptions, "z9hG4bKo")
		key := clientKey(t, req)
		h.startClient(req, false)
		h.at(100 * time.Millisecond)
		trying := message.NewResponse(req, message.StatusTrying, "")
		h.in(trying, false)
		h.at(40 * time.Second)
		assert.Equal(t, ms(0, 500, 4500, 8500, 12500, 16500, 20500, 24500, 28500), h.sends(is(req)))
		evs := h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &ResponseEvent{Key: key, Response: trying}, evs[0].ev)
		assert.Equal(t, &ErrorEvent{Key: key, Err: ErrTimeout}, evs[1].ev)
		assert.Equal(t, 32*time.Second, evs[1].at)
	})
}

// RFC 3261 §17.1.2.2: a final response moves the transaction to Completed
// for Timer K (T4 unreliable, 0 reliable), where retransmitted responses
// are absorbed.
func TestClientNonInviteTimerK(t *testing.T) {
	forTransports(t, func(t *testing.T, reliable bool) {
		bubble(t, Config{}, func(t *testing.T, h *harness) {
			req := request(t, message.MethodOptions, "z9hG4bKo")
			key := clientKey(t, req)
			h.startClient(req, reliable)
			h.at(time.Second)
			ok := message.NewResponse(req, message.StatusOK, "")
			h.in(ok, reliable)
			if reliable {
				assert.False(t, h.alive(key), "no Timer K on a reliable transport")
			} else {
				h.at(2 * time.Second)
				h.in(ok, false)
				h.endsAt(key, 6*time.Second)
				assert.Equal(t, ms(0, 500), h.sends(is(req)), "no retransmission after the final response")
			}
			evs := h.events()
			require.Len(t, evs, 1)
			assert.Equal(t, &ResponseEvent{Key: key, Response: ok}, evs[0].ev)
		})
	})
}

// A second StartClient with a live key fails with ErrExists; one without a
// transport with ErrNoTransport; one whose branch lacks the magic cookie
// (RFC 3261 §8.1.1.7) with message.ErrInvalidHeader; an ACK is sent once
// without a transaction (RFC 3261 §17.1.1.3).
func TestStartClientErrors(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodOptions, "z9hG4bKo")
		key := clientKey(t, req)
		h.startClient(req, true)
		h.startClient(req, true)
		h.sys.Root.Send(h.mgr, &StartClient{Request: request(t, message.MethodOptions, "z9hG4bKp"), Dest: peer})
		ack := request(t, message.MethodAck, "z9hG4bKack")
		h.startClient(ack, false)
		h.startClient(request(t, message.MethodOptions, "nocookie"), false)
		h.at(time.Second)

		evs := h.events()
		require.Len(t, evs, 3)
		assert.ErrorIs(t, evs[2].ev.(*ErrorEvent).Err, message.ErrInvalidHeader)
		ev := evs[0].ev.(*ErrorEvent)
		assert.Equal(t, key, ev.Key)
		assert.ErrorIs(t, ev.Err, ErrExists)
		assert.ErrorIs(t, evs[1].ev.(*ErrorEvent).Err, ErrNoTransport)
		assert.Equal(t, ms(0), h.sends(is(ack)))
		assert.False(t, h.alive(clientKey(t, ack)))
		assert.Equal(t, 1, h.reg.TransactionCount())
	})
}
