package audit

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/csvsafe"
)

// CSVHeader is the first row of a CSV export; the column names are the JSON field names.
var CSVHeader = []string{"id", "at", "user_id", "user_email", "organisation_id", "roles", "on_behalf_of", "action",
	"object_type", "object_id", "object_organisation_id", "patient_id", "outcome", "client_address", "reason", "prev_hash", "hash"}

// Writer writes entries in one export format.
type Writer interface {
	Write(mgz.AuditEntry) error
	Flush() error
}

type csvWriter struct{ w *csvsafe.Writer }

// NewCSVWriter writes entries as CSV with a header row. Cells that a spreadsheet would run as a
// formula (a typed e-mail address such as "=HYPERLINK(…)@a.nl") start with a single quote, see
// package csvsafe; csvsafe.Restore gives back the exact text, which JSON Lines keeps as is.
func NewCSVWriter(w io.Writer) (Writer, error) {
	cw := csvsafe.NewWriter(w)
	return csvWriter{cw}, cw.Write(CSVHeader)
}

func id(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func (c csvWriter) Write(e mgz.AuditEntry) error {
	return c.w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(TimeFormat), id(e.UserID), e.UserEmail,
		id(e.OrganisationID), e.Roles, e.OnBehalfOf, string(e.Action), e.ObjectType, id(e.ObjectID), id(e.ObjectOrganisationID),
		id(e.PatientID), e.Outcome, e.ClientAddress, e.Reason, e.PrevHash, e.Hash})
}

func (c csvWriter) Flush() error { return c.w.Flush() }

type jsonlWriter struct{ enc *json.Encoder }

// NewJSONLinesWriter writes one JSON object per entry per line.
func NewJSONLinesWriter(w io.Writer) Writer { return jsonlWriter{json.NewEncoder(w)} }

func (j jsonlWriter) Write(e mgz.AuditEntry) error {
	e.At = e.At.UTC()
	return j.enc.Encode(e)
}

func (j jsonlWriter) Flush() error { return nil }
