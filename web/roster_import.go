package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/rosterfile"
)

// Importing a roster's shifts from a file (issue 13): the API takes the file as the request body
// (text/calendar or text/csv), the page as an upload. Both refuse a file with any problem as a
// whole and name the problems by line; importing the same file again changes nothing.

func (s *Server) rosterImportRoutes() []route {
	return []route{{"POST", "/api/v1/rosters/{id}/import", s.apiRosterImport}}
}

// mayImportRoster returns the roster when the actor may change it: every signed-in user reads
// rosters, only the owner's editors import into them (a refusal is audited).
func (s *Server) mayImportRoster(r *http.Request) (mgz.Roster, error) {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return mgz.Roster{}, err
	}
	ro, err := s.cfg.Service.Roster(r.Context(), actorOf(r), id)
	if err != nil {
		return mgz.Roster{}, err
	}
	owner, err := s.cfg.Service.RosterOwner(r.Context(), ro)
	if err != nil {
		return mgz.Roster{}, err
	}
	if err := s.cfg.Service.Authorize(r.Context(), actorOf(r), access.Update, access.Resource{Kind: access.Roster, OrganisationID: owner}); err != nil {
		return mgz.Roster{}, err
	}
	return ro, nil
}

// rosterImportResponse is the API's answer to an import.
type rosterImportResponse struct {
	Result mgz.ImportResult `json:"result"`
}

// unsupportedRosterType is the API's refusal of a body that is neither iCalendar nor CSV.
func unsupportedRosterType(w http.ResponseWriter, got string) {
	var body errorBody
	body.Error.Code = mgz.ECodeBadRequest
	body.Error.Message = fmt.Sprintf("Stuur het rooster als text/calendar (iCalendar, .ics) of text/csv, niet als %q.", got)
	body.Error.Fields = []string{}
	writeJSON(w, http.StatusUnsupportedMediaType, body)
}

func (s *Server) apiRosterImport(w http.ResponseWriter, r *http.Request) error {
	ro, err := s.mayImportRoster(r)
	if err != nil {
		return err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var format string
	switch ct {
	case "text/calendar":
		format = rosterfile.FormatICal
	case "text/csv":
		format = rosterfile.FormatCSV
	default:
		unsupportedRosterType(w, ct)
		return nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err // too large: 413
	}
	res, err := s.importRoster(r, ro.ID, format, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rosterImportResponse{Result: res})
	return nil
}

// importRoster parses data and imports its shifts into roster id, all or nothing.
func (s *Server) importRoster(r *http.Request, id int64, format string, data []byte) (mgz.ImportResult, error) {
	parsed, err := rosterfile.Parse(format, bytes.NewReader(data))
	if err != nil {
		return mgz.ImportResult{}, err
	}
	if err := parsed.Err(); err != nil {
		return mgz.ImportResult{}, err
	}
	return s.cfg.Service.ImportShifts(r.Context(), actorOf(r), id, rosterfile.Source(format), parsed.Shifts)
}

// rosterImportPage is the import page's data.
type rosterImportPage struct {
	Roster   mgz.Roster
	Result   *mgz.ImportResult
	Problems []rosterfile.Problem
	FileName string
}

// MaxMB is the largest file the import takes, in MB, for the page's hint.
func (rosterImportPage) MaxMB() int { return rosterfile.MaxBytes >> 20 }

func (s *Server) pageRosterImport(w http.ResponseWriter, r *http.Request) error {
	ro, err := s.mayImportRoster(r)
	if err != nil {
		return err
	}
	return s.renderRosterImport(w, r, http.StatusOK, rosterImportPage{Roster: ro}, Form{}, "")
}

func (s *Server) renderRosterImport(w http.ResponseWriter, r *http.Request, status int, d rosterImportPage, form Form, problem string) error {
	s.render(w, r, status, "roster_import", pageData{Title: "Rooster importeren: " + d.Roster.Name, Nav: "roosters", Data: d, Form: form, Problem: problem})
	return nil
}

func (s *Server) pageRosterImportPost(w http.ResponseWriter, r *http.Request) error {
	ro, err := s.mayImportRoster(r)
	if err != nil {
		return err
	}
	d := rosterImportPage{Roster: ro}
	form := Form{Values: map[string][]string{}, Errors: map[string]string{}}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
	}
	format := r.FormValue("format")
	form.Values.Set("format", format)
	f, h, err := r.FormFile("file")
	if err != nil {
		form.Errors["file"] = "Kies het roosterbestand (.ics of .csv)."
		return s.renderRosterImport(w, r, http.StatusUnprocessableEntity, d, form, "Er is geen bestand meegestuurd.")
	}
	defer f.Close()
	d.FileName = h.Filename
	if format == "" {
		format = rosterfile.FormatOf(h.Filename)
	}
	if format != rosterfile.FormatICal && format != rosterfile.FormatCSV {
		form.Errors["format"] = "Kies het formaat: iCalendar (.ics) of CSV."
		return s.renderRosterImport(w, r, http.StatusUnprocessableEntity, d, form, "Het formaat van "+strconv.Quote(h.Filename)+" is niet te herkennen aan de naam.")
	}
	data, err := io.ReadAll(io.LimitReader(f, rosterfile.MaxBytes+1))
	if err != nil {
		return err
	}
	parsed, err := rosterfile.Parse(format, bytes.NewReader(data))
	if fields, msg, ok := formProblem(err); ok {
		for k, v := range fields {
			if k == "file" || k == "format" {
				form.Errors[k] = v
			} else {
				form.Errors["file"] = v
			}
		}
		if len(form.Errors) == 0 {
			form.Errors["file"] = msg
		}
		return s.renderRosterImport(w, r, http.StatusUnprocessableEntity, d, form, "Het bestand is niet geïmporteerd; er is niets veranderd.")
	}
	if err != nil {
		return err
	}
	if perr := parsed.Err(); perr != nil {
		d.Problems = parsed.Problems
		form.Errors["file"] = fmt.Sprintf("Het bestand heeft %d %s; zie de lijst hieronder.", len(parsed.Problems), map[bool]string{true: "probleem", false: "problemen"}[len(parsed.Problems) == 1])
		return s.renderRosterImport(w, r, http.StatusUnprocessableEntity, d, form, mgz.ErrorMessage(perr))
	}
	res, err := s.cfg.Service.ImportShifts(r.Context(), actorOf(r), ro.ID, rosterfile.Source(format), parsed.Shifts)
	if fields, msg, ok := formProblem(err); ok {
		for k, v := range fields {
			form.Errors["file"] = k + ": " + v
		}
		return s.renderRosterImport(w, r, httpStatus(err), d, form, msg)
	}
	if err != nil {
		return err
	}
	d.Result = &res
	return s.renderRosterImport(w, r, http.StatusOK, d, Form{Values: form.Values}, "")
}
