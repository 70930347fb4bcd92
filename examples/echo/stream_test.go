package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gorilla "github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/actors"
	"github.com/sippet-go/sippet/message"
	"github.com/sippet-go/sippet/transaction"
	"github.com/sippet-go/sippet/transport"
)

// The tests in this file drive the echo UAS over the stream transports
// (RFC 3261 §18.3 for TCP and TLS, RFC 7118 for WebSocket), from a client
// stack of our own and from clients that share no code with the stack:
// Python's ssl module for TLS and gorilla/websocket for WS and WSS. Debian's
// sipp has no TLS, and a stack tested only against itself could agree with
// itself on a mistake.

// streamWait bounds each wait for an answer on loopback.
const streamWait = 10 * time.Second

// testCert is a self-signed certificate for 127.0.0.1 written as PEM files,
// with a client configuration that trusts it and nothing else.
type testCert struct {
	certFile, keyFile string
	// client trusts the certificate (RootCAs) and, for the listeners a
	// client stack needs, presents it too.
	client *tls.Config
}

// newTestCert makes an ECDSA P-256 certificate for the IP address
// 127.0.0.1 (RFC 5922 §7.1 allows an IP address as the identity when the
// URI names one), self-signed and marked as its own CA so that OpenSSL as
// well as crypto/x509 accepts it as a trust anchor.
func newTestCert(t *testing.T) testCert {
	t.Helper()
	pair, err := transport.SelfSigned(time.Hour, "127.0.0.1")
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(pair.PrivateKey)
	require.NoError(t, err)
	dir := t.TempDir()
	c := testCert{certFile: filepath.Join(dir, "cert.pem"), keyFile: filepath.Join(dir, "key.pem")}
	require.NoError(t, os.WriteFile(c.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pair.Certificate[0]}), 0o600))
	require.NoError(t, os.WriteFile(c.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	pool := x509.NewCertPool()
	pool.AddCert(pair.Leaf)
	c.client = &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, MinVersion: tls.VersionTLS12}
	return c
}

// startEchoWith runs the echo stack as main does with opt (its -listen,
// -cert and -key) and returns the address of its first transport.
func startEchoWith(t *testing.T, opt options) netip.AddrPort {
	t.Helper()
	system := actors.NewSystem(nil)
	stack, err := actors.Spawn(system, "echo", actors.Config{})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = stack.Shutdown(ctx)
		system.Shutdown()
	})
	require.NoError(t, serve(stack, opt, stack.Logger()))
	ts := stack.Registry().Transports()
	require.NotEmpty(t, ts)
	return ts[0].Local
}

// finalCore is the core of a client stack: it hands over the final
// responses and the transaction errors it receives.
type finalCore struct {
	responses chan *message.Message
	errs      chan error
}

func newFinalCore() *finalCore {
	return &finalCore{responses: make(chan *message.Message, 16), errs: make(chan error, 16)}
}

func (c *finalCore) ReceiveRequest(*message.Message, transaction.Key) {}

func (c *finalCore) ReceiveResponse(resp *message.Message, _ transaction.Key) {
	if resp.StatusCode < 200 {
		return
	}
	select {
	case c.responses <- resp:
	default: // the test reads what it expects; never block the core
	}
}

func (c *finalCore) ReceiveError(err error, _ transaction.Key) {
	select {
	case c.errs <- err:
	default:
	}
}

// clientStack starts a stack with a finalCore, listening on proto at a free
// loopback port with cfg, from which requests over proto are sent.
func clientStack(t *testing.T, proto string, cfg *tls.Config) (*actors.Stack, *finalCore) {
	t.Helper()
	system := actors.NewSystem(nil)
	stack, err := actors.Spawn(system, "client", actors.Config{})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = stack.Shutdown(ctx)
		system.Shutdown()
	})
	core := newFinalCore()
	require.NoError(t, stack.RegisterCore(core))
	_, err = stack.Listen(actors.Listener{Protocol: proto, Addr: "127.0.0.1:0", TLS: cfg})
	require.NoError(t, err)
	return stack, core
}

// assertOptions200 checks the answer of the echo UAS to an OPTIONS
// (RFC 3261 §11.2): 200 with Allow and Accept, and a To tag (§8.2.6.2).
func assertOptions200(t *testing.T, resp *message.Message) {
	t.Helper()
	require.Equal(t, 200, resp.StatusCode, "%d %s", resp.StatusCode, resp.Reason)
	require.NotEqual(t, -1, resp.Headers.Index(message.HeaderAllow), "no Allow")
	assert.Equal(t, message.MethodOptions, resp.Headers.Get(message.HeaderAllow).String())
	require.NotEqual(t, -1, resp.Headers.Index(message.HeaderAccept), "no Accept")
	assert.Equal(t, "application/sdp", resp.Headers.Get(message.HeaderAccept).String())
	assert.Equal(t, message.MethodOptions, resp.CSeq().Method)
	assert.NotEmpty(t, resp.To().Tag(), "a final response has a To tag (§8.2.6.2)")
}

// rawOptions is an OPTIONS as a UAC sends it (RFC 3261 §11.1) over
// transport, whose Via has sent-by and branch.
func rawOptions(uri, transport, sentBy, branch, callID string, cseq int) string {
	return "OPTIONS " + uri + " SIP/2.0\r\n" +
		"Via: SIP/2.0/" + transport + " " + sentBy + ";branch=" + branch + ";rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"To: <sip:echo@127.0.0.1>\r\n" +
		"From: <sip:test@127.0.0.1>;tag=1928301774\r\n" +
		"Call-ID: " + callID + "\r\n" +
		fmt.Sprintf("CSeq: %d OPTIONS\r\n", cseq) +
		"Accept: application/sdp\r\n" +
		"Content-Length: 0\r\n" +
		"\r\n"
}

// gorillaDial opens a WebSocket to addr asking for the "sip" subprotocol
// (RFC 7118 §4.1), over TLS with cfg when secure, and closes it at the end
// of the test with a normal closure (RFC 6455 §7.1.2).
func gorillaDial(t *testing.T, addr netip.AddrPort, secure bool, cfg *tls.Config) *gorilla.Conn {
	t.Helper()
	scheme := "ws"
	if secure {
		scheme = "wss"
	}
	d := gorilla.Dialer{Subprotocols: []string{"sip"}, TLSClientConfig: cfg, HandshakeTimeout: streamWait}
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	c, resp, err := d.DialContext(ctx, scheme+"://"+addr.String()+"/", nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	require.NoError(t, err)
	require.Equal(t, "sip", c.Subprotocol(), "RFC 7118 §4.1: the server picks sip")
	t.Cleanup(func() {
		msg := gorilla.FormatCloseMessage(gorilla.CloseNormalClosure, "")
		_ = c.WriteControl(gorilla.CloseMessage, msg, time.Now().Add(time.Second))
		c.Close()
	})
	return c
}

// An OPTIONS to the echo UAS over TLS, WS and WSS gets its 200 with Allow
// and Accept (RFC 3261 §11.2), sent by a client stack of ours and by an
// independent client (Python's ssl module for TLS, gorilla/websocket for WS
// and WSS, with one SIP message per text frame, RFC 7118 §4.2).
func TestStreamOptions(t *testing.T) {
	cert := newTestCert(t)
	for _, proto := range []string{"tls", "ws", "wss"} {
		t.Run(proto, func(t *testing.T) {
			addr := startEchoWith(t, options{listen: proto + ":127.0.0.1:0", cert: cert.certFile, key: cert.keyFile})
			uri := fmt.Sprintf("sip:echo@%s;transport=%s", addr, proto)

			t.Run("stack client", func(t *testing.T) {
				stack, core := clientStack(t, proto, cert.client)
				ruri, err := message.ParseURI(uri)
				require.NoError(t, err)
				from := &message.Address{URI: message.URI{Scheme: "sip", User: "client", Host: "127.0.0.1"}}
				to := &message.Address{URI: message.URI{Scheme: "sip", User: "echo", Host: "127.0.0.1"}}
				req := message.NewRequest(message.MethodOptions, ruri, from, to)
				callID := req.CallID()
				require.NoError(t, stack.Send(req))
				select {
				case resp := <-core.responses:
					assertOptions200(t, resp)
					assert.Equal(t, callID, resp.CallID())
					assert.Equal(t, strings.ToUpper(proto), resp.TopVia().Transport, "the Via names the transport (§18.1.1)")
				case err := <-core.errs:
					t.Fatalf("transaction failed: %v", err)
				case <-time.After(streamWait):
					t.Fatal("no final response")
				}
			})

			switch proto {
			case "tls":
				t.Run("python ssl client", func(t *testing.T) {
					python, err := exec.LookPath("python3")
					if err != nil {
						t.Skip("python3 is not installed")
					}
					ctx, cancel := context.WithTimeout(context.Background(), 2*streamWait)
					defer cancel()
					cmd := exec.CommandContext(ctx, python, "testdata/tls_options.py",
						addr.Addr().String(), fmt.Sprint(addr.Port()), cert.certFile)
					var stderr strings.Builder
					cmd.Stderr = &stderr
					out, err := cmd.Output()
					require.NoErrorf(t, err, "tls_options.py failed:\n%s", stderr.String())
					resp, err := message.Parse(out)
					require.NoErrorf(t, err, "python read:\n%s", out)
					assertOptions200(t, resp)
					assert.Equal(t, "TLS", resp.TopVia().Transport)
				})
			case "ws", "wss":
				t.Run("gorilla client", func(t *testing.T) {
					c := gorillaDial(t, addr, proto == "wss", cert.client)
					callID := message.NewCallID("df7jal23ls0d.invalid")
					// RFC 7118 §5.2: a client that cannot know its address
					// puts a .invalid host in its Via.
					req := rawOptions(uri, strings.ToUpper(proto), "df7jal23ls0d.invalid", message.NewBranch(), callID, 1)
					require.NoError(t, c.WriteMessage(gorilla.TextMessage, []byte(req)))
					require.NoError(t, c.SetReadDeadline(time.Now().Add(streamWait)))
					typ, b, err := c.ReadMessage()
					require.NoError(t, err)
					assert.Equal(t, gorilla.TextMessage, typ, "RFC 7118 §4.2: UTF-8 goes as text")
					resp, err := message.Parse(b)
					require.NoError(t, err)
					assertOptions200(t, resp)
					assert.Equal(t, callID, resp.CallID())
				})
			}
		})
	}
}

// backToBack is the number of requests a peer sends at once on one
// connection.
const backToBack = 1000

// A peer that sends 1 000 OPTIONS back to back on one connection, each with
// its own branch and CSeq, gets 1 000 answers, one per request, none lost
// (RFC 3261 §18.3 framing on TCP, one message per frame on WS, RFC 7118
// §4.2; responses go back on the connection of the request, §18.2.2). The
// answers come in the order the transactions complete, which need not be
// the order of the requests.
func TestStreamBackToBack(t *testing.T) {
	t.Run("tcp", func(t *testing.T) {
		addr := startEchoOn(t, "tcp:127.0.0.1:0")
		conn, err := net.Dial("tcp", addr.String())
		require.NoError(t, err)
		defer conn.Close()
		local := conn.LocalAddr().String()
		uri := fmt.Sprintf("sip:echo@%s;transport=tcp", addr)
		callID := message.NewCallID("")
		branches := make(map[string]int, backToBack)
		var all strings.Builder
		for i := range backToBack {
			b := message.NewBranch()
			branches[b] = i
			all.WriteString(rawOptions(uri, "TCP", local, b, callID, i+1))
		}
		// Write while reading: the echo answers before it has read all,
		// and a peer that did not read could fill both socket buffers.
		written := make(chan error, 1)
		go func() {
			_, err := conn.Write([]byte(all.String()))
			written <- err
		}()
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
		r := message.NewStreamReader(bufio.NewReader(conn), nil)
		checkAnswers(t, branches, func() (*message.Message, error) { return r.ReadMessage() })
		require.NoError(t, <-written)
	})

	t.Run("ws", func(t *testing.T) {
		addr := startEchoOn(t, "ws:127.0.0.1:0")
		c := gorillaDial(t, addr, false, nil)
		uri := fmt.Sprintf("sip:echo@%s;transport=ws", addr)
		callID := message.NewCallID("")
		branches := make(map[string]int, backToBack)
		frames := make([][]byte, backToBack)
		for i := range frames {
			b := message.NewBranch()
			branches[b] = i
			frames[i] = []byte(rawOptions(uri, "WS", "df7jal23ls0d.invalid", b, callID, i+1))
		}
		// gorilla allows one writer and one reader at a time: the frames
		// go from this goroutine while the test reads.
		written := make(chan error, 1)
		go func() {
			for _, f := range frames {
				if err := c.WriteMessage(gorilla.TextMessage, f); err != nil {
					written <- err
					return
				}
			}
			written <- nil
		}()
		require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Second)))
		checkAnswers(t, branches, func() (*message.Message, error) {
			_, b, err := c.ReadMessage()
			if err != nil {
				return nil, err
			}
			return message.Parse(b)
		})
		require.NoError(t, <-written)
	})
}

// checkAnswers reads messages with next until each request of branches
// (branch to index) has its final response, and checks that every final
// response is a 200 that answers one of them, only once and with its CSeq.
func checkAnswers(t *testing.T, branches map[string]int, next func() (*message.Message, error)) {
	t.Helper()
	answered := make(map[string]bool, len(branches))
	for len(answered) < len(branches) {
		resp, err := next()
		require.NoErrorf(t, err, "after %d of %d answers", len(answered), len(branches))
		require.Zero(t, resp.Method, "a request came back: %s", resp.Method)
		if resp.StatusCode < 200 {
			continue
		}
		branch := resp.TopVia().Branch()
		i, ok := branches[branch]
		require.Truef(t, ok, "an answer to branch %q, which was not sent", branch)
		require.Falsef(t, answered[branch], "request %d answered twice", i)
		answered[branch] = true
		require.Equal(t, 200, resp.StatusCode, "request %d: %d %s", i, resp.StatusCode, resp.Reason)
		require.Equal(t, uint32(i+1), resp.CSeq().Seq, "request %d: CSeq", i)
	}
	assert.Len(t, answered, len(branches))
}
