package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
)

// axeScript is where `npm ci --prefix web/testdata/axe` (run by .ci/run) puts axe-core, relative to
// this package's directory, where `go test` runs.
const axeScript = "testdata/axe/node_modules/axe-core/axe.min.js"

// viewport is a browser window size the pages must work at.
type viewport struct {
	name          string
	width, height int64
}

var (
	desktop = viewport{"desktop", 1280, 800}
	phone   = viewport{"telefoon", 390, 844}
)

// mainPage is a page every check below visits, with the path it has for the signed-in user.
type mainPage struct{ name, path string }

// mainPages signs in a GP-practice admin who is also a physician (the user who sees the most
// menu items) and returns the main pages with real ids from the demo register.
func mainPages(t *testing.T, ctx context.Context, ts *testServer) []mainPage {
	t.Helper()
	if _, _, err := demo.LoadRecords(context.Background(), ts.svc); err != nil {
		t.Fatalf("demo clients and agreement: %v", err)
	}
	// The first clustered-housing location has a fixed practice, demo clients and a draft agreement.
	var locs []mgz.Location
	all, _, err := ts.reg.Locations(context.Background(), mgz.LocationFilter{Setting: mgz.SettingClusteredHousing, Page: mgz.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.FixedGPPracticeID != nil {
			locs = append(locs, l)
		}
	}
	if len(locs) == 0 {
		t.Fatal("no demo location with a fixed practice")
	}
	gp := *locs[0].FixedGPPracticeID
	// A member of the regional table too, so the regional overview is among the pages.
	u, _ := ts.newUser(t, gp, browserPassword, mgz.RoleAdmin, mgz.RolePhysician, mgz.RoleRegionalTable)
	login(t, ctx, ts, u.Email, browserPassword)
	// The inbox with a read and an unread notice, and their mails in the outbox.
	for i, subject := range []string{"Overstapverzoek 1 is afgerond", "Overeenkomst 1 wacht op de ondertekening door uw organisatie."} {
		n := &mgz.Notice{OrganisationID: gp, Kind: mgz.NoticeAgreementReminder, Subject: subject, Link: "/overeenkomsten"}
		if _, err := ts.db.Store().Notices().Add(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := ts.db.Store().Notices().MarkRead(context.Background(), n.ID, gp, u.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	decide := url.Values{"location_id": {itoa(locs[0].ID)}, "category": {"wzd"}, "at": {"2026-12-25T03:10"},
		"wlz": {"without_treatment"}, "delivery": {"pgb"}}
	// A report of the practice, for the report pages.
	rep := mgz.Escalation{CareProviderID: locs[0].ProviderID, LocationID: &locs[0].ID, Category: mgz.CategoryFirstLineAvailability,
		Description: "De voorwacht is 's nachts niet bereikbaar.", PeriodStart: mgz.DateOf(ts.svc.Today())}
	if err := ts.svc.FileEscalation(context.Background(), mgz.Actor{User: u, OrgKind: mgz.KindGPPractice}, &rep); err != nil {
		t.Fatalf("a report for the report pages: %v", err)
	}
	pages := []mainPage{
		{"start", "/"},
		{"meldingen", "/meldingen"},
		{"nieuwe melding", "/meldingen/nieuw"},
		{"een melding", "/meldingen/" + itoa(rep.ID)},
		{"organisaties", "/organisaties"},
		{"een organisatie", "/organisaties/" + itoa(gp)},
		{"locaties", "/locaties"},
		{"een locatie", "/locaties/" + itoa(locs[0].ID)},
		{"cliënten", "/clienten"},
		{"een cliënt", firstLink(t, ctx, ts, "/clienten", "/clienten/")},
		{"overeenkomsten", "/overeenkomsten"},
		{"een overeenkomst", firstLink(t, ctx, ts, "/overeenkomsten", "/overeenkomsten/")},
		{"instellingen", "/instellingen"},
		{"account", "/account"},
		{"beslissing met antwoord", "/wie-is-verantwoordelijk?" + decide.Encode()},
		{"overstapverzoeken", "/overstappen"},
		{"bronnen", "/bronnen"},
		{"bereikbaarheidskaart", "/locaties/" + itoa(locs[0].ID) + "/bereikbaarheidskaart"},
		{"wie heeft wat ingezien", "/audit"},
		{"berichten", "/berichten"},
		{"e-mail uit mgz", "/e-mail"},
		{"regio-overzicht", "/overzicht"},
	}
	return pages
}

// firstLink opens a list page and returns the path of its first row's link that starts with prefix.
func firstLink(t *testing.T, ctx context.Context, ts *testServer, list, prefix string) string {
	t.Helper()
	do(t, ctx, chromedp.Navigate(ts.URL+list), chromedp.WaitVisible(chromedp.CSS("h1")))
	p, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const a = [...document.querySelectorAll('main table a')].find(a => /^%s\d+$/.test(a.getAttribute('href'))); return a ? a.getAttribute('href') : '' })()`,
		strings.ReplaceAll(prefix, "/", `\/`))))
	if err != nil || p == "" {
		t.Fatalf("the list %s links to no %s… page for the demo practice (%v)", list, prefix, err)
	}
	return p
}

// open sets the viewport and loads a page, failing the test when it does not render a heading.
func open(t *testing.T, ctx context.Context, ts *testServer, v viewport, path string) {
	t.Helper()
	do(t, ctx,
		chromedp.EmulateViewport(v.width, v.height),
		chromedp.Navigate(ts.URL+path),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	if h1 := text(t, ctx, "h1"); h1 == "Geen toegang" || h1 == "Niet gevonden" {
		t.Fatalf("%s at %s shows %q", path, v.name, h1)
	}
	if strings.HasPrefix(path, "/wie-is-verantwoordelijk?") {
		// The decision page is checked with its answer, the part read at night.
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#samenvatting, ol.steps li').length`)); err != nil || n < 2 {
			t.Fatalf("%s at %s shows no answer with steps (%d, %v)", path, v.name, n, err)
		}
	}
	shoot(t, ctx, v, path)
}

// shoot saves a screenshot of the page when MGZ_SCREENSHOTS names a directory; for looking at
// the layout by eye, never compared automatically.
func shoot(t *testing.T, ctx context.Context, v viewport, path string) {
	t.Helper()
	dir := os.Getenv("MGZ_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", path, err)
	}
	name := strings.Trim(strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(path), "_")
	if name == "" {
		name = "start"
	}
	if len(name) > 60 {
		name = name[:60]
	}
	if err := os.WriteFile(filepath.Join(dir, v.name+"-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// axeViolation is the part of an axe-core result a developer needs to find and mend the problem.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// loadAxe reads axe-core's script. Locally without it the test skips and says how to install it;
// under CI=true it fails, since .ci/run installs it.
func loadAxe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axeScript)
	if err != nil {
		skipUnlessCI(t, "axe-core is not installed (npm ci --prefix web/testdata/axe; .ci/run does this): "+err.Error())
	}
	return string(b)
}

// TestBrowserAccessibilityOfMainPages runs axe-core (WCAG 2.x A and AA rules and best practices)
// on the main pages at desktop and phone size and fails on any violation.
func TestBrowserAccessibilityOfMainPages(t *testing.T) {
	axe := loadAxe(t)
	ts := newTestServer(t, true)
	ctx := browser(t)
	pages := mainPages(t, ctx, ts)
	for _, v := range []viewport{desktop, phone} {
		for _, p := range pages {
			t.Run(v.name+"/"+p.name, func(t *testing.T) {
				open(t, ctx, ts, v, p.path)
				axeCheck(t, ctx, axe, v, p.path)
			})
		}
	}
}

// axeCheck runs axe-core on the open page and fails the test on any violation.
func axeCheck(t *testing.T, ctx context.Context, axe string, v viewport, path string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+"\n;true")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var res struct {
		Violations []axeViolation `json:"violations"`
		Passes     int            `json:"passes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reading axe-core's result: %v", err)
	}
	if res.Passes == 0 {
		t.Fatalf("axe-core checked nothing on %s: %s", path, out)
	}
	for _, x := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s): %s\n    %s", x.ID, x.Impact, x.Help, x.HelpURL)
		for i, n := range x.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "\n    … and %d more", len(x.Nodes)-5)
				break
			}
			fmt.Fprintf(&b, "\n    at %v: %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		t.Errorf("%s at %s: %s", path, v.name, b.String())
	}
}

// TestBrowserPhoneLayout: at 390×844 no main page scrolls sideways, and the header with the
// collapsed menu leaves most of the screen to the content.
func TestBrowserPhoneLayout(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	pages := mainPages(t, ctx, ts)
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			open(t, ctx, ts, phone, p.path)
			var m struct {
				ScrollWidth int     `json:"scrollWidth"`
				InnerWidth  int     `json:"innerWidth"`
				Header      float64 `json:"header"`
				Wide        string  `json:"wide"`
			}
			js := `(() => {
				const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
					.slice(0, 3).map(e => e.outerHTML.slice(0, 120)).join('\n');
				return JSON.stringify({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
					header: document.querySelector('header.site-header').getBoundingClientRect().height, wide});
			})()`
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				t.Fatal(err)
			}
			if m.ScrollWidth > m.InnerWidth {
				t.Errorf("%s scrolls sideways on a phone: %d px wide in a %d px window; too wide:\n%s", p.path, m.ScrollWidth, m.InnerWidth, m.Wide)
			}
			if m.Header >= 150 {
				t.Errorf("%s: header and collapsed menu take %.0f px of 844, want < 150", p.path, m.Header)
			}
		})
	}
	// The toggle is a checkbox and a label, so it needs no JavaScript: tapping "Menu" shows the
	// menu, tapping again hides it.
	t.Run("menu opens and closes", func(t *testing.T) {
		open(t, ctx, ts, phone, "/")
		if vis, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('nav[aria-label=Hoofdmenu]').offsetParent`)); vis {
			t.Fatal("the menu is open before tapping Menu")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS("label.menu-button")), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/locaties"]`)))
		shoot(t, ctx, phone, "/menu-open")
		do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="/locaties"]`)), chromedp.WaitVisible(chromedp.ID("f-q")))
		if h1 := text(t, ctx, "h1"); h1 != "Locaties" {
			t.Fatalf("the menu's Locaties link led to %q", h1)
		}
	})
}
