package actors

import (
	"net"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// The same OPTIONS round trip over IPv6 loopback: the Via sent-by is an
// IPv6 reference in brackets (RFC 3261 §25.1) and the response finds its way
// back.
func TestOptionsOverIPv6(t *testing.T) {
	if c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback}); err != nil {
		t.Skip("no IPv6 loopback:", err)
	} else {
		c.Close()
	}
	system := newSystem(t)
	var bob *Stack
	bobCore := newFuncCore(answer(&bob, message.StatusOK))
	bob, err := Spawn(system, "bob6", Config{Timers: fastTimers})
	require.NoError(t, err)
	t.Cleanup(func() { shutdownNow(bob) })
	require.NoError(t, bob.RegisterCore(bobCore))
	bt, err := bob.ListenUDP("[::1]:0", "")
	require.NoError(t, err)

	aliceCore := newFuncCore(nil)
	alice, err := Spawn(system, "alice6", Config{Timers: fastTimers})
	require.NoError(t, err)
	t.Cleanup(func() { shutdownNow(alice) })
	require.NoError(t, alice.RegisterCore(aliceCore))
	_, err = alice.ListenUDP("[::1]:0", "")
	require.NoError(t, err)

	req := request(t, message.MethodOptions, bt.Local)
	require.NoError(t, alice.Send(req))
	got := next[*transaction.RequestEvent](t, bobCore)
	assert.Equal(t, "[::1]", got.Request.TopVia().Host)
	response(t, aliceCore, message.StatusOK)
}

// A request sent as a message to the stack's PID goes out as with Send, and
// a response can be sent statelessly (RFC 3261 §16.11) through the
// transport.
func TestSendToPIDAndStateless(t *testing.T) {
	system := newSystem(t)
	var bob *Stack
	bobCore := newFuncCore(func(req *message.Message, _ transaction.Key) {
		_ = bob.SendStateless(message.NewResponse(req, message.StatusAccepted, ""))
	})
	bob, bobAddr := newStack(t, system, "bob", bobCore)
	aliceCore := newFuncCore(nil)
	alice, _ := newStack(t, system, "alice", aliceCore)

	system.Root.Send(alice.PID(), request(t, message.MethodOptions, bobAddr))
	got := next[*transaction.RequestEvent](t, bobCore)
	response(t, aliceCore, message.StatusAccepted)
	// The server transaction never saw the response: end it by key.
	bob.Terminate(got.Key)

	assert.Error(t, bob.SendStateless(request(t, message.MethodOptions, bobAddr)), "a request is not a stateless response")
}

// Sippet's terminate: a client transaction ended by key tells its core
// ErrTerminated; a response to an unknown transaction is refused.
func TestTerminateAndNoTransaction(t *testing.T) {
	system := newSystem(t)
	bobCore := newFuncCore(nil) // never answers
	bob, bobAddr := newStack(t, system, "bob", bobCore)
	aliceCore := newFuncCore(nil)
	alice, _ := newStack(t, system, "alice", aliceCore)

	invite := inviteRequest(t, bobAddr)
	require.NoError(t, alice.Send(invite))
	got := next[*transaction.RequestEvent](t, bobCore)
	key, err := transaction.ClientKey(invite)
	require.NoError(t, err)
	alice.Terminate(key)
	for {
		ev := <-aliceCore.events
		if e, ok := ev.(*transaction.ErrorEvent); ok {
			assert.ErrorIs(t, e.Err, transaction.ErrTerminated)
			assert.Equal(t, key, e.Key)
			break
		}
		// The automatic 100 (Trying) may come first.
		require.IsType(t, &transaction.ResponseEvent{}, ev)
	}

	stray := message.NewResponse(got.Request, message.StatusOK, "")
	stray.TopVia().Params.Set("branch", "z9hG4bKnone")
	assert.ErrorIs(t, alice.Send(stray), transaction.ErrNoTransaction)
	// Bob's INVITE transaction would wait for its core until Shutdown's
	// deadline: end it too.
	bob.Terminate(got.Key)
}

// A core can be an actor of the user's, registered by PID: it gets the
// events as messages, and is unregistered when it stops.
func TestRegisterCorePID(t *testing.T) {
	system := newSystem(t)
	bob, err := Spawn(system, "bob", Config{Timers: fastTimers})
	require.NoError(t, err)
	t.Cleanup(func() { shutdownNow(bob) })
	events := make(chan *transaction.RequestEvent, 1)
	pid := system.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if ev, ok := ctx.Message().(*transaction.RequestEvent); ok {
			events <- ev
			_ = bob.Send(message.NewResponse(ev.Request, message.StatusOK, ""))
		}
	}))
	require.NoError(t, bob.RegisterCorePID(pid))
	assert.ErrorIs(t, bob.RegisterCore(newFuncCore(nil)), ErrCoreRegistered)
	bt, err := bob.ListenUDP("127.0.0.1:0", "")
	require.NoError(t, err)

	aliceCore := newFuncCore(nil)
	alice, _ := newStack(t, system, "alice", aliceCore)
	require.NoError(t, alice.Send(request(t, message.MethodOptions, bt.Local)))
	ev := <-events
	assert.Equal(t, message.MethodOptions, ev.Request.Method)
	response(t, aliceCore, message.StatusOK)

}

// The stack watches a core registered by PID and unregisters it when it
// ends. In a synctest bubble, synctest.Wait is the moment when every actor
// has handled what it was sent.
func TestCorePIDUnregisteredWhenItEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		system := NewSystem(nil)
		defer system.Shutdown()
		s, err := Spawn(system, "watch", Config{})
		require.NoError(t, err)
		defer shutdownNow(s)
		pid := system.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
		require.NoError(t, s.RegisterCorePID(pid))
		assert.True(t, s.Registry().Core().Equal(pid))
		system.Root.Stop(pid)
		synctest.Wait()
		assert.Nil(t, s.Registry().Core(), "the core is unregistered when its actor ends")
		require.NoError(t, s.RegisterCore(newFuncCore(nil)), "and another core may take its place")
	})
}

// No transport for the destination's protocol or family: a clear error.
func TestSendWithoutTransport(t *testing.T) {
	system := newSystem(t)
	alice, err := Spawn(system, "alone", Config{})
	require.NoError(t, err)
	t.Cleanup(func() { shutdownNow(alice) })
	err = alice.Send(request(t, message.MethodOptions, netip.MustParseAddrPort("127.0.0.1:5060")))
	assert.ErrorIs(t, err, ErrNoTransport)
}

// Config.MaxTransactions is the stack's memory budget: past it a request
// that would start a transaction gets 503 with Retry-After (RFC 3261
// §21.5.4) and never reaches the core, and the request from the stack's
// own core fails with transaction.ErrOverloaded.
func TestMaxTransactions(t *testing.T) {
	system := newSystem(t)
	bobCore := newFuncCore(nil) // never answers: its transactions stay
	bob, bobAddr := newStackConfig(t, system, "bob", bobCore,
		Config{Timers: fastTimers, MaxTransactions: 2, OverloadRetryAfter: 3 * time.Second})
	aliceCore := newFuncCore(nil)
	alice, _ := newStack(t, system, "alice", aliceCore)

	var keys []transaction.Key
	for range 2 {
		require.NoError(t, alice.Send(request(t, message.MethodOptions, bobAddr)))
		keys = append(keys, next[*transaction.RequestEvent](t, bobCore).Key)
	}
	third := request(t, message.MethodOptions, bobAddr)
	require.NoError(t, alice.Send(third))
	ev := response(t, aliceCore, message.StatusServiceUnavailable)
	assert.Equal(t, third.CallID(), ev.Response.CallID())
	ra, ok := ev.Response.Headers.Get(message.HeaderRetryAfter).(*message.Interval)
	require.True(t, ok, "Retry-After")
	assert.Equal(t, 3, ra.Seconds)

	outgoing := request(t, message.MethodOptions, netip.MustParseAddrPort("127.0.0.1:9"))
	require.NoError(t, bob.Send(outgoing))
	failed := next[*transaction.ErrorEvent](t, bobCore)
	assert.ErrorIs(t, failed.Err, transaction.ErrOverloaded)
	for _, k := range keys {
		bob.Terminate(k)
	}
}
