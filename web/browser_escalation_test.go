package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
)

// logout signs out through the header's button and waits for the login form.
func logout(t *testing.T, ctx context.Context, ts *testServer) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(ts.URL+"/account"),
		chromedp.Click(chromedp.CSS(`.who form button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-email")),
	)
}

// TestBrowserEscalationAlongTheRoute: a GP files a report, the provider answers after its term,
// the GP moves the report on to the zorgkantoor, and the zorgkantoor finds it under Meldingen.
func TestBrowserEscalationAlongTheRoute(t *testing.T) {
	clock := &movableClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	ts := newTestServerClock(t, true, clock.now)
	ctx := browser(t)
	practice, provider, office := demoOrg(t, ts, mgz.KindGPPractice), demoOrg(t, ts, mgz.KindCareProvider), demoOrg(t, ts, mgz.KindCareOffice)
	gp, _ := ts.newUser(t, practice.ID, browserPassword, mgz.RolePhysician)
	cp, _ := ts.newUser(t, provider.ID, browserPassword, mgz.RoleEditor)
	zk, _ := ts.newUser(t, office.ID, browserPassword, mgz.RoleViewer)

	// The report is about one of the provider's locations; the overview counts its open reports.
	locs, _, err := ts.db.Store().Register().Locations(context.Background(), mgz.LocationFilter{ProviderID: provider.ID})
	if err != nil || len(locs) == 0 {
		t.Fatalf("the demo provider's locations: %v (%d)", err, len(locs))
	}
	loc := locs[0]
	atLoc, err := ts.db.Store().Escalations().List(context.Background(), mgz.EscalationFilter{LocationID: loc.ID})
	if err != nil {
		t.Fatal(err)
	}
	openBefore := 0
	for _, e := range atLoc {
		if !e.State.Closed() {
			openBefore++
		}
	}

	// The GP files the report through the menu and the form.
	login(t, ctx, ts, gp.Email, browserPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/meldingen"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`main a[href="/meldingen/nieuw"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-care_provider_id")),
		chromedp.SetValue(chromedp.ID("f-care_provider_id"), itoa(provider.ID)),
		chromedp.SetValue(chromedp.ID("f-category"), "behaviour_support"),
		chromedp.SetValue(chromedp.ID("f-location_id"), itoa(loc.ID)),
		chromedp.SendKeys(chromedp.ID("f-description"), "Geen gedragskundige bereikbaar buiten kantooruren."),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if h1 := text(t, ctx, "h1"); !strings.HasPrefix(h1, "Melding ") {
		t.Fatalf("after filing the page is %q", h1)
	}
	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(page, "/meldingen/") {
		t.Fatalf("report page %q (%v)", page, err)
	}
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "15-12-2026") || strings.Contains(tl, "Termijn verstreken") {
		t.Fatalf("the new step's timeline: %q", tl)
	}

	// Sixteen days later (every session has ended) the provider answers, past its term.
	clock.add(16 * 24 * time.Hour)
	login(t, ctx, ts, cp.Email, browserPassword)
	do(t, ctx, chromedp.Navigate(ts.URL+page), chromedp.WaitVisible(chromedp.ID("f-response")))
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "Termijn verstreken") {
		t.Fatalf("the provider's timeline does not flag the passed term: %q", tl)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-response"), "We zoeken een gedragskundige voor de avond."),
		chromedp.Click(chromedp.CSS(`form[action$="/reactie"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "We zoeken een gedragskundige") {
		t.Fatalf("the response is not in the timeline: %q", tl)
	}
	logout(t, ctx, ts)

	// The GP moves it on to the zorgkantoor.
	login(t, ctx, ts, gp.Email, browserPassword)
	do(t, ctx,
		chromedp.Navigate(ts.URL+page),
		chromedp.Click(chromedp.CSS(`form[action$="/doorzetten"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if dd := text(t, ctx, "dl.facts dd"); dd != "Bij het zorgkantoor" {
		t.Fatalf("state after moving on = %q", dd)
	}
	logout(t, ctx, ts)

	// The zorgkantoor sees it in its list and opens it.
	login(t, ctx, ts, zk.Email, browserPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/meldingen"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`main table a[href="`+page+`"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".timeline")),
	)
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "Bij het zorgkantoor") || !strings.Contains(tl, office.Name) {
		t.Fatalf("the zorgkantoor's timeline: %q", tl)
	}

	// Its inbox has the step addressed to it, linking to the report; the header counts it.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`header a[href="/berichten"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="`+page+`"]`)),
	)
	if subject := text(t, ctx, `main a[href="`+page+`"]`); !strings.Contains(subject, provider.Name) {
		t.Fatalf("the zorgkantoor's inbox names the report as %q", subject)
	}

	// The regional overview, filtered to the provider, counts the report at its location.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/overzicht"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
		chromedp.Navigate(ts.URL+"/overzicht?provider_id="+itoa(provider.ID)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/locaties/`+itoa(loc.ID)+`"]`)),
	)
	cell, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = document.querySelector('main a[href="/locaties/`+itoa(loc.ID)+`"]');
		return a.closest('tr').querySelector('td[data-label="Meldingen"]').textContent.trim();
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d open", openBefore+1); !strings.HasPrefix(cell, want) {
		t.Fatalf("the overview's reports cell for %s is %q, want it to start with %q", loc.Name, cell, want)
	}
}
