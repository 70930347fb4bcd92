package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs main instead of the tests when the test binary is started
// by TestAnswers as the server process.
func TestMain(m *testing.M) {
	if os.Getenv("SIPGO_UAS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestAnswers starts the UAS as a process on a free loopback port, sends
// it one OPTIONS and one REGISTER over UDP, expects a 200 to each with the
// request's Call-ID and CSeq, then stops it with SIGTERM and expects a clean
// exit.
func TestAnswers(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-listen", "udp:127.0.0.1:0")
	cmd.Env = append(os.Environ(), "SIPGO_UAS_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1) // the result of Wait, once
	gone := make(chan struct{})   // closed after Wait
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-gone:
		case <-time.After(5 * time.Second):
		}
	})
	addrc := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			if _, addr, ok := strings.Cut(s.Text(), "sipgo-uas ready listen=udp:"); ok {
				addrc <- addr
			}
		}
		exited <- cmd.Wait()
		close(gone)
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-exited:
		t.Fatalf("sipgo-uas exited before ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("sipgo-uas: no ready line in 10 s")
	}

	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	raddr, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	for i, method := range []string{"OPTIONS", "REGISTER"} {
		callID := fmt.Sprintf("sipgo-uas-test-%d", i)
		req := strings.ReplaceAll(fmt.Sprintf("%[1]s sip:%[2]s SIP/2.0\n"+
			"Via: SIP/2.0/UDP %[3]s;branch=z9hG4bK-test-%[4]d;rport\n"+
			"From: <sip:test@127.0.0.1>;tag=t%[4]d\n"+
			"To: <sip:%[2]s>\n"+
			"Call-ID: %[5]s\n"+
			"CSeq: 1 %[1]s\n"+
			"Contact: <sip:test@%[3]s>\n"+
			"Max-Forwards: 70\n"+
			"Content-Length: 0\n\n", method, addr, conn.LocalAddr(), i, callID), "\n", "\r\n")
		if _, err := conn.WriteTo([]byte(req), raddr); err != nil {
			t.Fatal(err)
		}
		if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 65535)
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			t.Fatalf("%s: no response: %v", method, err)
		}
		res := string(buf[:n])
		if !strings.HasPrefix(res, "SIP/2.0 200 ") {
			t.Fatalf("%s: want a 200, got:\n%s", method, res)
		}
		for _, want := range []string{"Call-ID: " + callID, "CSeq: 1 " + method} {
			if !strings.Contains(res, want+"\r\n") {
				t.Errorf("%s: response lacks %q:\n%s", method, want, res)
			}
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("sipgo-uas after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sipgo-uas still running 10 s after SIGTERM")
	}
}
