package actors

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
)

// sipp's built-in UAS (-sn uas) answers an INVITE that our stack sends with
// 180 and 200, then expects the ACK and the BYE that a UAC sends (RFC 3261
// §13.2.2.4, §15.1.1): a real peer checks our client INVITE transaction, the
// ACK outside it and the BYE transaction.
func TestSippUAS(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (Debian package sip-tester; .ci/run installs it)")
	}
	port := freeUDPPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipp, "-sn", "uas", "-i", "127.0.0.1", "-p", fmt.Sprint(port),
		"-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	system := newSystem(t)
	core := newFuncCore(nil)
	alice, _ := newStack(t, system, "alice", core)
	dest := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))
	invite := inviteRequest(t, dest)
	// sipp may still be starting: the client transaction retransmits the
	// INVITE (Timer A) until it answers.
	require.NoError(t, alice.Send(invite))
	var ok *message.Message
	for ok == nil {
		select {
		case ev := <-core.events:
			r, isResp := ev.(*transaction.ResponseEvent)
			require.Truef(t, isResp, "unexpected %T %+v", ev, ev)
			if r.Response.StatusCode >= 200 {
				require.Equal(t, message.StatusOK, r.Response.StatusCode)
				ok = r.Response
			}
		case err := <-exited:
			t.Fatalf("sipp exited early (%v):\n%s", err, out.String())
		}
	}
	require.NoError(t, alice.Send(dialogRequest(t, invite, ok, message.MethodAck, invite.CSeq().Seq)))
	require.NoError(t, alice.Send(dialogRequest(t, invite, ok, message.MethodBye, invite.CSeq().Seq+1)))
	bye := response(t, core, message.StatusOK)
	assert.Equal(t, message.MethodBye, bye.Response.CSeq().Method)
	select {
	case err := <-exited:
		require.NoErrorf(t, err, "sipp:\n%s", out.String())
	case <-time.After(wait):
		t.Fatalf("sipp did not finish:\n%s", out.String())
	}
}

func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
