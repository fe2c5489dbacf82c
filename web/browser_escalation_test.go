package web_test

import (
	"context"
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

	// The GP files the report through the menu and the form.
	login(t, ctx, ts, gp.Email, browserPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/meldingen"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`main a[href="/meldingen/nieuw"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-care_provider_id")),
		chromedp.SetValue(chromedp.ID("f-care_provider_id"), itoa(provider.ID)),
		chromedp.SetValue(chromedp.ID("f-category"), "behaviour_support"),
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
}
