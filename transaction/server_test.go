package transaction

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transport"
)

// RFC 3261 §17.2.1: the server INVITE transaction passes the INVITE to the
// core and, when the core sends nothing within 200 ms, sends a 100
// (Trying) itself; a retransmitted INVITE gets the last provisional
// response again.
func TestServerInviteAutomaticTrying(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		key := serverKey(t, inv)
		h.in(inv, false)
		evs := h.events()
		require.Len(t, evs, 1)
		assert.Equal(t, &RequestEvent{Key: key, Request: inv}, evs[0].ev)
		assert.Equal(t, time.Duration(0), evs[0].at)

		h.at(500 * time.Millisecond)
		h.in(inv, false)
		assert.Equal(t, ms(200, 500), h.sends(status(message.StatusTrying)))
		for _, s := range h.outgoing() {
			assert.False(t, s.out.Dest.IsValid(), "responses are routed by Via")
			assert.Equal(t, message.StatusTrying, s.out.Message.StatusCode)
			assert.Empty(t, s.out.Message.To().Tag(), "a 100 has no To tag")
		}
		assert.Len(t, h.events(), 1, "retransmissions do not reach the core")
	})
}

// RFC 3261 §17.2.1: no 100 (Trying) when the core answered first; the
// configured Trying delay is honoured.
func TestServerInviteNoTryingWhenCoreAnswers(t *testing.T) {
	bubble(t, Config{Timers: Timers{Trying: 50 * time.Millisecond}}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		h.in(inv, false)
		h.at(40 * time.Millisecond)
		ringing := message.NewResponse(inv, message.StatusRinging, "")
		h.respond(ringing)
		h.at(time.Second)
		h.in(inv, false)
		assert.Empty(t, h.sends(status(message.StatusTrying)))
		assert.Equal(t, ms(40, 1000), h.sends(is(ringing)))
	})
	bubble(t, Config{Timers: Timers{Trying: 50 * time.Millisecond}}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		h.in(inv, false)
		h.at(time.Second)
		assert.Equal(t, ms(50), h.sends(status(message.StatusTrying)))
	})
}

// RFC 3261 §17.2.1: a non-2xx final response is retransmitted by Timer G
// (T1 doubling up to T2) on unreliable transports until the ACK, and Timer
// H (64*T1) reports a missing ACK on any transport.
func TestServerInviteTimersGH(t *testing.T) {
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
				inv := request(t, message.MethodInvite, "z9hG4bKs")
				key := serverKey(t, inv)
				h.in(inv, tc.reliable)
				busy := message.NewResponse(inv, message.StatusBusyHere, "")
				h.respond(busy)
				h.at(40 * time.Second)
				assert.Equal(t, tc.sends, h.sends(is(busy)))
				assert.Empty(t, h.sends(status(message.StatusTrying)))
				evs := h.events()
				require.Len(t, evs, 2)
				assert.Equal(t, 32*time.Second, evs[1].at)
				assert.Equal(t, &ErrorEvent{Key: key, Err: ErrTimeout}, evs[1].ev)
				assert.False(t, h.alive(key))
			})
		})
	}
}

// RFC 3261 §17.2.1: the ACK moves the transaction to Confirmed, stops
// Timer G, and is absorbed, as are its retransmissions, for Timer I (T4
// unreliable, 0 reliable). A retransmitted INVITE in Completed gets the
// final response again.
func TestServerInviteTimerI(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reliable bool
		sends    []time.Duration
	}{
		{"unreliable", false, ms(0, 500, 1200)},
		{"reliable", true, ms(0, 1200)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				inv := request(t, message.MethodInvite, "z9hG4bKs")
				key := serverKey(t, inv)
				h.in(inv, tc.reliable)
				busy := message.NewResponse(inv, message.StatusBusyHere, "")
				h.respond(busy)
				h.at(1200 * time.Millisecond)
				h.in(inv, tc.reliable)
				h.at(1400 * time.Millisecond)
				ack, err := message.NewAck(inv, busy)
				require.NoError(t, err)
				h.in(ack, tc.reliable)
				if tc.reliable {
					assert.False(t, h.alive(key), "no Timer I on a reliable transport")
				} else {
					h.at(2 * time.Second)
					h.in(ack, false)
					h.endsAt(key, 6400*time.Millisecond)
				}
				h.at(40 * time.Second)
				assert.Equal(t, tc.sends, h.sends(is(busy)))
				evs := h.events()
				require.Len(t, evs, 1, "ACKs of a non-2xx do not reach the core")
			})
		})
	}
}

// RFC 6026 §8.5, §8.7: a 2xx moves the server INVITE transaction to
// Accepted for Timer L (64*T1, any transport): retransmitted INVITEs are
// absorbed, the core's 2xx retransmissions go to the transport, and the
// transaction never retransmits the 2xx itself.
func TestServerInviteTimerL(t *testing.T) {
	forTransports(t, func(t *testing.T, reliable bool) {
		bubble(t, Config{}, func(t *testing.T, h *harness) {
			inv := request(t, message.MethodInvite, "z9hG4bKs")
			key := serverKey(t, inv)
			h.in(inv, reliable)
			h.at(100 * time.Millisecond)
			ok := message.NewResponse(inv, message.StatusOK, "")
			h.respond(ok)
			h.at(time.Second)
			h.in(inv, reliable)
			h.at(2 * time.Second)
			h.respond(ok)
			// Late provisional and non-2xx responses are not sent.
			h.respond(message.NewResponse(inv, message.StatusRinging, ""))
			h.endsAt(key, 32100*time.Millisecond)

			assert.Equal(t, ms(100, 2000), h.sends(is(ok)))
			assert.Len(t, h.outgoing(), 2)
			assert.Len(t, h.events(), 1, "INVITE retransmissions are absorbed")
		})
	})
}

// RFC 3261 §17.2.4: a transport error is reported to the core and ends the
// server transaction.
func TestServerTransportError(t *testing.T) {
	boom := errors.New("boom")
	for _, m := range []string{message.MethodInvite, message.MethodOptions} {
		t.Run(m, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				h.failSends(func(*transport.Outgoing) error { return boom })
				req := request(t, m, "z9hG4bKs")
				key := serverKey(t, req)
				h.in(req, false)
				h.respond(message.NewResponse(req, message.StatusNotFound, ""))
				assert.False(t, h.alive(key))
				evs := h.events()
				require.Len(t, evs, 2)
				assert.Equal(t, &ErrorEvent{Key: key, Err: boom}, evs[1].ev)
			})
		})
	}
}

// RFC 3261 §17.2.2: retransmissions are absorbed in Trying, answered with
// the last provisional in Proceeding and with the final response in
// Completed, which lasts Timer J (64*T1 unreliable, 0 reliable).
func TestServerNonInviteTimerJ(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reliable bool
	}{{"unreliable", false}, {"reliable", true}} {
		t.Run(tc.name, func(t *testing.T) {
			bubble(t, Config{}, func(t *testing.T, h *harness) {
				req := request(t, message.MethodOptions, "z9hG4bKs")
				key := serverKey(t, req)
				h.in(req, tc.reliable)
				h.at(500 * time.Millisecond)
				h.in(req, tc.reliable)
				assert.Empty(t, h.outgoing(), "absorbed in Trying")
				trying := message.NewResponse(req, message.StatusTrying, "")
				h.respond(trying)
				h.at(time.Second)
				h.in(req, tc.reliable)
				ok := message.NewResponse(req, message.StatusOK, "")
				h.respond(ok)
				if tc.reliable {
					assert.False(t, h.alive(key), "no Timer J on a reliable transport")
					assert.Equal(t, ms(1000), h.sends(is(ok)))
				} else {
					h.at(1500 * time.Millisecond)
					h.in(req, false)
					h.respond(message.NewResponse(req, message.StatusNotFound, ""))
					h.endsAt(key, 33*time.Second)
					assert.Equal(t, ms(1000, 1500), h.sends(is(ok)))
				}
				assert.Equal(t, ms(500, 1000), h.sends(is(trying)))
				assert.Empty(t, h.sends(status(message.StatusNotFound)), "responses after the final one are discarded")
				assert.Len(t, h.events(), 1)
			})
		})
	}
}

// RFC 3261 §9.2: a CANCEL matching an INVITE server transaction is
// answered 200 by the stack and reaches the core with the INVITE's key; a
// CANCEL matching none gets 481 and does not reach the core. Both live in
// a server non-INVITE transaction of their own (§17.2.2), so retransmitted
// CANCELs get the same answer.
func TestCancel(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		inviteKey := serverKey(t, inv)
		h.in(inv, false)
		cancel, err := message.NewCancel(inv)
		require.NoError(t, err)
		cancelKey := serverKey(t, cancel)
		h.in(cancel, false)
		h.at(time.Second)
		h.in(cancel, false)

		assert.Equal(t, ms(0, 1000), h.sends(func(m *message.Message) bool {
			return m.StatusCode == message.StatusOK && m.CSeq().Method == message.MethodCancel
		}))
		evs := h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &RequestEvent{Key: inviteKey, Request: cancel}, evs[1].ev)
		assert.True(t, h.alive(cancelKey))

		// The core answers the INVITE 487.
		terminated := message.NewResponse(inv, message.StatusRequestTerminated, "")
		h.respond(terminated)
		assert.Equal(t, ms(1000), h.sends(is(terminated)))
	})
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		cancel, err := message.NewCancel(request(t, message.MethodInvite, "z9hG4bKnone"))
		require.NoError(t, err)
		h.in(cancel, false)
		assert.Equal(t, ms(0), h.sends(status(message.StatusCallTransactionDoesNotExist)))
		assert.Empty(t, h.events())
	})
}

// RFC 3261 §17.2.3: an ACK matching no transaction (the ACK of a 2xx) goes
// to the core with its own key; §18.1.2: so does a response matching no
// client transaction.
func TestStrayAckAndResponse(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		ack := request(t, message.MethodAck, "z9hG4bKack")
		h.in(ack, false)
		resp := message.NewResponse(request(t, message.MethodInvite, "z9hG4bKgone"), message.StatusOK, "")
		h.in(resp, false)
		evs := h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &RequestEvent{Key: serverKey(t, ack), Request: ack}, evs[0].ev)
		assert.Equal(t, &ResponseEvent{Key: clientKey(t, resp), Response: resp}, evs[1].ev)
		assert.Equal(t, 0, h.reg.TransactionCount())
		assert.Empty(t, h.outgoing())
	})
}

// A request without a Via has no key: it is dropped (the transport already
// answered a malformed request, RFC 3261 §8.2).
func TestRequestWithoutKeyDropped(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodOptions, "z9hG4bKs")
		req.Headers.Del(message.HeaderVia)
		h.in(req, false)
		assert.Empty(t, h.events())
		assert.Equal(t, 0, h.reg.TransactionCount())
	})
}

// Terminate ends a transaction in any state: a core that was waiting gets
// ErrTerminated, one that had its final response hears nothing more.
func TestTerminate(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		opt := request(t, message.MethodOptions, "z9hG4bKo")
		h.in(inv, false)
		h.in(opt, false)
		h.respond(message.NewResponse(opt, message.StatusOK, ""))
		h.sys.Root.Send(h.mgr, &Terminate{Key: serverKey(t, inv)})
		h.sys.Root.Send(h.mgr, &Terminate{Key: serverKey(t, opt)})
		h.sys.Root.Send(h.mgr, &Terminate{Key: Key{Branch: "unknown"}})
		h.at(h.now())
		assert.Equal(t, 0, h.reg.TransactionCount())
		evs := h.events()
		require.Len(t, evs, 3)
		assert.Equal(t, &ErrorEvent{Key: serverKey(t, inv), Err: ErrTerminated}, evs[2].ev)
	})
}

// Drain: new requests get 503 with Retry-After, live transactions finish,
// and Done is closed when the last one ends.
func TestDrain(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		h.in(inv, false)
		done := make(chan struct{})
		h.sys.Root.Send(h.mgr, &Drain{Done: done, RetryAfter: 1500 * time.Millisecond})
		opt := request(t, message.MethodOptions, "z9hG4bKo")
		h.in(opt, false)
		refused := h.outgoing()
		require.Len(t, refused, 1)
		assert.Equal(t, message.StatusServiceUnavailable, refused[0].out.Message.StatusCode)
		assert.Contains(t, refused[0].out.Message.String(), "Retry-After: 2\r\n")
		assert.Len(t, h.events(), 1)

		// The live INVITE still works, with its CANCEL.
		cancel, err := message.NewCancel(inv)
		require.NoError(t, err)
		h.in(cancel, false)
		assert.Len(t, h.events(), 2)
		select {
		case <-done:
			t.Fatal("Done closed while the core still owes the INVITE its final response")
		default:
		}
		// Once the INVITE has its final response, every transaction left
		// only absorbs retransmissions (Completed): the drain is over,
		// though their timers still run.
		h.respond(message.NewResponse(inv, message.StatusRequestTerminated, ""))
		h.at(time.Millisecond)
		select {
		case <-done:
		default:
			t.Fatal("Done not closed once no transaction was pending")
		}
		assert.True(t, h.alive(serverKey(t, inv)), "INVITE still in Completed")
		assert.True(t, h.alive(serverKey(t, cancel)), "CANCEL still in Completed")
		ack, err := message.NewAck(inv, message.NewResponse(inv, message.StatusRequestTerminated, ""))
		require.NoError(t, err)
		h.at(time.Second)
		h.in(ack, false)
		// CANCEL ends at 32 s (Timer J), the INVITE at 1 s + T4 (Timer I).
		h.at(32 * time.Second)
		assert.Equal(t, 0, h.reg.TransactionCount())
	})
}

// A panic inside a transaction stops that transaction only, is logged with
// its stack trace, and its waiting core gets ErrTerminated; the manager and
// the other transactions go on.
func TestPanicStopsOnlyTheTransaction(t *testing.T) {
	var bad Key
	cfg := Config{hook: func(k Key, msg any) {
		if _, ok := msg.(*Respond); ok && k == bad {
			panic("test panic")
		}
	}}
	bubble(t, cfg, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKbad")
		other := request(t, message.MethodInvite, "z9hG4bKgood")
		bad = serverKey(t, inv)
		h.in(inv, false)
		h.in(other, false)
		h.respond(message.NewResponse(inv, message.StatusOK, ""))
		assert.False(t, h.alive(bad))
		assert.True(t, h.alive(serverKey(t, other)))
		evs := h.events()
		require.Len(t, evs, 3)
		assert.Equal(t, &ErrorEvent{Key: bad, Err: ErrTerminated}, evs[2].ev)
		logs := h.logs.String()
		assert.Contains(t, logs, "test panic")
		assert.Contains(t, logs, "runtime/debug.Stack")
		assert.Contains(t, logs, bad.String())

		// The other transaction and the manager still work.
		busy := message.NewResponse(other, message.StatusBusyHere, "")
		h.respond(busy)
		assert.Equal(t, ms(0), h.sends(is(busy)))
		h.in(request(t, message.MethodOptions, "z9hG4bKnew"), false)
		assert.Len(t, h.events(), 4)
		assert.False(t, strings.Contains(logs, "level=ERROR") && strings.Count(logs, "level=ERROR") > 2)
	})
}

// RFC 3261 §17.2.4: a transport error on a Timer G retransmission ends the
// transaction in Completed; RFC 6026 §7.1: in Accepted, which has no
// transport error transition, an error is ignored and the transaction waits
// for Timer L.
func TestServerInviteTransportErrorByState(t *testing.T) {
	boom := errors.New("boom")
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		key := serverKey(t, inv)
		h.in(inv, false)
		h.respond(message.NewResponse(inv, message.StatusBusyHere, ""))
		h.failSends(func(*transport.Outgoing) error { return boom })
		h.at(499 * time.Millisecond)
		assert.True(t, h.alive(key))
		h.at(500 * time.Millisecond)
		assert.False(t, h.alive(key))
		evs := h.events()
		require.Len(t, evs, 2)
		assert.Equal(t, &ErrorEvent{Key: key, Err: boom}, evs[1].ev)
	})
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		inv := request(t, message.MethodInvite, "z9hG4bKs")
		key := serverKey(t, inv)
		h.in(inv, false)
		ok := message.NewResponse(inv, message.StatusOK, "")
		h.respond(ok)
		h.failSends(func(*transport.Outgoing) error { return boom })
		h.respond(ok)
		assert.True(t, h.alive(key))
		assert.Len(t, h.events(), 1)
		h.endsAt(key, 32*time.Second)
	})
}

// RFC 3261 gives the server non-INVITE Trying and Proceeding states no
// timer; a core that never answers would keep the transaction forever. It
// ends when the client has given up (64*T1, its Timer F, §17.1.2.2) and its
// last retransmission has left the network (T4 more), and the core is told
// with ErrTimeout; nothing is sent to the client.
func TestServerNonInviteUnanswered(t *testing.T) {
	bubble(t, Config{}, func(t *testing.T, h *harness) {
		req := request(t, message.MethodOptions, "z9hG4bKu")
		key := serverKey(t, req)
		h.in(req, false)
		h.respond(message.NewResponse(req, message.StatusTrying, ""))
		h.endsAt(key, 32*time.Second+5*time.Second)
		evs := h.events()
		require.Len(t, evs, 2)
		assert.ErrorIs(t, evs[1].ev.(*ErrorEvent).Err, ErrTimeout)
		assert.Len(t, h.outgoing(), 1, "only the 100 was sent")
	})
}
