package rules

import (
	"errors"
	"strings"

	"github.com/regio-mgz/mgz/internal/jsonstr"
)

// Error codes of the error object. CodeBadRequest matches the root package's
// code for input that cannot be read at all.
const (
	// CodeInvalidRequest: the request is JSON but breaks the contract (unknown
	// value, wrong type, missing field, a combination of domain.md §3.4).
	// HTTP 422, CLI exit status 2.
	CodeInvalidRequest = "invalid_request"
	// CodeBadRequest: the body is not JSON at all. HTTP 400.
	CodeBadRequest = "bad_request"
	// CodeNotFound: the request names a client (patient_id) that does not
	// exist or that the caller may not see; both are answered alike. HTTP
	// 404, CLI exit status 2.
	CodeNotFound = "not_found"
)

// Field paths of the request, as named in the error object's fields.
const (
	FieldSituation = "situation"
	FieldSetting   = "situation.setting"
	FieldWlz       = "situation.wlz"
	FieldDelivery  = "situation.delivery"
	FieldSector    = "situation.sector"
	FieldNeed      = "situation.need"
	FieldQuestion  = "question"
	FieldCategory  = "question.category"
	FieldAt        = "question.at"
	FieldLocation  = "location_id"
	FieldPatient   = "patient_id"
)

// fieldOrder fixes the order in which fields are reported: the order of the
// request in the contract, so the same request always gives the same error.
var fieldOrder = [...]string{FieldSituation, FieldSetting, FieldWlz, FieldDelivery, FieldSector,
	FieldNeed, FieldQuestion, FieldCategory, FieldAt, FieldLocation, FieldPatient}

type field uint8

const (
	fSituation field = iota
	fSetting
	fWlz
	fDelivery
	fSector
	fNeed
	fQuestion
	fCategory
	fAt
	fLocation
	fPatient
)

// fieldSet is a set of request fields.
type fieldSet uint16

func (s fieldSet) has(f field) bool { return s&(1<<f) != 0 }

// RequestError is a rejected request: the contract's error object. Message is
// Dutch and says what to do; Fields names every offending field by its path
// in the request ("situation.delivery"), in request order; Details gives the
// Dutch explanation per field (an addition to the contract).
type RequestError struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []string     `json:"fields"`
	Details []FieldError `json:"details,omitempty"`
}

// FieldError explains what is wrong with one field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error returns the Dutch message.
func (e *RequestError) Error() string { return e.Message }

// IsBadRequest reports whether the input was not JSON at all (HTTP 400)
// rather than a JSON request the rules reject (HTTP 422).
func (e *RequestError) IsBadRequest() bool { return e.Code == CodeBadRequest }

// IsBadRequest reports whether err is a *RequestError for input that is not
// JSON (HTTP 400).
func IsBadRequest(err error) bool {
	var re *RequestError
	return errors.As(err, &re) && re.IsBadRequest()
}

// ErrorResponse is the error object as the contract writes it:
// {"error": {"code": …, "message": …, "fields": […]}}.
type ErrorResponse struct {
	Error *RequestError `json:"error"`
}

// MarshalJSON encodes the error object; fields is [] rather than null.
func (e ErrorResponse) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// AppendJSON appends the JSON encoding of the error object to dst.
func (e ErrorResponse) AppendJSON(dst []byte) []byte {
	re := e.Error
	if re == nil {
		re = &RequestError{Code: CodeInvalidRequest, Message: "Onbekende fout."}
	}
	dst = append(dst, `{"error":{"code":`...)
	dst = jsonstr.Append(dst, re.Code)
	dst = append(dst, `,"message":`...)
	dst = jsonstr.Append(dst, re.Message)
	dst = append(dst, `,"fields":`...)
	dst = appendStrings(dst, re.Fields)
	if len(re.Details) > 0 {
		dst = append(dst, `,"details":[`...)
		for i, d := range re.Details {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"field":`...)
			dst = jsonstr.Append(dst, d.Field)
			dst = append(dst, `,"message":`...)
			dst = jsonstr.Append(dst, d.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, "}}"...)
}

// problems collects what is wrong with a request, to be turned into one
// RequestError naming every offending field.
type problems struct {
	set     fieldSet
	details []FieldError
}

func (p *problems) add(f field, msg string) {
	p.set |= 1 << f
	p.details = append(p.details, FieldError{Field: fieldOrder[f], Message: msg})
}

func (p *problems) empty() bool { return p.set == 0 }

// err builds the RequestError, fields and details in request order.
func (p *problems) err() *RequestError {
	fields := make([]string, 0, 4)
	details := make([]FieldError, 0, len(p.details))
	for f := range fieldOrder {
		if !p.set.has(field(f)) {
			continue
		}
		fields = append(fields, fieldOrder[f])
		for _, d := range p.details {
			if d.Field == fieldOrder[f] {
				details = append(details, d)
			}
		}
	}
	// One sentence per distinct explanation: when several fields share one
	// (setting and delivery of a §3.4 conflict), the sentence is written
	// once, after all their names.
	var b strings.Builder
	b.WriteString("Het verzoek is afgewezen: ")
	done := make([]bool, len(details))
	for i, d := range details {
		if done[i] {
			continue
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(d.Field)
		var same []string
		for j := i + 1; j < len(details); j++ {
			if !done[j] && details[j].Message == d.Message {
				same = append(same, details[j].Field)
				done[j] = true
			}
		}
		for k, f := range same {
			if k == len(same)-1 {
				b.WriteString(" en ")
			} else {
				b.WriteString(", ")
			}
			b.WriteString(f)
		}
		b.WriteString(": ")
		b.WriteString(d.Message)
	}
	return &RequestError{Code: CodeInvalidRequest, Message: b.String(), Fields: fields, Details: details}
}
