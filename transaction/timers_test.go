package transaction

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// RFC 3261 §17 Table 4 and RFC 6026 §8.11: the derived timers, with the
// defaults and with custom base values.
func TestTimers(t *testing.T) {
	s := time.Second
	def := Timers{}
	custom := Timers{T1: 100 * time.Millisecond, T2: 300 * time.Millisecond, T4: 2 * s, Trying: 10 * time.Millisecond}
	for _, tc := range []struct {
		name      string
		got, want time.Duration
	}{
		{"A(0)=T1", def.TimerA(0), 500 * time.Millisecond},
		{"A(1)=2*T1", def.TimerA(1), s},
		{"A(5)=32*T1, no T2 cap", def.TimerA(5), 16 * s},
		{"A saturates", def.TimerA(1000), def.TimerA(1000)},
		{"B=64*T1", def.TimerB(), 32 * s},
		{"D unreliable", def.TimerD(false), 32 * s},
		{"D reliable", def.TimerD(true), 0},
		{"D >= 64*T1", Timers{T1: s}.TimerD(false), 64 * s},
		{"D >= 32 s", custom.TimerD(false), 32 * s},
		{"E(0)=T1", def.TimerE(0), 500 * time.Millisecond},
		{"E(2)=4*T1", def.TimerE(2), 2 * s},
		{"E(3) capped at T2", def.TimerE(3), 4 * s},
		{"E(30) capped at T2", def.TimerE(30), 4 * s},
		{"F=64*T1", def.TimerF(), 32 * s},
		{"G(0)=T1", def.TimerG(0), 500 * time.Millisecond},
		{"G(4) capped at T2", def.TimerG(4), 4 * s},
		{"H=64*T1", def.TimerH(), 32 * s},
		{"I unreliable=T4", def.TimerI(false), 5 * s},
		{"I reliable", def.TimerI(true), 0},
		{"J unreliable=64*T1", def.TimerJ(false), 32 * s},
		{"J reliable", def.TimerJ(true), 0},
		{"K unreliable=T4", def.TimerK(false), 5 * s},
		{"K reliable", def.TimerK(true), 0},
		{"L=64*T1 (RFC 6026)", def.TimerL(), 32 * s},
		{"M=64*T1 (RFC 6026)", def.TimerM(), 32 * s},
		{"Trying default", def.TimerTrying(), 200 * time.Millisecond},
		{"custom A(2)", custom.TimerA(2), 400 * time.Millisecond},
		{"custom B", custom.TimerB(), 6400 * time.Millisecond},
		{"custom E(2) capped", custom.TimerE(2), 300 * time.Millisecond},
		{"custom G(1)", custom.TimerG(1), 200 * time.Millisecond},
		{"custom I", custom.TimerI(false), 2 * s},
		{"custom K", custom.TimerK(false), 2 * s},
		{"custom J", custom.TimerJ(false), 6400 * time.Millisecond},
		{"custom L", custom.TimerL(), 6400 * time.Millisecond},
		{"custom Trying", custom.TimerTrying(), 10 * time.Millisecond},
		{"negative means default", Timers{T1: -1}.TimerB(), 32 * s},
	} {
		assert.Equal(t, tc.want, tc.got, tc.name)
	}
	assert.Greater(t, def.TimerA(1000), time.Duration(0), "no overflow")
}

func TestStateString(t *testing.T) {
	for s, want := range map[State]string{
		StateCalling: "Calling", StateTrying: "Trying", StateProceeding: "Proceeding",
		StateCompleted: "Completed", StateAccepted: "Accepted", StateConfirmed: "Confirmed",
		StateTerminated: "Terminated", State(0): "State(0)", State(99): "State(99)",
	} {
		assert.Equal(t, want, s.String())
	}
}
