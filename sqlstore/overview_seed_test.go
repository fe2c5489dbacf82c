package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// seedRegion fills db with a region of n locations in realistic proportions, with batched
// inserts: one care provider per 25 locations, one GP practice per 10, per location 8 clients
// (a quarter PGB, a tenth without a practice), the eleven prerequisites (two thirds of the
// locations ready), one report per 4 locations (half of them open, a third of those overdue) and
// one cooperation agreement per location (started over a year, so about one in eight has its
// evaluation within the reminder window of overviewToday). Every location's name is "Locatie NNNNN".
func seedRegion(tb testing.TB, db *DB, n int) {
	tb.Helper()
	seedRegionClients(tb, db, n, 8)
}

// seedRegionClients is seedRegion with perLoc clients per location (34 gives the national
// 340,000 clients at 10,000 locations).
func seedRegionClients(tb testing.TB, db *DB, n, perLoc int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	const at = "2026-01-05T09:00:00.000Z"
	batch := func(head string, cols int, rows int, row func(i int) []any) {
		const per = 400
		for start := 0; start < rows; start += per {
			end := min(start+per, rows)
			var ph []string
			var args []any
			for i := start; i < end; i++ {
				vals := row(i)
				if len(vals) != cols {
					tb.Fatalf("%s: %d values, want %d", head, len(vals), cols)
				}
				p := make([]string, cols)
				for j := range vals {
					args = append(args, vals[j])
					p[j] = fmt.Sprintf("$%d", len(args))
				}
				ph = append(ph, "("+strings.Join(p, ", ")+")")
			}
			if _, err := tx.ExecContext(ctx, head+" VALUES "+strings.Join(ph, ", "), args...); err != nil {
				tb.Fatalf("%s: %v", head, err)
			}
		}
	}
	providers, practices := max(n/25, 1), max(n/10, 1)
	// Organisations: providers 1..providers, practices after them, then one GP post and one SO/AVG service.
	org := func(kind mgz.OrgKind, name string, agb any) []any {
		return []any{kind, name, agb, "12345678", "Dorpsstraat 1", "1234 AB", "Voorbeeld", "0301234567", "Voorbeeld", at, at}
	}
	orgHead := "INSERT INTO organisations (kind, name, agb, kvk, address, postcode, city, phone, care_office_region, created_at, updated_at)"
	batch(orgHead, 11, providers, func(i int) []any { return org(mgz.KindCareProvider, fmt.Sprintf("Zorgaanbieder %04d", i), nil) })
	batch(orgHead, 11, practices, func(i int) []any {
		return org(mgz.KindGPPractice, fmt.Sprintf("Praktijk %05d", i), fmt.Sprintf("01%06d", i))
	})
	batch(orgHead, 11, 2, func(i int) []any {
		return org([]mgz.OrgKind{mgz.KindGPPost, mgz.KindPhysicianService}[i], "Dienst", fmt.Sprintf("02%06d", i))
	})
	postID, serviceID := int64(providers+practices+1), int64(providers+practices+2)
	provOf := func(i int) int64 { return int64(i%providers + 1) }
	batch(`INSERT INTO locations (provider_id, name, address, postcode, municipality, setting, sector, places,
		fixed_gp_practice_id, physician_service_id, created_at, updated_at, lifecycle, expected_opening)`, 14, n, func(i int) []any {
		setting, sector := mgz.SettingClusteredHousing, mgz.SectorElderly
		if i%3 == 0 {
			setting = mgz.SettingInstitution
		}
		if i%2 == 0 {
			sector = mgz.SectorDisability
		}
		var fixed, phys any
		if i%5 != 0 {
			fixed = int64(providers + i%practices + 1)
		}
		if i%7 != 0 {
			phys = serviceID
		}
		life, opening := "open", any(nil)
		if i%50 == 0 {
			life, opening = "planned", "2026-03-01"
		}
		return []any{provOf(i), fmt.Sprintf("Locatie %05d", i), "Laan 2", "1234 AB", fmt.Sprintf("Gemeente %02d", i%40),
			setting, sector, 12, fixed, phys, at, at, life, opening}
	})
	batch("INSERT INTO location_deliveries (location_id, delivery)", 2, n, func(i int) []any {
		if i%3 == 0 {
			return []any{i + 1, mgz.DeliveryStayWithTreatment}
		}
		return []any{i + 1, mgz.DeliveryVPT}
	})
	// A 24/7 voorwacht per provider for most; a behaviour specialist at every other location.
	batch("INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)", 8, providers, func(i int) []any {
		hours := "24_7"
		if i%4 == 0 {
			hours = "office_hours"
		}
		return []any{int64(i + 1), nil, mgz.RoleFirstLine, "", "0301234567", hours, at, at}
	})
	batch("INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)", 8, n/2, func(i int) []any {
		return []any{nil, int64(2*i + 1), mgz.RoleBehaviourSpecialist, "", "0301234567", "24_7", at, at}
	})
	// Prerequisites: every key at every location; at a third of them one required item is not met.
	keys := mgz.Prerequisites
	batch(`INSERT INTO prerequisite_items (location_id, key, status, note, valid_until, confirmed_by, confirmed_by_name, confirmed_at)`, 8, n*len(keys), func(j int) []any {
		i, k := j/len(keys), keys[j%len(keys)]
		status := mgz.StatusMet
		if i%3 == 1 && k.Key == mgz.PrereqWzdProtocol {
			status = mgz.StatusNotMet
		}
		return []any{int64(i + 1), k.Key, status, "bewijs", nil, 1, "Beheerder", at}
	})
	batch(`INSERT INTO patients (name, birth_date, bsn, location_id, home_postcode, sector, wlz, wlz_source, delivery,
		gp_practice_id, lead_physician, created_at, updated_at)`, 13, n*perLoc, func(j int) []any {
		i := j / perLoc
		wlz, delivery := mgz.WlzWithoutTreatment, mgz.DeliveryVPT
		if i%3 == 0 {
			wlz, delivery = mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment
		} else if j%4 == 0 {
			delivery = mgz.DeliveryPGB
		}
		var gp any
		if delivery != mgz.DeliveryStayWithTreatment && j%10 != 0 {
			gp = int64(providers + i%practices + 1)
		}
		return []any{"Cliënt", "1940-01-01", nil, int64(i + 1), "", "elderly", wlz, "vecozo", delivery, gp, "", at, at}
	})
	reports := n / 4
	batch(`INSERT INTO escalations (reporter_practice_id, filed_by_org_id, care_provider_id, location_id, category, description,
		period_start, state, created_at, updated_at, closed_at)`, 11, reports, func(j int) []any {
		i := j * 4
		state, closed := "care_provider", any(nil)
		if j%2 == 1 {
			state, closed = "resolved", "2026-02-10T10:00:00.000Z"
		}
		return []any{int64(providers + 1), int64(providers + 1), provOf(i), int64(i + 1), "staffing", "Te weinig personeel",
			"2026-01-01", state, fmt.Sprintf("2026-01-%02dT10:00:00.000Z", 1+j%28), at, closed}
	})
	batch(`INSERT INTO escalation_steps (escalation_id, step, addressee_org_id, opened_at, deadline, closed_at)`, 6, reports, func(j int) []any {
		deadline, closed := "2099-01-01", any(nil)
		if j%2 == 1 {
			closed = "2026-02-10T10:00:00.000Z"
		} else if j%3 == 0 {
			deadline = "2026-01-15"
		}
		return []any{int64(j + 1), "care_provider", provOf(j * 4), at, deadline, closed}
	})
	batch(`INSERT INTO agreements (provider_id, practice_id, gp_post_id, status, state, updated_at, remind_on)`, 7, n, func(i int) []any {
		a := mgz.Agreement{ID: int64(i + 1), Type: mgz.AgreementCooperation, Status: mgz.AgreementActive, Version: 1,
			Provider: provOf(i), Practice: int64(providers + i%practices + 1), GPPost: &postID, Locations: []int64{int64(i + 1)},
			Start: mgz.NewDate(2025, 4, 1+i%365), EvaluationMonths: 12, TermMonths: 36}
		if i%50 == 0 {
			a.Status = mgz.AgreementDraft
		}
		state, _ := json.Marshal(a)
		return []any{a.Provider, a.Practice, postID, string(a.Status), string(state), at, nullDate(a.RemindOn())}
	})
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
