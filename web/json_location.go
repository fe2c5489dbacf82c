package web

import (
	"strconv"
	"time"

	"github.com/regio-mgz/mgz/internal/jsonstr"

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
	dst = jsonstr.Append(dst, l.Name)
	dst = append(dst, `,"address":`...)
	dst = jsonstr.Append(dst, l.Address)
	dst = append(dst, `,"postcode":`...)
	dst = jsonstr.Append(dst, l.Postcode)
	dst = append(dst, `,"municipality":`...)
	dst = jsonstr.Append(dst, l.Municipality)
	dst = append(dst, `,"setting":`...)
	dst = jsonstr.Append(dst, string(l.Setting))
	dst = append(dst, `,"sector":`...)
	dst = jsonstr.Append(dst, string(l.Sector))
	dst = append(dst, `,"deliveries":`...)
	if l.Deliveries == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, d := range l.Deliveries {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, string(d))
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
	dst = jsonstr.Append(dst, string(l.Lifecycle))
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
