package handoverdoc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

func demoDoc() Doc {
	agreed := mgz.NewDate(2026, 1, 15)
	return Doc{Name: "Mevrouw Ë. Overdracht", BirthDate: mgz.NewDate(1935, 4, 3), LeadOrganisation: "SO-dienst Noord",
		MaxAgeMonths: 12, Printed: time.Date(2026, 12, 25, 3, 10, 0, 0, time.UTC),
		Handover: mgz.Handover{Version: 3, LeadPhysician: mgz.LeadElderlyCarePhysician, LeadName: "Dr. S. de Vries",
			LeadReach: "0120 555123 (dag); 's nachts via de SO-dienst 0120 555999",
			Wishes: []mgz.TreatmentWish{
				{Treatment: mgz.TreatmentResuscitation, Decision: mgz.DecisionDeny, AgreedOn: agreed, AgreedWith: mgz.AgreedWithClient},
				{Treatment: mgz.TreatmentHospitalAdmission, Decision: mgz.DecisionWithRestrictions, Restrictions: "alleen bij een heupfractuur", AgreedOn: agreed, AgreedWith: mgz.AgreedWithBoth},
				{Treatment: mgz.TreatmentAntibiotics, Decision: mgz.DecisionPermit, AgreedOn: agreed, AgreedWith: mgz.AgreedWithRepresentative},
			},
			Problems: "Dementie\nHartfalen", Medication: "Furosemide 40 mg 1x daags", Allergies: "Penicilline",
			ContactPersons: "Dochter: J. Jansen, 06 12345678", Representative: "Dochter J. Jansen (mentor)",
			CreatedAt: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), CreatedBy: "Dr. S. de Vries (SO-dienst Noord)",
			ConfirmedAt: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), ConfirmedBy: "Dr. S. de Vries (SO-dienst Noord)"}}
}

// pdfText extracts the text of a PDF with pdftotext from poppler-utils. It skips the test where
// the tool is missing, except in CI, where a skipped check would hide a gap.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing in CI: .ci/run should install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils (apt-get install poppler-utils) to check the PDF's text")
	}
	path := filepath.Join(t.TempDir(), "overdracht.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestTheHandoverPDFIsOnePageWithTheWishesFirst(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePDF(&buf, demoDoc()); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	if pages := strings.Count(text, "\f"); pages != 1 {
		t.Errorf("the PDF has %d pages, want 1", pages)
	}
	order := []string{"Mevrouw Ë. Overdracht, geboren 03-04-1935", "Versie 3, laatst bevestigd op 01-06-2026",
		"Reanimatie: NIET reanimeren", "Afgesproken op 15-01-2026 met de cliënt",
		"Ziekenhuisopname: ja, met beperkingen: alleen bij een heupfractuur", "Antibiotica: ja",
		"Regiebehandelaar en bereikbaarheid", "Dr. S. de Vries (Specialist ouderengeneeskunde (SO)), SO-dienst Noord",
		"Relevante problemen", "Dementie", "Hartfalen", "Medicatie (samenvatting)", "Furosemide", "Allergieën", "Penicilline",
		"Contactpersonen", "Wettelijk vertegenwoordiger", "Dochter J. Jansen (mentor)", "afgedrukt op 25 december 2026", LiveVersionWins}
	at := 0
	for _, want := range order {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("%q missing or out of order after byte %d in:\n%s", want, at, text)
		}
		at += i + len(want)
	}
	if strings.Contains(text, "Verouderd") {
		t.Error("a handover that is not outdated says Verouderd")
	}
}

func TestAnOutdatedHandoverSaysSo(t *testing.T) {
	d := demoDoc()
	d.Outdated = true
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "Verouderd: langer dan 12 maanden niet bevestigd") {
		t.Errorf("no outdated warning in:\n%s", text)
	}
}

func TestTheHandoverPDFIsReproduciblePerVersion(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePDF(&a, demoDoc()); err != nil {
		t.Fatal(err)
	}
	later := demoDoc()
	later.Printed = later.Printed.Add(5 * time.Hour) // the same day
	if err := WritePDF(&b, later); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same version printed the same day gives different bytes")
	}
	other := demoDoc()
	other.Handover.Version = 4
	var c bytes.Buffer
	if err := WritePDF(&c, other); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("another version gives the same bytes")
	}
}

func TestLongTextsStayOnOnePage(t *testing.T) {
	d := demoDoc()
	d.Handover.Problems = strings.Repeat("Een lang probleem met veel woorden om de pagina te vullen. ", 60)
	d.Handover.Medication = strings.Repeat("Medicijn 10 mg 3x daags\n", 60)
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	if pages := strings.Count(text, "\f"); pages != 1 {
		t.Errorf("the PDF has %d pages, want 1", pages)
	}
	if !strings.Contains(text, "zie mgz") || !strings.Contains(text, "Reanimatie: NIET reanimeren") {
		t.Errorf("a cut text is not marked, or the wishes are gone:\n%s", text)
	}
}
