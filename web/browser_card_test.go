package web_test

import (
	"encoding/json"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
)

// TestBrowserNowCardOnAPhone: at 390×844, on Christmas night, a care worker of the provider goes
// from the start page to a client's "Nu bellen" card in two taps and sees the night route and the
// client's own practice; the page does not scroll sideways and axe-core finds no violation, nor
// on the location's bereikbaarheidskaart.
func TestBrowserNowCardOnAPhone(t *testing.T) {
	axe := loadAxe(t)
	f := newCardFixture(t, christmasNight)
	ts := f.ts
	ctx := browser(t)
	u, _ := ts.newUser(t, f.loc.ProviderID, browserPassword, mgz.RoleEditor)
	login(t, ctx, ts, u.Email, browserPassword)
	id := strconv.FormatInt(f.client.ID, 10)

	open(t, ctx, ts, phone, "/")
	// Tap 1: the start page's link to the organisation's clients. Tap 2: the client.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`main a[href="/clienten"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/clienten/`+id+`"]`)),
		chromedp.Click(chromedp.CSS(`main a[href="/clienten/`+id+`"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(".call-card")),
	)
	card := text(t, ctx, ".call-card")
	for _, want := range []string{"Nu bellen", "nu: avond/nacht/weekend — Eerste Kerstdag", "Daarna: Huisartsenpost", "Eigen huisarts: " + f.ownGP.Name} {
		if !strings.Contains(card, html.UnescapeString(want)) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	// The card starts within the first screen, and its numbers can be tapped.
	var m struct {
		CardTop     float64 `json:"cardTop"`
		Tels        int     `json:"tels"`
		ScrollWidth int     `json:"scrollWidth"`
		InnerWidth  int     `json:"innerWidth"`
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({cardTop: document.querySelector('.call-card').getBoundingClientRect().top,
		tels: document.querySelectorAll('.call-card a[href^="tel:"]').length,
		scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if m.CardTop > 400 || m.Tels < 7 {
		t.Errorf("card at %.0f px from the top with %d numbers to tap; want it on the first screen with one per category", m.CardTop, m.Tels)
	}
	if m.ScrollWidth > m.InnerWidth {
		t.Errorf("the client page scrolls sideways on a phone: %d px in a %d px window", m.ScrollWidth, m.InnerWidth)
	}
	shoot(t, ctx, phone, "/kaart-client")
	axeCheck(t, ctx, axe, phone, "/clienten/"+id)

	// The card's link opens the full answer for this client, prefilled.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`.call-card [data-category="gp_care"] dt a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("samenvatting")),
	)
	shoot(t, ctx, phone, "/kaart-antwoord")
	axeCheck(t, ctx, axe, phone, "/wie-is-verantwoordelijk?client="+id+"&category=gp_care")

	open(t, ctx, ts, phone, "/locaties/"+strconv.FormatInt(f.loc.ID, 10)+"/bereikbaarheidskaart")
	axeCheck(t, ctx, axe, phone, "bereikbaarheidskaart")
}
