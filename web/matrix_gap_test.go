package web_test

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// oneClickGap is the form of a one-click report button (POST /beschikbaarheid/melding) for a
// gap of the demo region that the RHO can report at once, looked up when the row is sent so that
// what other rows changed in the rosters does not matter.
func (m *matrix) oneClickGap() url.Values {
	m.t.Helper()
	rep, err := m.ts.svc.CoverageReport(context.Background(), service.System(), service.CoverageFilter{})
	if err != nil {
		m.t.Fatal(err)
	}
	now := m.ts.svc.Now()
	for _, g := range rep.Gaps {
		if _, ok := service.GapEscalation(rep, g, mgz.Actor{OrgKind: mgz.KindRegionalGPOrg}, mgz.DateOf(now)); !ok || !g.To.After(now) {
			continue
		}
		v := url.Values{"role": {string(g.Role)}, "organisation_id": {strconv.FormatInt(g.OrganisationID, 10)},
			"from": {g.From.UTC().Format(time.RFC3339Nano)}, "to": {g.To.UTC().Format(time.RFC3339Nano)}}
		if g.LocationID != nil {
			v["location_id"] = []string{strconv.FormatInt(*g.LocationID, 10)}
		}
		return v
	}
	m.t.Fatal("the demo region has no gap the RHO can report in one click")
	return nil
}
