package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/regio-mgz/mgz"
)

// coverageCursor is the opaque cursor of the coverage list: the name and id of the last
// location of a page. It only positions a page; the caller is authorised again on every request.
type coverageCursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

func encodeCoverageCursor(c mgz.LocationCoverage) string {
	b, _ := json.Marshal(coverageCursor{Name: c.Location.Name, ID: c.Location.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// coverageFilter reads limit, offset and cursor of GET /api/v1/coverage.
func coverageFilter(q *queryParams) mgz.CoverageFilter {
	f := mgz.CoverageFilter{Page: q.page()}
	if a := q.str("cursor"); a != "" {
		var c coverageCursor
		b, err := base64.RawURLEncoding.DecodeString(a)
		if err == nil {
			err = json.Unmarshal(b, &c)
		}
		if err != nil || c.ID <= 0 {
			q.errs["cursor"] = "Deze vervolgpagina klopt niet. Begin opnieuw bij de eerste pagina."
		} else {
			f.After, f.Offset = &mgz.CoverageCursor{Name: c.Name, ID: c.ID}, 0
		}
	}
	return f
}

func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := coverageFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	cs, total, err := s.cfg.Service.Coverage(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	l := list[mgz.LocationCoverage]{Items: cs, Total: total, Limit: f.Limit, Offset: f.Offset}
	if len(cs) == f.Limit {
		l.NextCursor = encodeCoverageCursor(cs[len(cs)-1])
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

type coveragePageData struct {
	Rows  []mgz.LocationCoverage
	Pager pager
}

func (s *Server) pageCoverage(w http.ResponseWriter, r *http.Request) error {
	p := listPage(r)
	cs, total, err := s.cfg.Service.Coverage(r.Context(), actorOf(r), mgz.CoverageFilter{Page: p})
	if err != nil {
		return err
	}
	d := coveragePageData{Rows: cs, Pager: newPager(r, p, len(cs), total)}
	s.render(w, r, http.StatusOK, "coverage", pageData{Title: "Vaste huisarts per locatie", Nav: "dekking", Data: d})
	return nil
}
