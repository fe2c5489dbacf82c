package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/regio-mgz/mgz"
)

// The overview's region-wide results (the order of the whole selection by a count, the provider
// or readiness; the provider totals; the quarterly trends) cost tens to hundreds of milliseconds
// at national scale, because readiness depends on today and on the register and cannot be kept
// in an index. They are kept here per database, for the change generation (0019:
// overview_generation, moved by triggers in the transaction of every change they are computed
// from, by any process) and the day they were computed at, and are computed again after a
// change. A page then reads one counter and its own 50 rows. Inside a transaction nothing is kept
// or reused: the transaction may see its own uncommitted changes.

// overviewMemoMax bounds the results kept per database (each at most one small row per location).
const overviewMemoMax = 32

type overviewMemo struct {
	mu      sync.Mutex
	entries map[string]overviewMemoEntry
	// The agreements' metadata per provider, at agreementsGen.
	agreements    map[int64][]mgz.AgreementMeta
	agreementsGen int64
	// Values per location, by kind (locationValues).
	locations map[string]*locationMemo
}

type overviewMemoEntry struct {
	generation int64
	value      any
}

// overviewMemos holds an overviewMemo per *DB.
var overviewMemos sync.Map

func memoOf(db *DB) *overviewMemo {
	if m, ok := overviewMemos.Load(db); ok {
		return m.(*overviewMemo)
	}
	m, _ := overviewMemos.LoadOrStore(db, &overviewMemo{entries: map[string]overviewMemoEntry{}})
	return m.(*overviewMemo)
}

func (m *overviewMemo) get(key string, gen int64) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.generation != gen {
		return nil, false
	}
	return e.value, true
}

func (m *overviewMemo) put(key string, gen int64, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= overviewMemoMax {
		for k, e := range m.entries {
			if e.generation != gen {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= overviewMemoMax {
			clear(m.entries)
		}
	}
	m.entries[key] = overviewMemoEntry{generation: gen, value: v}
}

// generation reads the change generation (0 before the first change).
func (s scope) generation(ctx context.Context) (int64, error) {
	var n int64
	err := s.q().QueryRowContext(ctx, "SELECT n FROM overview_generation WHERE id = 1").Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("regio-overzicht lezen: %w", err)
	}
	return n, nil
}

// memoized returns the value of key computed by compute, reusing one computed at the current
// generation; inside a transaction it always computes.
func (s scope) memoized(ctx context.Context, key string, compute func() (any, error)) (any, error) {
	if s.tx != nil {
		return compute()
	}
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, err
	}
	m := memoOf(s.db)
	if v, ok := m.get(key, gen); ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	m.put(key, gen, v)
	return v, nil
}

// filterKey identifies the selection of f and its order, without its paging.
func filterKey(kind string, f mgz.OverviewFilter, today mgz.Date) string {
	return fmt.Sprintf("%s|%s|%d|%d|%q|%q|%q|%q|%q", kind, today, f.OnlyProviderID, f.ProviderID, f.Municipality, f.Sector, f.Lifecycle, f.Ready, f.Sort)
}

// orderedRow is one row of a kept order: its id and its sort keys as the query returned them.
type orderedRow struct {
	id       int64
	name     string
	provider string
	count    int
}

// memoizedOrder reports whether the order of f is kept: every order but the name's, and any
// order with a readiness filter (readiness is evaluated for every location of the selection).
func memoizedOrder(f mgz.OverviewFilter) bool {
	return f.Ready != "" || (f.Sort != "" && f.Sort != mgz.SortName)
}

// order returns the whole selection of f in its order (paging ignored) and the position of each id.
type keptOrder struct {
	rows []orderedRow
	at   map[int64]int
}

func (o *Overview) order(ctx context.Context, f mgz.OverviewFilter, today mgz.Date) (*keptOrder, error) {
	f.After, f.Offset, f.Limit = nil, 0, 0
	v, err := o.memoized(ctx, filterKey("order", f, today), func() (any, error) {
		q, args, count := pageQuery(f, today, math.MaxInt32, o.db.dialect)
		rows, err := o.q().QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("regio-overzicht lezen: %w", err)
		}
		defer rows.Close()
		k := &keptOrder{at: map[int64]int{}}
		for rows.Next() {
			var r orderedRow
			var key any
			if err := rows.Scan(&r.id, &r.name, &key, &r.provider); err != nil {
				return nil, fmt.Errorf("regio-overzicht lezen: %w", err)
			}
			if count {
				if v, ok := key.(int64); ok {
					r.count = int(-v)
				}
			}
			k.at[r.id] = len(k.rows)
			k.rows = append(k.rows, r)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return k, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*keptOrder), nil
}

// page returns the ids of the page of f from the kept order and the cursor of its last row; ok
// is false when f continues after a row that is not where its cursor says (a cursor from before
// a change): the caller then reads the page from the database.
func (k *keptOrder) page(f mgz.OverviewFilter, limit int) (ids []int64, last *mgz.OverviewCursor, ok bool) {
	start := f.Offset
	if c := f.After; c != nil {
		i, found := k.at[c.ID]
		if !found {
			return nil, nil, false
		}
		r := k.rows[i]
		_, count := sortKey(f.Sort)
		switch {
		case f.Sort == "" || f.Sort == mgz.SortName:
			ok = r.name == c.Text
		case count:
			ok = r.name == c.Text && r.count == c.Count
		default:
			ok = r.name == c.Text && r.provider == c.Text2
		}
		if !ok {
			return nil, nil, false
		}
		start = i + 1
	}
	if start < 0 {
		start = 0
	}
	if start >= len(k.rows) {
		return nil, nil, true
	}
	end := min(start+limit, len(k.rows))
	for _, r := range k.rows[start:end] {
		ids = append(ids, r.id)
	}
	r := k.rows[end-1]
	return ids, &mgz.OverviewCursor{ID: r.id, Text: r.name, Text2: r.provider, Count: r.count}, true
}

// agreementsOf returns the kept metadata of the agreements of providers at gen, and the providers
// (each once) whose agreements are not kept. The metadata is shared: callers only read it.
func (m *overviewMemo) agreementsOf(providers []int64, gen int64) (kept []mgz.AgreementMeta, missing []int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.agreementsGen != gen {
		m.agreements, m.agreementsGen = nil, gen
	}
	seen := map[int64]bool{}
	for _, p := range providers {
		if seen[p] {
			continue
		}
		seen[p] = true
		if ms, ok := m.agreements[p]; ok {
			kept = append(kept, ms...)
		} else {
			missing = append(missing, p)
		}
	}
	return kept, missing
}

// keepAgreements keeps read, the metadata of the agreements of providers, as computed at gen.
func (m *overviewMemo) keepAgreements(providers []int64, read []mgz.AgreementMeta, gen int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.agreementsGen != gen {
		return
	}
	if m.agreements == nil {
		m.agreements = map[int64][]mgz.AgreementMeta{}
	}
	for _, p := range providers {
		m.agreements[p] = []mgz.AgreementMeta{}
	}
	for _, a := range read {
		m.agreements[a.ProviderID] = append(m.agreements[a.ProviderID], a)
	}
}

// The overview's page reads, per location, its row with all counts, its prerequisites' current
// items and the register's facts about it. Those are kept per location too, for the change
// generation and the day, so a page the region has seen since the last change costs a lookup.
// A kind's values are dropped as a whole when the generation or the day moves; there is at most
// one value per location and kind.

type locationMemo struct {
	gen  int64
	day  string
	vals map[int64]any
}

// locationValues returns the kept values of kind for ids at gen and day through found, and the
// ids that are not kept.
func (m *overviewMemo) locationValues(kind string, gen int64, day string, ids []int64, found func(id int64, v any)) (missing []int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	lm := m.locations[kind]
	if lm == nil || lm.gen != gen || lm.day != day {
		return ids
	}
	for _, id := range ids {
		if v, ok := lm.vals[id]; ok {
			found(id, v)
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// keepLocationValues keeps the values of kind read at gen for day.
func (m *overviewMemo) keepLocationValues(kind string, gen int64, day string, vals map[int64]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locations == nil {
		m.locations = map[string]*locationMemo{}
	}
	lm := m.locations[kind]
	if lm == nil || lm.gen != gen || lm.day != day {
		if lm != nil && lm.gen > gen {
			return // read before a newer generation was kept
		}
		lm = &locationMemo{gen: gen, day: day, vals: map[int64]any{}}
		m.locations[kind] = lm
	}
	for id, v := range vals {
		lm.vals[id] = v
	}
}

// memoizedByLocation returns the values of kind for ids: the kept ones, and the others read by
// read (which gets only the ids not kept, and whose answer for an id it leaves out is the zero
// value). Inside a transaction it always reads. day is "" for values that do not depend on the
// day. Callers must not change what they get: the values are shared.
func memoizedByLocation[V any](ctx context.Context, s scope, kind, day string, ids []int64, read func([]int64) (map[int64]V, error)) (map[int64]V, error) {
	if s.tx != nil || len(ids) == 0 {
		return read(ids)
	}
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, err
	}
	m := memoOf(s.db)
	out := make(map[int64]V, len(ids))
	missing := m.locationValues(kind, gen, day, ids, func(id int64, v any) { out[id] = v.(V) })
	if len(missing) == 0 {
		return out, nil
	}
	got, err := read(missing)
	if err != nil {
		return nil, err
	}
	keep := make(map[int64]any, len(missing))
	for _, id := range missing {
		v := got[id]
		out[id] = v
		keep[id] = v
	}
	m.keepLocationValues(kind, gen, day, keep)
	return out, nil
}
