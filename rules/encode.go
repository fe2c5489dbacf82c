package rules

import (
	"strconv"
	"time"

	"github.com/regio-mgz/mgz/internal/jsonstr"
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
			dst = jsonstr.Append(dst, w.Code)
			dst = append(dst, `,"message":`...)
			dst = jsonstr.Append(dst, w.Message)
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
	dst = jsonstr.Append(dst, string(c.Group))
	dst = append(dst, `,"gp_funding":`...)
	dst = appendNullableString(dst, string(c.GPFunding))
	dst = append(dst, `,"registered_by_name":`...)
	dst = strconv.AppendBool(dst, c.RegisteredByName)
	dst = append(dst, `,"agreement":`...)
	dst = jsonstr.Append(dst, string(c.Agreement))
	dst = append(dst, `,"gp_tariff":`...)
	dst = jsonstr.Append(dst, string(c.GPTariff))
	dst = append(dst, `,"out_of_hours_by":`...)
	dst = jsonstr.Append(dst, string(c.OutOfHoursBy))
	dst = append(dst, `,"specific_care_by":`...)
	dst = jsonstr.Append(dst, string(c.SpecificCareBy))
	dst = append(dst, `,"specific_care_funding":`...)
	dst = appendNullableString(dst, string(c.SpecificCareFunding))
	dst = append(dst, `,"lead":`...)
	dst = jsonstr.Append(dst, string(c.Lead))
	dst = append(dst, `,"quality_oversight":`...)
	dst = appendNullableString(dst, string(c.QualityOversight))
	dst = append(dst, `,"prerequisites_apply":`...)
	dst = strconv.AppendBool(dst, c.PrerequisitesApply)
	dst = append(dst, `,"alternatives":[`...)
	for i, a := range c.Alternatives {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, string(a))
	}
	dst = append(dst, `],"flags":[`...)
	for i, f := range c.Flags {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, string(f))
	}
	dst = append(dst, `],"reasons":[`...)
	for i, r := range c.Reasons {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"text":`...)
		dst = jsonstr.Append(dst, r.Text)
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
	dst = jsonstr.Append(dst, r.Summary)
	dst = append(dst, `,"period":`...)
	dst = jsonstr.Append(dst, string(r.Period))
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
		dst = jsonstr.Append(dst, string(s.Role))
		dst = append(dst, `,"mode":`...)
		dst = jsonstr.Append(dst, string(s.Mode))
		dst = append(dst, `,"why":`...)
		dst = jsonstr.Append(dst, s.Why)
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
		dst = jsonstr.Append(dst, string(n.Role))
		dst = append(dst, `,"why":`...)
		dst = jsonstr.Append(dst, n.Why)
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
		dst = jsonstr.Append(dst, kv.v)
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
		dst = jsonstr.Append(dst, c.Note)
	}
	if o := c.OnCall; o != nil {
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"on_call":{"name":`...)
		dst = jsonstr.Append(dst, o.Name)
		if o.Function != "" {
			dst = append(dst, `,"function":`...)
			dst = jsonstr.Append(dst, o.Function)
		}
		if o.Phone != "" {
			dst = append(dst, `,"phone":`...)
			dst = jsonstr.Append(dst, o.Phone)
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
		dst = jsonstr.Append(dst, s)
	}
	return append(dst, ']')
}

func appendNullableString(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsonstr.Append(dst, s)
}
