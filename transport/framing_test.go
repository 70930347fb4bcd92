package transport

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// chunkConn is a net.Conn whose reads return the given chunks, one per Read
// at most, then io.EOF: it splits a stream where a test wants it split.
type chunkConn struct {
	chunks [][]byte
	out    bytes.Buffer
}

func (c *chunkConn) Read(p []byte) (int, error) {
	for len(c.chunks) > 0 && len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	return n, nil
}

func (c *chunkConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *chunkConn) Close() error                     { return nil }
func (c *chunkConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *chunkConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *chunkConn) SetDeadline(time.Time) error      { return nil }
func (c *chunkConn) SetReadDeadline(time.Time) error  { return nil }
func (c *chunkConn) SetWriteDeadline(time.Time) error { return nil }

// frameA and frameB are two messages as a stream carries them (RFC 3261
// §18.3: Content-Length frames the body).
var (
	frameA = crlf("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK.a\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n")
	frameB = crlf("MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK.b\nCSeq: 2 MESSAGE\nContent-Length: 5\n\n") + "hello"
	headC  = crlf("MESSAGE sip:c@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK.c\nCSeq: 3 MESSAGE\n\n")
	headD  = crlf("MESSAGE sip:d@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK.d\nCSeq: 4 MESSAGE\nContent-Length: 1000\n\n")
)

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestByteConnFraming(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		limits message.Limits
		frames []string
		pings  int
		// err is what ends the stream (io.EOF: a clean end); head the
		// header block returned with it.
		err  error
		head string
	}{
		{name: "one message", input: frameA, frames: []string{frameA}, err: io.EOF},
		{name: "body without trailing CRLF", input: frameB, frames: []string{frameB}, err: io.EOF},
		{name: "body with trailing CRLF", input: frameB + "\r\n" + frameA,
			frames: []string{frameB, frameA}, err: io.EOF},
		{name: "two messages", input: frameA + frameB, frames: []string{frameA, frameB}, err: io.EOF},
		// RFC 5626 §3.5.1: CRLFCRLF is a ping, a lone CRLF a pong.
		{name: "ping between messages", input: frameA + "\r\n\r\n" + frameB,
			frames: []string{frameA, frameB}, pings: 1, err: io.EOF},
		{name: "pong before a message", input: "\r\n" + frameA, frames: []string{frameA}, err: io.EOF},
		{name: "pings only", input: "\r\n\r\n\r\n\r\n", pings: 2, err: io.EOF},
		{name: "CRLF after a body then a ping", input: frameB + "\r\n\r\n\r\n" + frameA,
			frames: []string{frameB, frameA}, pings: 1, err: io.EOF},
		// RFC 3261 §18.3: Content-Length is mandatory on a stream.
		{name: "no Content-Length", input: frameA + headC + "trailing", frames: []string{frameA},
			err: message.ErrBadContentLength, head: headC},
		{name: "too large", input: headD + strings.Repeat("x", 1000), limits: message.Limits{MaxMessageSize: 400},
			err: message.ErrMessageTooLarge, head: headD},
		{name: "garbage", input: strings.Repeat("garbage ", 40), limits: message.Limits{MaxLineLength: 100},
			err: message.ErrLineTooLong},
		{name: "truncated body", input: frameB[:len(frameB)-2], err: io.ErrUnexpectedEOF},
		{name: "truncated header", input: frameA[:20], err: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The same stream whole, one byte per read, and cut at every
			// byte: framing must not depend on how reads split it.
			splits := [][][]byte{{[]byte(tt.input)}}
			var bytewise [][]byte
			for i := range len(tt.input) {
				bytewise = append(bytewise, []byte(tt.input[i:i+1]))
				splits = append(splits, [][]byte{[]byte(tt.input[:i]), []byte(tt.input[i:])})
			}
			splits = append(splits, bytewise)
			for _, chunks := range splits {
				cfg := StreamConfig{Parser: message.Parser{Limits: tt.limits}}
				cc := &chunkConn{chunks: chunks}
				bc := newByteConn(cc, cc, &cfg)
				pings := 0
				bc.SetKeepAlive(func() { pings++ }, nil)
				var frames []string
				var err error
				var head []byte
				for {
					var f []byte
					if f, err = bc.ReadMessage(); err != nil {
						head = f
						break
					}
					frames = append(frames, string(f))
				}
				require.ErrorIs(t, err, tt.err, "chunks %q", chunks)
				assert.Equal(t, tt.frames, frames, "chunks %q", chunks)
				assert.Equal(t, tt.pings, pings, "chunks %q", chunks)
				assert.Equal(t, tt.head, string(head), "chunks %q", chunks)
			}
		})
	}
}

func TestByteConnKeepAliveWrites(t *testing.T) {
	// RFC 5626 §3.5.1: a ping is CRLFCRLF and a pong CRLF.
	cc := &chunkConn{}
	bc := newByteConn(cc, cc, &StreamConfig{})
	require.NoError(t, bc.WriteKeepAlive(false))
	require.NoError(t, bc.WriteKeepAlive(true))
	assert.Equal(t, "\r\n\r\n\r\n", cc.out.String())
}

func TestByteConnPongs(t *testing.T) {
	// Where this side pings, every line end between messages is (part of)
	// a pong, never a ping (RFC 5626 §4.4.1).
	cc := &chunkConn{chunks: [][]byte{[]byte("\r\n\r\n" + frameA + "\r\n")}}
	bc := newByteConn(cc, cc, &StreamConfig{})
	pings, pongs := 0, 0
	bc.SetKeepAlive(func() { pings++ }, func() { pongs++ })
	f, err := bc.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, frameA, string(f))
	_, err = bc.ReadMessage()
	assert.ErrorIs(t, err, io.EOF)
	assert.Zero(t, pings)
	assert.Equal(t, 3, pongs)
}
