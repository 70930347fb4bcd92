package message

import "encoding/binary"

// The header names this package knows, their compact forms (RFC 3261 §7.3.3
// and the IANA "Header Fields" registry) and how their values are parsed.

// valueKind selects the parser of a header's value.
type valueKind uint8

const (
	kindRaw valueKind = iota
	kindText
	kindCallID
	kindVia
	kindNameAddr // From, To, Reply-To, Refer-To, Referred-By: name-addr or addr-spec
	kindContact  // name-addr or addr-spec, or "*"
	kindInfo     // Alert-Info, Call-Info, Error-Info: "<" absoluteURI ">" *(;param)
	kindCSeq
	kindRAck
	kindNumber
	kindInterval
	kindMediaType
	kindToken
	kindTokenList // TokenList: one value per line
	kindAuth
	kindAuthInfo
	kindWarning
	kindTimestamp
)

// headerSpec describes one known header.
type headerSpec struct {
	name    string // canonical spelling
	compact byte   // compact form, 0 when none
	kind    valueKind
	// list: the value is a comma-separated list (RFC 3261 §7.3.1).
	list bool
	// critical: an invalid value fails the parse (routing and transactions need it).
	critical bool
	// single: the header may appear at most once (RFC 3261 §20, Validate).
	single bool
}

// Canonical names of the headers whose values this package types, and of the
// compact-form-only registrations it canonicalizes.
const (
	HeaderAccept             = "Accept"
	HeaderAcceptContact      = "Accept-Contact"
	HeaderAcceptEncoding     = "Accept-Encoding"
	HeaderAcceptLanguage     = "Accept-Language"
	HeaderAlertInfo          = "Alert-Info"
	HeaderAllow              = "Allow"
	HeaderAllowEvents        = "Allow-Events"
	HeaderAuthenticationInfo = "Authentication-Info"
	HeaderAuthorization      = "Authorization"
	HeaderCallID             = "Call-ID"
	HeaderCallInfo           = "Call-Info"
	HeaderContact            = "Contact"
	HeaderContentDisposition = "Content-Disposition"
	HeaderContentEncoding    = "Content-Encoding"
	HeaderContentLanguage    = "Content-Language"
	HeaderContentLength      = "Content-Length"
	HeaderContentType        = "Content-Type"
	HeaderCSeq               = "CSeq"
	HeaderDate               = "Date"
	HeaderErrorInfo          = "Error-Info"
	HeaderEvent              = "Event"
	HeaderExpires            = "Expires"
	HeaderFrom               = "From"
	HeaderIdentity           = "Identity"
	HeaderIdentityInfo       = "Identity-Info"
	HeaderInReplyTo          = "In-Reply-To"
	HeaderMaxForwards        = "Max-Forwards"
	HeaderMIMEVersion        = "MIME-Version"
	HeaderMinExpires         = "Min-Expires"
	HeaderMinSE              = "Min-SE"
	HeaderOrganization       = "Organization"
	HeaderPAssertedIdentity  = "P-Asserted-Identity"
	HeaderPath               = "Path"
	HeaderPriority           = "Priority"
	HeaderProxyAuthenticate  = "Proxy-Authenticate"
	HeaderProxyAuthorization = "Proxy-Authorization"
	HeaderProxyRequire       = "Proxy-Require"
	HeaderRAck               = "RAck"
	HeaderReason             = "Reason"
	HeaderRecordRoute        = "Record-Route"
	HeaderReferTo            = "Refer-To"
	HeaderReferredBy         = "Referred-By"
	HeaderRejectContact      = "Reject-Contact"
	HeaderReplyTo            = "Reply-To"
	HeaderRequestDisposition = "Request-Disposition"
	HeaderRequire            = "Require"
	HeaderRetryAfter         = "Retry-After"
	HeaderRoute              = "Route"
	HeaderRSeq               = "RSeq"
	HeaderServer             = "Server"
	HeaderSessionExpires     = "Session-Expires"
	HeaderSubject            = "Subject"
	HeaderSubscriptionState  = "Subscription-State"
	HeaderSupported          = "Supported"
	HeaderTimestamp          = "Timestamp"
	HeaderTo                 = "To"
	HeaderUnsupported        = "Unsupported"
	HeaderUserAgent          = "User-Agent"
	HeaderVia                = "Via"
	HeaderWarning            = "Warning"
	HeaderWWWAuthenticate    = "WWW-Authenticate"
)

// headerSpecs is read-only after package initialization.
var headerSpecs = [...]headerSpec{
	{name: HeaderAccept, kind: kindMediaType, list: true},
	{name: HeaderAcceptContact, compact: 'a'},
	{name: HeaderAcceptEncoding, kind: kindToken, list: true},
	{name: HeaderAcceptLanguage, kind: kindToken, list: true},
	{name: HeaderAlertInfo, kind: kindInfo, list: true},
	{name: HeaderAllow, kind: kindTokenList},
	{name: HeaderAllowEvents, compact: 'u', kind: kindTokenList},
	{name: HeaderAuthenticationInfo, kind: kindAuthInfo, single: true},
	{name: HeaderAuthorization, kind: kindAuth},
	{name: HeaderCallID, compact: 'i', kind: kindCallID, critical: true, single: true},
	{name: HeaderCallInfo, kind: kindInfo, list: true},
	{name: HeaderContact, compact: 'm', kind: kindContact, list: true, critical: true},
	{name: HeaderContentDisposition, kind: kindToken, single: true},
	{name: HeaderContentEncoding, compact: 'e', kind: kindTokenList},
	{name: HeaderContentLanguage, kind: kindTokenList},
	{name: HeaderContentLength, compact: 'l', kind: kindNumber, critical: true, single: true},
	{name: HeaderContentType, compact: 'c', kind: kindMediaType, single: true},
	{name: HeaderCSeq, kind: kindCSeq, critical: true, single: true},
	{name: HeaderDate, kind: kindText, single: true},
	{name: HeaderErrorInfo, kind: kindInfo, list: true},
	{name: HeaderEvent, compact: 'o', kind: kindToken, single: true},
	{name: HeaderExpires, kind: kindNumber, single: true},
	{name: HeaderFrom, compact: 'f', kind: kindNameAddr, critical: true, single: true},
	{name: HeaderIdentity, compact: 'y'},
	{name: HeaderIdentityInfo, compact: 'n'},
	{name: HeaderInReplyTo, kind: kindToken, list: true},
	{name: HeaderMaxForwards, kind: kindNumber, critical: true, single: true},
	{name: HeaderMIMEVersion, kind: kindText, single: true},
	{name: HeaderMinExpires, kind: kindNumber, single: true},
	{name: HeaderMinSE, kind: kindInterval, single: true},
	{name: HeaderOrganization, kind: kindText, single: true},
	{name: HeaderPAssertedIdentity, kind: kindNameAddr, list: true},
	{name: HeaderPath, kind: kindNameAddr, list: true},
	{name: HeaderPriority, kind: kindToken, single: true},
	{name: HeaderProxyAuthenticate, kind: kindAuth},
	{name: HeaderProxyAuthorization, kind: kindAuth},
	{name: HeaderProxyRequire, kind: kindTokenList},
	{name: HeaderRAck, kind: kindRAck, single: true},
	{name: HeaderReason, kind: kindToken, list: true},
	{name: HeaderRecordRoute, kind: kindNameAddr, list: true, critical: true},
	{name: HeaderReferTo, compact: 'r', kind: kindNameAddr, single: true},
	{name: HeaderReferredBy, compact: 'b', kind: kindNameAddr, single: true},
	{name: HeaderRejectContact, compact: 'j'},
	{name: HeaderReplyTo, kind: kindNameAddr, single: true},
	{name: HeaderRequestDisposition, compact: 'd'},
	{name: HeaderRequire, kind: kindTokenList},
	{name: HeaderRetryAfter, kind: kindInterval, single: true},
	{name: HeaderRoute, kind: kindNameAddr, list: true, critical: true},
	{name: HeaderRSeq, kind: kindNumber, single: true},
	{name: HeaderServer, kind: kindText, single: true},
	{name: HeaderSessionExpires, compact: 'x', kind: kindInterval, single: true},
	{name: HeaderSubject, compact: 's', kind: kindText, single: true},
	{name: HeaderSubscriptionState, kind: kindToken, single: true},
	{name: HeaderSupported, compact: 'k', kind: kindTokenList},
	{name: HeaderTimestamp, kind: kindTimestamp, single: true},
	{name: HeaderTo, compact: 't', kind: kindNameAddr, critical: true, single: true},
	{name: HeaderUnsupported, kind: kindTokenList},
	{name: HeaderUserAgent, kind: kindText, single: true},
	{name: HeaderVia, compact: 'v', kind: kindVia, list: true, critical: true},
	{name: HeaderWarning, kind: kindWarning, list: true},
	{name: HeaderWWWAuthenticate, kind: kindAuth},
}

// headerHash finds the spec of a full name by its length and its first,
// middle and last letters (see hashName), which tell all known names apart:
// a slot holds one index in headerSpecs plus one, or 0. compactIndex finds
// a spec by its compact letter. Both are read-only.
var headerHash, compactIndex = func() (full [256]uint8, compact [26]*headerSpec) {
	for i := range headerSpecs {
		s := &headerSpecs[i]
		h := &full[hashName(s.name)]
		if *h != 0 {
			panic("message: two header names share a hash slot: " + s.name)
		}
		*h = uint8(i + 1)
		if s.compact != 0 {
			compact[s.compact-'a'] = s
		}
	}
	return full, compact
}()

// hashName hashes a header name of two bytes or more, ignoring ASCII case:
// a perfect hash of the names in headerSpecs.
func hashName(name string) int {
	n := len(name)
	return (n + int(name[0]|0x20)*23 + int(name[n>>1]|0x20)*5 + int(name[n-1]|0x20)*9) & 255
}

// nameWords is a known full name as up to three little-endian words of its
// lowercase bytes, zero-padded, and the bytes that are letters (0x20 in
// each), for looking a name up a word at a time (lookupWords).
type nameWords struct {
	lower [3]uint64
	fold  [3]uint64
	spec  *headerSpec
	n     int
}

// wordNames holds the nameWords of headerSpecs, in the same order, and
// wordIndex finds one by hashWords, plus one (0: none, which finds the
// last entry, left empty). Both are read-only.
var wordNames, wordIndex = func() (names [64]nameWords, index [256]uint8) {
	if len(headerSpecs) >= len(names) {
		panic("message: more header names than wordNames holds")
	}
	for i := range headerSpecs {
		s := &headerSpecs[i]
		if len(s.name) > 24 {
			panic("message: header name longer than three words: " + s.name)
		}
		var lower, fold [24]byte
		for j := 0; j < len(s.name); j++ {
			lower[j] = s.name[j]
			if isAlpha(s.name[j]) {
				lower[j] |= 0x20
				fold[j] = 0x20
			}
		}
		e := &names[i]
		e.spec, e.n = s, len(s.name)
		for k := range 3 {
			e.lower[k] = binary.LittleEndian.Uint64(lower[8*k:])
			e.fold[k] = binary.LittleEndian.Uint64(fold[8*k:])
		}
		h := &index[hashWords(e.lower[0], len(s.name), s.name[len(s.name)-1])]
		if *h != 0 {
			panic("message: two header names share a word hash slot: " + s.name)
		}
		*h = uint8(i + 1)
	}
	return names, index
}()

// hashWords hashes a name of n bytes whose first word, with the bytes past
// the name zeroed, is w0 and whose last byte is last, ignoring ASCII case:
// a perfect hash of the names in headerSpecs.
func hashWords(w0 uint64, n int, last byte) int {
	return int(((w0 | 0x2020202020202020) ^ uint64(n) ^ uint64(last|0x20)<<16) * 0x8a444ad832098f6a >> 56)
}

// lookupWords returns the spec of the full name of n bytes (2 to 24) held
// in w0, w1 and w2, little-endian with the bytes past the name zeroed, or
// nil.
func lookupWords(w0, w1, w2 uint64, n int, last byte) *headerSpec {
	e := &wordNames[(wordIndex[hashWords(w0, n, last)]-1)&63]
	if e.n != n || w0|e.fold[0] != e.lower[0] || w1|e.fold[1] != e.lower[1] || w2|e.fold[2] != e.lower[2] {
		return nil
	}
	return e.spec
}

// lookupHeader returns the spec of a header name as written, or nil, and
// whether the name was a compact form.
func lookupHeader(name string) (*headerSpec, bool) {
	if len(name) < 2 {
		if name == "" {
			return nil, false
		}
		c := name[0] | 0x20
		if c < 'a' || c > 'z' {
			return nil, false
		}
		return compactIndex[c-'a'], true
	}
	i := headerHash[hashName(name)]
	if i == 0 {
		return nil, false
	}
	// Most names come in their canonical case: compare them whole first.
	if s := &headerSpecs[i-1]; s.name == name || equalFold(s.name, name) {
		return s, false
	}
	return nil, false
}

// CanonicalName returns the canonical spelling of a known header name, given
// in any case or in compact form ("v", "VIA" and "via" give "Via"), and name
// itself otherwise.
func CanonicalName(name string) string {
	if s, _ := lookupHeader(name); s != nil {
		return s.name
	}
	return name
}

// CompactName returns the compact form of a header name, or "" when it has none.
func CompactName(name string) string {
	if s, _ := lookupHeader(name); s != nil && s.compact != 0 {
		return string(rune(s.compact))
	}
	return ""
}
