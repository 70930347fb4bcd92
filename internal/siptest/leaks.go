package siptest

import (
	"testing"

	"go.uber.org/goleak"
)

// VerifyTestMain runs a package's tests and fails them if any goroutine is
// left behind. protoactor starts one when a message goes to a stopped actor
// (a dead letter, as a late timer or transport error at the end of a
// Shutdown sends): it only throttles the dead-letter log and ends by itself
// a second later, so it is ignored.
func VerifyTestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
}
