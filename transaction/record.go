package transaction

import (
	"encoding/binary"
	"net/netip"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"
)

// A record is a parked transaction (park.go) in one allocation without
// pointers: its packed key, what a retransmission gets again and where it
// goes. Records are most of the memory of a loaded server (at 20 000
// requests/s, 640 000 of them wait for Timer J), so they hold no Go
// pointer, which the collector would have to follow, and no struct beside
// the bytes, whose size class would round up on its own: the transport is
// an index into the env's table, and the key a part of the record, which
// the manager's map uses as its key.
//
// Layout, little-endian:
//
//	0  uint32  length of the record
//	4  uint16  length of the key
//	6  uint16  index of the transport (noTransport without data)
//	8  uint8   recordData when there is data to send again
//	9  uint8   the destination's kind: 0 none, 4 IPv4, 6 IPv6
//	10 uint8   length of the destination's IPv6 zone
//	12 uint16  the destination's port
//	14         the destination's address (4 or 16 bytes, none without
//	           one), the zone, the key, the data
type record []byte

const (
	recordHead  = 14
	recordData  = 1
	noTransport = 0xFFFF
	// maxRecord bounds a record's length field; larger data is not
	// parked (see newRecord).
	maxRecord = 1<<32 - 1
)

// newRecord returns the record of transaction id, to resend data through
// transport tp to dest, with room for n bytes of data after what it holds:
// the caller appends the data (Message.Append) and calls seal. ok is false
// when the fields do not fit the layout (a transport table full, a zone
// longer than 255 bytes), and the transaction then stays an actor.
func newRecord(id string, dest netip.AddrPort, tp uint16, hasData bool, n int) (record, bool) {
	a := dest.Addr()
	zone := a.Zone()
	alen := 0
	switch {
	case a.Is4():
		alen = 4
	case a.IsValid():
		alen = 16
	}
	if len(zone) > 255 || len(id) > 0xFFFF || recordHead+alen+len(zone)+len(id)+n > maxRecord {
		return nil, false
	}
	head := recordHead + alen + len(zone) + len(id)
	// At least 16 bytes: the runtime packs smaller objects without
	// pointers together at any address, and txSlot needs an even one.
	r := make(record, head, max(head+n, 16))
	le := binary.LittleEndian
	le.PutUint16(r[4:], uint16(len(id)))
	le.PutUint16(r[6:], tp)
	if hasData {
		r[8] = recordData
	}
	switch alen {
	case 4:
		r[9] = 4
		a4 := a.As4()
		copy(r[recordHead:], a4[:])
	case 16:
		r[9] = 6
		a16 := a.As16()
		copy(r[recordHead:], a16[:])
	}
	r[10] = byte(len(zone))
	le.PutUint16(r[12:], dest.Port())
	copy(r[recordHead+alen:], zone)
	copy(r[recordHead+alen+len(zone):], id)
	return r, true
}

// seal writes the record's length once its data is appended; r must not
// change afterwards.
func (r record) seal() record {
	binary.LittleEndian.PutUint32(r, uint32(len(r)))
	return r
}

// recordAt returns the sealed record that starts at p.
func recordAt(p *byte) record {
	n := binary.LittleEndian.Uint32(unsafe.Slice(p, 4))
	return unsafe.Slice(p, n)
}

// start is what txSlot and the wait queues hold of a record.
func (r record) start() *byte { return &r[0] }

// addrLen is the length of the destination's address in r.
func (r record) addrLen() int {
	switch r[9] {
	case 4:
		return 4
	case 6:
		return 16
	}
	return 0
}

// zoneEnd is where the key starts.
func (r record) zoneEnd() int { return recordHead + r.addrLen() + int(r[10]) }

// id returns the record's packed key, a part of r.
func (r record) id() string {
	n := int(binary.LittleEndian.Uint16(r[4:]))
	return unsafe.String(&r[r.zoneEnd()], n)
}

// data returns what a retransmission gets again, or nil.
func (r record) data() []byte {
	if r[8]&recordData == 0 {
		return nil
	}
	return r[r.zoneEnd()+int(binary.LittleEndian.Uint16(r[4:])):]
}

func (r record) transport() uint16 { return binary.LittleEndian.Uint16(r[6:]) }

func (r record) dest() netip.AddrPort {
	var a netip.Addr
	switch r[9] {
	case 4:
		a = netip.AddrFrom4([4]byte(r[recordHead : recordHead+4]))
	case 6:
		a = netip.AddrFrom16([16]byte(r[recordHead : recordHead+16]))
		if z := r[recordHead+16 : r.zoneEnd()]; len(z) > 0 {
			a = a.WithZone(string(z))
		}
	default:
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a, binary.LittleEndian.Uint16(r[12:]))
}

// transportTable numbers the transports of records. It belongs to the
// manager: transactions get their number when they start. A stack has a
// handful of UDP transports, so a slice searched serves; one that stops
// keeps its number (the table is bounded at noTransport entries, past
// which transactions wait as actors).
type transportTable struct {
	pids []*actor.PID
}

// index returns the number of pid, adding it if it is new; ok is false
// when the table is full.
func (t *transportTable) index(pid *actor.PID) (uint16, bool) {
	for i, p := range t.pids {
		if p == pid || p.Equal(pid) {
			return uint16(i), true
		}
	}
	if len(t.pids) >= noTransport {
		return 0, false
	}
	t.pids = append(t.pids, pid)
	return uint16(len(t.pids) - 1), true
}

// pid returns transport i.
func (t *transportTable) pid(i uint16) *actor.PID { return t.pids[i] }
