package registry_test

import (
	"fmt"
	"net/netip"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/sippet-go/sippet/registry"
)

// A stack keeps one registry: its transports by protocol and family, and
// its transactions by key.
func Example() {
	r := registry.New[string]()
	r.AddTransport(registry.Transport{
		Protocol: "UDP",
		Local:    netip.MustParseAddrPort("127.0.0.1:5060"),
		PID:      actor.NewPID("nonhost", "stack/transports/udp"),
	})
	t, ok := r.Transport("UDP", netip.MustParseAddr("127.0.0.1"))
	fmt.Println(ok, t.Local)

	r.PutTransaction("z9hG4bK74bf9|INVITE", actor.NewPID("nonhost", "stack/transactions/1"))
	pid, ok := r.Transaction("z9hG4bK74bf9|INVITE")
	fmt.Println(ok, pid.Id)
	// Output:
	// true 127.0.0.1:5060
	// true stack/transactions/1
}
