package mgz

import (
	"context"
	"time"
)

// Lifecycle is where a location is in its life: planned (clients have not moved in yet), open,
// closing, closed. A planned location has an expected opening date, for "agreements before
// opening" (domain.md §5, L-Rol 3).
type Lifecycle string

// The lifecycle states, in their only order: planned → open → closing → closed.
const (
	LifecyclePlanned Lifecycle = "planned"
	LifecycleOpen    Lifecycle = "open"
	LifecycleClosing Lifecycle = "closing"
	LifecycleClosed  Lifecycle = "closed"
)

// Lifecycles lists the states with Dutch names.
var Lifecycles = newEnum(
	Option[Lifecycle]{LifecyclePlanned, "Gepland"},
	Option[Lifecycle]{LifecycleOpen, "Open"},
	Option[Lifecycle]{LifecycleClosing, "Sluit"},
	Option[Lifecycle]{LifecycleClosed, "Gesloten"},
)

// Label returns the Dutch name of the state.
func (l Lifecycle) Label() string { return Lifecycles.Label(l) }

func (l Lifecycle) rank() int {
	for i, o := range Lifecycles.Options() {
		if o.Value == l {
			return i
		}
	}
	return -1
}

// CanMoveTo reports whether a location in state l may be put in state next: staying is always
// allowed, and a move goes one step forward (planned → open → closing → closed); a location never
// moves back (a closed location that reopens is a new location).
func (l Lifecycle) CanMoveTo(next Lifecycle) bool {
	if l == next {
		return true
	}
	return l.rank() >= 0 && next.rank() == l.rank()+1
}

// OpeningWarningDays is how long before its expected opening a planned location without the
// agreements it needs is flagged ("Afspraken vóór opening", L-Rol 3).
const OpeningWarningDays = 90

// OverviewSort is a sort order of the regional overview.
type OverviewSort string

// The sort orders: by name (default), care provider, readiness (most open items first), open
// reports (most first) and Wlz residents not registered with a GP (most first).
const (
	SortName         OverviewSort = "name"
	SortProvider     OverviewSort = "provider"
	SortReadiness    OverviewSort = "readiness"
	SortOpenReports  OverviewSort = "open_reports"
	SortUnregistered OverviewSort = "unregistered"
)

// OverviewSorts lists the sort orders with Dutch names.
var OverviewSorts = newEnum(
	Option[OverviewSort]{SortName, "Naam"},
	Option[OverviewSort]{SortProvider, "Zorgaanbieder"},
	Option[OverviewSort]{SortReadiness, "Meeste open randvoorwaarden"},
	Option[OverviewSort]{SortOpenReports, "Meeste open meldingen"},
	Option[OverviewSort]{SortUnregistered, "Meeste niet-ingeschreven Wlz-cliënten"},
)

// Label returns the Dutch name of the sort order.
func (s OverviewSort) Label() string { return OverviewSorts.Label(s) }

// OverviewCursor is the position after the last row of a page: the sort key and id of that row.
// Every order ends on the location's name and id.
type OverviewCursor struct {
	Text  string // the location's name
	Text2 string // the provider's name
	Count int
	ID    int64
}

// OverviewFilter selects and orders the rows of the regional overview. Zero fields do not filter.
type OverviewFilter struct {
	// ProviderID limits the rows to one care provider's locations; OnlyProviderID is set by the
	// service for a care provider, which sees its own locations only, whatever it asked.
	ProviderID     int64
	OnlyProviderID int64
	Municipality   string
	Sector         Sector
	// Ready filters on readiness: "ready" or "not_ready".
	Ready     string
	Lifecycle Lifecycle
	Sort      OverviewSort
	// After continues after a row (keyset paging); Offset skips rows instead (slower on deep pages).
	After  *OverviewCursor
	Limit  int
	Offset int
}

// OverviewRow is one location of the regional overview: counts only, no client data.
type OverviewRow struct {
	LocationID   int64     `json:"location_id"`
	Name         string    `json:"name"`
	ProviderID   int64     `json:"provider_id"`
	ProviderName string    `json:"provider_name"`
	Municipality string    `json:"municipality"`
	Sector       Sector    `json:"sector"`
	Setting      Setting   `json:"setting"`
	Places       int       `json:"places"`
	Lifecycle    Lifecycle `json:"lifecycle"`
	// ExpectedOpening is set for a planned location.
	ExpectedOpening Date       `json:"expected_opening"`
	Deliveries      []Delivery `json:"deliveries"`

	FixedGPPracticeID    *int64 `json:"fixed_gp_practice_id"`
	FixedGPPracticeName  string `json:"fixed_gp_practice_name,omitempty"`
	PhysicianServiceID   *int64 `json:"physician_service_id"`
	PhysicianServiceName string `json:"physician_service_name,omitempty"`
	// FirstLine24h and BehaviourSpecialist24h: a contact point of the location or its provider
	// with that role for day and night (24/7).
	FirstLine24h           bool `json:"first_line_24h"`
	BehaviourSpecialist24h bool `json:"behaviour_specialist_24h"`

	// OpenItems counts the required prerequisites not met today (domain.md §5); Ready when none.
	OpenItems int  `json:"open_items_count"`
	Ready     bool `json:"ready"`
	// Open lists them (filled by the service from the prerequisites' own evaluation).
	Open []PrerequisiteKey `json:"open_items"`
	// Inconsistent lists the open items recorded as met that the register contradicts (issue 13).
	Inconsistent []PrerequisiteKey `json:"inconsistent_items"`

	OpenReports    int `json:"open_reports"`
	OverdueReports int `json:"overdue_reports"`
	// Wlz residents: all, those registered by name with a GP practice, and those who should be
	// (no stay with treatment, §3.3) but are not.
	WlzResidents    int `json:"wlz_residents"`
	WlzRegistered   int `json:"wlz_registered"`
	WlzUnregistered int `json:"wlz_unregistered"`
	PGBClustered    int `json:"pgb_in_clustered_housing"`
	// HandoversMissing and HandoversOutdated count the Wlz clients of the location without a
	// handover with treatment wishes, and with one whose last confirmation is older than the
	// region's limit (domain.md §9; issue 12).
	HandoversMissing  int             `json:"handovers_missing"`
	HandoversOutdated int             `json:"handovers_outdated"`
	Agreements        []AgreementMeta `json:"agreements"`
	OpeningWarning    bool            `json:"agreements_before_opening_warning"`
	OpeningMissing    []AgreementType `json:"agreements_missing_before_opening,omitempty"`
}

// AgreementMeta is what the region may know of an agreement without its text: type, parties,
// status and dates (read by the RHO and the zorgkantoor, issue 11).
type AgreementMeta struct {
	ID             int64           `json:"id"`
	Type           AgreementType   `json:"type"`
	Status         AgreementStatus `json:"status"`
	ProviderID     int64           `json:"provider_id"`
	PracticeID     int64           `json:"practice_id"`
	GPPostID       *int64          `json:"gp_post_id"`
	LocationIDs    []int64         `json:"location_ids"`
	Start          Date            `json:"start"`
	NextEvaluation Date            `json:"next_evaluation"`
	End            Date            `json:"end"`
}

// MetaOf returns the metadata of an agreement.
func MetaOf(a Agreement) AgreementMeta {
	end := a.End()
	if a.EndedOn != nil {
		end = *a.EndedOn
	}
	m := AgreementMeta{ID: a.ID, Type: a.Type, Status: a.Status, ProviderID: a.Provider, PracticeID: a.Practice,
		GPPostID: a.GPPost, LocationIDs: a.Locations, Start: a.Start, End: end}
	if a.Status != AgreementEnded {
		m.NextEvaluation = a.NextEvaluation()
	}
	return m
}

// ProviderTotals sums the overview per care provider.
type ProviderTotals struct {
	ProviderID      int64  `json:"provider_id"`
	ProviderName    string `json:"provider_name"`
	Locations       int    `json:"locations"`
	Ready           int    `json:"ready"`
	OpenReports     int    `json:"open_reports"`
	OverdueReports  int    `json:"overdue_reports"`
	WlzResidents    int    `json:"wlz_residents"`
	WlzUnregistered int    `json:"wlz_unregistered"`
	PGBClustered    int    `json:"pgb_in_clustered_housing"`
}

// QuarterTrend is one calendar quarter: reports filed and resolved in it, and the locations
// ready at its end (for the current quarter: today).
type QuarterTrend struct {
	Quarter  string `json:"quarter"` // "2026-K3"
	Filed    int    `json:"reports_filed"`
	Resolved int    `json:"reports_resolved"`
	Ready    int    `json:"locations_ready"`
}

// OverviewStore reads the regional overview with a handful of aggregate queries.
type OverviewStore interface {
	// OverviewRows calls fn for each row of the filtered, ordered overview from f.After (or
	// f.Offset), at most f.Limit rows (0: all, streamed in batches), without Open and Agreements.
	OverviewRows(ctx context.Context, f OverviewFilter, today Date, fn func(OverviewRow) error) error
	// OverviewCount counts the rows of f.
	OverviewCount(ctx context.Context, f OverviewFilter, today Date) (int, error)
	// OverviewProviders sums the rows of f per care provider.
	OverviewProviders(ctx context.Context, f OverviewFilter, today Date) ([]ProviderTotals, error)
	// OverviewQuarters counts reports filed and resolved per quarter from the quarter of from to
	// today's, for the locations of f, and the locations ready at each quarter's end.
	OverviewQuarters(ctx context.Context, f OverviewFilter, from, today Date) ([]QuarterTrend, error)
	// AgreementMetaOf returns the metadata of the agreements of the given care providers.
	AgreementMetaOf(ctx context.Context, providerIDs []int64) ([]AgreementMeta, error)
	// ResidentCounts counts the Wlz residents (Wlz other than none) of the locations of care
	// provider providerID per location, Wlz and delivery, in one aggregate.
	ResidentCounts(ctx context.Context, providerID int64) ([]ResidentCount, error)
}

// ResidentCount is how many Wlz residents of one location have one Wlz and delivery.
type ResidentCount struct {
	LocationID int64
	Wlz        WlzIndication
	Delivery   Delivery
	N          int
}

// QuarterOf names the quarter of d as "2026-K3".
func QuarterOf(d time.Time) string {
	return d.Format("2006") + "-K" + string(rune('1'+(int(d.Month())-1)/3))
}
