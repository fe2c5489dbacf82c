package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
)

// TestBrowserOneClickReportFromAGap: an RHO editor signed in with a session (so the button's CSRF
// token counts) clicks Melding maken next to a gap and lands on the new report with the
// confirmation.
func TestBrowserOneClickReportFromAGap(t *testing.T) {
	f := newAvailabilityFixture(t)
	f.withFixedPractice(t)
	ctx := browser(t)
	u, _ := f.ts.newUser(t, f.ts.rho.ID, browserPassword, mgz.RoleEditor)
	login(t, ctx, f.ts, u.Email, browserPassword)
	do(t, ctx,
		chromedp.Navigate(f.ts.URL+"/beschikbaarheid?role=first_line&location_id="+itoa(f.covered.ID)+"&dagen=3"),
		chromedp.Click(chromedp.CSS(`form[action="/beschikbaarheid/melding"] button[type=submit]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if h1 := text(t, ctx, "h1"); !strings.HasPrefix(h1, "Melding ") {
		t.Fatalf("after one click the page is %q", h1)
	}
	if n := text(t, ctx, ".notice"); !strings.Contains(n, "De melding is opgeslagen") {
		t.Errorf("notice %q", n)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "niemand van dienst van 02-03-2026 23:00 tot 03-03-2026 07:00") || !strings.Contains(body, "Woonvorm De Es") {
		t.Errorf("the report does not describe the gap: %s", body)
	}
}
