package rules

import (
	"bytes"
	"context"
	"fmt"

	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/internal/jsonstr"
)

// The tables of classify.go and route.go are turned, once at start-up, into
// flat arrays indexed by small integers: every decision is then a handful of
// array lookups returning shared, read-only slices, with no allocation.

var (
	settingValues  = [...]Setting{SettingHome, SettingClusteredHousing, SettingInstitution}
	wlzValues      = [...]Wlz{WlzNone, WlzWithoutTreatment, WlzWithTreatment}
	deliveryValues = [...]Delivery{DeliveryNone, DeliveryStayWithTreatment, DeliveryStayWithoutTreatment, DeliveryVPT, DeliveryMPT, DeliveryPGB}
	sectorValues   = [...]Sector{SectorElderly, SectorDisability}
	needValues     = [...]Need{NeedNone, NeedPermanent24h, NeedTemporary24h, NeedExtraNot24h}
	categoryValues = [...]Category{CategoryEmergency, CategoryGPCare, CategoryBehaviour, CategoryConditionTreatment, CategoryWzd, CategoryInfectionPrevention, CategoryNursing}
	groupValues    = [...]Group{GroupAtProvider, GroupWithTreatment, GroupHome}
	periodValues   = [...]calendar.Period{calendar.OfficeHours, calendar.OutOfHours}
)

// residentGroup is the index of grpResident in routeCells.
const residentGroup = len(groupValues)

func indexOf[T comparable](values []T, v T) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return -1
}

// classEntry is the precomputed classification of one valid situation.
type classEntry struct {
	class Classification
	json  []byte // class encoded, for DecideLines
	group int    // index in groupValues
	// routeGroup is group, or residentGroup for a client of group HM who
	// lives in clustered housing or an institution (rules v2).
	routeGroup int
	sector     int // index in sectorValues
	available  bool
}

// RouteCell is one precomputed cell of the §4.3 table for a sector: the
// steps, the roles that are not responsible and the summary. Its slices are
// shared by every decision and must not be changed.
type RouteCell struct {
	Steps          []Step
	NotResponsible []NotResponsible
	Summary        string
	// tailJSON is `"steps":[…],"not_responsible":[…]}` pre-encoded, and
	// summaryJSON the encoded summary, for DecideLines.
	tailJSON, summaryJSON []byte
}

var (
	classTable [len(settingValues)][len(wlzValues)][len(deliveryValues)][len(sectorValues)][len(needValues)]classEntry
	// routeCells has one routing group more than the contract's groups:
	// residentGroup (see grpResident).
	routeCells [len(categoryValues)][len(groupValues) + 1][len(sectorValues)][len(periodValues)]RouteCell
	// holidayNames[h] is the contract's name of calendar holiday h.
	holidayNames [16]HolidayName
)

func init() {
	for _, h := range calendar.AllHolidays() {
		holidayNames[h] = HolidayName(h.Name())
	}
	buildClassTable()
	buildRouteCells()
}

func buildClassTable() {
	for si, setting := range settingValues {
		for wi, wlz := range wlzValues {
			for di, delivery := range deliveryValues {
				for ci, sector := range sectorValues {
					for ni, need := range needValues {
						s := Situation{Setting: setting, Wlz: wlz, Delivery: delivery, Sector: sector, Need: need}
						var p problems
						checkCombinations(&p, s, 0)
						if !p.empty() {
							continue
						}
						c := classify(s)
						gi := indexOf(groupValues[:], c.Group)
						rgi := gi
						if c.Group == GroupHome && setting != SettingHome {
							rgi = residentGroup
						}
						classTable[si][wi][di][ci][ni] = classEntry{
							class: c, json: c.AppendJSON(nil), group: gi, routeGroup: rgi, sector: ci, available: true,
						}
					}
				}
			}
		}
	}
}

func buildRouteCells() {
	seen := map[[3]int]bool{}
	for _, row := range routeTable {
		ci := indexOf(categoryValues[:], row.category)
		gi := indexOf(groupValues[:], row.group)
		pi := indexOf(periodValues[:], row.period)
		key := [3]int{ci, gi, pi}
		if ci < 0 || gi < 0 || pi < 0 || seen[key] {
			panic(fmt.Sprintf("rules: routing table row %v is unknown or duplicated", row))
		}
		seen[key] = true
		for si, sector := range sectorValues {
			routeCells[ci][gi][si][pi] = buildCell(row, sector)
		}
	}
	if len(seen) != len(categoryValues)*len(groupValues)*len(periodValues) {
		panic("rules: routing table does not cover every cell of domain.md §4.3")
	}
	// A resident of group HM: the HM cell, or the cell of residentRoutes
	// rebuilt with the resident's own reasons.
	hm := indexOf(groupValues[:], grpHM)
	for ci, category := range categoryValues {
		for pi, period := range periodValues {
			for si := range sectorValues {
				routeCells[ci][residentGroup][si][pi] = routeCells[ci][hm][si][pi]
			}
			g, ok := residentRoutes[category]
			if !ok {
				continue
			}
			for _, row := range routeTable {
				if row.category == category && row.group == g && row.period == period {
					row.group = grpResident
					for si, sector := range sectorValues {
						routeCells[ci][residentGroup][si][pi] = buildCell(row, sector)
					}
				}
			}
		}
	}
}

func buildCell(row routeRow, sector Sector) RouteCell {
	cell := RouteCell{Steps: make([]Step, len(row.steps)), NotResponsible: []NotResponsible{}}
	for i, st := range row.steps {
		role := whoRoles[st.who]
		if st.who == sp {
			role = sectorPhysicians[sector].role
		}
		why, ok := lookupWhy(row.category, row.group, st.who, st.mode)
		if !ok {
			panic(fmt.Sprintf("rules: no reason for %s %s (%s) in %s", row.category, role, st.mode, row.group))
		}
		cell.Steps[i] = Step{Order: i + 1, Role: role, Mode: st.mode, Why: fillSP(why.text, sector), Sources: why.sources}
	}
	for _, g := range notResponsibleTable[row.category] {
		if g != row.group {
			continue
		}
		for _, role := range []Role{RoleGP, RoleGPPost} {
			why, ok := lookupNotResponsible(row.category, row.group, role)
			if !ok {
				panic(fmt.Sprintf("rules: no not_responsible reason for %s %s in %s", row.category, role, row.group))
			}
			cell.NotResponsible = append(cell.NotResponsible, NotResponsible{Role: role, Why: fillSP(why.text, sector), Sources: why.sources})
		}
	}
	cell.Summary = Summarize(cell.Steps)
	cell.summaryJSON = jsonstr.Append(nil, cell.Summary)
	full := Route{Steps: cell.Steps, NotResponsible: cell.NotResponsible}.AppendJSON(nil)
	cell.tailJSON = full[bytes.Index(full, []byte(`"steps":`)):]
	return cell
}

// LookupRoute returns the precomputed cell of the §4.3 routing table for a
// category, group, sector and period. It does not allocate; the returned
// slices are shared and must not be changed. ok is false for unknown values.
func LookupRoute(category Category, group Group, sector Sector, period calendar.Period) (cell RouteCell, ok bool) {
	ci, gi, si, pi := categoryIndex(category), groupIndex(group), sectorIndex(sector), periodIndex(period)
	if ci < 0 || gi < 0 || si < 0 || pi < 0 {
		return RouteCell{}, false
	}
	return routeCells[ci][gi][si][pi], true
}

// The index functions are switches rather than maps: they are on the hot
// path of every decision.

func settingIndex(v Setting) int {
	switch v {
	case SettingHome:
		return 0
	case SettingClusteredHousing:
		return 1
	case SettingInstitution:
		return 2
	}
	return -1
}

func wlzIndex(v Wlz) int {
	switch v {
	case WlzNone:
		return 0
	case WlzWithoutTreatment:
		return 1
	case WlzWithTreatment:
		return 2
	}
	return -1
}

func deliveryIndex(v Delivery) int {
	switch v {
	case DeliveryNone:
		return 0
	case DeliveryStayWithTreatment:
		return 1
	case DeliveryStayWithoutTreatment:
		return 2
	case DeliveryVPT:
		return 3
	case DeliveryMPT:
		return 4
	case DeliveryPGB:
		return 5
	}
	return -1
}

func sectorIndex(v Sector) int {
	switch v {
	case SectorElderly:
		return 0
	case SectorDisability:
		return 1
	}
	return -1
}

func needIndex(v Need) int {
	switch v {
	case NeedNone:
		return 0
	case NeedPermanent24h:
		return 1
	case NeedTemporary24h:
		return 2
	case NeedExtraNot24h:
		return 3
	}
	return -1
}

func categoryIndex(v Category) int {
	switch v {
	case CategoryEmergency:
		return 0
	case CategoryGPCare:
		return 1
	case CategoryBehaviour:
		return 2
	case CategoryConditionTreatment:
		return 3
	case CategoryWzd:
		return 4
	case CategoryInfectionPrevention:
		return 5
	case CategoryNursing:
		return 6
	}
	return -1
}

func groupIndex(v Group) int {
	switch v {
	case GroupAtProvider:
		return 0
	case GroupWithTreatment:
		return 1
	case GroupHome:
		return 2
	}
	return -1
}

func periodIndex(v calendar.Period) int {
	switch v {
	case calendar.OfficeHours:
		return 0
	case calendar.OutOfHours:
		return 1
	}
	return -1
}

// lookupClass returns the precomputed classification of a situation, or nil
// when the situation is not a valid combination.
func lookupClass(s Situation) *classEntry {
	si, wi, di, ci, ni := settingIndex(s.Setting), wlzIndex(s.Wlz), deliveryIndex(s.Delivery), sectorIndex(s.Sector), needIndex(s.Need)
	if si < 0 || wi < 0 || di < 0 || ci < 0 || ni < 0 {
		return nil
	}
	e := &classTable[si][wi][di][ci][ni]
	if !e.available {
		return nil
	}
	return e
}

// Engine decides with a region's calendar settings. The zero Engine uses
// calendar.Default. An Engine is immutable and safe for concurrent use.
type Engine struct {
	settings calendar.Settings
	enrich   Enricher
	resolve  Resolver
}

// Resolver reads the register for a request with a patient_id or a
// location_id before the rules decide: it returns the request as the
// register has it (the register wins over the request, contract.md), and
// the Enricher that completes this decision, with the warnings of the
// resolution. It returns a *RequestError for a request it rejects, with code
// CodeNotFound for a client that does not exist or may not be seen.
type Resolver func(ctx context.Context, req Request) (Request, Enricher, error)

// WithResolver returns a copy of e that runs r on every request with a
// patient_id or a location_id, in DecideContext and DecideLines; the
// resolver's Enricher then takes the place of the engine's.
func (e *Engine) WithResolver(r Resolver) *Engine {
	c := *e
	c.resolve = r
	return &c
}

// needsRegister reports whether a request takes the slow path through the
// register.
func (e *Engine) needsRegister(req Request) bool {
	if req.PatientID != "" {
		return true
	}
	return req.LocationID != "" && (e.enrich != nil || e.resolve != nil)
}

// Enricher adds what the rules cannot know to a decision, such as the concrete
// contacts of a registered location (contract.md, location_id). It is called
// only for requests with a location_id, and may change resp's Route only after
// Route.Clone, because the route's slices are shared tables.
type Enricher func(ctx context.Context, req Request, resp *Response)

// WithEnricher returns a copy of e that runs f on every decision of a request
// with a location_id, in Decide's callers that use DecideContext and in
// DecideLines.
func (e *Engine) WithEnricher(f Enricher) *Engine {
	c := *e
	c.enrich = f
	return &c
}

// DecideContext is Decide followed by the engine's Enricher, if any, for a
// request with a location_id.
//
// With a Resolver, a request with a patient_id or a location_id is first
// resolved against the register. A request with a patient_id and no
// Resolver is rejected: without a register the client cannot be looked up.
func (e *Engine) DecideContext(ctx context.Context, req Request) (Response, error) {
	enrich := e.enrich
	if e.resolve != nil && (req.PatientID != "" || req.LocationID != "") {
		var err error
		if req, enrich, err = e.resolve(ctx, req); err != nil {
			return Response{}, err
		}
	} else if req.PatientID != "" {
		return Response{}, &RequestError{Code: CodeInvalidRequest, Fields: []string{FieldPatient},
			Message: "Het verzoek noemt een cliënt (patient_id), maar er is geen register om die op te zoeken: geef het register op (mgz decide --db) of beschrijf de situatie zonder patient_id.",
			Details: []FieldError{{Field: FieldPatient, Message: "kan zonder register niet worden opgezocht: geef het register op of laat patient_id weg en beschrijf de situatie."}}}
	}
	resp, err := e.Decide(req)
	if err == nil && enrich != nil && (req.LocationID != "" || req.PatientID != "") {
		enrich(ctx, req, &resp)
	}
	return resp, err
}

// NewEngine returns an Engine for a region's settings; the zero Settings
// means calendar.Default.
func NewEngine(settings calendar.Settings) (*Engine, error) {
	if settings.IsZero() {
		settings = calendar.Default()
	}
	if err := settings.Validate(); err != nil {
		return nil, err
	}
	return &Engine{settings: settings}, nil
}

// Settings returns the calendar settings the engine decides with.
func (e *Engine) Settings() calendar.Settings { return e.settings.OrDefault() }

// Decide classifies the situation (domain.md §3) and, when the request has a
// question, routes it (§4). It returns a *RequestError for a request that
// breaks the contract or §3.4.
//
// The slices in the Response are shared, read-only tables; call
// Route.Clone before changing a route (e.g. to fill in contacts).
func (e *Engine) Decide(req Request) (Response, error) {
	d, err := e.decide(req)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Classification: d.entry.class}
	if d.cell != nil {
		resp.Route = &Route{
			Summary:        d.cell.Summary,
			Period:         d.period,
			Holiday:        d.holiday,
			Steps:          d.cell.Steps,
			NotResponsible: d.cell.NotResponsible,
		}
	}
	return resp, nil
}

// decision is a decision as pointers into the tables; cell is nil without a
// question.
type decision struct {
	entry   *classEntry
	cell    *RouteCell
	period  calendar.Period
	holiday HolidayName
}

func (e *Engine) decide(req Request) (decision, error) {
	entry := lookupClass(req.Situation)
	if entry == nil || (req.Question != nil && (categoryIndex(req.Question.Category) < 0 || req.Question.At.IsZero())) {
		if err := Validate(req); err != nil {
			return decision{}, err
		}
		// Unreachable: every valid situation is in the table.
		return decision{}, fmt.Errorf("rules: no classification for %+v", req.Situation)
	}
	d := decision{entry: entry}
	if q := req.Question; q != nil {
		var settings calendar.Settings
		if e != nil {
			settings = e.settings
		}
		m := settings.At(q.At)
		d.cell = &routeCells[categoryIndex(q.Category)][entry.routeGroup][entry.sector][periodIndex(m.Period)]
		d.period, d.holiday = m.Period, holidayNames[m.Holiday]
	}
	return d, nil
}

// appendJSON writes the decision from the pre-encoded tables; it produces
// the same bytes as Response.AppendJSON (a test checks this).
func (d decision) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"classification":`...)
	dst = append(dst, d.entry.json...)
	if d.cell != nil {
		dst = append(dst, `,"route":{"summary":`...)
		dst = append(dst, d.cell.summaryJSON...)
		dst = append(dst, `,"period":`...)
		dst = jsonstr.Append(dst, string(d.period))
		dst = append(dst, `,"holiday":`...)
		dst = appendNullableString(dst, string(d.holiday))
		dst = append(dst, ',')
		dst = append(dst, d.cell.tailJSON...)
	}
	return append(dst, '}')
}

// Decide decides with the default calendar settings (calendar.Default).
func Decide(req Request) (Response, error) {
	var e Engine
	return e.Decide(req)
}
