package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
)

// TestBrowserGPPostReadsAHandoverAtNight: at 03:00 a physician of the region's GP post signs in
// and opens a client's handover: the treatment wishes come first, with the PDF link, and axe-core
// finds no violation on the page nor on its edit form; a physician of a practice that is not the
// client's is refused (not found), and the practice itself sees the wishes below the Nu bellen card.
func TestBrowserGPPostReadsAHandoverAtNight(t *testing.T) {
	axe := loadAxe(t)
	f := newHandoverFixture(t, atNight)
	f.write(t, atNight.AddDate(0, -2, 0))
	ctx := browser(t)
	u, _ := f.ts.newUser(t, f.post.ID, browserPassword, mgz.RolePhysician)
	login(t, ctx, f.ts, u.Email, browserPassword)
	open(t, ctx, f.ts, desktop, f.page())
	wishes := text(t, ctx, ".wishes-table")
	if !strings.Contains(wishes, "Reanimatie: NIET reanimeren") || !strings.Contains(wishes, "Ziekenhuisopname: ja, met beperkingen") {
		t.Fatalf("the GP post at night sees no wishes:\n%s", wishes)
	}
	if body := text(t, ctx, "main"); strings.Contains(body, "Noodtoegang") || !strings.Contains(body, "PDF voor de huisartsenpost") {
		t.Fatalf("the night read shows an emergency banner, or no PDF link:\n%s", body)
	}
	axeCheck(t, ctx, axe, desktop, f.page())
	axeCheck(t, ctx, axe, phone, f.page())

	// A practice that is not the client's: not found, as if the client did not exist.
	other, _ := f.ts.newUser(t, f.second.ID, browserPassword, mgz.RolePhysician)
	ctx2 := browser(t)
	login(t, ctx2, f.ts, other.Email, browserPassword)
	do(t, ctx2, chromedp.Navigate(f.ts.URL+f.page()), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := text(t, ctx2, "h1"); h1 != "Niet gevonden" {
		t.Fatalf("a practice not involved sees %q", h1)
	}
	if body := text(t, ctx2, "main"); strings.Contains(body, "NIET reanimeren") || strings.Contains(body, f.patient.Name) {
		t.Fatalf("the refusal shows the client's data:\n%s", body)
	}

	// The lead physician's practice: the wishes below the card, and the form is accessible.
	gp, _ := f.ts.newUser(t, f.practice.ID, browserPassword, mgz.RolePhysician)
	ctx3 := browser(t)
	login(t, ctx3, f.ts, gp.Email, browserPassword)
	open(t, ctx3, f.ts, phone, "/clienten/"+itoa(f.patient.ID))
	if block := text(t, ctx3, ".handover-block"); !strings.Contains(block, "Reanimatie: NIET reanimeren") {
		t.Fatalf("the client page's wishes:\n%s", block)
	}
	axeCheck(t, ctx3, axe, phone, "/clienten/"+itoa(f.patient.ID))
	open(t, ctx3, f.ts, desktop, f.page()+"/bewerken")
	axeCheck(t, ctx3, axe, desktop, f.page()+"/bewerken")
}

// TestBrowserGPPostBreaksTheGlassInTheDay: at 10:00 on a weekday the GP post is asked for a
// reason (an accessible form), and after it reads the handover under a red "Noodtoegang" banner.
func TestBrowserGPPostBreaksTheGlassInTheDay(t *testing.T) {
	axe := loadAxe(t)
	f := newHandoverFixture(t, atOffice)
	f.write(t, atOffice.AddDate(0, -2, 0))
	ctx := browser(t)
	u, _ := f.ts.newUser(t, f.post.ID, browserPassword, mgz.RolePhysician)
	login(t, ctx, f.ts, u.Email, browserPassword)
	open(t, ctx, f.ts, phone, f.page())
	if h1 := text(t, ctx, "h1"); h1 != "Noodtoegang nodig" {
		t.Fatalf("the GP post in the day sees %q", h1)
	}
	axeCheck(t, ctx, axe, phone, f.page()+" (noodtoegang)")
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-reason"), "Visite bij acute benauwdheid"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".wishes-table")),
	)
	if banner := text(t, ctx, ".emergency-banner"); !strings.Contains(banner, "Noodtoegang") || !strings.Contains(banner, "Visite bij acute benauwdheid") {
		t.Fatalf("banner: %s", banner)
	}
	if wishes := text(t, ctx, ".wishes-table"); !strings.Contains(wishes, "Reanimatie: NIET reanimeren") {
		t.Fatalf("wishes under emergency access:\n%s", wishes)
	}
	axeCheck(t, ctx, axe, phone, f.page()+" (met noodtoegang)")
}
