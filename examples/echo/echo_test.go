package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/internal/siptest"
	"github.com/sippet-go/sippet/message"
)

// TestMain checks that no test leaves a goroutine behind.
func TestMain(m *testing.M) { siptest.VerifyTestMain(m) }

// startEcho runs the echo stack on a free loopback UDP port and returns
// its address.
func startEcho(t *testing.T) netip.AddrPort {
	t.Helper()
	return startEchoOn(t, "udp:127.0.0.1:0")
}

// startEchoOn runs the echo stack with the -listen list given, and returns
// the address of its first transport.
func startEchoOn(t *testing.T, listen string) netip.AddrPort {
	t.Helper()
	return startEchoWith(t, options{listen: listen})
}

// request is an OPTIONS as a UAC sends it (RFC 3261 §11.1); edit changes it.
func request(edit func(string) string) string {
	r := `OPTIONS sip:echo@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK` + message.NewTag() + `;rport
Max-Forwards: 70
To: <sip:echo@127.0.0.1>
From: <sip:test@127.0.0.1>;tag=1928301774
Call-ID: ` + message.NewCallID("") + `
CSeq: 63104 OPTIONS
Accept: application/sdp
Content-Length: 0

`
	if edit != nil {
		r = edit(r)
	}
	return r
}

// The echo core is the UAS of RFC 3261 §8.2: each check in its order, with
// the status code and the headers that go with it.
func TestUAS(t *testing.T) {
	addr := startEcho(t)
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name   string
		edit   func(string) string
		code   int
		header string // a header the response must carry, "" for none
		value  string // its value
	}{
		{"OPTIONS answered 200 with Allow (§11.2)", nil, 200, "Allow", "OPTIONS"},
		{"OPTIONS answered 200 with Accept (§11.2)", nil, 200, "Accept", "application/sdp"},
		{"OPTIONS answered 200 with Supported (§11.2)", nil, 200, "Supported", ""},
		{"an unknown method gets 501 (§8.2.1, §21.5.2)", func(s string) string {
			return strings.ReplaceAll(s, "OPTIONS", "FOO")
		}, 501, "", ""},
		{"a known method it does not implement gets 405 with Allow (§8.2.1)", func(s string) string {
			return strings.ReplaceAll(s, "OPTIONS", "SUBSCRIBE")
		}, 405, "Allow", "OPTIONS"},
		{"an INVITE gets 405 with Allow (§8.2.1)", func(s string) string {
			return strings.ReplaceAll(s, "OPTIONS", "INVITE")
		}, 405, "Allow", "OPTIONS"},
		{"a To tag of an unknown dialog gets 481 (§8.2.2.2)", replace("To: <sip:echo@127.0.0.1>", "To: <sip:echo@127.0.0.1>;tag=gone"), 481, "", ""},
		{"an unsupported URI scheme gets 416 (§8.2.2.1)", replace("OPTIONS sip:echo@127.0.0.1", "OPTIONS im:echo@127.0.0.1"), 416, "", ""},
		{"an unsupported Require gets 420 with Unsupported (§8.2.2.3)", replace("Accept:", "Require: foo\nAccept:"), 420, "Unsupported", "foo"},
		{"a body of an unknown type gets 415 with Accept (§8.2.3)", func(s string) string {
			s = strings.Replace(s, "Content-Length: 0", "Content-Type: text/plain\nContent-Length: 5", 1)
			return s + "hello"
		}, 415, "Accept", "application/sdp"},
		{"another SIP version gets 505 (§8.2, §21.5.6)", replace("SIP/2.0\n", "SIP/3.0\n"), 505, "", ""},
		{"a missing Call-ID gets 400 (§8.1.1)", func(s string) string {
			i := strings.Index(s, "Call-ID:")
			j := strings.Index(s[i:], "\n")
			return s[:i] + s[i+j+1:]
		}, 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := siptest.Exchange(t, addr, request(tt.edit), 3*time.Second)
			require.NotNil(t, resp, "no final response")
			assert.Equal(t, tt.code, resp.StatusCode, "%d %s", resp.StatusCode, resp.Reason)
			assert.NotEmpty(t, resp.To().Tag(), "a final response has a To tag (§8.2.6.2)")
			if tt.header != "" {
				require.NotEqual(t, -1, resp.Headers.Index(tt.header), "missing %s", tt.header)
				if tt.value != "" {
					assert.Equal(t, tt.value, resp.Headers.Get(tt.header).String())
				}
			}
		})
	}
	t.Run("an ACK gets nothing (§17.1.1.3)", func(t *testing.T) {
		ack := request(func(s string) string { return strings.ReplaceAll(s, "OPTIONS", "ACK") })
		assert.Nil(t, siptest.Exchange(t, addr, ack, 300*time.Millisecond))
	})
}

// sipp drives the echo UAS with a custom OPTIONS scenario (RFC 3261 §11):
// every one of a few thousand requests must get its 200, over UDP, over one
// TCP connection (-t t1) and over a TCP connection per call (-t tn).
func TestSippOptions(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (Debian package sip-tester; .ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("sipp load test skipped in -short mode")
	}
	for _, tc := range []struct {
		name, listen, mode string
		calls, limit       int
	}{
		{"udp", "udp:127.0.0.1:0", "u1", 3000, 200},
		{"tcp one connection", "tcp:127.0.0.1:0", "t1", 3000, 200},
		{"tcp connection per call", "tcp:127.0.0.1:0", "tn", 2000, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startEchoOn(t, tc.listen)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, sipp, addr.String(),
				"-sf", "testdata/options.xml", "-t", tc.mode, "-max_socket", "1000",
				"-i", "127.0.0.1", "-p", fmt.Sprint(siptest.FreePort(t)),
				"-m", fmt.Sprint(tc.calls), "-r", "1000", "-l", fmt.Sprint(tc.limit),
				"-timeout", "50s", "-timeout_error", "-recv_timeout", "5000",
				"-nostdin", "-trace_err", "-error_file", t.TempDir()+"/errors.log")
			out, err := cmd.CombinedOutput()
			require.NoErrorf(t, err, "sipp failed:\n%s", tail(string(out), 40))
			assert.Regexp(t, fmt.Sprintf(`Successful call\s*\|\s*\d+\s*\|\s*%d\b`, tc.calls), string(out), "sipp summary")
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// run logs one line when it is ready, serves, and returns nil once its
// context ends (what SIGINT and SIGTERM do), leaving no goroutine behind.
func TestRunStopsCleanly(t *testing.T) {
	logger, ready := siptest.ReadyLogger("echo ready")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, options{listen: "udp:127.0.0.1:0,udp:[::1]:0"}, logger) }()
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
	resp := siptest.Exchange(t, first, request(nil), 3*time.Second)
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

func TestRunRejectsBadListen(t *testing.T) {
	for _, listen := range []string{"udp", "sctp:127.0.0.1:0", "udp:256.0.0.1:5060"} {
		err := run(context.Background(), options{listen: listen}, slog.New(slog.DiscardHandler))
		assert.Error(t, err, listen)
	}
	err := run(context.Background(), options{listen: "tls:127.0.0.1:0", cert: "/nonexistent.pem", key: "/nonexistent.key"}, slog.New(slog.DiscardHandler))
	assert.ErrorContains(t, err, "-cert/-key")
}
