package web_test

import (
	"context"
	"html"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// christmasNight is a fixed night moment: Eerste Kerstdag, 03:10 in the Netherlands.
var christmasNight = time.Date(2026, 12, 25, 3, 10, 0, 0, calendar.Location())

// cardFixture is a client with an own practice at a demo location, and the users who look.
type cardFixture struct {
	ts       *testServer
	loc      mgz.Location
	ownGP    mgz.Organisation
	client   mgz.Patient
	carer    *client // a care worker of the location's provider
	stranger *client // a physician of a practice that has nothing to do with the client
}

func newCardFixture(t *testing.T, now time.Time) cardFixture {
	t.Helper()
	ts := newTestServerAt(t, true, now)
	f := cardFixture{ts: ts, loc: locByName(t, ts, "Woonzorg De Boomgaard")}
	gps, _, err := ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil || len(gps) < 3 {
		t.Fatalf("demo practices: %d, %v", len(gps), err)
	}
	var others []mgz.Organisation
	for _, g := range gps {
		if f.loc.FixedGPPracticeID == nil || g.ID != *f.loc.FixedGPPracticeID {
			others = append(others, g)
		}
	}
	f.ownGP, f.stranger = others[0], ts.as(t, others[len(others)-1].ID, mgz.RolePhysician)
	f.client = createClient(t, ts, mgz.Patient{LocationID: &f.loc.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment,
		Delivery: mgz.DeliveryVPT, GPPracticeID: &f.ownGP.ID})
	f.carer = ts.as(t, f.loc.ProviderID, mgz.RoleEditor)
	return f
}

// cardRow returns the card row of a category in a page, or fails.
func cardRow(t *testing.T, body, category string) string {
	t.Helper()
	i := strings.Index(body, `data-category="`+category+`"`)
	if i < 0 {
		t.Fatalf("the card has no row for %s", category)
	}
	row := body[i:]
	if j := strings.Index(row, "</div>"); j >= 0 {
		row = row[:j]
	}
	return row
}

func TestNowCardOnTheClientPage(t *testing.T) {
	t.Run("at night: the night route, the holiday and the client's own practice", func(t *testing.T) {
		f := newCardFixture(t, christmasNight)
		id := strconv.FormatInt(f.client.ID, 10)
		r := f.carer.do(t, "GET", "/clienten/"+id, nil)
		body := string(r.body)
		if r.status != 200 {
			t.Fatalf("client page: status %d", r.status)
		}
		for _, want := range []string{"Nu bellen", "nu: avond/nacht/weekend — Eerste Kerstdag", `href="/wie-is-verantwoordelijk?client=` + id + `"`,
			"Eigen huisarts: <strong>" + html.EscapeString(f.ownGP.Name)} {
			if !strings.Contains(body, want) {
				t.Errorf("the client page lacks %q", want)
			}
		}
		for _, cat := range []string{"emergency", "gp_care", "behaviour", "condition_treatment", "wzd", "infection_prevention", "nursing"} {
			if row := cardRow(t, body, cat); !strings.Contains(row, `href="tel:`) {
				t.Errorf("row %s has no number to tap: %s", cat, row)
			}
		}
		if row := cardRow(t, body, "gp_care"); strings.Contains(row, html.EscapeString(f.ownGP.Name)) || !strings.Contains(row, "Daarna: Huisartsenpost") {
			t.Errorf("at night the GP-care row must name the GP post, not the office-hours practice: %s", row)
		}
		if row := cardRow(t, body, "emergency"); !strings.Contains(row, `href="tel:112"`) {
			t.Errorf("emergency row: %s", row)
		}
	})
	t.Run("in office hours: the client's own practice for GP care", func(t *testing.T) {
		f := newCardFixture(t, time.Date(2026, 12, 2, 10, 0, 0, 0, calendar.Location()))
		body := string(f.carer.do(t, "GET", "/clienten/"+strconv.FormatInt(f.client.ID, 10), nil).body)
		if !strings.Contains(body, "nu: kantooruren") {
			t.Error("the period is not office hours")
		}
		if row := cardRow(t, body, "gp_care"); !strings.Contains(row, html.EscapeString(f.ownGP.Name)) || !strings.Contains(row, `href="tel:`) {
			t.Errorf("GP-care row does not name the client's practice with a number: %s", row)
		}
	})
}

func TestPrefilledAnswer(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	id := strconv.FormatInt(f.client.ID, 10)
	lid := strconv.FormatInt(f.loc.ID, 10)
	t.Run("for a client: the classification and a link per question", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/wie-is-verantwoordelijk?client="+id, nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, "Zo zit het") || !strings.Contains(body, `href="/wie-is-verantwoordelijk?client=`+id+`&amp;category=gp_care"`) {
			t.Fatalf("status %d; no answer with question links for the client", r.status)
		}
	})
	t.Run("for a client and a question: the answer at the present moment", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/wie-is-verantwoordelijk?client="+id+"&category=gp_care", nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, `id="samenvatting"`) || !strings.Contains(body, "Eerste Kerstdag") || !strings.Contains(body, `href="tel:`) {
			t.Fatalf("status %d; no night answer with numbers for the client", r.status)
		}
	})
	t.Run("for a location: the answer for a resident", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/wie-is-verantwoordelijk?location="+lid, nil)
		if r.status != 200 || !strings.Contains(string(r.body), "Zo zit het") {
			t.Fatalf("status %d; no classification for a resident of the location", r.status)
		}
		r = f.carer.do(t, "GET", "/wie-is-verantwoordelijk?location="+lid+"&category=nursing", nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, `id="samenvatting"`) || !strings.Contains(body, html.EscapeString(f.loc.Name)) {
			t.Fatalf("status %d; no answer for the location", r.status)
		}
	})
	t.Run("the location page has the card for a resident", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/locaties/"+lid, nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, "Nu bellen") || !strings.Contains(body, `href="/wie-is-verantwoordelijk?location=`+lid+`"`) {
			t.Fatalf("status %d; the location page lacks the card or its link", r.status)
		}
		if row := cardRow(t, body, "nursing"); !strings.Contains(row, `href="tel:`) {
			t.Errorf("nursing row has no number: %s", row)
		}
	})
	t.Run("a client the caller may not see: 404 on the page, the card and the prefilled answer", func(t *testing.T) {
		for _, path := range []string{"/clienten/" + id, "/wie-is-verantwoordelijk?client=" + id, "/wie-is-verantwoordelijk?client=" + id + "&category=gp_care",
			"/wie-is-verantwoordelijk?client=99999999", "/wie-is-verantwoordelijk?location=99999999"} {
			if r := f.stranger.do(t, "GET", path, nil); r.status != 404 {
				t.Errorf("%s: status %d, want 404", path, r.status)
			}
		}
	})
}

// auditMatching counts the audit log's entries matching keep.
func auditMatching(t *testing.T, ts *testServer, keep func(mgz.AuditEntry) bool) int {
	t.Helper()
	n := 0
	err := ts.db.Store().Audit().Each(context.Background(), mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		if keep(e) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the audit log: %v", err)
	}
	return n
}

// TestTheCardReadsTheClientOnce: the card's seven decisions reuse the page's audited read of the
// client, so the card adds no reads to the audit log; the bereikbaarheidskaart
// reads no client and is no print of patient data.
func TestTheCardReadsTheClientOnce(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	about := func(e mgz.AuditEntry) bool { return e.PatientID == f.client.ID && e.Outcome == mgz.OutcomeAllowed }
	before := auditMatching(t, f.ts, about)
	if r := f.carer.do(t, "GET", "/clienten/"+strconv.FormatInt(f.client.ID, 10), nil); r.status != 200 {
		t.Fatalf("client page: status %d", r.status)
	}
	// The page reads the client with its registrations, switches and lead changes as one read
	// (service.PatientRecord): one entry. Seven decisions that each read the client would add 7,
	// and reading each part on its own 3 more.
	if n := auditMatching(t, f.ts, about) - before; n != 1 {
		var seen []string
		auditMatching(t, f.ts, func(e mgz.AuditEntry) bool {
			if about(e) {
				seen = append(seen, string(e.Action)+" "+e.ObjectType)
			}
			return false
		})
		t.Errorf("one look at the client page wrote %d audit entries about the client, want exactly the page's own 1: %v", n, seen)
	}
	prints := func(e mgz.AuditEntry) bool { return e.Action == mgz.AuditPrint || e.PatientID != 0 }
	before = auditMatching(t, f.ts, prints)
	lid := strconv.FormatInt(f.loc.ID, 10)
	f.carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart.pdf", nil)
	f.carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart", nil)
	if n := auditMatching(t, f.ts, prints) - before; n != 0 {
		t.Errorf("the bereikbaarheidskaart wrote %d print or client entries, want 0: it holds no patient data", n)
	}
}

// TestLocationCardAnswersPerDelivery: a location offering stay with and without treatment
// answers GP care per kind of resident (the routes differ: the institution's own arrangement
// against the residents' own practice and the GP post), and 112 once; the bereikbaarheidskaart
// does the same. A location with one delivery says for whom it holds.
func TestLocationCardAnswersPerDelivery(t *testing.T) {
	for _, at := range []time.Time{christmasNight, time.Date(2026, 12, 2, 10, 0, 0, 0, calendar.Location())} {
		t.Run(at.Format("02-01 15:04"), func(t *testing.T) {
			ts := newTestServerAt(t, true, at)
			mixed := locByName(t, ts, "Verpleeghuis De Hofstede")
			if len(mixed.Deliveries) != 2 {
				t.Fatalf("demo location %s offers %v, want stay with and without treatment", mixed.Name, mixed.Deliveries)
			}
			lid := strconv.FormatInt(mixed.ID, 10)
			carer := ts.as(t, mixed.ProviderID, mgz.RoleViewer)
			body := string(carer.do(t, "GET", "/locaties/"+lid, nil).body)
			row := body[strings.Index(body, `data-category="gp_care"`):]
			row = row[:strings.Index(row, "</dd>")]
			var variants []string
			for _, d := range []string{"stay_with_treatment", "stay_without_treatment"} {
				i := strings.Index(row, `data-delivery="`+d+`"`)
				if i < 0 {
					t.Fatalf("the GP-care row has no answer for %s:\n%s", d, row)
				}
				v := row[i:]
				if j := strings.Index(v[1:], `<div class="variant"`); j >= 0 {
					v = v[:j+1]
				}
				v = v[strings.Index(v, "</a>"):] // the answer, without its label and link
				if !strings.Contains(v, `href="tel:`) {
					t.Errorf("the %s answer has no number: %s", d, v)
				}
				variants = append(variants, v)
			}
			if variants[0] == variants[1] {
				t.Errorf("the two GP-care answers are the same, so they need not be split: %s", variants[0])
			}
			link := `href="/wie-is-verantwoordelijk?location=` + lid + `&amp;category=gp_care&amp;wlz=with_treatment&amp;delivery=stay_with_treatment"`
			if !strings.Contains(row, link) {
				t.Errorf("the with-treatment answer does not link to its full answer (%s)", link)
			}
			if r := carer.do(t, "GET", html.UnescapeString(link[6:len(link)-1]), nil); r.status != 200 || !strings.Contains(string(r.body), `id="samenvatting"`) {
				t.Errorf("the full answer for a resident with treatment: status %d", r.status)
			}
			if strings.Contains(cardRow(t, body, "emergency"), "variant") {
				t.Error("112 is the same for every resident, yet split per delivery")
			}
			if !strings.Contains(body, "verschilt het antwoord, dan staat het per leveringsvorm") {
				t.Error("the card does not say it answers per delivery where they differ")
			}
			kaart := string(carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart", nil).body)
			for _, d := range []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment} {
				if want := "Huisartsenzorg — " + strings.ToLower(d.Label()); !strings.Contains(kaart, html.EscapeString(want)) {
					t.Errorf("the bereikbaarheidskaart has no row %q", want)
				}
			}
			pdf := pdfToText(t, carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart.pdf", nil).body)
			if !strings.Contains(pdf, "Huisartsenzorg — verblijf") || strings.Count(pdf, "\f") > 1 {
				t.Errorf("the PDF of a location with two deliveries: %d pages, rows per delivery: %v", strings.Count(pdf, "\f"), strings.Contains(pdf, "Huisartsenzorg — verblijf"))
			}

			single := locByName(t, ts, "Verpleeghuis Het Lindehuis")
			body = string(carer.do(t, "GET", "/locaties/"+strconv.FormatInt(single.ID, 10), nil).body)
			if strings.Contains(body, `class="variant"`) || !strings.Contains(body, "Voor een bewoner met "+html.EscapeString(mgz.WlzWithTreatment.Label())) {
				t.Error("a location with one delivery must answer once and say for which resident")
			}
		})
	}
}
