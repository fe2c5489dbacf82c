package agreementdoc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func renderPDF(t *testing.T, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatalf("WritePDF(%s): %v", d.Type, err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("WritePDF(%s) wrote no PDF", d.Type)
	}
	return buf.Bytes()
}

func TestPDFIsReproducibleForTheSameVersion(t *testing.T) {
	for _, d := range []Document{demoCooperation(), demoSubcontract()} {
		t.Run(d.Type, func(t *testing.T) {
			first, second := renderPDF(t, d), renderPDF(t, d)
			if !bytes.Equal(first, second) {
				t.Fatal("two renders of the same version differ")
			}
			stamp := "D:" + d.VersionDate.UTC().Format("20060102150405")
			if !bytes.Contains(first, []byte(stamp)) {
				t.Fatalf("the PDF's dates are not the version date (%s)", stamp)
			}

			// The same moment written in another zone is the same version.
			same := d
			same.VersionDate = d.VersionDate.UTC()
			if !bytes.Equal(first, renderPDF(t, same)) {
				t.Fatal("the same version date in UTC gives other bytes")
			}

			later := d
			later.VersionDate = d.VersionDate.Add(time.Minute)
			if bytes.Equal(first, renderPDF(t, later)) {
				t.Fatal("another version date gives the same bytes")
			}
		})
	}
}

// pdfText extracts the text of a PDF with pdftotext from poppler-utils (.ci/run installs it). It
// skips the test where the tool is missing, except in CI, where a skipped check would hide a gap.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing in CI: .ci/run should install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils (apt-get install poppler-utils) to check the PDF's text")
	}
	path := filepath.Join(t.TempDir(), "overeenkomst.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	// -raw keeps the order in which the text was drawn, so a table cell's lines stay together.
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestPDFTextKeepsDiacriticsPartiesAndAnnex(t *testing.T) {
	for _, tc := range []struct {
		doc  Document
		want []string
	}{
		{demoCooperation(), []string{
			"Samenwerkingsovereenkomst", practiceName, providerName, gpPostName, locationName,
			"AGB-code 01012345", "1 januari 2027", "Versie 3 van 14 december 2026",
			"Bijlage 1", annexItems[0].Requirement, annexItems[1].Requirement, annexItems[2].Requirement,
			"Op orde", "Niet op orde", "Onbekend", "Nachtdienst nog niet geregeld.", "Bron: T 2.3.2.1a",
			"Ondertekening", "dr. A. Ëlsen", "Ondertekend op 15 december 2026", "Handtekening",
			"Duur en beëindiging", "cliënten", "patiëntoverdracht", "‘De Heiïg’", // ë, ï and curly quotes
		}},
		{demoSubcontract(), []string{
			"Onderaannemingsovereenkomst", providerName, practiceName, "Verpleeghuis Sint-Jozef",
			"€ 95,00 per uur", "werkdagen 08:00–17:00", "„de Opdrachtgever”", "Ondertekening",
			"Pagina 1 van",
		}},
	} {
		t.Run(tc.doc.Type, func(t *testing.T) {
			raw := pdfText(t, renderPDF(t, tc.doc))
			text := strings.Join(strings.Fields(raw), " ") // a name may wrap over two lines
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF's text lacks %q", w)
				}
			}
			pages := regexp.MustCompile(`Pagina (\d+) van (\d+)`).FindAllStringSubmatch(text, -1)
			if len(pages) < 2 || pages[0][1] != "1" {
				t.Fatalf("page numbers %v: want \"Pagina 1 van N\" on every page of a multi-page agreement", pages)
			}
			n := pages[0][2]
			for i, p := range pages {
				if p[1] != strconv.Itoa(i+1) || p[2] != n {
					t.Errorf("page %d reads %q", i+1, p[0])
				}
			}
			if strings.Contains(text, "{nb}") {
				t.Error("the page-count alias was not replaced")
			}
		})
	}
}

// The blocks to sign must not break over a page: the party's name and its signature line share a page.
func TestPDFKeepsEachSignatureBlockOnOnePage(t *testing.T) {
	d := demoCooperation()
	// Push the signatures towards a page end by adding locations, for several lengths.
	for extra := 0; extra < 40; extra++ {
		dd := d
		dd.Locations = append([]Location(nil), d.Locations...)
		for i := 0; i < extra; i++ {
			dd.Locations = append(dd.Locations, Location{Name: "Locatie " + strings.Repeat("x", i%5), Address: "Straat 1", Postcode: "1234 AB", Municipality: "Oss"})
		}
		raw := pdfText(t, renderPDF(t, dd))
		pages := strings.Split(raw, "\f")
		for _, p := range dd.Parties {
			for _, page := range pages {
				flat := strings.Join(strings.Fields(page), " ")
				if !strings.Contains(flat, p.Name+" "+p.Role) {
					continue
				}
				if !strings.Contains(flat[strings.Index(flat, p.Name+" "+p.Role):], "Handtekening") {
					t.Errorf("%d extra locations: the block of %s breaks over a page", extra, p.Name)
				}
			}
		}
	}
}

// TestDraftCarriesTheConceptMark: a version some party has not signed says CONCEPT at the top
// of the HTML page and of every PDF page; a version signed by all parties does not.
func TestDraftCarriesTheConceptMark(t *testing.T) {
	signed := demoSubcontract()
	for i := range signed.Parties {
		signed.Parties[i].Signed = &Signature{Name: "Ondertekenaar", Role: "bestuurder", At: at("2026-12-15T09:00:00+01:00")}
	}
	unsigned := demoSubcontract()
	unsigned.Parties[0].Signed = nil
	for _, tc := range []struct {
		name  string
		doc   Document
		draft bool
	}{{"one party not signed", unsigned, true}, {"all parties signed", signed, false}} {
		t.Run(tc.name, func(t *testing.T) {
			page := htmlText(t, renderHTML(t, tc.doc))
			if got := strings.Contains(page, "CONCEPT"); got != tc.draft {
				t.Errorf("HTML says CONCEPT: %v, want %v", got, tc.draft)
			}
			pdf := renderPDF(t, tc.doc)
			pages := strings.Split(pdfText(t, pdf), "\f")
			for i, p := range pages {
				if strings.TrimSpace(p) == "" {
					continue
				}
				if got := strings.Contains(p, "CONCEPT – nog niet door alle partijen ondertekend"); got != tc.draft {
					t.Errorf("PDF page %d says CONCEPT: %v, want %v", i+1, got, tc.draft)
				}
			}
			if again := renderPDF(t, tc.doc); !bytes.Equal(again, pdf) {
				t.Error("the PDF is not byte for byte the same when rendered twice")
			}
		})
	}
}
