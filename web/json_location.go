package web

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
)

// appendLocationJSON appends l as encoding/json encodes it (compact, HTML-safe escaping, the
// fields in the order of mgz.Location), without reflection: GET /api/v1/locations/{id} is among
// the most frequent requests (issue 14). ok is false when encoding/json would refuse l (a time
// outside the years 0–9999); the caller then encodes with encoding/json, which answers as it
// always did. TestAppendLocationJSONMatchesEncodingJSON keeps the two byte for byte the same.
func appendLocationJSON(dst []byte, l *mgz.Location) (out []byte, ok bool) {
	if !jsonTime(l.CreatedAt) || !jsonTime(l.UpdatedAt) {
		return dst, false
	}
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendInt(dst, l.ID, 10)
	dst = append(dst, `,"provider_id":`...)
	dst = strconv.AppendInt(dst, l.ProviderID, 10)
	dst = append(dst, `,"name":`...)
	dst = appendJSONString(dst, l.Name)
	dst = append(dst, `,"address":`...)
	dst = appendJSONString(dst, l.Address)
	dst = append(dst, `,"postcode":`...)
	dst = appendJSONString(dst, l.Postcode)
	dst = append(dst, `,"municipality":`...)
	dst = appendJSONString(dst, l.Municipality)
	dst = append(dst, `,"setting":`...)
	dst = appendJSONString(dst, string(l.Setting))
	dst = append(dst, `,"sector":`...)
	dst = appendJSONString(dst, string(l.Sector))
	dst = append(dst, `,"deliveries":`...)
	if l.Deliveries == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, d := range l.Deliveries {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, string(d))
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"places":`...)
	dst = strconv.AppendInt(dst, int64(l.Places), 10)
	dst = append(dst, `,"fixed_gp_practice_id":`...)
	dst = appendJSONIntPtr(dst, l.FixedGPPracticeID)
	dst = append(dst, `,"physician_service_id":`...)
	dst = appendJSONIntPtr(dst, l.PhysicianServiceID)
	dst = append(dst, `,"lifecycle":`...)
	dst = appendJSONString(dst, string(l.Lifecycle))
	dst = append(dst, `,"expected_opening":`...)
	if l.ExpectedOpening.IsZero() {
		dst = append(dst, "null"...) // as mgz.Date.MarshalJSON
	} else {
		dst = append(dst, '"')
		dst = l.ExpectedOpening.AppendFormat(dst, mgz.DateLayout)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"revision":`...)
	dst = strconv.AppendInt(dst, l.Revision, 10)
	dst = append(dst, `,"created_at":"`...)
	dst = l.CreatedAt.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","updated_at":"`...)
	dst = l.UpdatedAt.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, `"}`...), true
}

// jsonTime reports whether time.Time.MarshalJSON accepts t: a year in 0–9999 and a zone offset
// of less than 24 hours.
func jsonTime(t time.Time) bool {
	if y := t.Year(); y < 0 || y > 9999 {
		return false
	}
	_, off := t.Zone()
	return off > -24*3600 && off < 24*3600
}

func appendJSONIntPtr(dst []byte, p *int64) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	return strconv.AppendInt(dst, *p, 10)
}

const jsonHex = "0123456789abcdef"

// jsonSafe marks the ASCII bytes encoding/json writes as they are, with its default HTML-safe
// escaping (<, > and & escaped).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string the way encoding/json does: HTML-safe, invalid
// UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', jsonHex[b>>4], jsonHex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
