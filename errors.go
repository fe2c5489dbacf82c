package mgz

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes shared by the API, the CLI and the web pages. They are part of the public interface
// (see ../shared/contract.md): add new ones freely, never rename one.
const (
	ECodeInvalid         = "invalid_request" // input that breaks a rule; HTTP 422
	ECodeBadRequest      = "bad_request"     // input that cannot be read at all (not JSON); HTTP 400
	ECodeNotFound        = "not_found"       // HTTP 404
	ECodeConflict        = "conflict"        // the change clashes with stored data; HTTP 409
	ECodeForbidden       = "forbidden"       // signed in, but the policy denies it; HTTP 403
	ECodeUnauthenticated = "unauthenticated" // no valid session or token; HTTP 401
	ECodeInternal        = "internal"        // anything else; HTTP 500
	// ECodeTooManyRequests: the caller tried too often in a short time; HTTP 429 with Retry-After.
	ECodeTooManyRequests = "too_many_requests"
	// ECodeStorageUnavailable: the store cannot write (disk full, read-only file, corrupt page);
	// nothing was changed; HTTP 503 with Retry-After.
	ECodeStorageUnavailable = "storage_unavailable"
)

// Error is the domain error: a code for programs, a Dutch message for people, and the offending
// fields by their name in the request, each with its own Dutch message.
type Error struct {
	Code    string
	Message string
	// Fields maps a field name (as in the JSON API and the HTML form) to a Dutch message.
	Fields map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.FieldNames() {
		parts = append(parts, f+": "+e.Fields[f])
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// FieldNames returns the offending fields in a stable order.
func (e *Error) FieldNames() []string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}

// Errorf returns an *Error with the given code and a formatted Dutch message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a not_found error naming what was looked for, in Dutch.
func NotFound(what string, id int64) *Error {
	return Errorf(ECodeNotFound, "%s %d bestaat niet (meer). Controleer het nummer of zoek in de lijst.", what, id)
}

// ErrorCode returns the code of err: the code of an *Error in its chain, or internal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECodeInternal
}

// ErrorMessage returns the Dutch message of an *Error in err's chain, or a general Dutch message
// that hides internal details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Er ging intern iets mis. Probeer het opnieuw; blijft het misgaan, meld het dan aan de beheerder."
}

// fieldErrors collects validation messages per field and turns them into one *Error.
type fieldErrors map[string]string

func (fe fieldErrors) add(field, msg string) {
	if _, ok := fe[field]; !ok { // keep the first, most basic problem per field
		fe[field] = msg
	}
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	msg := "Eén gegeven klopt niet. Verbeter het gemarkeerde veld en probeer het opnieuw."
	if len(fe) > 1 {
		msg = fmt.Sprintf("%d gegevens kloppen niet. Verbeter de gemarkeerde velden en probeer het opnieuw.", len(fe))
	}
	return &Error{Code: ECodeInvalid, Message: msg, Fields: map[string]string(fe)}
}

// StaleEdit is the answer to an edit made on an older revision of a record than the stored one
// (optimistic concurrency: ETag/If-Match in the API, a hidden "revision" field in forms). what
// names the record in Dutch ("De overeenkomst"), changed says what changed since, in Dutch, one
// item each ("ondertekend door Huisartsenpraktijk De Linde"). The answer is a conflict (HTTP 409)
// that tells the person to reload and make the change again; nothing was stored.
func StaleEdit(what string, yours, current int64, changed []string) *Error {
	msg := fmt.Sprintf("%s is gewijzigd nadat u de pagina opende (u opende wijziging %d, nu is het wijziging %d)", what, yours, current)
	if len(changed) > 0 {
		msg += ": " + strings.Join(changed, "; ")
	}
	return &Error{Code: ECodeConflict, Message: msg + ". Uw wijziging is niet opgeslagen. Open de nieuwste versie en voer uw wijziging opnieuw in."}
}

// FieldError returns a validation error for one field whose problem only storage can see (a
// reference to a record that does not exist).
func FieldError(field, msg string) *Error {
	return &Error{Code: ECodeInvalid, Message: "Eén gegeven klopt niet. Verbeter het gemarkeerde veld en probeer het opnieuw.",
		Fields: map[string]string{field: msg}}
}
