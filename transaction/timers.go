package transaction

import "time"

// Defaults of Timers (RFC 3261 §17.1.1.1, Table 4).
const (
	// DefaultT1 is the round-trip time estimate T1.
	DefaultT1 = 500 * time.Millisecond
	// DefaultT2 is T2, the longest retransmission interval of non-INVITE
	// requests and of INVITE final responses.
	DefaultT2 = 4 * time.Second
	// DefaultT4 is T4, the longest time a message stays in the network.
	DefaultT4 = 5 * time.Second
	// DefaultTrying is how long a server INVITE transaction waits for a
	// provisional response from its core before it sends a 100 (Trying)
	// itself (RFC 3261 §17.2.1: "200 ms").
	DefaultTrying = 200 * time.Millisecond
)

// minTimerD is the least value of Timer D on an unreliable transport
// (RFC 3261 §17.1.1.2: "at least 32 seconds").
const minTimerD = 32 * time.Second

// Timers holds the base timer values of RFC 3261 §17 from which every
// transaction timer (A to M, RFC 3261 Table 4 and RFC 6026 §8.11) derives. A
// zero or negative field means its default: DefaultT1, DefaultT2, DefaultT4,
// DefaultTrying. The methods return the derived timers; a method taking
// reliable returns 0 on a reliable transport, where the timer is not used
// (the transaction leaves its state at once).
type Timers struct {
	// T1 is the RTT estimate (default 500 ms).
	T1 time.Duration
	// T2 caps the retransmission interval of non-INVITE requests and of
	// INVITE final responses (default 4 s).
	T2 time.Duration
	// T4 is the maximum duration a message remains in the network
	// (default 5 s).
	T4 time.Duration
	// Trying is the delay after which a server INVITE transaction sends a
	// 100 (Trying) unless its core answered first (default 200 ms).
	Trying time.Duration
}

func (t Timers) t1() time.Duration { return orDefault(t.T1, DefaultT1) }
func (t Timers) t2() time.Duration { return orDefault(t.T2, DefaultT2) }
func (t Timers) t4() time.Duration { return orDefault(t.T4, DefaultT4) }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// TimerTrying returns the delay of the automatic 100 (Trying) of a server
// INVITE transaction (RFC 3261 §17.2.1).
func (t Timers) TimerTrying() time.Duration { return orDefault(t.Trying, DefaultTrying) }

// backoff returns T1 * 2**n, saturating instead of overflowing.
func (t Timers) backoff(n int) time.Duration {
	d := t.t1()
	for range max(n, 0) {
		if d > time.Duration(1<<62) {
			return d
		}
		d *= 2
	}
	return d
}

// TimerA returns the interval before INVITE retransmission n+1 of a client
// INVITE transaction on an unreliable transport: T1 * 2**n. Unlike Timers E
// and G it is not capped by T2 (RFC 3261 §17.1.1.2); Timer B ends it.
func (t Timers) TimerA(n int) time.Duration { return t.backoff(n) }

// TimerB returns the INVITE transaction timeout, 64*T1 (RFC 3261
// §17.1.1.2).
func (t Timers) TimerB() time.Duration { return 64 * t.t1() }

// TimerD returns the wait time for response retransmissions of a client
// INVITE transaction in the Completed state (RFC 3261 §17.1.1.2): at least
// 32 s on an unreliable transport (64*T1 when that is longer, so that it
// covers the server's Timer H), 0 on a reliable one.
func (t Timers) TimerD(reliable bool) time.Duration {
	if reliable {
		return 0
	}
	return max(minTimerD, 64*t.t1())
}

// TimerE returns the interval before request retransmission n+1 of a
// client non-INVITE transaction in the Trying state: min(T1 * 2**n, T2)
// (RFC 3261 §17.1.2.2). In the Proceeding state the interval is T2.
func (t Timers) TimerE(n int) time.Duration { return min(t.backoff(n), t.t2()) }

// TimerF returns the non-INVITE transaction timeout, 64*T1 (RFC 3261
// §17.1.2.2).
func (t Timers) TimerF() time.Duration { return 64 * t.t1() }

// TimerG returns the interval before retransmission n+1 of the final
// response of a server INVITE transaction: min(T1 * 2**n, T2) (RFC 3261
// §17.2.1).
func (t Timers) TimerG(n int) time.Duration { return min(t.backoff(n), t.t2()) }

// TimerH returns the wait time for the ACK of a server INVITE transaction,
// 64*T1 (RFC 3261 §17.2.1).
func (t Timers) TimerH() time.Duration { return 64 * t.t1() }

// TimerI returns the wait time for ACK retransmissions of a server INVITE
// transaction in the Confirmed state: T4 on an unreliable transport, 0 on a
// reliable one (RFC 3261 §17.2.1).
func (t Timers) TimerI(reliable bool) time.Duration {
	if reliable {
		return 0
	}
	return t.t4()
}

// TimerJ returns the wait time for request retransmissions of a server
// non-INVITE transaction in the Completed state: 64*T1 on an unreliable
// transport, 0 on a reliable one (RFC 3261 §17.2.2).
func (t Timers) TimerJ(reliable bool) time.Duration {
	if reliable {
		return 0
	}
	return 64 * t.t1()
}

// TimerK returns the wait time for response retransmissions of a client
// non-INVITE transaction in the Completed state: T4 on an unreliable
// transport, 0 on a reliable one (RFC 3261 §17.1.2.2).
func (t Timers) TimerK(reliable bool) time.Duration {
	if reliable {
		return 0
	}
	return t.t4()
}

// TimerL returns how long a server INVITE transaction stays in the
// Accepted state after a 2xx, absorbing INVITE retransmissions, 64*T1 on
// every transport (RFC 6026 §8.7, §8.11).
func (t Timers) TimerL() time.Duration { return 64 * t.t1() }

// TimerM returns how long a client INVITE transaction stays in the
// Accepted state after a 2xx, passing 2xx retransmissions and forked 2xx
// responses to its core, 64*T1 on every transport (RFC 6026 §8.4, §8.11).
func (t Timers) TimerM() time.Duration { return 64 * t.t1() }
