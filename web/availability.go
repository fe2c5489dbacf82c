package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/service"
)

// Availability (issue 13): the intervals in which a role the covenant requires has nobody on
// call, from the rosters, for the region, an organisation or a location.

func (s *Server) availabilityRoutes() []route {
	return []route{
		{"GET", "/api/v1/availability/gaps", s.apiAvailabilityGaps},
	}
}

func (s *Server) availabilityPageRoutes() []route {
	return []route{
		{"GET", "/beschikbaarheid", s.pageAvailability},
		{"POST", "/beschikbaarheid/melding", s.pageFileGapReport},
	}
}

// gapJSON is a coverage gap in the API, with the names a person reads.
type gapJSON struct {
	mgz.CoverageGap
	OrganisationName string `json:"organisation_name"`
	LocationName     string `json:"location_name,omitempty"`
}

type gapsJSON struct {
	Items  []gapJSON `json:"items"`
	Total  int       `json:"total"`
	Limit  int       `json:"limit"`
	Offset int       `json:"offset"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
}

// pageOf returns the part of n items that page p shows, as bounds of a slice.
func pageOf(n int, p mgz.Page) (lo, hi int) {
	lo = min(p.Offset, n)
	return lo, min(lo+p.Limit, n)
}

func (s *Server) apiAvailabilityGaps(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := service.CoverageFilter{LocationID: q.int("location_id"), OrganisationID: q.int("organisation_id"),
		Role: enumParam(q, "role", mgz.RosterRoles), From: q.moment("from", false), To: q.moment("to", true)}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	rep, err := s.cfg.Service.CoverageReport(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	// A region without rosters has tens of thousands of gaps: the answer is paged like every list.
	lo, hi := pageOf(len(rep.Gaps), p)
	out := gapsJSON{Items: make([]gapJSON, 0, hi-lo), Total: len(rep.Gaps), Limit: p.Limit, Offset: p.Offset, From: rep.From, To: rep.To}
	for _, g := range rep.Gaps[lo:hi] {
		item := gapJSON{CoverageGap: g, OrganisationName: rep.Organisations[g.OrganisationID]}
		if g.LocationID != nil {
			item.LocationName = rep.Locations[*g.LocationID]
		}
		out.Items = append(out.Items, item)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// gapRow is a gap as a row of the availability page.
type gapRow struct {
	mgz.CoverageGap
	Organisation, Location string
	From, To               string
	KindLabel              string
	// Report is the link to the report form prefilled for the gap, for those who may file one.
	Report string
	// OneClick is the form that files that report at once, when nobody needs to choose anything
	// in it (service.GapEscalation); nil otherwise.
	OneClick *gapReportForm
}

// gapReportForm is what the one-click report button posts: the gap as the page showed it, for
// the server to look up again (service.FileGapReport).
type gapReportForm struct {
	CSRF           string
	Role           mgz.RosterRole
	OrganisationID int64
	LocationID     int64
	From, To       string // RFC 3339, UTC
}

// gapKindLabel is the Dutch name of a gap's kind.
func gapKindLabel(k mgz.GapKind) string {
	if k == mgz.GapNoRoster {
		return "geen rooster"
	}
	return "niemand van dienst"
}

func gapMoment(t time.Time) string { return t.In(calendar.Location()).Format("02-01-2006 15:04") }

// gapRows turns a report into rows: for a viewer who may file reports, each gap that still lasts
// gets the prefilled report link and, where the report needs no choice, the one-click button.
func (s *Server) gapRows(r *http.Request, rep service.CoverageReport) []gapRow {
	a := actorOf(r)
	file, now := canFile(a), s.cfg.Service.Now()
	rows := make([]gapRow, len(rep.Gaps))
	for i, g := range rep.Gaps {
		row := gapRow{CoverageGap: g, Organisation: rep.Organisations[g.OrganisationID], From: gapMoment(g.From), To: gapMoment(g.To),
			KindLabel: gapKindLabel(g.Kind)}
		if g.LocationID != nil {
			row.Location = rep.Locations[*g.LocationID]
		}
		if file && g.To.After(now) {
			e, complete := service.GapEscalation(rep, g, a, mgz.DateOf(now))
			v := url.Values{}
			if e.CareProviderID != 0 {
				v.Set("zorgaanbieder", strconv.FormatInt(e.CareProviderID, 10))
			}
			if g.LocationID != nil {
				v.Set("locatie", strconv.FormatInt(*g.LocationID, 10))
			}
			v.Set("onderwerp", string(e.Category))
			v.Set("omschrijving", e.Description)
			v.Set("begin", e.PeriodStart.Format("2006-01-02"))
			row.Report = "/meldingen/nieuw?" + v.Encode()
			if complete {
				f := &gapReportForm{CSRF: authOf(r).csrf, Role: g.Role, OrganisationID: g.OrganisationID,
					From: g.From.UTC().Format(time.RFC3339Nano), To: g.To.UTC().Format(time.RFC3339Nano)}
				if g.LocationID != nil {
					f.LocationID = *g.LocationID
				}
				row.OneClick = f
			}
		}
		rows[i] = row
	}
	return rows
}

// pageFileGapReport files a report about the gap the one-click button names (service.FileGapReport
// looks it up again) and shows the new report.
func (s *Server) pageFileGapReport(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	ref := service.GapRef{Role: mgz.RosterRole(v.Get("role"))}
	var err1, err2, err3, err4 error
	ref.OrganisationID, err1 = strconv.ParseInt(v.Get("organisation_id"), 10, 64)
	if l := v.Get("location_id"); l != "" {
		ref.LocationID, err2 = strconv.ParseInt(l, 10, 64)
	}
	ref.From, err3 = time.Parse(time.RFC3339Nano, v.Get("from"))
	ref.To, err4 = time.Parse(time.RFC3339Nano, v.Get("to"))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return mgz.Errorf(mgz.ECodeInvalid, "Dit gat in de bereikbaarheid is niet te herkennen. Open de roostergaten opnieuw en kies het gat daar.")
	}
	e, err := s.cfg.Service.FileGapReport(r.Context(), actorOf(r), ref)
	if err != nil {
		return err
	}
	redirect(w, r, "/meldingen/"+strconv.FormatInt(e.ID, 10), "gemeld")
	return nil
}

type availabilityPageData struct {
	Rows       []gapRow
	From, To   string
	Roles      []mgz.Option[mgz.RosterRole]
	Locations  []mgz.Location
	Role       string
	LocationID int64
	OrgID      int64
	OrgName    string
	Van        string
	Days       int
	DayOptions []int
	CanFile    bool
	Pager      pager
}

func (s *Server) pageAvailability(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	q := newQueryParams(r)
	f := service.CoverageFilter{LocationID: q.int("location_id"), OrganisationID: q.int("organisation_id"),
		Role: enumParam(q, "role", mgz.RosterRoles)}
	d := availabilityPageData{Roles: mgz.RosterRoles.Options(), Role: string(f.Role), LocationID: f.LocationID, CanFile: canFile(a),
		Days: 14, DayOptions: []int{3, 7, 14, 31, 62}, Van: q.str("van")}
	if n := q.int("dagen"); n != 0 {
		d.Days = int(n)
	}
	if d.Van != "" {
		from, err := time.ParseInLocation("2006-01-02", d.Van, calendar.Location())
		if err != nil {
			q.errs["van"] = "Vul een datum in als jjjj-mm-dd."
		}
		f.From = from
	}
	if d.Days < 1 || d.Days > 62 {
		q.errs["dagen"] = "Kies een periode van 1 tot en met 62 dagen."
	}
	if f.LocationID == 0 && f.OrganisationID == 0 && !service.Allowed(a, access.Read, access.Resource{Kind: access.Availability}) {
		f.OrganisationID = a.User.OrganisationID // an organisation sees its own
	}
	d.OrgID = f.OrganisationID
	ctx := r.Context()
	locs := mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}}
	if a.OrgKind == mgz.KindCareProvider {
		locs.ProviderID = a.User.OrganisationID
	}
	var err error
	if d.Locations, _, err = s.reg(r).Locations(ctx, locs); err != nil {
		return err
	}
	if f.OrganisationID != 0 {
		if o, err := s.reg(r).Organisation(ctx, f.OrganisationID); err == nil {
			d.OrgName = o.Name
		}
	}
	page := func(status int, problem string, fields map[string]string) error {
		s.render(w, r, status, "availability", pageData{Title: "Bereikbaarheid en roostergaten", Nav: "beschikbaarheid", Data: d,
			Form: Form{Values: r.URL.Query(), Errors: fields}, Problem: problem})
		return nil
	}
	if err := q.err(); err != nil {
		return page(http.StatusUnprocessableEntity, "Een filter klopt niet. Verbeter het gemarkeerde veld.", q.errs)
	}
	if f.From.IsZero() {
		// From the start of this minute, as the service does: the same window for every view
		// within it, so the region's report is computed once.
		f.From = s.cfg.Service.Now().Truncate(time.Minute)
	}
	f.To = f.From.AddDate(0, 0, d.Days)
	rep, err := s.cfg.Service.CoverageReport(ctx, a, f)
	if fields, msg, ok := formProblem(err); ok {
		return page(http.StatusUnprocessableEntity, msg, fields)
	}
	if err != nil {
		return err
	}
	d.From, d.To = gapMoment(rep.From), gapMoment(rep.To)
	lp, total := listPage(r), len(rep.Gaps)
	lo, hi := pageOf(total, lp)
	rep.Gaps = rep.Gaps[lo:hi]
	d.Rows = s.gapRows(r, rep)
	d.Pager = newPager(r, lp, len(d.Rows), total)
	return page(http.StatusOK, "", nil)
}

// locationCoverage is the location page's section: the location's gaps of the next 14 days, for
// those who may see them (nil otherwise).
func (s *Server) locationCoverage(r *http.Request, l mgz.Location) ([]gapRow, bool, error) {
	a := actorOf(r)
	if l.Lifecycle == mgz.LifecyclePlanned || l.Lifecycle == mgz.LifecycleClosed {
		return nil, false, nil // no duties before opening or after closing
	}
	if !service.Allowed(a, access.Read, access.Resource{Kind: access.Availability, OrganisationID: l.ProviderID}) {
		return nil, false, nil
	}
	rep, err := s.cfg.Service.CoverageReport(r.Context(), a, service.CoverageFilter{LocationID: l.ID})
	if err != nil {
		return nil, false, err
	}
	return s.gapRows(r, rep), true, nil
}

// homeGaps is the start page's count of uncovered gaps.
type homeGaps struct{ N int }

// homeCoverageGaps counts the uncovered gaps of the next 72 hours for the start page of the RHO
// (the region's) and of a care provider (its own); nil for others.
func (s *Server) homeCoverageGaps(r *http.Request) (*homeGaps, error) {
	a := actorOf(r)
	var f service.CoverageFilter
	switch a.OrgKind {
	case mgz.KindRegionalGPOrg:
	case mgz.KindCareProvider:
		f.OrganisationID = a.User.OrganisationID
	default:
		return nil, nil
	}
	if !service.Allowed(a, access.Read, access.Resource{Kind: access.Availability, OrganisationID: f.OrganisationID}) {
		return nil, nil
	}
	// From the start of this minute, as the service does: every view within the minute asks for
	// the same window, so the region's gaps are computed once (the memo's key holds the window).
	f.From = s.cfg.Service.Now().Truncate(time.Minute)
	f.To = f.From.Add(service.CoverageScanWindow)
	gaps, err := s.cfg.Service.CoverageGaps(r.Context(), a, f)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, g := range gaps {
		if g.Kind == mgz.GapUncovered {
			n++
		}
	}
	return &homeGaps{N: n}, nil
}

// overviewGaps is the regional overview's list of uncovered gaps.
type overviewGaps struct {
	Rows  []gapRow
	Total int
}

// overviewGapRows is how many gaps the overview lists before it links to /beschikbaarheid.
const overviewGapRows = 20

// overviewCoverageGaps returns the uncovered gaps of the next 14 days for the regional overview:
// the region's for those who follow the region, a care provider's own for a care provider; nil
// for others.
func (s *Server) overviewCoverageGaps(r *http.Request) (*overviewGaps, error) {
	a := actorOf(r)
	var f service.CoverageFilter
	if !service.Allowed(a, access.Read, access.Resource{Kind: access.Availability}) {
		f.OrganisationID = a.User.OrganisationID
		if a.OrgKind != mgz.KindCareProvider || !service.Allowed(a, access.Read, access.Resource{Kind: access.Availability, OrganisationID: f.OrganisationID}) {
			return nil, nil
		}
	}
	rep, err := s.cfg.Service.CoverageReport(r.Context(), a, f)
	if err != nil {
		return nil, err
	}
	uncovered := rep
	uncovered.Gaps = nil
	for _, g := range rep.Gaps {
		if g.Kind == mgz.GapUncovered {
			uncovered.Gaps = append(uncovered.Gaps, g)
		}
	}
	out := &overviewGaps{Total: len(uncovered.Gaps)}
	if len(uncovered.Gaps) > overviewGapRows {
		uncovered.Gaps = uncovered.Gaps[:overviewGapRows]
	}
	out.Rows = s.gapRows(r, uncovered)
	return out, nil
}
