package web_test

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/calendar"
)

// pdfToText extracts a PDF's text with pdftotext (poppler-utils; .ci/run installs it). It skips
// where the tool is missing, except under CI=true.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		skipUnlessCI(t, "pdftotext not found: install poppler-utils to check the PDF's text")
	}
	path := filepath.Join(t.TempDir(), "kaart.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestBereikbaarheidskaart(t *testing.T) {
	printed := time.Date(2026, 12, 24, 15, 0, 0, 0, calendar.Location())
	f := newCardFixture(t, printed)
	lid := strconv.FormatInt(f.loc.ID, 10)
	wantAll := func(t *testing.T, what, text string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s lacks %q", what, w)
			}
		}
	}
	t.Run("the page: both periods per category, numbers, the date and that the live answer wins", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart", nil)
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		body := string(r.body)
		wantAll(t, "page", body, html.EscapeString(f.loc.Name), "Kantooruren (werkdagen 08:00–17:00)", "ANW-uren", "afgedrukt op 24 december 2026",
			"Het actuele antwoord in mgz gaat voor", "Levensbedreigend", "Huisartsenzorg", "Verzorging en verpleging", `href="tel:`,
			`href="/locaties/`+lid+`/bereikbaarheidskaart.pdf"`)
		if strings.Contains(body, html.EscapeString(f.client.Name)) {
			t.Error("the card names a client")
		}
	})
	t.Run("the PDF passes pdftotext and is the same for the same data and date", func(t *testing.T) {
		r := f.carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart.pdf", nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
		}
		again := f.carer.do(t, "GET", "/locaties/"+lid+"/bereikbaarheidskaart.pdf", nil)
		if !bytes.Equal(r.body, again.body) {
			t.Error("two downloads of the same card on the same date differ")
		}
		text := pdfToText(t, r.body)
		wantAll(t, "PDF", text, "Bereikbaarheidskaart", f.loc.Name, "Kantooruren", "ANW-uren", "afgedrukt op 24 december 2026",
			"Het actuele antwoord in mgz gaat voor", "Levensbedreigend", "Huisartsenzorg", "Onvrijwillige zorg (Wzd)", "112", "Huisartsenpost")
		if strings.Count(text, "\f") > 1 {
			t.Errorf("the card takes %d pages, want one", strings.Count(text, "\f"))
		}
		if strings.Contains(text, f.client.Name) {
			t.Error("the PDF names a client")
		}
	})
	t.Run("a location that does not exist: 404", func(t *testing.T) {
		for _, p := range []string{"/locaties/99999999/bereikbaarheidskaart", "/locaties/99999999/bereikbaarheidskaart.pdf"} {
			if r := f.stranger.do(t, "GET", p, nil); r.status != 404 {
				t.Errorf("%s: status %d, want 404", p, r.status)
			}
		}
	})
}
