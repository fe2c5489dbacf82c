package rules

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The encoder below writes the contract's JSON without reflection, for the
// JSON Lines path where encoding/json would dominate the cost. Its output is
// byte-for-byte what encoding/json produces for the same struct tags (a test
// checks this), with two contract rules on top: nil slices are written as []
// and empty nullable strings as null.

// MarshalJSON encodes the response as the contract describes it.
func (r Response) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the JSON encoding of the response to dst.
func (r Response) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"classification":`...)
	dst = r.Classification.AppendJSON(dst)
	if r.Route != nil {
		dst = append(dst, `,"route":`...)
		dst = r.Route.AppendJSON(dst)
	}
	if len(r.Warnings) > 0 {
		dst = append(dst, `,"warnings":`...)
		dst = append(dst, '[')
		for i, w := range r.Warnings {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"code":`...)
			dst = appendString(dst, w.Code)
			dst = append(dst, `,"message":`...)
			dst = appendString(dst, w.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// MarshalJSON encodes the classification as the contract describes it.
func (c Classification) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil), nil }

// AppendJSON appends the JSON encoding of the classification to dst.
func (c Classification) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"group":`...)
	dst = appendString(dst, string(c.Group))
	dst = append(dst, `,"gp_funding":`...)
	dst = appendNullableString(dst, string(c.GPFunding))
	dst = append(dst, `,"registered_by_name":`...)
	dst = strconv.AppendBool(dst, c.RegisteredByName)
	dst = append(dst, `,"agreement":`...)
	dst = appendString(dst, string(c.Agreement))
	dst = append(dst, `,"gp_tariff":`...)
	dst = appendString(dst, string(c.GPTariff))
	dst = append(dst, `,"out_of_hours_by":`...)
	dst = appendString(dst, string(c.OutOfHoursBy))
	dst = append(dst, `,"specific_care_by":`...)
	dst = appendString(dst, string(c.SpecificCareBy))
	dst = append(dst, `,"specific_care_funding":`...)
	dst = appendNullableString(dst, string(c.SpecificCareFunding))
	dst = append(dst, `,"lead":`...)
	dst = appendString(dst, string(c.Lead))
	dst = append(dst, `,"quality_oversight":`...)
	dst = appendNullableString(dst, string(c.QualityOversight))
	dst = append(dst, `,"prerequisites_apply":`...)
	dst = strconv.AppendBool(dst, c.PrerequisitesApply)
	dst = append(dst, `,"alternatives":[`...)
	for i, a := range c.Alternatives {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, string(a))
	}
	dst = append(dst, `],"flags":[`...)
	for i, f := range c.Flags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, string(f))
	}
	dst = append(dst, `],"reasons":[`...)
	for i, r := range c.Reasons {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"text":`...)
		dst = appendString(dst, r.Text)
		dst = append(dst, `,"sources":`...)
		dst = appendStrings(dst, r.Sources)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// MarshalJSON encodes the route as the contract describes it.
func (r Route) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the JSON encoding of the route to dst.
func (r Route) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"summary":`...)
	dst = appendString(dst, r.Summary)
	dst = append(dst, `,"period":`...)
	dst = appendString(dst, string(r.Period))
	dst = append(dst, `,"holiday":`...)
	dst = appendNullableString(dst, string(r.Holiday))
	dst = append(dst, `,"steps":[`...)
	for i, s := range r.Steps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"order":`...)
		dst = strconv.AppendInt(dst, int64(s.Order), 10)
		dst = append(dst, `,"role":`...)
		dst = appendString(dst, string(s.Role))
		dst = append(dst, `,"mode":`...)
		dst = appendString(dst, string(s.Mode))
		dst = append(dst, `,"why":`...)
		dst = appendString(dst, s.Why)
		dst = append(dst, `,"sources":`...)
		dst = appendStrings(dst, s.Sources)
		if s.Contact != nil {
			dst = append(dst, `,"contact":`...)
			dst = s.Contact.appendJSON(dst)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `],"not_responsible":[`...)
	for i, n := range r.NotResponsible {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"role":`...)
		dst = appendString(dst, string(n.Role))
		dst = append(dst, `,"why":`...)
		dst = appendString(dst, n.Why)
		dst = append(dst, `,"sources":`...)
		dst = appendStrings(dst, n.Sources)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

func (c *Contact) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	sep := false
	for _, kv := range [...]struct{ k, v string }{{"organisation", c.Organisation}, {"location", c.Location}, {"phone", c.Phone}} {
		if kv.v == "" {
			continue
		}
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, '"')
		dst = append(dst, kv.k...)
		dst = append(dst, `":`...)
		dst = appendString(dst, kv.v)
	}
	if c.NotReachableNow {
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, `"not_reachable_now":true`...)
	}
	if c.Note != "" {
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, `"note":`...)
		dst = appendString(dst, c.Note)
	}
	if o := c.OnCall; o != nil {
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"on_call":{"name":`...)
		dst = appendString(dst, o.Name)
		if o.Function != "" {
			dst = append(dst, `,"function":`...)
			dst = appendString(dst, o.Function)
		}
		if o.Phone != "" {
			dst = append(dst, `,"phone":`...)
			dst = appendString(dst, o.Phone)
		}
		dst = append(dst, `,"until":"`...)
		dst = o.Until.AppendFormat(dst, time.RFC3339Nano) // as encoding/json writes a time.Time
		dst = append(dst, `"}`...)
	}
	return append(dst, '}')
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

func appendNullableString(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return appendString(dst, s)
}

// jsonSafe marks the ASCII bytes that need no escaping, with encoding/json's
// default HTML-safe escaping (<, > and & escaped).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping like encoding/json:
// invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are escaped.
func appendString(dst []byte, s string) []byte {
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
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
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
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
