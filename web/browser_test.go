package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no Chromium found: .ci/run must install it (apt-get install -y chromium)")
		}
		t.Skip("browser test skipped: no Chromium installed (apt-get install chromium to run it)")
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

func TestBrowserCreateLocationWithValidationError(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := browser(t)

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
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
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
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
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
