package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Overview implements mgz.OverviewStore: the regional overview as a handful of aggregate
// queries (GROUP BY location), never one query per location.
type Overview struct{ scope }

var _ mgz.OverviewStore = (*Overview)(nil)

// Overview implements mgz.Tx.
func (s *Store) Overview() mgz.OverviewStore { return &Overview{s.scope} }

// overviewBatch is how many rows an unlimited read (the CSV export) takes per round: the export
// streams batch by batch and never holds the region in memory.
const overviewBatch = 500

// requiredKeys are the prerequisites that block readiness, taken from the checklist of domain.md
// §5 itself (mgz.Prerequisites), so the SQL count and mgz.Evaluate follow one definition.
func requiredKeys() []string {
	var ks []string
	for _, d := range mgz.Prerequisites {
		if d.Strength == mgz.Required {
			ks = append(ks, "'"+string(d.Key)+"'")
		}
	}
	return ks
}

var nRequired = len(requiredKeys())

// openStates are the states of a report that is still on its route.
const openStates = "('care_provider', 'care_office', 'regional_table')"

// The aggregates per location. Each is a GROUP BY over one table; scope is a condition on the
// table's location_id ("" for all locations). $T is today (YYYY-MM-DD).
func metAgg(scope string) string {
	return `SELECT i.location_id, COUNT(*) AS met FROM prerequisite_items i
		JOIN (SELECT location_id, key, MAX(id) AS id FROM prerequisite_items` + andWhere(" WHERE ", scope) + ` GROUP BY location_id, key) cur ON cur.id = i.id
		WHERE i.key IN (` + strings.Join(requiredKeys(), ", ") + `) AND i.status = 'met' AND (i.valid_until IS NULL OR i.valid_until >= $T)
		GROUP BY i.location_id`
}

// expiredAgg counts per location the required items whose current version is met but ended
// before today: the part of readiness that location_stats cannot keep (it changes with the day).
// It reads through the index on valid_until, so only items that ended are touched.
func expiredAgg(d dialect) string {
	// "+": SQLite reads through valid_until, not in location order. PostgreSQL plans by its
	// statistics and wants the GROUP BY to name the selected column.
	group := "+i.location_id"
	if d == dialectPostgres {
		group = "i.location_id"
	}
	return `SELECT i.location_id, COUNT(*) AS n FROM prerequisite_items i
		WHERE i.valid_until < $T AND i.status = 'met' AND i.key IN (` + strings.Join(requiredKeys(), ", ") + `)
		AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = i.location_id AND q.key = i.key)
		GROUP BY ` + group
}

// openItemsExpr is the number of open required items of a location today, from location_stats
// (st), the expired items (ex) and the items the register contradicts (inconsistentStatsExpr).
var openItemsExpr = fmt.Sprintf("(%d - st.met + COALESCE(ex.n, 0) + %s)", nRequired, inconsistentStatsExpr())

// statsItemColumns are the columns of location_stats (0017) that keep whether the current
// version of each of registerFactKeys is met (name_met) and until when (name_until).
var statsItemColumns = [len(registerFactKeys)]string{"first_line", "specialist", "physician", "gp_post"}

// inconsistentStatsExpr is inconsistentExpr read from location_stats (st) instead of one seek
// per location and item: the items whose current version is met and valid today ($T) but which
// the register contradicts.
func inconsistentStatsExpr() string {
	f := registerFacts()
	terms := make([]string, len(registerFactKeys))
	for i, c := range statsItemColumns {
		terms[i] = `(CASE WHEN ` + f[i] + ` THEN 0 WHEN st.` + c + `_met = 1 AND (st.` + c + `_until IS NULL OR st.` + c + `_until >= $T) THEN 1 ELSE 0 END)`
	}
	return "(" + strings.Join(terms, " + ") + ")"
}

// registerFactsOfRow are the conditions of registerFacts written as seeks for one location l
// (provider p) instead of lists of the whole register: for a page of rows, looking up each row's
// contact points and rosters by index is cheaper than listing every owner of a role.
func registerFactsOfRow() [4]string {
	f := registerFacts()
	ownedBy := func(role, hours string) string {
		h := ""
		if hours != "" {
			h = " AND c.hours = '" + hours + "'"
		}
		return `(EXISTS (SELECT 1 FROM contact_points c WHERE c.location_id = l.id AND c.role = '` + role + `'` + h + `)
			OR EXISTS (SELECT 1 FROM rosters r WHERE r.location_id = l.id AND r.role = '` + role + `')
			OR EXISTS (SELECT 1 FROM contact_points c WHERE c.organisation_id = l.provider_id AND c.role = '` + role + `'` + h + `)
			OR EXISTS (SELECT 1 FROM rosters r WHERE r.organisation_id = l.provider_id AND r.role = '` + role + `'))`
	}
	return [4]string{
		ownedBy(string(mgz.RoleFirstLine), string(mgz.Hours24x7)),
		ownedBy(string(mgz.RoleBehaviourSpecialist), ""),
		f[2],
		f[3],
	}
}

// inconsistentRowExpr is inconsistentExpr with the register's facts sought per row
// (registerFactsOfRow): for the rows of one page.
func inconsistentRowExpr() string {
	f := registerFactsOfRow()
	terms := make([]string, len(registerFactKeys))
	for i, k := range registerFactKeys {
		terms[i] = `(CASE WHEN ` + f[i] + ` THEN 0 ELSE COALESCE((SELECT CASE WHEN i.status = 'met' AND (i.valid_until IS NULL OR i.valid_until >= $T) THEN 1 ELSE 0 END
			FROM prerequisite_items i WHERE i.location_id = l.id AND i.key = '` + string(k) + `' ORDER BY i.id DESC LIMIT 1), 0) END)`
	}
	return "(" + strings.Join(terms, " + ") + ")"
}

func openAgg(scope string) string {
	return `SELECT location_id, COUNT(*) AS n FROM escalations WHERE state IN ` + openStates + andWhere(" AND ", scope) + ` GROUP BY location_id`
}

func overdueAgg(scope string) string {
	return `SELECT e.location_id, COUNT(DISTINCT e.id) AS n FROM escalations e JOIN escalation_steps s ON s.escalation_id = e.id
		WHERE e.state IN ` + openStates + ` AND s.closed_at IS NULL AND s.responded_at IS NULL AND s.deadline < $T` +
		andWhere(" AND ", strings.ReplaceAll(scope, "location_id", "e.location_id")) + ` GROUP BY e.location_id`
}

func patientAgg(scope string) string {
	return `SELECT location_id, COUNT(*) AS wlz,
		SUM(CASE WHEN gp_practice_id IS NOT NULL THEN 1 ELSE 0 END) AS reg,
		SUM(CASE WHEN gp_practice_id IS NULL AND delivery <> 'stay_with_treatment' THEN 1 ELSE 0 END) AS unreg,
		SUM(CASE WHEN delivery = 'pgb' THEN 1 ELSE 0 END) AS pgb
		FROM patients WHERE wlz <> 'none' AND location_id IS NOT NULL` + andWhere(" AND ", scope) + ` GROUP BY location_id`
}

func andWhere(join, cond string) string {
	if cond == "" {
		return ""
	}
	return join + cond
}

// has24 is true when the location or its provider has a contact point with role for day and
// night: two seeks, one per owner, rather than one condition with OR that no index serves.
func has24(role mgz.ContactRole) string {
	return `(EXISTS (SELECT 1 FROM contact_points c WHERE c.location_id = l.id AND c.role = '` + string(role) + `' AND c.hours = '24_7')
		OR EXISTS (SELECT 1 FROM contact_points c WHERE c.organisation_id = l.provider_id AND c.role = '` + string(role) + `' AND c.hours = '24_7'))`
}

// sortKey is the first key of an order: an expression and whether it counts (sorted most first).
func sortKey(s mgz.OverviewSort) (expr string, count bool) {
	switch s {
	case mgz.SortProvider:
		return "p.name", false
	case mgz.SortReadiness:
		return openItemsExpr, true
	case mgz.SortOpenReports:
		return "st.open_reports", true
	case mgz.SortUnregistered:
		return "st.unregistered", true
	}
	return "l.name", false
}

// selection builds the FROM and WHERE of the rows of f, with the aggregates the filter and the
// order need over all locations; args holds $T first.
type selection struct {
	from string
	w    where
}

func newSelection(f mgz.OverviewFilter, today mgz.Date, d dialect) *selection {
	s := &selection{from: "locations l JOIN organisations p ON p.id = l.provider_id"}
	s.w.args = []any{today.String()} // $1 is $T
	if f.Ready != "" || f.Sort == mgz.SortReadiness || f.Sort == mgz.SortOpenReports || f.Sort == mgz.SortUnregistered {
		s.from += " JOIN location_stats st ON st.location_id = l.id"
	}
	if f.Ready != "" || f.Sort == mgz.SortReadiness {
		s.from += " LEFT JOIN (" + expiredAgg(d) + ") ex ON ex.location_id = l.id"
	}
	if f.OnlyProviderID != 0 {
		s.w.add("l.provider_id = %s", f.OnlyProviderID)
	}
	if f.ProviderID != 0 {
		s.w.add("l.provider_id = %s", f.ProviderID)
	}
	if f.Municipality != "" {
		s.w.add("l.municipality = %s", f.Municipality)
	}
	if f.Sector != "" {
		s.w.add("l.sector = %s", string(f.Sector))
	}
	if f.Lifecycle != "" {
		s.w.add("l.lifecycle = %s", string(f.Lifecycle))
	}
	switch f.Ready {
	case "ready":
		s.w.add(openItemsExpr + " = 0")
	case "not_ready":
		s.w.add(openItemsExpr + " > 0")
	}
	return s
}

// bind returns q, written over the selection, with its arguments: the selection's and then
// extra (numbered after them in q). Today is $1 where q uses $T; a query that does not is
// renumbered without it, because PostgreSQL refuses an argument that no placeholder takes.
func (s *selection) bind(q string, extra ...any) (string, []any) {
	args := append(append([]any{}, s.w.args...), extra...)
	if strings.Contains(q, "$T") {
		return strings.ReplaceAll(q, "$T", "$1"), args
	}
	return placeholderNumber.ReplaceAllStringFunc(q, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		return "$" + strconv.Itoa(n-1)
	}), args[1:]
}

var placeholderNumber = regexp.MustCompile(`\$[0-9]+`)

// OverviewCount implements mgz.OverviewStore.
func (o *Overview) OverviewCount(ctx context.Context, f mgz.OverviewFilter, today mgz.Date) (int, error) {
	if f.Ready != "" { // readiness is evaluated for the whole selection: count the kept order
		k, err := o.order(ctx, f, today)
		if err != nil {
			return 0, err
		}
		return len(k.rows), nil
	}
	s := newSelection(mgz.OverviewFilter{OnlyProviderID: f.OnlyProviderID, ProviderID: f.ProviderID, Municipality: f.Municipality,
		Sector: f.Sector, Lifecycle: f.Lifecycle, Ready: f.Ready}, today, o.db.dialect)
	f.Sort, f.After, f.Offset, f.Limit = "", nil, 0, 0
	v, err := o.memoized(ctx, filterKey("count", f, today), func() (any, error) {
		q, args := s.bind("SELECT COUNT(*) FROM " + s.from + s.w.String())
		var n int
		if err := o.q().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("regio-overzicht tellen: %w", err)
		}
		return n, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// pageQuery is the query of the ids of one page of f, in order, with each row's sort key.
func pageQuery(f mgz.OverviewFilter, today mgz.Date, limit int, d dialect) (string, []any, bool) {
	s := newSelection(f, today, d)
	key, count := sortKey(f.Sort)
	if count {
		key = "-" + key // most first: ascending on the negated count
	}
	order := []string{key, "l.name", "l.id"}
	if f.Sort == mgz.SortName || f.Sort == "" {
		order = []string{"l.name", "l.id"}
	}
	if c := f.After; c != nil {
		var vals []any
		switch {
		case len(order) == 2:
			vals = []any{c.Text, c.ID}
		case count:
			vals = []any{-c.Count, c.Text, c.ID}
		default:
			vals = []any{c.Text2, c.Text, c.ID}
		}
		ph := make([]string, len(vals))
		for i := range vals {
			ph[i] = "%s"
		}
		s.w.add("("+strings.Join(order, ", ")+") > ("+strings.Join(ph, ", ")+")", vals...)
	}
	n := len(s.w.args)
	q := "SELECT l.id, l.name, " + key + ", p.name FROM " + s.from + s.w.String() + " ORDER BY " + strings.Join(order, ", ") +
		fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2)
	offset := f.Offset
	if f.After != nil {
		offset = 0
	}
	q, args := s.bind(q, limit, offset)
	return q, args, count
}

// pageIDs returns the ids of one page of f in order, with the cursor of the last.
func (o *Overview) pageIDs(ctx context.Context, f mgz.OverviewFilter, today mgz.Date, limit int) ([]int64, *mgz.OverviewCursor, error) {
	if memoizedOrder(f) {
		k, err := o.order(ctx, f, today)
		if err != nil {
			return nil, nil, err
		}
		if ids, last, ok := k.page(f, limit); ok {
			return ids, last, nil
		}
	}
	return o.queryPageIDs(ctx, f, today, limit)
}

// queryPageIDs reads the ids of one page of f from the database.
func (o *Overview) queryPageIDs(ctx context.Context, f mgz.OverviewFilter, today mgz.Date, limit int) ([]int64, *mgz.OverviewCursor, error) {
	q, args, count := pageQuery(f, today, limit, o.db.dialect)
	rows, err := o.q().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("regio-overzicht lezen: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var last mgz.OverviewCursor
	for rows.Next() {
		var k any
		if err := rows.Scan(&last.ID, &last.Text, &k, &last.Text2); err != nil {
			return nil, nil, fmt.Errorf("regio-overzicht lezen: %w", err)
		}
		if count {
			if v, ok := k.(int64); ok {
				last.Count = int(-v)
			}
		}
		ids = append(ids, last.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	return ids, &last, nil
}

// rowsQuery is the query of the rows of ids with all their counts.
func rowsQuery(ids []int64, today mgz.Date) (string, []any) {
	args := []any{today.String()}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	in := "location_id IN (" + strings.Join(ph, ", ") + ")"
	q := `SELECT l.id, l.name, l.provider_id, p.name, l.municipality, l.sector, l.setting, l.places, l.lifecycle,
		l.expected_opening, l.fixed_gp_practice_id, COALESCE(g.name, ''), l.physician_service_id, COALESCE(ps.name, ''),
		` + has24(mgz.RoleFirstLine) + `, ` + has24(mgz.RoleBehaviourSpecialist) + `,
		COALESCE(pr.met, 0), ` + inconsistentRowExpr() + `, COALESCE(eo.n, 0), COALESCE(ed.n, 0),
		COALESCE(pa.wlz, 0), COALESCE(pa.reg, 0), COALESCE(pa.unreg, 0), COALESCE(pa.pgb, 0)
		FROM locations l JOIN organisations p ON p.id = l.provider_id
		LEFT JOIN organisations g ON g.id = l.fixed_gp_practice_id
		LEFT JOIN organisations ps ON ps.id = l.physician_service_id
		LEFT JOIN (` + metAgg(in) + `) pr ON pr.location_id = l.id
		LEFT JOIN (` + openAgg(in) + `) eo ON eo.location_id = l.id
		LEFT JOIN (` + overdueAgg(in) + `) ed ON ed.location_id = l.id
		LEFT JOIN (` + patientAgg(in) + `) pa ON pa.location_id = l.id
		WHERE l.id IN (` + strings.Join(ph, ", ") + `)`
	return strings.ReplaceAll(q, "$T", "$1"), args
}

// rowsOf returns the rows of ids with all their counts, in the order of ids: kept ones
// (memoizedByLocation) and the others read.
func (o *Overview) rowsOf(ctx context.Context, ids []int64, today mgz.Date) ([]mgz.OverviewRow, error) {
	byID, err := memoizedByLocation(ctx, o.scope, "rows", today.String(), ids, func(ids []int64) (map[int64]mgz.OverviewRow, error) {
		return o.readRows(ctx, ids, today)
	})
	if err != nil {
		return nil, err
	}
	out := make([]mgz.OverviewRow, 0, len(ids))
	for _, id := range ids {
		r := byID[id]
		r.Deliveries = slices.Clone(r.Deliveries)
		out = append(out, r)
	}
	return out, nil
}

// readRows reads the rows of ids with all their counts.
func (o *Overview) readRows(ctx context.Context, ids []int64, today mgz.Date) (map[int64]mgz.OverviewRow, error) {
	q, args := rowsQuery(ids, today)
	rows, err := o.q().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("regio-overzicht lezen: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]mgz.OverviewRow, len(ids))
	for rows.Next() {
		var r mgz.OverviewRow
		var opening sql.NullString
		var fixed, phys sql.NullInt64
		var met, inconsistent int
		if err := rows.Scan(&r.LocationID, &r.Name, &r.ProviderID, &r.ProviderName, &r.Municipality, &r.Sector, &r.Setting,
			&r.Places, &r.Lifecycle, &opening, &fixed, &r.FixedGPPracticeName, &phys, &r.PhysicianServiceName,
			&r.FirstLine24h, &r.BehaviourSpecialist24h, &met, &inconsistent, &r.OpenReports, &r.OverdueReports,
			&r.WlzResidents, &r.WlzRegistered, &r.WlzUnregistered, &r.PGBClustered); err != nil {
			return nil, fmt.Errorf("regio-overzicht lezen: %w", err)
		}
		if opening.Valid {
			d, err := mgz.ParseDate(opening.String)
			if err != nil {
				return nil, err
			}
			r.ExpectedOpening = d
		}
		if fixed.Valid {
			r.FixedGPPracticeID = &fixed.Int64
		}
		if phys.Valid {
			r.PhysicianServiceID = &phys.Int64
		}
		if r.Setting != mgz.SettingClusteredHousing {
			r.PGBClustered = 0
		}
		r.OpenItems = nRequired - met + inconsistent
		r.Ready = r.OpenItems == 0
		byID[r.LocationID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The deliveries of the page, in one query.
	ls := make([]mgz.Location, len(ids))
	for i, id := range ids {
		ls[i].ID = id
	}
	if err := loadDeliveries(ctx, o.q(), ls); err != nil {
		return nil, err
	}
	for _, l := range ls {
		if r, ok := byID[l.ID]; ok {
			r.Deliveries = l.Deliveries
			byID[l.ID] = r
		}
	}
	return byID, nil
}

// OverviewRows implements mgz.OverviewStore.
func (o *Overview) OverviewRows(ctx context.Context, f mgz.OverviewFilter, today mgz.Date, fn func(mgz.OverviewRow) error) error {
	all := f.Limit <= 0
	for {
		limit := f.Limit
		if all {
			limit = overviewBatch
		}
		ids, last, err := o.pageIDs(ctx, f, today, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		rows, err := o.rowsOf(ctx, ids, today)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if !all || len(ids) < limit {
			return nil
		}
		f.After, f.Offset = last, 0
	}
}

// OverviewProviders implements mgz.OverviewStore.
func (o *Overview) OverviewProviders(ctx context.Context, f mgz.OverviewFilter, today mgz.Date) ([]mgz.ProviderTotals, error) {
	f.Sort, f.After, f.Offset, f.Limit = "", nil, 0, 0
	v, err := o.memoized(ctx, filterKey("providers", f, today), func() (any, error) { return o.providers(ctx, f, today) })
	if err != nil {
		return nil, err
	}
	return append([]mgz.ProviderTotals{}, v.([]mgz.ProviderTotals)...), nil
}

// providers computes the totals per provider of f.
func (o *Overview) providers(ctx context.Context, f mgz.OverviewFilter, today mgz.Date) ([]mgz.ProviderTotals, error) {
	// The readiness order joins location_stats and the expired items; the order itself is unused.
	f.Sort, f.After, f.Offset = mgz.SortReadiness, nil, 0
	s := newSelection(f, today, o.db.dialect)
	s.from += " LEFT JOIN (" + overdueAgg("") + ") ed ON ed.location_id = l.id"
	q := fmt.Sprintf(`SELECT l.provider_id, p.name, COUNT(*),
		SUM(CASE WHEN %s = 0 THEN 1 ELSE 0 END),
		SUM(st.open_reports), COALESCE(SUM(ed.n), 0), SUM(st.wlz), SUM(st.unregistered),
		SUM(CASE WHEN l.setting = 'clustered_housing' THEN st.pgb ELSE 0 END)
		FROM %s%s GROUP BY l.provider_id, p.name ORDER BY p.name, l.provider_id`, openItemsExpr, s.from, s.w.String())
	q, args := s.bind(q)
	rows, err := o.q().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("totalen per zorgaanbieder lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.ProviderTotals{}
	for rows.Next() {
		var t mgz.ProviderTotals
		if err := rows.Scan(&t.ProviderID, &t.ProviderName, &t.Locations, &t.Ready, &t.OpenReports, &t.OverdueReports,
			&t.WlzResidents, &t.WlzUnregistered, &t.PGBClustered); err != nil {
			return nil, fmt.Errorf("totalen per zorgaanbieder lezen: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// quarterBounds returns the quarters from the quarter of from up to that of today: each its
// name, its first day and its last day (today for the current quarter).
func quarterBounds(from, today mgz.Date) (names []string, starts, ends []mgz.Date) {
	q := mgz.NewDate(from.Year(), time.Month(3*((int(from.Month())-1)/3)+1), 1)
	for !q.After(today.Time) {
		next := mgz.Date{Time: q.AddDate(0, 3, 0)}
		end := mgz.Date{Time: next.AddDate(0, 0, -1)}
		if end.After(today.Time) {
			end = today
		}
		names = append(names, mgz.QuarterOf(q.Time))
		starts, ends = append(starts, q), append(ends, end)
		q = next
	}
	return names, starts, ends
}

// utcStart is the first instant of day d in the Dutch time zone, as stored (UTC text).
func utcStart(d mgz.Date) string {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, calendar.Location())
	return formatTime(t)
}

// OverviewQuarters implements mgz.OverviewStore.
func (o *Overview) OverviewQuarters(ctx context.Context, f mgz.OverviewFilter, from, today mgz.Date) ([]mgz.QuarterTrend, error) {
	f.Sort, f.After, f.Offset, f.Limit, f.Ready = "", nil, 0, 0, ""
	v, err := o.memoized(ctx, filterKey("quarters", f, today)+"|"+from.String(), func() (any, error) { return o.quarters(ctx, f, from, today) })
	if err != nil {
		return nil, err
	}
	return append([]mgz.QuarterTrend{}, v.([]mgz.QuarterTrend)...), nil
}

// quarters computes the trends per quarter of f from the quarter of from up to today's.
func (o *Overview) quarters(ctx context.Context, f mgz.OverviewFilter, from, today mgz.Date) ([]mgz.QuarterTrend, error) {
	names, starts, ends := quarterBounds(from, today)
	out := make([]mgz.QuarterTrend, len(names))
	idx := map[string]int{}
	for i, n := range names {
		out[i].Quarter, idx[n] = n, i
	}
	if len(names) == 0 {
		return out, nil
	}
	f.Sort, f.After, f.Offset, f.Ready = mgz.SortName, nil, 0, ""
	s := newSelection(f, today, o.db.dialect)
	locs := "SELECT l.id FROM " + s.from + s.w.String()
	// Reports filed and resolved, by the quarter of their date in the Dutch time zone: read the
	// timestamps of the period (few per location) and count them here.
	lo := utcStart(starts[0])
	count := func(col, cond string, add func(*mgz.QuarterTrend)) error {
		n := len(s.w.args) + 1
		q := fmt.Sprintf("SELECT %s FROM escalations WHERE %s >= $%d AND location_id IN (%s)%s", col, col, n, locs, cond)
		q, args := s.bind(q, lo)
		rows, err := o.q().QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("meldingen per kwartaal lezen: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var at string
			if err := rows.Scan(&at); err != nil {
				return err
			}
			t, err := parseTime(at)
			if err != nil {
				return err
			}
			if i, ok := idx[mgz.QuarterOf(t.In(calendar.Location()))]; ok {
				add(&out[i])
			}
		}
		return rows.Err()
	}
	if err := count("created_at", "", func(t *mgz.QuarterTrend) { t.Filed++ }); err != nil {
		return nil, err
	}
	if err := count("closed_at", " AND state = 'resolved'", func(t *mgz.QuarterTrend) { t.Resolved++ }); err != nil {
		return nil, err
	}
	// Locations ready at each quarter's end: one pass over the items' history in index order;
	// per location and key the version current at a quarter's end is the last one confirmed
	// before the next day began.
	cut := make([]string, len(ends))
	endDay := make([]string, len(ends))
	for i, e := range ends {
		cut[i] = utcStart(mgz.Date{Time: e.AddDate(0, 0, 1)})
		endDay[i] = e.String()
	}
	q := `SELECT location_id, key, status, COALESCE(valid_until, ''), confirmed_at FROM prerequisite_items
		WHERE key IN (` + strings.Join(requiredKeys(), ", ") + fmt.Sprintf(`) AND confirmed_at < $%d AND location_id IN (`, len(s.w.args)+1) + locs + `)
		ORDER BY location_id, key, id`
	q, args := s.bind(q, cut[len(cut)-1])
	rows, err := o.q().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("randvoorwaarden per kwartaal lezen: %w", err)
	}
	defer rows.Close()
	var curLoc int64 = -1
	var curKey string
	metAt := make([]bool, len(ends)) // the current (location, key) met at each quarter's end
	metCount := make([]int, len(ends))
	flushKey := func() {
		for i, m := range metAt {
			if m {
				metCount[i]++
			}
			metAt[i] = false
		}
	}
	flushLoc := func() {
		for i, n := range metCount {
			if n == nRequired {
				out[i].Ready++
			}
			metCount[i] = 0
		}
	}
	for rows.Next() {
		var loc int64
		var key, status, until, at string
		if err := rows.Scan(&loc, &key, &status, &until, &at); err != nil {
			return nil, err
		}
		if loc != curLoc || key != curKey {
			flushKey()
			if loc != curLoc {
				flushLoc()
			}
			curLoc, curKey = loc, key
		}
		for i := range ends {
			if at < cut[i] { // a later version (higher id) overrides an earlier one
				metAt[i] = status == string(mgz.StatusMet) && (until == "" || until >= endDay[i])
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flushKey()
	flushLoc()
	return out, nil
}

// AgreementMetaOf implements mgz.OverviewStore. It reads the agreements of the given providers
// by index and keeps their metadata only; the text and versions are never part of it. Outside a
// transaction the metadata of each provider is kept for the change generation (overview_memo.go):
// decoding a provider's agreements is most of a page's time.
func (o *Overview) AgreementMetaOf(ctx context.Context, providerIDs []int64) ([]mgz.AgreementMeta, error) {
	out := []mgz.AgreementMeta{}
	if len(providerIDs) == 0 {
		return out, nil
	}
	if o.tx != nil {
		return o.agreementMetaOf(ctx, providerIDs)
	}
	gen, err := o.generation(ctx)
	if err != nil {
		return nil, err
	}
	m := memoOf(o.db)
	kept, missing := m.agreementsOf(providerIDs, gen)
	if len(missing) > 0 {
		read, err := o.agreementMetaOf(ctx, missing)
		if err != nil {
			return nil, err
		}
		m.keepAgreements(missing, read, gen)
		kept = append(kept, read...)
	}
	out = append(out, kept...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// agreementMetaOf reads and decodes the metadata of the agreements of providerIDs.
func (o *Overview) agreementMetaOf(ctx context.Context, providerIDs []int64) ([]mgz.AgreementMeta, error) {
	out := []mgz.AgreementMeta{}
	if len(providerIDs) == 0 {
		return out, nil
	}
	ph := make([]string, len(providerIDs))
	args := make([]any, len(providerIDs))
	for i, id := range providerIDs {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := o.q().QueryContext(ctx, "SELECT state FROM agreements WHERE provider_id IN ("+strings.Join(ph, ", ")+") ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("overeenkomsten lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		if err := rows.Scan(&state); err != nil {
			return nil, err
		}
		// Only the metadata's fields are decoded; the snapshot and the terms are skipped.
		var m struct {
			ID               int64               `json:"id"`
			Type             mgz.AgreementType   `json:"type"`
			Status           mgz.AgreementStatus `json:"status"`
			Provider         int64               `json:"provider_id"`
			Practice         int64               `json:"practice_id"`
			GPPost           *int64              `json:"gp_post_id"`
			Locations        []int64             `json:"location_ids"`
			Start            mgz.Date            `json:"start"`
			TermMonths       int                 `json:"term_months"`
			EvaluationMonths int                 `json:"evaluation_months"`
			LastEvaluation   *mgz.Date           `json:"last_evaluation"`
			EndedOn          *mgz.Date           `json:"ended_on"`
		}
		if err := json.Unmarshal([]byte(state), &m); err != nil {
			return nil, fmt.Errorf("overeenkomst lezen: %w", err)
		}
		a := mgz.Agreement{ID: m.ID, Type: m.Type, Status: m.Status, Provider: m.Provider, Practice: m.Practice, GPPost: m.GPPost,
			Locations: m.Locations, Start: m.Start, TermMonths: m.TermMonths, EvaluationMonths: m.EvaluationMonths,
			LastEvaluation: m.LastEvaluation, EndedOn: m.EndedOn}
		out = append(out, mgz.MetaOf(a))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, rows.Err()
}

// ResidentCounts implements mgz.OverviewStore: the provider's locations by index, their
// residents through the index on patients (location_id, wlz, delivery, …) without reading a row.
//
// The counts are kept per provider until the change generation moves (clients moving, arriving,
// leaving or changing Wlz or delivery move it through location_stats; a location changing
// provider through locations): a provider's reminders read them on every start page.
func (o *Overview) ResidentCounts(ctx context.Context, providerID int64) ([]mgz.ResidentCount, error) {
	kept, err := memoizedByLocation(ctx, o.scope, "residents_by_provider", "", []int64{providerID}, func(ids []int64) (map[int64][]mgz.ResidentCount, error) {
		cs, err := o.residentCounts(ctx, ids[0])
		return map[int64][]mgz.ResidentCount{ids[0]: cs}, err
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(kept[providerID]), nil
}

// residentCounts reads the Wlz residents of providerID's locations per location, Wlz and delivery.
func (o *Overview) residentCounts(ctx context.Context, providerID int64) ([]mgz.ResidentCount, error) {
	rows, err := o.q().QueryContext(ctx, `SELECT p.location_id, p.wlz, p.delivery, COUNT(*) FROM locations l
		JOIN patients p ON p.location_id = l.id
		WHERE l.provider_id = $1 AND p.wlz <> 'none'
		GROUP BY p.location_id, p.wlz, p.delivery ORDER BY p.location_id, p.wlz, p.delivery`, providerID)
	if err != nil {
		return nil, fmt.Errorf("bewoners tellen: %w", err)
	}
	defer rows.Close()
	out := []mgz.ResidentCount{}
	for rows.Next() {
		var c mgz.ResidentCount
		if err := rows.Scan(&c.LocationID, &c.Wlz, &c.Delivery, &c.N); err != nil {
			return nil, fmt.Errorf("bewoners tellen: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
