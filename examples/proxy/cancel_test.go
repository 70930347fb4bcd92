package main

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/sippet-go/sippet/internal/siptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sipp end to end (RFC 3261 §9, §16.10): a sipp UAS registers as bob and
// rings without answering; a sipp UAC calls bob through the proxy and
// cancels each call once it rings. The proxy answers the CANCEL 200,
// cancels its own branch, and forwards bob's 487 (Request Terminated) for
// the INVITE; both ACKs stay hop by hop (§17.1.1.3). Every call must end
// that way on both sides, and bob gets only the proxy's ACK.
func TestSippCancel(t *testing.T) {
	sipp := sippPath(t)
	const n = 20
	addr := startProxy(t, options{domain: "127.0.0.1", recordRoute: true})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	uasPort := siptest.FreePort(t)
	reg := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/register.xml", "-s", "bob", "-m", "1"},
		sippArgs(t, uasPort)...)...)
	out, err := reg.CombinedOutput()
	require.NoErrorf(t, err, "sipp REGISTER failed:\n%s", tail(string(out), 40))

	uas := startSippUAS(t, ctx, sipp, uasPort, "-sf", "testdata/uas_ringing.xml", "-m", fmt.Sprint(n))

	uac := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/uac_cancel.xml", "-s", "bob",
		"-m", fmt.Sprint(n), "-r", "50", "-l", "10"}, sippArgs(t, siptest.FreePort(t))...)...)
	out, err = uac.CombinedOutput()
	require.NoErrorf(t, err, "sipp UAC failed:\n%s", tail(string(out), 40))
	assert.Regexp(t, calls(n), string(out), "UAC summary")
	assert.Regexp(t, `Failed call\s*\|\s*\d+\s*\|\s*0\b`, string(out), "UAC summary")

	uasOut := uas.wait(t)
	assert.Regexp(t, calls(n), uasOut, "UAS summary")
	assert.Regexp(t, `Failed call\s*\|\s*\d+\s*\|\s*0\b`, uasOut, "UAS summary")
	// The caller's ACK for the 487 ends in the proxy's server
	// transaction (§17.2.1): forwarded, it would reach bob after his
	// call ended, a dead call message.
	assert.Regexp(t, `\b0 dead call msg`, uasOut, "UAS summary")
}
