package transaction

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// RFC 3261 §17.1.3, §17.2.3: how requests and responses map to keys.
func TestKeys(t *testing.T) {
	inv := request(t, message.MethodInvite, "z9hG4bK1")
	ok := message.NewResponse(inv, message.StatusOK, "")
	ack, err := message.NewAck(inv, message.NewResponse(inv, message.StatusBusyHere, ""))
	require.NoError(t, err)
	cancel, err := message.NewCancel(inv)
	require.NoError(t, err)
	otherHost := requestVia(t, message.MethodInvite, "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK1")
	otherPort := requestVia(t, message.MethodInvite, "SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK1")

	server := Key{Branch: "z9hG4bK1", Method: message.MethodInvite, Host: "127.0.0.1", Port: 5070}
	client := Key{Branch: "z9hG4bK1", Method: message.MethodInvite}
	for _, tc := range []struct {
		name   string
		got    func() (Key, error)
		want   Key
		string string
	}{
		{"server INVITE (§17.2.3: branch, sent-by, method)", func() (Key, error) { return ServerKey(inv) }, server, "z9hG4bK1|INVITE|127.0.0.1:5070"},
		{"response to it finds it", func() (Key, error) { return ServerKey(ok) }, server, ""},
		{"ACK keyed as INVITE (§17.2.3)", func() (Key, error) { return ServerKey(ack) }, server, ""},
		{"CANCEL has its own method", func() (Key, error) { return ServerKey(cancel) }, Key{Branch: "z9hG4bK1", Method: message.MethodCancel, Host: "127.0.0.1", Port: 5070}, ""},
		{"other sent-by host", func() (Key, error) { return ServerKey(otherHost) }, Key{Branch: "z9hG4bK1", Method: message.MethodInvite, Host: "127.0.0.2", Port: 5070}, ""},
		{"other sent-by port", func() (Key, error) { return ServerKey(otherPort) }, Key{Branch: "z9hG4bK1", Method: message.MethodInvite, Host: "127.0.0.1", Port: 5071}, ""},
		{"client INVITE (§17.1.3: branch, method)", func() (Key, error) { return ClientKey(inv) }, client, "z9hG4bK1|INVITE"},
		{"response to the client (CSeq method)", func() (Key, error) { return ClientKey(ok) }, client, ""},
		{"response to a CANCEL", func() (Key, error) {
			return ClientKey(message.NewResponse(cancel, message.StatusOK, ""))
		}, Key{Branch: "z9hG4bK1", Method: message.MethodCancel}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := tc.got()
			require.NoError(t, err)
			assert.Equal(t, tc.want, k)
			assert.False(t, k.IsZero())
			if tc.string != "" {
				assert.Equal(t, tc.string, k.String())
			}
		})
	}
}

// RFC 3261 §17.2.3: a branch without the magic cookie (an RFC 2543 peer)
// keys on Call-ID, From tag, CSeq number and top Via instead; the ACK of a
// non-2xx still finds its INVITE, and another CSeq is another transaction.
func TestKeysRFC2543(t *testing.T) {
	via := "SIP/2.0/UDP 127.0.0.1:5070;branch=old1"
	inv := requestVia(t, message.MethodInvite, via)
	k := serverKey(t, inv)
	assert.NotEmpty(t, k.Compat)
	assert.Contains(t, k.String(), "|rfc2543")

	ack, err := message.NewAck(inv, message.NewResponse(inv, message.StatusNotFound, ""))
	require.NoError(t, err)
	assert.Equal(t, k, serverKey(t, ack))
	assert.Equal(t, k, serverKey(t, message.NewResponse(inv, message.StatusRinging, "")))

	next := requestVia(t, message.MethodInvite, via)
	next.CSeq().Seq = 2
	assert.NotEqual(t, k, serverKey(t, next))

	noBranch := requestVia(t, message.MethodInvite, "SIP/2.0/UDP 127.0.0.1:5070")
	nk := serverKey(t, noBranch)
	assert.Empty(t, nk.Branch)
	assert.NotEmpty(t, nk.Compat)

	// RFC 3261 peers never get a Compat part.
	assert.Empty(t, serverKey(t, request(t, message.MethodInvite, "z9hG4bK1")).Compat)
}

// Messages without Via or CSeq have no key.
func TestKeysMissingHeaders(t *testing.T) {
	for _, name := range []string{message.HeaderVia, message.HeaderCSeq} {
		m := request(t, message.MethodOptions, "z9hG4bK1")
		m.Headers.Del(name)
		_, err := ServerKey(m)
		assert.ErrorIs(t, err, message.ErrMissingHeader, name)
		_, err = ClientKey(m)
		assert.ErrorIs(t, err, message.ErrMissingHeader, name)
	}
	assert.True(t, Key{}.IsZero())
}

// TestKeyPack: the manager keys its map by packed keys; a packed key
// unpacks to the same Key, and keys that differ only in where one string
// ends and the next begins pack differently.
func TestKeyPack(t *testing.T) {
	keys := []Key{
		{},
		{Branch: "z9hG4bK1", Method: "INVITE"},
		{Branch: "z9hG4bK1", Method: "INVITE", Host: "a.example.com", Port: 5060},
		{Branch: "z9hG4bK1I", Method: "NVITE", Host: "a.example.com", Port: 5060},
		{Branch: "z9hG4bK1", Method: "INVITE", Host: "a.example.com", Port: 50600},
		{Branch: strings.Repeat("b", 200), Method: "OPTIONS", Host: "[2001:db8::1]", Port: 65535},
		{Branch: "1", Method: "INVITE", Host: "h", Compat: "call@h|tag|1|SIP/2.0/UDP h"},
		{Branch: "1", Method: "INVITE", Host: "h", Port: 1, Compat: "call"},
	}
	seen := map[string]Key{}
	for _, k := range keys {
		p := string(k.pack(nil))
		if other, dup := seen[p]; dup {
			t.Fatalf("%+v and %+v pack alike", k, other)
		}
		seen[p] = k
		assert.Equal(t, k, unpackKey(p))
		d, id := k.detach()
		assert.Equal(t, k, d)
		assert.Equal(t, p, id)
	}
}
