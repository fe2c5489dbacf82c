package web_test

import (
	"context"
	"encoding/json"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
)

// TestBrowserNowCardOnAPhone: at 390×844, on Christmas night, a care worker of the provider goes
// from the start page to a client's "Nu bellen" card in one tap and sees the night route and the
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
	shoot(t, ctx, phone, "/start")
	// One tap: the start page names the organisation's clients.
	do(t, ctx,
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
		CardTop, CardHeight, GPCareBottom float64
		Tels                              int
		SmallestTel                       float64
		ScrollWidth, InnerWidth           int
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const box = s => document.querySelector(s).getBoundingClientRect();
		const tels = [...document.querySelectorAll('.call-card a[href^="tel:"]')];
		return JSON.stringify({CardTop: box('.call-card').top, CardHeight: box('.call-card').height,
			GPCareBottom: box('.call-card [data-category="gp_care"]').bottom,
			Tels: tels.length, SmallestTel: Math.min(...tels.map(a => a.getBoundingClientRect().height)),
			ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	t.Logf("card: top %.0f px, height %.0f px, GP-care row ends at %.0f px, %d numbers, the smallest %.0f px high", m.CardTop, m.CardHeight, m.GPCareBottom, m.Tels, m.SmallestTel)
	// The layout budget: 1015 px before the card was tightened, 897 px after. 112 and GP care
	// are on the first screen, and every number is a 44 px tap target.
	if m.CardHeight > 940 {
		t.Errorf("the card is %.0f px tall on a phone, over its budget of 940 px", m.CardHeight)
	}
	if m.GPCareBottom > float64(phone.height) {
		t.Errorf("the GP-care row ends at %.0f px, below the first screen (%d px)", m.GPCareBottom, phone.height)
	}
	if m.SmallestTel < 44 {
		t.Errorf("a number on the card is a %.0f px high tap target, want at least 44 px", m.SmallestTel)
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

	// A location with residents with and without treatment: the card answers per delivery.
	mixed := locByName(t, ts, "Verpleeghuis De Hofstede")
	open(t, ctx, ts, phone, "/locaties/"+strconv.FormatInt(mixed.ID, 10))
	shoot(t, ctx, phone, "/kaart-locatie")
	axeCheck(t, ctx, axe, phone, "/locaties/"+strconv.FormatInt(mixed.ID, 10))
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.call-card .variant').length`)); err != nil || n < 2 {
		t.Errorf("the card of a location with two deliveries shows %d answers per delivery (%v), want them split", n, err)
	}
}

// emulateMedia has the page's CSS apply the media type, e.g. "print" ("" turns it off).
func emulateMedia(media string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	}
}

// TestBrowserBereikbaarheidskaartPrints: printed, the bereikbaarheidskaart drops the site's
// navigation, menu, download button and footer, and keeps every row with its numbers.
func TestBrowserBereikbaarheidskaartPrints(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	ctx := browser(t)
	u, _ := f.ts.newUser(t, f.loc.ProviderID, browserPassword, mgz.RoleViewer)
	login(t, ctx, f.ts, u.Email, browserPassword)
	open(t, ctx, f.ts, desktop, "/locaties/"+strconv.FormatInt(f.loc.ID, 10)+"/bereikbaarheidskaart")
	const look = `JSON.stringify({
		hidden: ['.site-header', '.site-header nav', '.site-footer', '.no-print', '.skip-link'].filter(s => document.querySelector(s))
			.map(s => [s, [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none' || e.getClientRects().length === 0)]),
		rows: document.querySelectorAll('table.reach-card tbody tr').length,
		shownTels: [...document.querySelectorAll('table.reach-card a[href^="tel:"]')].filter(a => a.getClientRects().length > 0 && a.textContent.trim() !== '').length})`
	type shape struct {
		Hidden    [][2]any `json:"hidden"`
		Rows      int      `json:"rows"`
		ShownTels int      `json:"shownTels"`
	}
	measure := func() shape {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](look))
		if err != nil {
			t.Fatal(err)
		}
		var s shape
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	screen := measure()
	do(t, ctx, emulateMedia("print"))
	printed := measure()
	do(t, ctx, emulateMedia(""))
	if len(printed.Hidden) < 3 {
		t.Fatalf("the page lacks the parts print must hide: %v", printed.Hidden)
	}
	for _, h := range printed.Hidden {
		if h[1] != true {
			t.Errorf("printed, %v is still shown", h[0])
		}
	}
	for _, h := range screen.Hidden {
		if h[0] == ".site-header nav" && h[1] == true {
			t.Error("on screen the navigation is hidden too: the check above proves nothing")
		}
	}
	if printed.Rows != 7 || printed.ShownTels < 7 || printed.ShownTels != screen.ShownTels {
		t.Errorf("printed: %d rows and %d numbers, on screen %d numbers; want all 7 categories with every number", printed.Rows, printed.ShownTels, screen.ShownTels)
	}
}
