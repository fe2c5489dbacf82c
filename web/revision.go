package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
)

// Optimistic concurrency: a record that can be edited carries a revision, a number that grows
// with every stored change. Reads send it as a strong ETag; edits send back the revision they
// were made on, as If-Match in the API or the hidden form field "revision" on the pages. The
// service compares it with the stored revision inside the write transaction and refuses a stale
// edit with mgz.StaleEdit (409).

// retryAfterSeconds is the Retry-After of a 429 or 503 answer.
const retryAfterSeconds = "60"

// revisionField is the hidden form field that carries the revision an edit was made on.
const revisionField = "revision"

// setETag sends rev as the response's strong ETag. The header is set under its canonical key
// ("Etag"), as Header.Set would after canonicalising "ETag" into a new string on every read
// answer; the value is built in one allocation.
func setETag(w http.ResponseWriter, rev int64) {
	var b [24]byte
	v := append(strconv.AppendInt(append(b[:0], '"'), rev, 10), '"')
	w.Header()["Etag"] = []string{string(v)}
}

// expectedRevision returns the revision the request's edit was made on: If-Match (API) or the
// form field "revision" (pages; the form must be parsed). 0 means the client did not say, which
// the service treats as "the current revision" (an explicit blind write). An unreadable value
// is invalid input rather than a silent overwrite.
func expectedRevision(r *http.Request) (int64, error) {
	if h := strings.TrimSpace(r.Header.Get("If-Match")); h != "" {
		if h == "*" {
			return 0, nil
		}
		h = strings.TrimPrefix(h, "W/")
		n, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
		if err != nil || n <= 0 {
			return 0, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De kop If-Match is geen ETag van mgz. Stuur de ETag die u bij het lezen kreeg, of laat de kop weg.",
				Fields: map[string]string{"If-Match": `Verwacht bijvoorbeeld "3".`}}
		}
		return n, nil
	}
	if v := strings.TrimSpace(r.PostFormValue(revisionField)); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het formulier is beschadigd. Open de pagina opnieuw en voer uw wijziging opnieuw in.",
				Fields: map[string]string{revisionField: "Onleesbare versie."}}
		}
		return n, nil
	}
	return 0, nil
}
