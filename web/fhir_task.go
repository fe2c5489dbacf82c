package web

import (
	"net/http"
	"slices"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// Reports of falling-short care (meldingen) as FHIR Tasks: read and searched through the
// service, which shows each report only to the organisations on its route.

func (s *Server) escalationNames(r *http.Request, e mgz.Escalation, names *fhirOrgNames) fhir.Names {
	owner := e.Owner()
	return names.add(&e.CareProviderID, &e.ReporterPracticeID, &e.FiledByOrgID, &owner)
}

func (s *Server) fhirReadTask(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "Task")
	if err != nil {
		return nil, err
	}
	d, err := s.cfg.Service.Escalation(r.Context(), actorOf(r), n)
	if err != nil {
		return nil, err
	}
	return fhir.NewTask(fhirBase(r), d.Escalation, s.escalationNames(r, d.Escalation, s.fhirNames(r))), nil
}

// fhirSearchTasks lists the reports the caller may see, newest first. The service pages by
// offset, so the cursor of a Task search is the offset of the next page (plus one).
func (s *Server) fhirSearchTasks(r *http.Request, q *fhirQuery) (fhirPage, error) {
	var f mgz.EscalationFilter
	status := q.v.Get("status")
	switch status {
	case "":
	case "completed":
		f.State = mgz.StateResolved
	case "cancelled":
		f.State = mgz.StateWithdrawn
	case "in-progress":
	default:
		if !slices.Contains(fhir.TaskStatuses, status) {
			return fhirPage{}, nil // a status no report has matches nothing
		}
	}
	var all []mgz.Escalation
	for {
		es, total, err := s.cfg.Service.Escalations(r.Context(), actorOf(r), f, mgz.Page{Limit: mgz.MaxLimit, Offset: len(all)})
		if err != nil {
			return fhirPage{}, err
		}
		all = append(all, es...)
		if len(es) == 0 || len(all) >= total {
			break
		}
	}
	if status == "in-progress" {
		all = slices.DeleteFunc(all, func(e mgz.Escalation) bool { return e.State.Closed() })
	}
	offset := 0
	if q.after > 0 {
		offset = int(q.after) - 1
	}
	page := fhirPage{total: len(all)}
	lo, hi := min(offset, len(all)), min(offset+q.count, len(all))
	names := s.fhirNames(r)
	for _, e := range all[lo:hi] {
		t := fhir.NewTask(fhirBase(r), e, s.escalationNames(r, e, names))
		page.items = append(page.items, fhirItem{"Task", t.ID, t})
	}
	if hi < len(all) {
		page.next = int64(hi) + 1
	}
	return page, nil
}
