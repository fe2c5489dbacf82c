package agreementdoc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// Names with diacritics, an ampersand and a capital accent: the cases that break encodings.
const (
	practiceName = "Huisartsenpraktijk Één & Zoë"
	providerName = "Stichting Zorg Café"
	gpPostName   = "Huisartsenpost Regio Noord-Brabant ‘De Heiïg’"
	locationName = "Woonzorgvoorziening De Beekërf"
)

var annexItems = []AnnexItem{
	{Requirement: "Protocol infectiepreventie", Status: "Op orde", ValidUntil: "31 december 2027", Note: "Versie 2026 gecontroleerd door de SO.", Sources: []string{"T 2.3.2.1a"}},
	{Requirement: "Verpleegkundige of gedragskundige voorwacht beschikbaar, overdag en buiten kantooruren", Status: "Niet op orde", Note: "Nachtdienst nog niet geregeld.", Sources: []string{"T 2.3.2.3"}},
	{Requirement: "Contract met een SO of AVG, 24/7 bereikbaar voor overleg", Status: "Onbekend", Sources: []string{"L-Rol 2", "L-Rol 3"}},
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func demoCooperation() Document {
	return Document{
		Type:        TypeCooperation,
		Number:      "MGZ-2026-0007",
		Version:     3,
		VersionDate: at("2026-12-14T10:31:07+01:00"),
		Parties: []Party{
			{Role: RolePractice, Name: practiceName, AGB: "01012345", KvK: "12345678", Address: "Dorpsstraat 1", Postcode: "5611 AB", City: "Eindhoven",
				Signed: &Signature{Name: "dr. A. Ëlsen", Role: "praktijkhouder", At: at("2026-12-15T09:00:00+01:00")}},
			{Role: RoleHousing, Name: providerName, AGB: "73730001", KvK: "87654321", Address: "Kerkplein 2", Postcode: "5612 CD", City: "Eindhoven"},
			{Role: RoleGPPost, Name: gpPostName, AGB: "06060606", KvK: "11223344", Address: "Ziekenhuisweg 3", Postcode: "5613 EF", City: "Eindhoven"},
		},
		Locations: []Location{
			{Name: locationName, Address: "Beekstraat 10", Postcode: "5614 GH", Municipality: "Eindhoven", Setting: "Geclusterde woonzorgvoorziening"},
			{Name: "Huize Ons Thuis", Address: "Laan 4", Postcode: "5615 IJ", Municipality: "Veldhoven", Setting: "Instelling, verblijf zonder behandeling"},
		},
		Start:            at("2027-01-01T00:00:00+01:00"),
		TermMonths:       24,
		NoticeMonths:     3,
		EvaluationMonths: 12,
		Annex:            annexItems,
		Region:           "Zuidoost-Brabant",
	}
}

func demoSubcontract() Document {
	return Document{
		Type:        TypeSubcontract,
		Number:      "MGZ-2026-0008",
		Version:     1,
		VersionDate: at("2026-11-02T16:00:00+01:00"),
		Parties: []Party{
			{Role: RolePrincipal, Name: providerName, AGB: "73730001", KvK: "87654321", Address: "Kerkplein 2", Postcode: "5612 CD", City: "Eindhoven"},
			{Role: RoleSubcontractor, Name: practiceName, AGB: "01012345", KvK: "12345678", Address: "Dorpsstraat 1", Postcode: "5611 AB", City: "Eindhoven"},
		},
		Locations:    []Location{{Name: "Verpleeghuis Sint-Jozef", Address: "Parklaan 8", Postcode: "5616 KL", Municipality: "Eindhoven", Setting: "Instelling"}},
		Start:        at("2027-01-01T00:00:00+01:00"),
		NoticeMonths: 6,
		TariffAmount: "€ 95,00",
		TariffUnit:   "per uur",
		HoursCovered: "werkdagen 08:00–17:00",
	}
}

// htmlText parses page as XML (the template is written to be well-formed), fails the test when it
// is not, and returns the text a reader sees with entities resolved and whitespace collapsed.
func htmlText(t *testing.T, page []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	var (
		text  strings.Builder
		stack []string
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("HTML is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "style" {
				continue
			}
			text.Write(tok)
			text.WriteByte(' ')
		}
	}
	if len(stack) != 0 {
		t.Fatalf("HTML leaves elements open: %v", stack)
	}
	return strings.Join(strings.Fields(text.String()), " ")
}

func renderHTML(t *testing.T, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, d); err != nil {
		t.Fatalf("WriteHTML(%s): %v", d.Type, err)
	}
	return buf.Bytes()
}

func TestHTMLNamesPartiesLocationsTermsAndAnnex(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  Document
		want []string
	}{
		{"cooperation", demoCooperation(), []string{
			"Samenwerkingsovereenkomst", practiceName, providerName, gpPostName, "AGB-code 01012345", "onder nummer 87654321",
			locationName, "5614 GH Eindhoven (Geclusterde woonzorgvoorziening)", "Huize Ons Thuis",
			"gaat in op 1 januari 2027", "geldt voor 24 maanden, tot en met 31 december 2028", "opzegtermijn van 3 maanden",
			"ten minste eens per 12 maanden", "uiterlijk plaats op 1 januari 2028", "Versie 3 van 14 december 2026",
			"Regio Zuidoost-Brabant", "op naam", "Bijlage 1", annexItems[0].Requirement, annexItems[1].Requirement, annexItems[2].Requirement,
			"Niet op orde", "31 december 2027", "Nachtdienst nog niet geregeld.", "Bron: L-Rol 2, L-Rol 3",
			"hierna: „de Huisartsenpraktijk”", "hierna: „de Zorgaanbieder”", "hierna: „de Huisartsenpost”",
			"dr. A. Ëlsen", "praktijkhouder", "Ondertekend op 15 december 2026",
		}},
		{"subcontract", demoSubcontract(), []string{
			"Onderaannemingsovereenkomst", providerName, practiceName, "Verpleeghuis Sint-Jozef",
			"€ 95,00 per uur", "vrij tarief", "werkdagen 08:00–17:00", "niet op naam ingeschreven", "Buiten de kantooruren is de Opdrachtgever verantwoordelijk",
			"geldt voor onbepaalde tijd", "opzegtermijn van 6 maanden", "ten minste eens per 12 maanden",
			"hierna: „de Opdrachtgever”", "hierna: „de Onderaannemer”", "Versie 1 van 2 november 2026",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := htmlText(t, renderHTML(t, tc.doc))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("HTML of the %s agreement does not say %q", tc.name, w)
				}
			}
		})
	}
}

func TestHTMLIsOneSelfContainedPrintablePage(t *testing.T) {
	for _, d := range []Document{demoCooperation(), demoSubcontract()} {
		t.Run(d.Type, func(t *testing.T) {
			page := string(renderHTML(t, d))
			for _, want := range []string{"<!DOCTYPE html>", `<html lang="nl">`, `<meta charset="utf-8" />`, "@media print", "@page", "counter(page)", "</html>"} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, banned := range []string{"<script", "<link", "<img", "src=", "url(", "@import", "http://", "https://"} {
				if strings.Contains(page, banned) {
					t.Errorf("page contains %q: it must need no external assets and run no scripts", banned)
				}
			}
		})
	}
}

func TestHTMLEscapesNames(t *testing.T) {
	d := demoSubcontract()
	d.Parties[0].Name = `Zorg <script>alert("x")</script> & Co`
	page := string(renderHTML(t, d))
	if strings.Contains(page, "<script>") {
		t.Fatal("a party name reached the page as markup")
	}
	if !strings.Contains(htmlText(t, []byte(page)), `Zorg <script>alert("x")</script> & Co`) {
		t.Fatal("the escaped name does not read back as typed")
	}
}

func TestEveryPartyGetsASignatureBlock(t *testing.T) {
	for _, d := range []Document{demoCooperation(), demoSubcontract()} {
		t.Run(d.Type, func(t *testing.T) {
			page := string(renderHTML(t, d))
			if got := strings.Count(page, `<div class="signature"`) + strings.Count(page, `<div class="signature signed"`); got != len(d.Parties) {
				t.Fatalf("%d signature blocks for %d parties", got, len(d.Parties))
			}
			signed := 0
			for _, p := range d.Parties {
				if p.Signed != nil {
					signed++
				}
			}
			if got := strings.Count(page, `<div class="signature signed">`); got != signed {
				t.Fatalf("%d blocks marked signed, want %d", got, signed)
			}
			if got := strings.Count(page, `<dd class="sign"></dd>`); got != len(d.Parties)-signed {
				t.Fatalf("%d empty lines to sign, want one per unsigned party (%d)", got, len(d.Parties)-signed)
			}
		})
	}
}

// The texts refer to articles by number; these must still point at the right article.
func TestArticleCrossReferencesHold(t *testing.T) {
	for _, tc := range []struct {
		doc  Document
		want map[int]string
	}{
		{demoSubcontract(), map[int]string{1: "Begrippen", 2: "Locaties", 7: "Vergoeding"}},
		{demoCooperation(), map[int]string{1: "Begrippen", 2: "Locaties"}},
	} {
		t.Run(tc.doc.Type, func(t *testing.T) {
			m, err := build(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]string{}
			for _, s := range m.Sections {
				if s.Number > 0 {
					got[s.Number] = s.Heading
				}
			}
			for n, h := range tc.want {
				if got[n] != h {
					t.Errorf("artikel %d is %q, but the text refers to it as %q", n, got[n], h)
				}
			}
		})
	}
}

func TestDocumentWithoutWhatItNeedsIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Document)
		says   string
	}{
		{"unknown type", func(d *Document) { d.Type = "lease" }, "onbekende soort"},
		{"no number", func(d *Document) { d.Number = " " }, "nummer"},
		{"no version", func(d *Document) { d.Version = 0 }, "versienummer"},
		{"no version date: the PDF would carry the clock and not be reproducible", func(d *Document) { d.VersionDate = time.Time{} }, "datum van de versie"},
		{"no start", func(d *Document) { d.Start = time.Time{} }, "ingangsdatum"},
		{"one party", func(d *Document) { d.Parties = d.Parties[:1] }, "twee partijen"},
		{"nameless party", func(d *Document) { d.Parties[1].Name = "\n" }, "partij 2 heeft geen naam"},
		{"negative term", func(d *Document) { d.NoticeMonths = -1 }, "niet negatief"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := demoCooperation()
			tc.change(&d)
			for name, write := range map[string]func(io.Writer, Document) error{"HTML": WriteHTML, "PDF": WritePDF} {
				var buf bytes.Buffer
				err := write(&buf, d)
				if err == nil || !strings.Contains(err.Error(), tc.says) {
					t.Errorf("%s: error %v, want one that says %q", name, err, tc.says)
				}
				if buf.Len() != 0 {
					t.Errorf("%s: %d bytes written for a refused document", name, buf.Len())
				}
			}
		})
	}
}

func TestParseTextReadsTheMarkup(t *testing.T) {
	got := parseText(`# Partijen
De ondergetekenden:
- A;
- B,

## Begrippen
Eén alinea
over twee regels.

## Opdracht
Eerste.

Tweede:
- punt
`)
	want := []section{
		{Heading: "Partijen", Paras: []para{{Text: "De ondergetekenden:", Items: []string{"A;", "B,"}}}},
		{Number: 1, Heading: "Begrippen", Paras: []para{{Text: "Eén alinea over twee regels."}}},
		{Number: 2, Heading: "Opdracht", Paras: []para{{Number: "2.1", Text: "Eerste."}, {Number: "2.2", Text: "Tweede:", Items: []string{"punt"}}}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sections %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Number != w.Number || g.Heading != w.Heading || len(g.Paras) != len(w.Paras) {
			t.Fatalf("section %d = %+v, want %+v", i, g, w)
		}
		for j := range w.Paras {
			if g.Paras[j].Number != w.Paras[j].Number || g.Paras[j].Text != w.Paras[j].Text || strings.Join(g.Paras[j].Items, "|") != strings.Join(w.Paras[j].Items, "|") {
				t.Fatalf("section %d paragraph %d = %+v, want %+v", i, j, g.Paras[j], w.Paras[j])
			}
		}
	}
}

func TestDutchDatesAndMonths(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{at("2027-01-01T00:00:00+01:00"), "1 januari 2027"},
		{at("2026-03-31T23:00:00+02:00"), "31 maart 2026"},
		{at("2028-12-25T12:00:00Z"), "25 december 2028"},
		{time.Time{}, ""},
	} {
		if got := dutchDate(tc.in); got != tc.want {
			t.Errorf("dutchDate(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := dutchMonths(1); got != "1 maand" {
		t.Errorf("dutchMonths(1) = %q", got)
	}
	if got := dutchMonths(12); got != "12 maanden" {
		t.Errorf("dutchMonths(12) = %q", got)
	}
}

// A name typed with a line break must not open a new article or list item in the text.
func FuzzNamesCannotChangeTheStructure(f *testing.F) {
	f.Add("Huisartsenpraktijk Één & Zoë", "De Beekërf")
	f.Add("X\n## Artikel", "- item\n# Kop")
	f.Add("\x00\xff<b>", "]]> &amp;")
	want, err := build(demoCooperation())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, party, location string) {
		d := demoCooperation()
		d.Parties[1].Name = party
		d.Locations[0].Name = location
		if clean(party) == "" {
			return // refused, as TestDocumentWithoutWhatItNeedsIsRefused shows
		}
		m, err := build(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Sections) != len(want.Sections) {
			t.Fatalf("%d sections, want %d", len(m.Sections), len(want.Sections))
		}
		for i := range m.Sections {
			if m.Sections[i].Heading != want.Sections[i].Heading || len(m.Sections[i].Paras) != len(want.Sections[i].Paras) {
				t.Fatalf("section %d became %q with %d paragraphs", i, m.Sections[i].Heading, len(m.Sections[i].Paras))
			}
		}
		htmlText(t, renderHTML(t, d))
		if err := WritePDF(io.Discard, d); err != nil {
			t.Fatal(err)
		}
	})
}
