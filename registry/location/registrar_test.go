package location

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sippet-go/sippet/message"
)

// registrarTest runs f in a synctest bubble with a Registrar on a fresh
// Memory store.
func registrarTest(t *testing.T, f func(t *testing.T, r *Registrar, m *Memory)) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		f(t, &Registrar{Store: m}, m)
	})
}

// RFC 3261 §10.3 step 8: the 200 lists every binding with its remaining
// expiration, copies To (with a tag), Call-ID, CSeq and carries a Date.
func TestRegisterTwoContacts(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		resp := r.Register(newRegister(t, "843817637684230@998sdasdh09", 1826,
			"Contact: <sip:bob@192.0.2.4>;expires=600",
			"Contact: <sip:bob@198.51.100.7>",
			"Expires: 1800"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.4 600", "sip:bob@198.51.100.7 1800"}, contactsOf(resp))
		assert.Equal(t, "843817637684230@998sdasdh09", resp.CallID())
		assert.Equal(t, uint32(1826), resp.CSeq().Seq)
		assert.NotEmpty(t, resp.To().Tag())
		date, ok := resp.Headers.Get(message.HeaderDate).(*message.Text)
		require.True(t, ok, "Date header")
		_, err := time.Parse(dateLayout, date.Value)
		assert.NoError(t, err, date.Value)

		got := m.Lookup(bobAOR)
		require.Len(t, got, 2)
		assert.Equal(t, "843817637684230@998sdasdh09", got[0].CallID)
		assert.False(t, got[0].Contact.Params.Has("expires"), "expires is kept in Binding.Expires")

		// A query (no Contact) 100 s later lists both with what remains.
		time.Sleep(100 * time.Second)
		resp = r.Register(newRegister(t, "843817637684230@998sdasdh09", 1827))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.4 500", "sip:bob@198.51.100.7 1700"}, contactsOf(resp))
	})
}

// RFC 3261 §10.3 step 7: expires parameter, then Expires header, then the
// default; capped at MaxExpires.
func TestRegisterExpiration(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
	}{
		{"param wins over header", []string{"Contact: <sip:bob@192.0.2.4>;expires=120", "Expires: 300"}, "120"},
		{"header", []string{"Contact: <sip:bob@192.0.2.4>", "Expires: 300"}, "300"},
		{"default", []string{"Contact: <sip:bob@192.0.2.4>"}, "3600"},
		{"capped", []string{"Contact: <sip:bob@192.0.2.4>;expires=86400"}, "7200"},
		{"huge", []string{"Contact: <sip:bob@192.0.2.4>;expires=99999999999999999999999"}, "7200"},
		{"malformed param: default", []string{"Contact: <sip:bob@192.0.2.4>;expires=soon", "Expires: 300"}, "3600"},
		{"brief over an hour is fine", []string{"Contact: <sip:bob@192.0.2.4>;expires=90"}, "90"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
				resp := r.Register(newRegister(t, "c1", 1, tt.headers...))
				require.Equal(t, message.StatusOK, resp.StatusCode)
				assert.Equal(t, []string{"sip:bob@192.0.2.4 " + tt.want}, contactsOf(resp))
			})
		})
	}
}

// Configured intervals replace the defaults.
func TestRegisterConfiguredIntervals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewMemory(MemoryConfig{})
		defer m.Close()
		r := &Registrar{Store: m, DefaultExpires: 10 * time.Minute, MaxExpires: time.Hour, MinExpires: -1}
		resp := r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>", "Contact: <sip:bob@192.0.2.5>;expires=1", "Contact: <sip:bob@192.0.2.6>;expires=7200"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.4 600", "sip:bob@192.0.2.5 1", "sip:bob@192.0.2.6 3600"}, contactsOf(resp))
	})
}

// RFC 3261 §10.3 step 7: an interval above zero, below an hour and below the
// minimum is answered 423 with Min-Expires, and nothing is bound.
func TestRegisterIntervalTooBrief(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		resp := r.Register(newRegister(t, "c1", 1,
			"Contact: <sip:bob@192.0.2.5>;expires=3600",
			"Contact: <sip:bob@192.0.2.4>;expires=30"))
		require.Equal(t, message.StatusIntervalTooBrief, resp.StatusCode)
		minExp, ok := resp.Headers.Get(message.HeaderMinExpires).(*message.Number)
		require.True(t, ok, "Min-Expires")
		assert.Equal(t, 60, minExp.Value)
		assert.Nil(t, m.Lookup(bobAOR))

		// The Expires header counts too; 0 is a removal, not too brief.
		resp = r.Register(newRegister(t, "c1", 2, "Contact: <sip:bob@192.0.2.4>", "Expires: 59"))
		assert.Equal(t, message.StatusIntervalTooBrief, resp.StatusCode)
		resp = r.Register(newRegister(t, "c1", 3, "Contact: <sip:bob@192.0.2.4>", "Expires: 0"))
		assert.Equal(t, message.StatusOK, resp.StatusCode)
		resp = r.Register(newRegister(t, "c1", 4, "Contact: <sip:bob@192.0.2.4>", "Expires: 60"))
		assert.Equal(t, message.StatusOK, resp.StatusCode)
	})
}

// RFC 3261 §10.3 steps 6 and 7: "*" with Expires: 0 removes every binding.
func TestRegisterWildcard(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		resp := r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>", "Contact: <sip:bob@192.0.2.5>"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		// Another UA of Bob's, with its own Call-ID.
		resp = r.Register(newRegister(t, "c2", 7, "Contact: <sip:bob@192.0.2.6>"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		require.Len(t, m.Lookup(bobAOR), 3)

		resp = r.Register(newRegister(t, "c1", 2, "Contact: *", "Expires: 0"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Empty(t, contactsOf(resp))
		assert.Nil(t, m.Lookup(bobAOR))
		m.mu.Lock()
		assert.Empty(t, m.aors)
		m.mu.Unlock()
	})
}

// RFC 3261 §10.3 step 6: "*" with another contact, or without Expires: 0,
// is answered 400 and changes nothing.
func TestRegisterWildcardMisuse(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
	}{
		{"with another contact", []string{"Contact: *", "Contact: <sip:bob@192.0.2.9>", "Expires: 0"}},
		{"expires not zero", []string{"Contact: *", "Expires: 3600"}},
		{"no expires", []string{"Contact: *"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
				require.Equal(t, message.StatusOK, r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")).StatusCode)
				resp := r.Register(newRegister(t, "c1", 2, tt.headers...))
				assert.Equal(t, message.StatusBadRequest, resp.StatusCode)
				assert.Len(t, m.Lookup(bobAOR), 1)
			})
		})
	}
}

// RFC 3261 §10.3 step 7: with the same Call-ID, a CSeq not higher than the
// binding's aborts the whole request (500) and changes no binding; another
// Call-ID always updates.
func TestRegisterOrdering(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		require.Equal(t, message.StatusOK, r.Register(newRegister(t, "c1", 5, "Contact: <sip:bob@192.0.2.4>;expires=600")).StatusCode)

		for _, seq := range []uint32{5, 4} {
			resp := r.Register(newRegister(t, "c1", seq,
				"Contact: <sip:bob@192.0.2.9>", // new: would be added
				"Contact: <sip:bob@192.0.2.4>;expires=900"))
			assert.Equal(t, message.StatusServerInternalError, resp.StatusCode, "CSeq %d", seq)
			got := m.Lookup(bobAOR)
			assert.Equal(t, []string{"sip:bob@192.0.2.4"}, contactURIs(got), "nothing added")
			assert.Equal(t, uint32(5), got[0].CSeq)
		}
		// Nor may an old request remove the binding.
		resp := r.Register(newRegister(t, "c1", 3, "Contact: <sip:bob@192.0.2.4>;expires=0"))
		assert.Equal(t, message.StatusServerInternalError, resp.StatusCode)
		resp = r.Register(newRegister(t, "c1", 3, "Contact: *", "Expires: 0"))
		assert.Equal(t, message.StatusServerInternalError, resp.StatusCode)
		assert.Len(t, m.Lookup(bobAOR), 1)

		// A higher CSeq refreshes.
		resp = r.Register(newRegister(t, "c1", 6, "Contact: <sip:bob@192.0.2.4>;expires=900"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.4 900"}, contactsOf(resp))

		// Another Call-ID (the UA rebooted) updates whatever its CSeq.
		resp = r.Register(newRegister(t, "c2", 1, "Contact: <sip:bob@192.0.2.4>;expires=300"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.4 300"}, contactsOf(resp))
		assert.Equal(t, "c2", m.Lookup(bobAOR)[0].CallID)

		// And removes with expires=0.
		resp = r.Register(newRegister(t, "c3", 1, "Contact: <sip:bob@192.0.2.4>;expires=0"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Empty(t, contactsOf(resp))
	})
}

// RFC 3261 §10.3 step 7: contacts match by the URI comparison rules
// (§19.1.4), so a refresh written differently is the same binding.
func TestRegisterRefreshMatchesURI(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		require.Equal(t, message.StatusOK, r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@PC.example.com;transport=udp>")).StatusCode)
		time.Sleep(time.Minute)
		resp := r.Register(newRegister(t, "c1", 2, "Contact: \"Bob\" <sip:%62ob@pc.example.com;Transport=UDP>;expires=120"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		require.Len(t, contactsOf(resp), 1)
		got := m.Lookup(bobAOR)
		require.Len(t, got, 1)
		assert.Equal(t, `"Bob"`, got[0].Contact.Display, "the refresh replaces the contact")
		assert.Equal(t, 120*time.Second, got[0].Remaining(time.Now()))
	})
}

// A binding registered through the Registrar disappears from the store
// when it expires (RFC 3261 §10.2.1), without a Lookup.
func TestRegisterExpiryRemoval(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		require.Equal(t, message.StatusOK, r.Register(newRegister(t, "c1", 1,
			"Contact: <sip:bob@192.0.2.4>;expires=60",
			"Contact: <sip:bob@192.0.2.5>;expires=120")).StatusCode)
		time.Sleep(60 * time.Second)
		synctest.Wait()
		m.mu.Lock()
		assert.Equal(t, []string{"sip:bob@192.0.2.5"}, contactURIs(m.aors[bobAOR].bindings))
		m.mu.Unlock()
		time.Sleep(60 * time.Second)
		synctest.Wait()
		m.mu.Lock()
		assert.Empty(t, m.aors)
		m.mu.Unlock()
	})
}

// RFC 3261 §20.10: q-values order the bindings, highest first, in Lookup and
// in the 200; a malformed q is a 400.
func TestRegisterQ(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		resp := r.Register(newRegister(t, "c1", 1,
			"Contact: <sip:bob@192.0.2.4>;q=0.1",
			"Contact: <sip:bob@192.0.2.5>;q=0.7",
			"Contact: <sip:bob@192.0.2.6>"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Equal(t, []string{"sip:bob@192.0.2.6 3600", "sip:bob@192.0.2.5 3600", "sip:bob@192.0.2.4 3600"}, contactsOf(resp))
		got := m.Lookup(bobAOR)
		assert.Equal(t, []int{1000, 700, 100}, []int{got[0].Q, got[1].Q, got[2].Q})
		q, _ := got[1].Contact.Params.Get("q")
		assert.Equal(t, "0.7", q, "the q parameter is kept")

		resp = r.Register(newRegister(t, "c1", 2, "Contact: <sip:bob@192.0.2.4>;q=1.5"))
		assert.Equal(t, message.StatusBadRequest, resp.StatusCode)
	})
}

// RFC 3327 §5.3: the registrar stores the Path with the binding and echoes
// it in the 200.
func TestRegisterPath(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		resp := r.Register(newRegister(t, "c1", 1,
			"Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>",
			"Supported: path",
			"Contact: <sip:UA1@192.0.2.4>"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		var echoed []string
		for v := range resp.Headers.Values(message.HeaderPath) {
			echoed = append(echoed, v.String())
		}
		assert.Equal(t, []string{"<sip:P3.EXAMPLEHOME.COM;lr>", "<sip:P1.EXAMPLEVISITED.COM;lr>"}, echoed)
		got := m.Lookup(bobAOR)
		require.Len(t, got, 1)
		require.Len(t, got[0].Path, 2)
		assert.Equal(t, "P3.EXAMPLEHOME.COM", got[0].Path[0].URI.Host)

		// A refresh without Path drops it (the path is the REGISTER's).
		resp = r.Register(newRegister(t, "c1", 2, "Contact: <sip:UA1@192.0.2.4>"))
		require.Equal(t, message.StatusOK, resp.StatusCode)
		assert.Zero(t, resp.Headers.Count(message.HeaderPath))
		assert.Empty(t, m.Lookup(bobAOR)[0].Path)
	})
}

// Requests the registrar must reject before touching the store.
func TestRegisterBadRequests(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		req := newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")
		req.Headers.Del(message.HeaderTo)
		assert.Equal(t, message.StatusBadRequest, r.Register(req).StatusCode, "no To")

		req = newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")
		req.Headers.Del(message.HeaderCallID)
		assert.Equal(t, message.StatusBadRequest, r.Register(req).StatusCode, "no Call-ID")

		req = newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")
		req.Headers.Del(message.HeaderCSeq)
		assert.Equal(t, message.StatusBadRequest, r.Register(req).StatusCode, "no CSeq")

		req = newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")
		to, err := message.ParseAddress("<tel:+1-201-555-0123>")
		require.NoError(t, err)
		req.Headers.Set(message.HeaderTo, to)
		assert.Equal(t, message.StatusBadRequest, r.Register(req).StatusCode, "tel AOR (§10.2)")

		req = newRegister(t, "c1", 1)
		req.Method = message.MethodOptions
		resp := r.Register(req)
		assert.Equal(t, message.StatusMethodNotAllowed, resp.StatusCode)
		assert.NotNil(t, resp.Headers.Get(message.HeaderAllow))

		assert.Nil(t, r.Register(nil))
		assert.Nil(t, m.Lookup(bobAOR))

		noStore := &Registrar{}
		assert.Equal(t, message.StatusServerInternalError, noStore.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>")).StatusCode)
	})
}

// RFC 3261 §10.3 step 5: an AOR outside the registrar's domains is 404.
func TestRegisterDomains(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		r.Domains = []string{"atlanta.example.com"}
		resp := r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>"))
		assert.Equal(t, message.StatusNotFound, resp.StatusCode)
		r.Domains = []string{"BILOXI.example.com"}
		resp = r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>"))
		assert.Equal(t, message.StatusOK, resp.StatusCode)
	})
}

// A failing store makes the request fail with 500 (RFC 3261 §10.3 step 7).
func TestRegisterStoreError(t *testing.T) {
	registrarTest(t, func(t *testing.T, r *Registrar, m *Memory) {
		require.NoError(t, m.Close())
		resp := r.Register(newRegister(t, "c1", 1, "Contact: <sip:bob@192.0.2.4>"))
		assert.Equal(t, message.StatusServerInternalError, resp.StatusCode)
	})
}
