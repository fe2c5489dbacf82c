package web_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// browser starts a real headless Chromium for the test and returns its tab's context, limited to
// two minutes. Without Chromium the test is skipped with a clear message, except under CI=true,
// where a missing browser is a failure: CI must run browser tests.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		skipUnlessCI(t, "no Chromium installed (apt-get install -y chromium to run the browser tests; .ci/run installs it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser; it must not carry the timeout, which would stop the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium at %s: %v", path, err)
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return tctx
}

// text returns the text of the first element matching a CSS selector, failing the test otherwise.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("reading %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// login signs in through the login form and waits for the signed-in header.
func login(t *testing.T, ctx context.Context, ts *testServer, email, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(ts.URL+"/inloggen"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".who")),
	)
}

// browserPassword is the password of the users the browser tests sign in with.
const browserPassword = "lange wachtzin voor de browsertest"

func TestBrowserCreateLocationWithValidationError(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	provs, _, err := ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	if err != nil || len(provs) == 0 {
		t.Fatalf("no demo care provider: %v", err)
	}
	u, _ := ts.newUser(t, provs[0].ID, browserPassword, mgz.RoleEditor)
	login(t, ctx, ts, u.Email, browserPassword)

	do(t, ctx, chromedp.Navigate(ts.URL+"/"))
	if h1 := text(t, ctx, "h1"); h1 != "Regio in één oogopslag" {
		t.Fatalf("start page heading = %q", h1)
	}

	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/locaties"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/locaties/nieuw"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-provider_id")),
	)
	do(t, ctx,
		chromedp.SetValue(chromedp.ID("f-provider_id"), firstOption(t, ctx)),
		chromedp.SendKeys(chromedp.ID("f-name"), "Woonvorm Browsertest"),
		chromedp.SendKeys(chromedp.ID("f-address"), "Testpad 7"),
		chromedp.SendKeys(chromedp.ID("f-postcode"), "0123 AB"),
		chromedp.SendKeys(chromedp.ID("f-municipality"), "Proefhoven"),
		chromedp.Click(chromedp.ID("f-setting-clustered_housing")),
		chromedp.Click(chromedp.ID("f-sector-disability")),
		chromedp.Click(chromedp.ID("f-deliveries-vpt")),
		chromedp.SendKeys(chromedp.ID("f-places"), "9"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-postcode-error")),
	)
	if msg := text(t, ctx, "#f-postcode-error"); !strings.Contains(msg, "klopt niet") {
		t.Fatalf("postcode error = %q", msg)
	}
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-name")))
	if err != nil || kept != "Woonvorm Browsertest" {
		t.Fatalf("typed name not kept after the refusal: %q (%v)", kept, err)
	}
	// The progressive enhancement moves focus to the error summary.
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	if err != nil || focused != "foutoverzicht" {
		t.Errorf("focus after a refused form = %q (%v), want the error summary", focused, err)
	}

	do(t, ctx,
		chromedp.Clear(chromedp.ID("f-postcode")),
		chromedp.SendKeys(chromedp.ID("f-postcode"), "9902 zz"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if n := text(t, ctx, ".notice"); !strings.Contains(n, "opgeslagen") {
		t.Fatalf("notice after saving = %q", n)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/locaties"]`)),
		chromedp.WaitVisible(chromedp.ID("f-q")),
		chromedp.SendKeys(chromedp.ID("f-q"), "Browsertest"),
		chromedp.Submit(chromedp.ID("f-q")),
		chromedp.WaitVisible(chromedp.CSS(`table tbody tr`)),
	)
	if listed := text(t, ctx, "table tbody"); !strings.Contains(listed, "Woonvorm Browsertest") || !strings.Contains(listed, "Proefhoven") {
		t.Fatalf("new location not listed: %q", listed)
	}
}

// firstOption returns the value of the first real option of the provider select.
func firstOption(t *testing.T, ctx context.Context) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-provider_id').options[1].value`))
	if err != nil || v == "" {
		t.Fatalf("no provider to choose: %q (%v)", v, err)
	}
	return v
}

// TestBrowserDecideFormShowsTheFirstStep fills "Wie is er verantwoordelijk?" as a care worker
// would at night and reads whom to call first.
func TestBrowserDecideFormShowsTheFirstStep(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	u, _ := ts.newUser(t, ts.rho.ID, browserPassword, mgz.RoleViewer)
	login(t, ctx, ts, u.Email, browserPassword)
	do(t, ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.Click(chromedp.CSS(`nav a[href="/wie-is-verantwoordelijk"]`)),
		chromedp.WaitVisible(chromedp.ID("f-location_id")),
	)
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll('#f-location_id option')].find(o => o.textContent.startsWith('Woonvorm De Zonnebloem')).value`))
	if err != nil || loc == "" {
		t.Fatalf("demo location not offered: %v", err)
	}
	do(t, ctx,
		chromedp.SetValue(chromedp.ID("f-location_id"), loc),
		chromedp.SetValue(chromedp.ID("f-category"), "wzd"),
		chromedp.SetValue(chromedp.ID("f-at"), "2026-12-25T03:10"),
		chromedp.Click(chromedp.ID("f-wlz-without_treatment")),
		chromedp.SetValue(chromedp.ID("f-delivery"), "pgb"),
		chromedp.Click(chromedp.CSS(`form.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("samenvatting")),
	)
	first := text(t, ctx, "ol.steps li:first-child")
	if !strings.Contains(first, "Voorwacht") || !strings.Contains(first, "Stichting Gehandicaptenzorg Voorbeeld") {
		t.Fatalf("first step = %q, want the voorwacht of the location's provider", first)
	}
	phone, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("ol.steps li:first-child a.phone"), "href"))
	if err != nil || !strings.HasPrefix(phone.Value, "tel:") {
		t.Fatalf("first step has no phone link: %+v %v", phone, err)
	}
	if period := text(t, ctx, ".period"); !strings.Contains(period, "Eerste Kerstdag") {
		t.Errorf("period line = %q", period)
	}
}

// TestBrowserLoginRefusedElsewhereLogout signs in with a one-time password as the admin of a GP
// practice, chooses an own password, is refused the edit page of another organisation, and logs
// out: after that, the pages ask for a login again.
func TestBrowserLoginRefusedElsewhereLogout(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	bg := context.Background()
	gps, _, err := ts.reg.Organisations(bg, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	if err != nil || len(gps) == 0 {
		t.Fatalf("no demo practice: %v", err)
	}
	provs, _, err := ts.reg.Organisations(bg, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	if err != nil || len(provs) == 0 {
		t.Fatalf("no demo provider: %v", err)
	}
	u, oneTime := ts.newUser(t, gps[0].ID, "", mgz.RoleAdmin, mgz.RolePhysician)

	// A wrong password is refused without saying whether the account exists.
	do(t, ctx,
		chromedp.Navigate(ts.URL+"/organisaties"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), u.Email),
		chromedp.SendKeys(chromedp.ID("f-password"), "niet het goede wachtwoord"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	if msg := text(t, ctx, ".error-summary"); !strings.Contains(msg, "wachtwoord klopt niet") {
		t.Fatalf("refused login says %q", msg)
	}

	// The one-time password leads to choosing an own password first, then back to work.
	do(t, ctx,
		chromedp.Clear(chromedp.ID("f-password")),
		chromedp.SendKeys(chromedp.ID("f-password"), oneTime),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-current")),
		chromedp.SendKeys(chromedp.ID("f-current"), oneTime),
		chromedp.SendKeys(chromedp.ID("f-password"), browserPassword),
		chromedp.SendKeys(chromedp.ID("f-repeat"), browserPassword),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if n := text(t, ctx, ".notice"); !strings.Contains(n, "wachtwoord is opgeslagen") {
		t.Fatalf("notice after the new password = %q", n)
	}
	if who := text(t, ctx, ".who a"); !strings.Contains(who, u.Name) {
		t.Fatalf("header names %q, want %q", who, u.Name)
	}

	// Its own organisation it may edit; another organisation's edit page is refused.
	do(t, ctx, chromedp.Navigate(ts.URL+"/organisaties/"+itoa(gps[0].ID)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`a[href="/organisaties/`+itoa(gps[0].ID)+`/bewerken"]`), chromedp.NodeVisible)); err != nil {
		t.Fatalf("own organisation has no edit link: %v", err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/organisaties/"+itoa(provs[0].ID)), chromedp.WaitVisible(chromedp.CSS("h1")))
	links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href$="/bewerken"], a[href$="/verwijderen"]').length`))
	if err != nil || links != 0 {
		t.Fatalf("another organisation's page offers %d edit or delete links (%v)", links, err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/organisaties/"+itoa(provs[0].ID)+"/bewerken"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := text(t, ctx, "h1"); h1 != "Geen toegang" {
		t.Fatalf("another organisation's edit page shows %q, want Geen toegang", h1)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#f-name').length`)); err != nil || n != 0 {
		t.Fatalf("the refused page shows %d name fields of the form, want none (%v)", n, err)
	}

	// Logging out ends the session: the next page asks for a login again.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`.who button`)),
		chromedp.WaitVisible(chromedp.ID("f-email")),
	)
	if n := text(t, ctx, ".notice"); !strings.Contains(n, "uitgelogd") {
		t.Fatalf("notice after logout = %q", n)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/organisaties/"+itoa(gps[0].ID)), chromedp.WaitVisible(chromedp.ID("f-email")))
	if h1 := text(t, ctx, "h1"); h1 != "Inloggen" {
		t.Fatalf("after logout a page shows %q, want the login page", h1)
	}
}

// TestBrowserRegisterAtAnUnreadyLocation: a GP registers a demo client at a location that is not
// ready, sees the acknowledgement step, acknowledges the open items and finds them recorded.
func TestBrowserRegisterAtAnUnreadyLocation(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	bg := context.Background()
	gps := demoOrgs(t, ts, mgz.KindGPPractice, 1)
	locs := demoLocations(t, ts, mgz.LocationFilter{Setting: mgz.SettingClusteredHousing}, 1)
	u, _ := ts.newUser(t, gps[0].ID, browserPassword, mgz.RolePhysician)
	login(t, ctx, ts, u.Email, browserPassword)

	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/clienten"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/inschrijven"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-locatie")),
		chromedp.SetValue(chromedp.ID("f-locatie"), itoa(locs[0].ID)),
		chromedp.Submit(chromedp.ID("f-locatie")),
		chromedp.WaitVisible(chromedp.CSS(".not-ready")),
	)
	if msg := text(t, ctx, ".not-ready"); !strings.Contains(msg, "Niet klaar") {
		t.Fatalf("readiness = %q", msg)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-name"), "Mevrouw Browsertest"),
		chromedp.SetValue(chromedp.ID("f-birth_date"), "1940-02-03"),
		chromedp.SetValue(chromedp.ID("f-sector"), string(locs[0].Sector)),
		chromedp.Click(chromedp.ID("f-wlz-without_treatment")),
		chromedp.SetValue(chromedp.ID("f-delivery"), "vpt"),
		chromedp.Click(chromedp.CSS(`form[action="/inschrijven"][method="post"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-open_items_acknowledged-error")),
	)
	kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-name")))
	if err != nil || kept != "Mevrouw Browsertest" {
		t.Fatalf("typed name not kept: %q (%v)", kept, err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const bs = document.querySelectorAll('input[name=open_items_acknowledged]'); bs.forEach(b => b.checked = true); return bs.length })()`))
	if err != nil || n == 0 {
		t.Fatalf("no open items to acknowledge: %d %v", n, err)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/inschrijven"][method="post"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if h1 := text(t, ctx, "h1"); h1 != "Mevrouw Browsertest" {
		t.Fatalf("after registering: %q", h1)
	}
	_, rd, err := ts.svc.Readiness(bg, service.System(), locs[0].ID)
	if err != nil || len(rd.Open) == 0 {
		t.Fatalf("readiness: %v", err)
	}
	first, ok := mgz.PrerequisiteByKey(rd.Open[0])
	if !ok {
		t.Fatalf("open item %q is not a known prerequisite", rd.Open[0])
	}
	if regs := text(t, ctx, "section[aria-labelledby=inschrijvingen] table"); !strings.Contains(regs, first.Requirement) {
		t.Fatalf("the registration does not show the acknowledged item %q: %q", first.Requirement, regs)
	}
}

// TestBrowserAgreementFromDraftToActive: an editor of a care provider drafts a subcontract, offers
// it for signing and signs; a physician of the practice signs too, and the agreement is active.
func TestBrowserAgreementFromDraftToActive(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)
	insts := demoLocations(t, ts, mgz.LocationFilter{Setting: mgz.SettingInstitution}, 1)
	gps := demoOrgs(t, ts, mgz.KindGPPractice, 1)
	providerUser, _ := ts.newUser(t, insts[0].ProviderID, browserPassword, mgz.RoleEditor)
	practiceUser, _ := ts.newUser(t, gps[0].ID, browserPassword, mgz.RolePhysician)

	login(t, ctx, ts, providerUser.Email, browserPassword)
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/overeenkomsten"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/overeenkomsten/nieuw"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.ID("f-type-subcontract")),
		chromedp.Click(chromedp.ID("f-type-subcontract")),
		chromedp.SetValue(chromedp.ID("f-practice_id"), itoa(gps[0].ID)),
		chromedp.Click(chromedp.ID("f-loc-"+itoa(insts[0].ID))),
		chromedp.SetValue(chromedp.ID("f-start"), "2027-01-01"),
		chromedp.SendKeys(chromedp.ID("f-tariff"), "95,00"),
		chromedp.SendKeys(chromedp.ID("f-tariff_unit"), "per uur"),
		chromedp.SendKeys(chromedp.ID("f-hours_covered"), "werkdagen 08:00–17:00"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/stap/send"] button`)),
	)
	if st := text(t, ctx, "dl.facts dd strong"); st != "Concept" {
		t.Fatalf("new agreement status %q", st)
	}
	agreementURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/stap/send"] button`)),
		chromedp.WaitVisible(chromedp.ID("f-role")),
		chromedp.SendKeys(chromedp.ID("f-role"), "bestuurder"),
		chromedp.Submit(chromedp.ID("f-role")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if st := text(t, ctx, "dl.facts dd strong"); st != "Ter ondertekening" {
		t.Fatalf("after the provider signed: %q", st)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`.who button`)), chromedp.WaitVisible(chromedp.ID("f-email")))

	login(t, ctx, ts, practiceUser.Email, browserPassword)
	do(t, ctx,
		chromedp.Navigate(ts.URL+agreementURL),
		chromedp.WaitVisible(chromedp.ID("f-role")),
		chromedp.SendKeys(chromedp.ID("f-role"), "huisarts-eigenaar"),
		chromedp.Submit(chromedp.ID("f-role")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if st := text(t, ctx, "dl.facts dd strong"); st != "Actief" {
		t.Fatalf("after both parties signed: %q", st)
	}
	if sigs := text(t, ctx, "section[aria-labelledby=handtekeningen] ul"); !strings.Contains(sigs, "bestuurder") || !strings.Contains(sigs, "huisarts-eigenaar") {
		t.Fatalf("signatures shown: %q", sigs)
	}
}
