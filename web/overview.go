package web

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/chart"
	"github.com/regio-mgz/mgz/csvsafe"
	"github.com/regio-mgz/mgz/service"
)

// overviewCursor is the opaque "after" parameter of the overview: the sort order and the sort
// key and id of the last row. It only positions a page; the caller's scope is applied again on
// every request, so a cursor of someone else reveals nothing.
type overviewCursor struct {
	Sort  mgz.OverviewSort `json:"s"`
	Text  string           `json:"t"`
	Text2 string           `json:"u,omitempty"`
	Count int              `json:"c,omitempty"`
	ID    int64            `json:"i"`
}

func encodeCursor(sort mgz.OverviewSort, c *mgz.OverviewCursor) string {
	if c == nil {
		return ""
	}
	b, _ := json.Marshal(overviewCursor{Sort: sort, Text: c.Text, Text2: c.Text2, Count: c.Count, ID: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// overviewFilter reads the overview's filters, order and page from the query.
func overviewFilter(q *queryParams) mgz.OverviewFilter {
	f := mgz.OverviewFilter{
		ProviderID:   q.int("provider_id"),
		Municipality: q.str("municipality"),
		Sector:       enumParam(q, "sector", mgz.Sectors),
		Sort:         enumParam(q, "sort", mgz.OverviewSorts),
		Limit:        int(q.int("limit")),
		Offset:       int(q.int("offset")),
	}
	if f.Sort == "" {
		f.Sort = mgz.SortName
	}
	if f.Limit > mgz.MaxLimit {
		q.errs["limit"] = "Maximaal " + strconv.Itoa(mgz.MaxLimit) + " per pagina."
	}
	switch st := q.str("status"); {
	case st == "":
	case st == "ready" || st == "not_ready":
		f.Ready = st
	case mgz.Lifecycles.Valid(mgz.Lifecycle(st)):
		f.Lifecycle = mgz.Lifecycle(st)
	default:
		q.errs["status"] = "Onbekende status. Kies een van: ready, not_ready, " + mgz.Lifecycles.Codes() + "."
	}
	if a := q.str("after"); a != "" {
		var c overviewCursor
		b, err := base64.RawURLEncoding.DecodeString(a)
		if err == nil {
			err = json.Unmarshal(b, &c)
		}
		switch {
		case err != nil || c.ID <= 0:
			q.errs["after"] = "Deze vervolgpagina klopt niet. Begin opnieuw bij de eerste pagina."
		case c.Sort != f.Sort:
			q.errs["after"] = "Deze vervolgpagina hoort bij een andere sortering. Begin opnieuw bij de eerste pagina."
		default:
			f.After = &mgz.OverviewCursor{Text: c.Text, Text2: c.Text2, Count: c.Count, ID: c.ID}
		}
	}
	return f
}

// overviewResponse is GET /api/v1/overview: the start page's counts for everybody, and for the
// RHO, the zorgkantoor, the regional table and care providers (their own locations) the rows.
type overviewResponse struct {
	mgz.Overview
	Rows      []mgz.OverviewRow    `json:"location_rows,omitempty"`
	Providers []mgz.ProviderTotals `json:"providers,omitempty"`
	Quarters  []mgz.QuarterTrend   `json:"quarters,omitempty"`
	Paging    *overviewPaging      `json:"paging,omitempty"`
}

type overviewPaging struct {
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Next   string `json:"next"` // the "after" of the next page; "" on the last
}

func (s *Server) apiOverviewRegion(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := overviewFilter(q)
	format := q.str("format")
	include := q.str("include")
	if include != "" && include != "totals" && include != "trends" {
		q.errs["include"] = "Kies totals (totalen per zorgaanbieder en trends per kwartaal) of trends (alleen de trends per kwartaal)."
	}
	if format != "" && format != "csv" && format != "json" {
		q.errs["format"] = "Kies csv of json."
	}
	if err := q.err(); err != nil {
		return err
	}
	if format == "csv" {
		return s.exportOverviewCSV(w, r, f)
	}
	ov, err := s.reg(r).Overview(r.Context())
	if err != nil {
		return err
	}
	resp := overviewResponse{Overview: ov}
	if service.CanSeeRegionalOverview(actorOf(r)) {
		e, err := s.engine(r)
		if err != nil {
			return err
		}
		parts := service.OverviewParts{Totals: include == "totals", Trends: include != ""}
		page, err := s.cfg.Service.RegionalOverview(r.Context(), actorOf(r), e, f, parts)
		if err != nil {
			return err
		}
		resp.Rows, resp.Providers, resp.Quarters = page.Rows, page.Providers, page.Quarters
		if resp.Rows == nil {
			resp.Rows = []mgz.OverviewRow{}
		}
		limit := f.Limit
		if limit <= 0 {
			limit = mgz.DefaultLimit
		}
		resp.Paging = &overviewPaging{Total: page.Total, Limit: limit, Offset: f.Offset, Next: encodeCursor(f.Sort, page.Next)}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// overviewCSVHeader are the export's columns, in Dutch.
var overviewCSVHeader = []string{"Locatie-id", "Locatie", "Zorgaanbieder", "Gemeente", "Sector", "Woonvorm", "Fase", "Verwachte opening",
	"Klaar", "Open randvoorwaarden", "Vaste huisarts", "SO/AVG-dienst", "Voorwacht 24/7", "Gedragskundige 24/7", "Overeenkomsten",
	"Open meldingen", "Te late meldingen", "Wlz-cliënten", "Ingeschreven bij een huisarts", "Niet ingeschreven",
	"PGB in geclusterde woonvorm", "Afspraken vóór opening ontbreken", "Zonder overdracht", "Overdracht verouderd"}

func yesNo(b bool) string {
	if b {
		return "ja"
	}
	return "nee"
}

func dutchDate(d mgz.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("02-01-2006")
}

func openItemsText(keys []mgz.PrerequisiteKey) string {
	var out []string
	for _, k := range keys {
		if d, ok := mgz.PrerequisiteByKey(k); ok {
			out = append(out, d.Requirement)
		}
	}
	return strings.Join(out, " | ")
}

func agreementsText(ms []mgz.AgreementMeta) string {
	var out []string
	for _, m := range ms {
		s := m.Type.Label() + ": " + strings.ToLower(m.Status.Label())
		if !m.NextEvaluation.IsZero() {
			s += ", evaluatie " + dutchDate(m.NextEvaluation)
		}
		if !m.End.IsZero() {
			s += ", einde " + dutchDate(m.End)
		}
		out = append(out, s)
	}
	return strings.Join(out, " | ")
}

func overviewCSVRecord(r mgz.OverviewRow, rec []string) []string {
	var missing []string
	for _, t := range r.OpeningMissing {
		missing = append(missing, t.Label())
	}
	return append(rec[:0], strconv.FormatInt(r.LocationID, 10), r.Name, r.ProviderName, r.Municipality, r.Sector.Label(), r.Setting.Label(),
		r.Lifecycle.Label(), dutchDate(r.ExpectedOpening), yesNo(r.Ready), openItemsText(r.Open), r.FixedGPPracticeName,
		r.PhysicianServiceName, yesNo(r.FirstLine24h), yesNo(r.BehaviourSpecialist24h), agreementsText(r.Agreements),
		strconv.Itoa(r.OpenReports), strconv.Itoa(r.OverdueReports), strconv.Itoa(r.WlzResidents), strconv.Itoa(r.WlzRegistered),
		strconv.Itoa(r.WlzUnregistered), strconv.Itoa(r.PGBClustered), strings.Join(missing, " | "),
		strconv.Itoa(r.HandoversMissing), strconv.Itoa(r.HandoversOutdated))
}

// exportOverviewCSV streams the rows of f as CSV while they are read, formula-safe: the region is
// never held in memory, and the first rows reach the client before the last are read.
func (s *Server) exportOverviewCSV(w http.ResponseWriter, r *http.Request, f mgz.OverviewFilter) error {
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	name := "regio-overzicht-" + time.Now().In(calendar.Location()).Format("2006-01-02")
	lazy := &lazyWriter{w: w, start: func() {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		w.Header().Set("Cache-Control", "no-store")
	}}
	cw := csvsafe.NewWriter(lazy)
	header := false
	rec := make([]string, 0, len(overviewCSVHeader))
	err = s.cfg.Service.ExportOverview(r.Context(), actorOf(r), e, f, func(row mgz.OverviewRow) error {
		if !header {
			header = true
			if err := cw.Write(overviewCSVHeader); err != nil {
				return err
			}
		}
		rec = overviewCSVRecord(row, rec)
		return cw.Write(rec)
	})
	if err != nil && !lazy.started {
		return err
	}
	if err != nil {
		s.log.Error("regio-overzicht exporteren afgebroken", "err", err)
		return nil
	}
	if !header {
		if err := cw.Write(overviewCSVHeader); err != nil {
			return nil
		}
	}
	_ = cw.Flush()
	return nil
}

// overviewQuery is the query string of the page's links: the filters and order, without the page.
func overviewQuery(f mgz.OverviewFilter, extra url.Values) string {
	v := url.Values{}
	if f.ProviderID != 0 {
		v.Set("provider_id", strconv.FormatInt(f.ProviderID, 10))
	}
	if f.Municipality != "" {
		v.Set("municipality", f.Municipality)
	}
	if f.Sector != "" {
		v.Set("sector", string(f.Sector))
	}
	if f.Ready != "" {
		v.Set("status", f.Ready)
	}
	if f.Lifecycle != "" {
		v.Set("status", string(f.Lifecycle))
	}
	if f.Sort != "" && f.Sort != mgz.SortName {
		v.Set("sort", string(f.Sort))
	}
	for k, vs := range extra {
		v[k] = vs
	}
	return v.Encode()
}

var _ io.Writer = (*lazyWriter)(nil)

// RegionOverview reports whether the signed-in user may open the regional overview (menu link).
func (d pageData) RegionOverview() bool { return service.CanSeeRegionalOverview(d.Actor) }

type overviewPageData struct {
	Page       service.RegionalOverview
	Filter     mgz.OverviewFilter
	Providers  []mgz.Organisation
	Statuses   []statusOption
	From, To   int
	NextURL    string
	FirstURL   string
	CSVURL     string
	ReadyChart template.HTML
	TrendChart template.HTML
	ShowTrends bool   // the trends per quarter were asked for
	TrendsURL  string // this selection with its trends
	ShowTotals bool
	// Totals are the rows of the table per care provider: all of them in a small region (or when
	// asked for), otherwise the totalsShown providers with the most locations that are not ready.
	Totals        []mgz.ProviderTotals
	TotalsAll     bool   // Totals holds every provider of the selection
	TotalsAllURL  string // this selection with every provider's totals
	TotalsSkipped int    // the providers left out of Totals
	OwnProvider   bool
	// Gaps are the uncovered roster gaps of the next 14 days (issue 13), on the first page.
	Gaps *overviewGaps
}

type statusOption struct{ Value, Label string }

var overviewStatuses = func() []statusOption {
	out := []statusOption{{"ready", "Klaar"}, {"not_ready", "Niet klaar"}}
	for _, o := range mgz.Lifecycles.Options() {
		out = append(out, statusOption{string(o.Value), "Fase: " + o.Label})
	}
	return out
}()

func (s *Server) pageOverview(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := overviewFilter(q)
	first := f.After == nil && f.Offset == 0
	// The trends per quarter read the whole history of the selection: shown when asked for.
	trends := q.bool("trends") && first
	allTotals := q.bool("aanbieders") && first
	if err := q.err(); err != nil {
		return err
	}
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	page, err := s.cfg.Service.RegionalOverview(r.Context(), actorOf(r), e, f, service.OverviewParts{Totals: first, Trends: trends})
	if err != nil {
		return err
	}
	d := overviewPageData{Page: page, Filter: f, Statuses: overviewStatuses, ShowTotals: first, ShowTrends: trends,
		TrendsURL:   "/overzicht?" + overviewQuery(f, url.Values{"trends": {"1"}}) + "#per-kwartaal",
		OwnProvider: actorOf(r).OrgKind == mgz.KindCareProvider && !actorOf(r).User.Has(mgz.RoleRegionalTable)}
	if d.Providers, _, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return err
	}
	if first {
		if d.Gaps, err = s.overviewCoverageGaps(r); err != nil {
			return err
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = mgz.DefaultLimit
	}
	if len(page.Rows) > 0 {
		d.From = 1
		if f.After == nil {
			d.From = f.Offset + 1
		}
		d.To = d.From + len(page.Rows) - 1
	}
	if page.Next != nil {
		d.NextURL = "/overzicht?" + overviewQuery(f, url.Values{"after": {encodeCursor(f.Sort, page.Next)}})
	}
	if !first {
		d.FirstURL = "/overzicht?" + overviewQuery(f, nil)
	}
	d.CSVURL = "/api/v1/overview?" + overviewQuery(f, url.Values{"format": {"csv"}})
	if first {
		d.Totals, d.TotalsAll = attentionFirst(page.Providers, allTotals)
		d.TotalsSkipped = len(page.Providers) - len(d.Totals)
		d.TotalsAllURL = "/overzicht?" + overviewQuery(f, url.Values{"aanbieders": {"1"}}) + "#per-zorgaanbieder"
		bars := make([]chart.Bar, 0, len(page.Providers))
		for _, p := range page.Providers {
			bars = append(bars, chart.Bar{Label: p.ProviderName, Value: p.Ready, Total: p.Locations})
		}
		if len(bars) > 0 && len(bars) <= 40 {
			d.ReadyChart = chart.Shares("klaar-per-aanbieder", "Locaties klaar per zorgaanbieder",
				"Per zorgaanbieder het aantal locaties waar alle verplichte randvoorwaarden op orde zijn, van het totaal. De tabel ernaast geeft dezelfde getallen.", bars)
		}
		groups := make([]chart.Group, 0, len(page.Quarters))
		for _, qt := range page.Quarters {
			groups = append(groups, chart.Group{Label: qt.Quarter, Values: []int{qt.Filed, qt.Resolved}})
		}
		d.TrendChart = chart.Columns("meldingen-per-kwartaal", "Meldingen per kwartaal",
			"Per kwartaal het aantal ingediende en opgeloste meldingen. De tabel ernaast geeft dezelfde getallen.", []string{"Ingediend", "Opgelost"}, groups)
	}
	s.render(w, r, http.StatusOK, "overview", pageData{Title: "Regio-overzicht", Nav: "overzicht", Data: d})
	return nil
}

// totalsShown is how many providers the overview's table per care provider shows when the
// selection has more than totalsAllMax: a national selection has over a thousand, a page that no
// one reads to the end and that costs most of the page's time to render.
const (
	totalsAllMax = 40
	totalsShown  = 25
)

// attentionFirst returns the providers' totals the overview page shows: all of them when there
// are at most totalsAllMax or all is asked for, else the totalsShown providers with the most
// locations that are not ready (then the most overdue reports, then by name), in that order.
func attentionFirst(ps []mgz.ProviderTotals, all bool) ([]mgz.ProviderTotals, bool) {
	if all || len(ps) <= totalsAllMax {
		return ps, true
	}
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b mgz.ProviderTotals) int {
		if c := cmp.Compare(b.Locations-b.Ready, a.Locations-a.Ready); c != 0 {
			return c
		}
		return cmp.Compare(b.OverdueReports, a.OverdueReports)
	})
	return out[:totalsShown], false
}

// locationOpening fills the location page's "Afspraken vóór opening" warning.
func (s *Server) locationOpening(r *http.Request, d *locDetailData) error {
	if d.Loc.Lifecycle != mgz.LifecyclePlanned {
		return nil
	}
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	d.OpeningMissing, err = s.cfg.Service.LocationOpeningWarning(r.Context(), actorOf(r), e, d.Loc)
	return err
}
