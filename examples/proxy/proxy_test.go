package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/internal/siptest"
	"github.com/sippet-go/sippet/message"
)

// TestMain checks that no test leaves a goroutine behind.
func TestMain(m *testing.M) { siptest.VerifyTestMain(m) }

// startProxy runs the proxy with opt on a free loopback UDP port and
// returns its address.
func startProxy(t *testing.T, opt options) netip.AddrPort {
	t.Helper()
	if opt.listen == "" {
		opt.listen = "udp:127.0.0.1:0"
	}
	system := actors.NewSystem(nil)
	var logger *slog.Logger
	if f := os.Getenv("PROXY_DEBUG_LOG"); f != "" {
		w, err := os.Create(f)
		require.NoError(t, err)
		t.Cleanup(func() { w.Close() })
		logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	stack, err := actors.Spawn(system, "proxy", actors.Config{Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = stack.Shutdown(ctx)
		system.Shutdown()
	})
	_, err = serve(stack, opt, stack.Logger())
	require.NoError(t, err)
	ts := stack.Registry().Transports()
	require.NotEmpty(t, ts)
	return ts[0].Local
}

// register is a REGISTER of bob at 127.0.0.1 (RFC 3261 §10.2); extra
// headers go before Content-Length.
func register(extra string) string {
	return `REGISTER sip:PEER SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK` + message.NewTag() + `;rport
Max-Forwards: 70
To: <sip:bob@127.0.0.1>
From: <sip:bob@127.0.0.1>;tag=1928301774
Call-ID: ` + message.NewCallID("") + `
CSeq: 1 REGISTER
Contact: <sip:bob@LOCAL>
` + extra + `Content-Length: 0

`
}

// run logs one line when it is ready, registers, and returns nil once its
// context ends (what SIGINT and SIGTERM do), leaving no goroutine behind.
func TestRunStopsCleanly(t *testing.T) {
	logger, ready := siptest.ReadyLogger("proxy ready")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{listen: "udp:127.0.0.1:0,tcp:127.0.0.1:0", domain: "127.0.0.1", recordRoute: true}, logger)
	}()
	var listen string
	select {
	case listen = <-ready:
	case err := <-done:
		t.Fatalf("run ended before ready: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("not ready in 5 s")
	}
	addrs := strings.Split(listen, ",")
	require.Len(t, addrs, 2)
	first := netip.MustParseAddrPort(strings.TrimPrefix(addrs[0], "udp:"))
	resp := siptest.Exchange(t, first, register(""), 3*time.Second)
	require.NotNil(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop within 5 s")
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, opt := range []options{
		{listen: "udp", domain: "localhost"},
		{listen: "sctp:127.0.0.1:0", domain: "localhost"},
		{listen: "udp:256.0.0.1:5060", domain: "localhost"},
		{listen: "udp:127.0.0.1:0", domain: ""},
		{listen: "udp:127.0.0.1:0", domain: "localhost", users: "/nonexistent"},
	} {
		err := run(context.Background(), opt, slog.New(slog.DiscardHandler))
		assert.Error(t, err, "%+v", opt)
	}
}

func sippPath(t *testing.T) string {
	t.Helper()
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (Debian package sip-tester; .ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("sipp test skipped in -short mode")
	}
	return sipp
}

// waitBound returns once a UDP socket is bound to 127.0.0.1:port: a probe
// sent there is refused (ICMP port unreachable, ECONNREFUSED at once) until
// then, and ignored by sipp after. done ends the wait early when
// the process that should bind the port has ended.
// sippUAS is a sipp UAS running in the background of a test.
type sippUAS struct {
	out  strings.Builder
	err  error
	done chan struct{} // closed once sipp has ended, with err set
}

// startSippUAS starts sipp with args as a UAS on port, and returns once it
// listens there. The test's end kills it if it still runs.
func startSippUAS(t *testing.T, ctx context.Context, sipp string, port int, args ...string) *sippUAS {
	t.Helper()
	u := &sippUAS{done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, sipp, append(args, sippArgs(t, port)...)...)
	cmd.Stdout, cmd.Stderr = &u.out, &u.out
	require.NoError(t, cmd.Start())
	go func() { u.err = cmd.Wait(); close(u.done) }()
	t.Cleanup(func() {
		select {
		case <-u.done:
		default:
			_ = cmd.Process.Kill()
			<-u.done
		}
	})
	waitBound(t, port, u.done, &u.out)
	return u
}

// wait returns the UAS's output once it has ended, failing the test when
// sipp failed or did not end within 30 s.
func (u *sippUAS) wait(t *testing.T) string {
	t.Helper()
	select {
	case <-u.done:
		require.NoErrorf(t, u.err, "sipp UAS failed:\n%s", tail(u.out.String(), 40))
		return u.out.String()
	case <-time.After(30 * time.Second):
		t.Fatalf("sipp UAS did not end:\n%s", tail(u.out.String(), 40))
		return ""
	}
}

func waitBound(t *testing.T, port int, done <-chan struct{}, out fmt.Stringer) {
	t.Helper()
	conn, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	require.NoError(t, err)
	defer conn.Close()
	// A CRLF keep-alive (RFC 5626 §3.5.1): sipp ignores it, where a request
	// would count as a call.
	probe := "\r\n\r\n"
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 2048)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			t.Fatalf("sipp ended before binding port %d:\n%s", port, tail(out.String(), 40))
		default:
		}
		_, _ = conn.Write([]byte(probe))
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
		_, err := conn.Read(buf)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return // nothing refused the probe: the port is bound
		}
	}
	t.Fatalf("port %d not bound within 10 s", port)
}

// sippArgs are the options every sipp run here shares.
func sippArgs(t *testing.T, port int, extra ...string) []string {
	return append([]string{"-i", "127.0.0.1", "-p", fmt.Sprint(port), "-nostdin",
		"-timeout", "50s", "-timeout_error", "-recv_timeout", "5000",
		"-trace_err", "-error_file", filepath.Join(t.TempDir(), "errors.log")}, extra...)
}

// calls matches the count of successful calls in sipp's summary.
func calls(n int) string { return fmt.Sprintf(`Successful call\s*\|\s*\d+\s*\|\s*%d\b`, n) }

// sipp end to end (RFC 3261 §10, §16): a sipp UAS registers as bob, then a
// sipp UAC calls bob through the proxy 500 times (INVITE, 180, 200, ACK,
// BYE, 200), with no failed call; the ACK and BYE, sent to bob's
// address-of-record, are routed by the proxy too.
func TestSippCalls(t *testing.T) {
	sipp := sippPath(t)
	const n = 500
	addr := startProxy(t, options{domain: "127.0.0.1", recordRoute: true})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	uasPort := siptest.FreePort(t)
	reg := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/register.xml", "-s", "bob", "-m", "1"},
		sippArgs(t, uasPort)...)...)
	out, err := reg.CombinedOutput()
	require.NoErrorf(t, err, "sipp REGISTER failed:\n%s", tail(string(out), 40))

	uas := startSippUAS(t, ctx, sipp, uasPort, "-sn", "uas", "-m", fmt.Sprint(n))

	uac := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sn", "uac", "-s", "bob",
		"-m", fmt.Sprint(n), "-r", "200", "-l", "100", "-d", "0"}, sippArgs(t, siptest.FreePort(t))...)...)
	out, err = uac.CombinedOutput()
	require.NoErrorf(t, err, "sipp UAC failed:\n%s", tail(string(out), 40))
	assert.Regexp(t, calls(n), string(out), "UAC summary")

	uasOut := uas.wait(t)
	assert.Regexp(t, calls(n), uasOut, "UAS summary")
}

// sipp end to end (RFC 3261 §16.5): an INVITE for a user nobody registered
// gets 404.
func TestSippUnknownUser(t *testing.T) {
	sipp := sippPath(t)
	addr := startProxy(t, options{domain: "127.0.0.1", recordRoute: true})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipp, append([]string{addr.String(), "-sf", "testdata/uac_404.xml", "-s", "nobody",
		"-m", "20", "-r", "100"}, sippArgs(t, siptest.FreePort(t))...)...)
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "sipp failed:\n%s", tail(string(out), 40))
	assert.Regexp(t, calls(20), string(out), "sipp summary")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
