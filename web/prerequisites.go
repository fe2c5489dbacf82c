package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/service"
)

// uploadBodyBytes bounds a request that carries a document.
const uploadBodyBytes = mgz.MaxDocumentSize + 256<<10

// bodyLimit is the size limit of a request: larger for the routes that take a document.
func bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && (strings.Contains(r.URL.Path, "/prerequisites/") || strings.Contains(r.URL.Path, "/randvoorwaarden/") ||
		strings.HasSuffix(r.URL.Path, "/attachments") || strings.HasSuffix(r.URL.Path, "/bijlagen")) {
		return uploadBodyBytes
	}
	return maxBodyBytes
}

func limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		next.ServeHTTP(w, r)
	})
}

// refuseOversizedForm reads a posted form before its CSRF token is checked, and answers a body
// over the size limit with "bestand te groot" and the limit (413). Without it the token read
// from a cut-off body is empty and the person is told the form expired, which sends them
// round in circles with the same file.
func (s *Server) refuseOversizedForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("X-CSRF-Token") != "" {
		return false // nothing to read from the body for the check; the handler reads it
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "multipart/form-data":
		err = r.ParseMultipartForm(1 << 20)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		return false
	}
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false // other problems are the handler's, as before
	}
	msg := fmt.Sprintf("Bestand te groot: een document mag hoogstens %d MB zijn. Ga terug, verklein het bestand of maak er een pdf van, en probeer het opnieuw.", mgz.MaxDocumentSize>>20)
	if bodyLimit(r) < uploadBodyBytes {
		msg = fmt.Sprintf("Bestand te groot: dit formulier neemt hoogstens %d KB aan. Ga terug, verstuur minder tekst of geen bestand, en probeer het opnieuw.", mbe.Limit>>10)
	}
	err = &mgz.Error{Code: mgz.ECodeInvalid, Message: msg, Fields: map[string]string{"document": msg}}
	if isAPI(r) {
		s.writeAPIError(w, r, err)
		return true
	}
	s.render(w, r, http.StatusRequestEntityTooLarge, "error", pageData{Title: "Bestand te groot", Problem: msg})
	return true
}

func (s *Server) prerequisiteRoutes() []route {
	return []route{
		{"GET", "/api/v1/locations/{id}/prerequisites", s.apiReadiness},
		{"GET", "/api/v1/locations/{id}/prerequisites/history", s.apiPrerequisiteHistory},
		{"POST", "/api/v1/locations/{id}/prerequisites/{key}", s.apiRecordPrerequisite},
		{"GET", "/api/v1/prerequisite-documents/{id}", s.serveDocument},
		{"GET", "/api/v1/locations/{id}/agreement-proposal", s.apiAgreementProposal},
	}
}

func (s *Server) apiAgreementProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	_, ps, err := s.cfg.Service.ProposeAgreements(r.Context(), actorOf(r), e, id)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []agreement.Proposal{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"location_id": id, "proposals": ps})
	return nil
}

func (s *Server) apiReadiness(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	_, rd, err := s.cfg.Service.Readiness(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) apiPrerequisiteHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	key := mgz.PrerequisiteKey(r.URL.Query().Get("key"))
	if _, ok := mgz.PrerequisiteByKey(key); key != "" && !ok {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Onbekende randvoorwaarde.", Fields: map[string]string{"key": "Kies een sleutel uit domain.md §5, bijvoorbeeld first_line_24h."}}
	}
	hs, err := s.cfg.Service.PrerequisiteHistory(r.Context(), actorOf(r), id, key)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.PrerequisiteItem]{Items: hs, Total: len(hs), Limit: len(hs), Offset: 0})
	return nil
}

// itemInput is what a person or program sends for one item.
type itemInput struct {
	Status     mgz.PrerequisiteStatus `json:"status"`
	Note       string                 `json:"note"`
	ValidUntil string                 `json:"valid_until"`
	// Revision is the item's revision the version was made on (as If-Match; 0: not said).
	Revision int64 `json:"revision"`
}

// parseItem reads an item from JSON or from a (multipart) form with an optional document.
func parseItem(r *http.Request, locationID int64, key mgz.PrerequisiteKey) (mgz.PrerequisiteItem, *service.Upload, url.Values, error) {
	it := mgz.PrerequisiteItem{LocationID: locationID, Key: key}
	var in itemInput
	var up *service.Upload
	values := url.Values{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return it, nil, values, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het document is te groot.",
					Fields: map[string]string{"document": fmt.Sprintf("Hoogstens %d MB. Verklein het bestand of maak er een pdf van.", mgz.MaxDocumentSize>>20)}}
			}
			return it, nil, values, errUnreadableForm
		}
		values = r.PostForm
		in = itemInput{Status: mgz.PrerequisiteStatus(values.Get("status")), Note: values.Get("note"), ValidUntil: values.Get("valid_until")}
		rev, err := expectedRevision(r)
		if err != nil {
			return it, nil, values, err
		}
		in.Revision = rev
		if f, h, err := r.FormFile("document"); err == nil {
			defer f.Close()
			content, err := io.ReadAll(io.LimitReader(f, mgz.MaxDocumentSize+1))
			if err != nil {
				return it, nil, values, err
			}
			up = &service.Upload{Name: h.Filename, Content: content}
		}
	default:
		if err := decodeJSON(r, &in); err != nil {
			return it, nil, values, err
		}
		if rev, err := expectedRevision(r); err != nil {
			return it, nil, values, err
		} else if rev != 0 {
			in.Revision = rev
		}
	}
	it.Status, it.Note, it.Revision = in.Status, in.Note, in.Revision
	if in.ValidUntil != "" {
		d, err := time.ParseInLocation("2006-01-02", in.ValidUntil, calendar.Location())
		if err != nil {
			return it, up, values, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De datum klopt niet.",
				Fields: map[string]string{"valid_until": "Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2027-06-30."}}
		}
		it.ValidUntil = &d
	}
	return it, up, values, nil
}

func prereqKey(r *http.Request) (mgz.PrerequisiteKey, error) {
	key := mgz.PrerequisiteKey(r.PathValue("key"))
	if _, ok := mgz.PrerequisiteByKey(key); !ok {
		return key, mgz.Errorf(mgz.ECodeNotFound, "Onbekende randvoorwaarde %q. De lijst staat op de pagina van de locatie.", key)
	}
	return key, nil
}

func (s *Server) apiRecordPrerequisite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	key, err := prereqKey(r)
	if err != nil {
		return err
	}
	it, up, _, err := parseItem(r, id, key)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.RecordPrerequisite(r.Context(), actorOf(r), &it, up, it.Revision); err != nil {
		return err
	}
	setETag(w, it.Revision)
	writeJSON(w, http.StatusCreated, it)
	return nil
}

// serveDocument sends a document as a download: never rendered inline, so a crafted file cannot
// act as a page of mgz.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Document")
	if err != nil {
		return err
	}
	d, content, err := s.cfg.Service.PrerequisiteDocument(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	w.Header().Set("Content-Length", fmt.Sprint(len(content)))
	w.Write(content)
	return nil
}

// ---- pages ----

type prereqPageData struct {
	// CanRecord shows the form; others who may read the checklist see the item and its history.
	CanRecord bool
	Loc       mgz.Location
	Def       mgz.PrerequisiteDef
	State     mgz.ItemState
	History   []mgz.PrerequisiteItem
	Statuses  []mgz.Option[mgz.PrerequisiteStatus]
}

func (s *Server) prereqPage(w http.ResponseWriter, r *http.Request, status int, problem string, form Form) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	key, err := prereqKey(r)
	if err != nil {
		return err
	}
	a := actorOf(r)
	l, rd, err := s.cfg.Service.Readiness(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := prereqPageData{Loc: l, Statuses: mgz.PrerequisiteStatuses.Options(),
		CanRecord: service.Allowed(a, access.Update, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID})}
	for _, st := range rd.Items {
		if st.Def.Key == key {
			d.Def, d.State = st.Def, st
		}
	}
	if d.History, err = s.cfg.Service.PrerequisiteHistory(r.Context(), a, id, key); err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{"status": {string(d.State.Item.Status)}, "note": {d.State.Item.Note}, revisionField: {fmt.Sprint(d.State.Item.Revision)}}
		if v := d.State.Item.ValidUntil; v != nil {
			form.Values.Set("valid_until", v.Format("2006-01-02"))
		}
	}
	s.render(w, r, status, "prerequisite", pageData{Title: "Randvoorwaarde bij " + l.Name, Nav: "locaties", Problem: problem, Data: d, Form: form})
	return nil
}

func (s *Server) pagePrerequisite(w http.ResponseWriter, r *http.Request) error {
	return s.prereqPage(w, r, http.StatusOK, "", Form{})
}

func (s *Server) pagePrerequisitePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	key, err := prereqKey(r)
	if err != nil {
		return err
	}
	it, up, values, err := parseItem(r, id, key)
	if err == nil {
		err = s.cfg.Service.RecordPrerequisite(r.Context(), actorOf(r), &it, up, it.Revision)
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.prereqPage(w, r, httpStatus(err), msg, Form{Values: values, Errors: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/locaties/%d?melding=opgeslagen#randvoorwaarden", id), http.StatusSeeOther)
	return nil
}
