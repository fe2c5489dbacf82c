// Package agreementdoc renders the agreements of domain.md §8 as Dutch documents: a print-ready
// HTML page and a PDF. The wording is mgz's own (templates/*.tmpl), filled with the parties,
// locations, dates, tariff and annex of one version of an agreement. Both formats are built from
// the same text, so they never say different things.
//
// The package is pure: it reads nothing and writes only to the io.Writer it is given. The PDF is
// reproducible: the same Document gives the same bytes.
package agreementdoc

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"
)

// The agreement types of domain.md §8, as Document.Type.
const (
	TypeSubcontract = "subcontract"
	TypeCooperation = "cooperation"
)

// Dutch roles of the parties. The agreement text calls each party by the word before the
// parenthesis ("de Opdrachtgever"), so a party with another role still reads well.
const (
	RolePrincipal     = "Opdrachtgever (zorgaanbieder)"      // subcontract: the care provider
	RoleSubcontractor = "Onderaannemer (huisartsenpraktijk)" // subcontract: the GP practice
	RolePractice      = "Huisartsenpraktijk"                 // cooperation
	RoleHousing       = "Zorgaanbieder (woonvoorziening)"    // cooperation: housing/care provider
	RoleGPPost        = "Huisartsenpost"                     // cooperation: the region's GP post
)

// DefaultEvaluationMonths is the evaluation cadence when a Document gives none: yearly, as the
// agreement records do.
const DefaultEvaluationMonths = 12

// Party is one organisation that signs the agreement.
type Party struct {
	// Role is the party's role in Dutch, e.g. RolePrincipal.
	Role                                    string
	Name, AGB, KvK, Address, Postcode, City string
	// Signed is the signature on this version; nil leaves lines to sign on paper.
	Signed *Signature
}

// Signature is who signed for a party, in which function, and when.
type Signature struct {
	Name, Role string
	At         time.Time
}

// Location is a location the agreement covers.
type Location struct {
	Name, Address, Postcode, Municipality string
	// Setting is the Dutch label of the setting, e.g. "Geclusterde woonzorgvoorziening".
	Setting string
}

// AnnexItem is one prerequisite of domain.md §5 in the annex of a cooperation agreement.
type AnnexItem struct {
	Requirement string
	Status      string // Dutch label, e.g. "Op orde"
	ValidUntil  string // as the caller wants it shown, e.g. "31 december 2027"; may be empty
	Note        string
	Sources     []string // e.g. "T 2.3.2.1"
}

// Document is one version of an agreement, ready to render.
type Document struct {
	Type    string // TypeSubcontract or TypeCooperation
	Number  string // e.g. "MGZ-2026-0007"
	Version int
	// VersionDate is the moment this version was made. It is printed in the text and is the
	// PDF's creation and modification date, so the PDF of a version is reproducible.
	VersionDate time.Time
	Parties     []Party
	Locations   []Location
	Start       time.Time
	// TermMonths is the duration; 0 means an indefinite period.
	TermMonths   int
	NoticeMonths int
	// EvaluationMonths is the evaluation cadence; 0 means DefaultEvaluationMonths.
	EvaluationMonths int
	// Subcontract only: the free tariff, e.g. "€ 95,00" "per uur", and the hours it covers,
	// e.g. "werkdagen 08:00–17:00".
	TariffAmount, TariffUnit, HoursCovered string
	// Annex is, for a cooperation agreement, the §5 prerequisites with their status. Pass the
	// status as it was for this version: a changed status changes the document's bytes.
	Annex  []AnnexItem
	Region string
}

// Title is the Dutch title of the agreement.
func (d Document) Title() string {
	switch d.Type {
	case TypeSubcontract:
		return "Onderaannemingsovereenkomst huisartsenzorg"
	case TypeCooperation:
		return "Samenwerkingsovereenkomst huisartsenzorg in de woonvoorziening"
	}
	return "Overeenkomst"
}

// subtitle says what the agreement is about, under the title.
func (d Document) subtitle() string {
	switch d.Type {
	case TypeSubcontract:
		return "voor cliënten met een Wlz-indicatie die verblijven met behandeling"
	case TypeCooperation:
		return "tussen huisartsenpraktijk, zorgaanbieder en huisartsenpost, voor cliënten met een Wlz-indicatie zonder behandeling"
	}
	return ""
}

// validate reports, in Dutch, what a Document lacks to be rendered. A zero VersionDate is refused
// because the PDF library would then stamp the current time and the PDF would not be reproducible.
func (d Document) validate() error {
	var problems []string
	if d.Type != TypeSubcontract && d.Type != TypeCooperation {
		problems = append(problems, fmt.Sprintf("onbekende soort overeenkomst %q (kies %q of %q)", d.Type, TypeSubcontract, TypeCooperation))
	}
	if strings.TrimSpace(d.Number) == "" {
		problems = append(problems, "het nummer van de overeenkomst ontbreekt")
	}
	if d.Version < 1 {
		problems = append(problems, "het versienummer moet 1 of hoger zijn")
	}
	if d.VersionDate.IsZero() {
		problems = append(problems, "de datum van de versie ontbreekt")
	}
	if d.Start.IsZero() {
		problems = append(problems, "de ingangsdatum ontbreekt")
	}
	if len(d.Parties) < 2 {
		problems = append(problems, "een overeenkomst heeft minstens twee partijen")
	}
	for i, p := range d.Parties {
		if strings.TrimSpace(p.Name) == "" {
			problems = append(problems, fmt.Sprintf("partij %d heeft geen naam", i+1))
		}
	}
	if d.TermMonths < 0 || d.NoticeMonths < 0 || d.EvaluationMonths < 0 {
		problems = append(problems, "looptijd, opzegtermijn en evaluatietermijn zijn niet negatief")
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("agreementdoc: document niet op te maken: " + strings.Join(problems, "; "))
}

//go:embed templates/*.tmpl
var textFS embed.FS

// texts holds the agreement texts; parsed once, only read afterwards.
var texts = template.Must(template.New("").Option("missingkey=error").Funcs(template.FuncMap{
	"datum":   dutchDate,
	"maanden": dutchMonths,
	"term":    term,
}).ParseFS(textFS, "templates/*.tmpl"))

// textData is what the agreement texts see: the document and the dates derived from it.
type textData struct {
	Document
	End             time.Time // last day of a fixed term
	EvaluationEvery int
	FirstEvaluation time.Time
}

// section is a part of the agreement: an unnumbered part ("Partijen") or a numbered article.
type section struct {
	Number  int // 0 for an unnumbered part
	Heading string
	Paras   []para
}

// para is a paragraph, numbered "3.2" in an article of more than one paragraph, and the list that
// follows it.
type para struct {
	Number string
	Text   string
	Items  []string
}

// sigBlock is the signature block of one party.
type sigBlock struct {
	Party, Role          string
	Signed               bool
	Name, Function, Date string
}

// annexView is Bijlage 1 of a cooperation agreement.
type annexView struct {
	Heading, Intro string
	Items          []AnnexItem
}

// model is the document as both renderers draw it.
type model struct {
	Title, Subtitle string
	Meta            []string // number, version, region
	Sections        []section
	SignIntro       string
	Signatures      []sigBlock
	Annex           *annexView
	Footer          string
	// Draft is set while not every party has signed this version: both formats then carry a
	// CONCEPT mark, so a printed draft is never mistaken for the agreement in force.
	Draft bool
}

// draftMark is the line a draft carries at the top of every page.
const draftMark = "CONCEPT – nog niet door alle partijen ondertekend"

// build validates d and turns it into the model both formats draw.
func build(d Document) (model, error) {
	d = d.cleaned()
	if err := d.validate(); err != nil {
		return model{}, err
	}
	td := textData{Document: d, EvaluationEvery: d.EvaluationMonths}
	if td.EvaluationEvery == 0 {
		td.EvaluationEvery = DefaultEvaluationMonths
	}
	if d.TermMonths > 0 {
		td.End = d.Start.AddDate(0, d.TermMonths, -1)
	}
	td.FirstEvaluation = d.Start.AddDate(0, td.EvaluationEvery, 0)
	var buf bytes.Buffer
	if err := texts.ExecuteTemplate(&buf, d.Type+".tmpl", td); err != nil {
		return model{}, fmt.Errorf("agreementdoc: tekst van %s: %w", d.Type, err)
	}
	m := model{
		Title:     d.Title(),
		Subtitle:  d.subtitle(),
		Meta:      []string{"Nummer " + d.Number, "Versie " + strconv.Itoa(d.Version) + " van " + dutchDate(d.VersionDate)},
		Sections:  parseText(buf.String()),
		SignIntro: "Aldus overeengekomen en ondertekend:",
		Footer:    d.Title() + " · " + d.Number + " · versie " + strconv.Itoa(d.Version),
	}
	if r := d.Region; r != "" {
		// Region names often start with "Regio" themselves ("Regio Voorbeeld").
		if !strings.HasPrefix(strings.ToLower(r), "regio") {
			r = "Regio " + r
		}
		m.Meta = append(m.Meta, r)
	}
	for _, p := range d.Parties {
		if p.Signed == nil {
			m.Draft = true
		}
		b := sigBlock{Party: p.Name, Role: p.Role}
		if s := p.Signed; s != nil {
			b.Signed, b.Name, b.Function, b.Date = true, s.Name, s.Role, dutchDate(s.At)
		}
		m.Signatures = append(m.Signatures, b)
	}
	if d.Type == TypeCooperation {
		m.Annex = &annexView{
			Heading: "Bijlage 1 – Randvoorwaarden per locatie",
			Intro: "De randvoorwaarden die de Zorgaanbieder op elke locatie op orde heeft, en hoe het daarmee staat. " +
				"De Zorgaanbieder houdt deze stand actueel en meldt wijzigingen aan de andere Partijen.",
			Items: d.Annex,
		}
	}
	return m, nil
}

// parseText reads the light markup of the agreement texts: "# " starts an unnumbered part, "## "
// a numbered article, a blank line ends a paragraph, "- " is a list item; other lines of one
// paragraph are joined. Leading and trailing spaces of every line are ignored, so the templates
// may be indented freely.
func parseText(s string) []section {
	var (
		out     []section
		article int
		open    bool // the last paragraph still takes lines
	)
	current := func() *section {
		if len(out) == 0 {
			out = append(out, section{})
		}
		return &out[len(out)-1]
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			open = false
		case strings.HasPrefix(line, "## "):
			article++
			out = append(out, section{Number: article, Heading: strings.TrimSpace(line[3:])})
			open = false
		case strings.HasPrefix(line, "# "):
			out = append(out, section{Heading: strings.TrimSpace(line[2:])})
			open = false
		case strings.HasPrefix(line, "- "):
			sec := current()
			if len(sec.Paras) == 0 {
				sec.Paras = append(sec.Paras, para{})
			}
			p := &sec.Paras[len(sec.Paras)-1]
			p.Items = append(p.Items, strings.TrimSpace(line[2:]))
			open = false
		default:
			sec := current()
			if open && len(sec.Paras) > 0 {
				p := &sec.Paras[len(sec.Paras)-1]
				p.Text += " " + line
			} else {
				sec.Paras = append(sec.Paras, para{Text: line})
			}
			open = true
		}
	}
	for i := range out {
		sec := &out[i]
		if sec.Number == 0 || len(sec.Paras) < 2 {
			continue
		}
		for j := range sec.Paras {
			sec.Paras[j].Number = fmt.Sprintf("%d.%d", sec.Number, j+1)
		}
	}
	return out
}

// term is the word the text calls a party by: its role up to the parenthesis.
func term(role string) string {
	if i := strings.Index(role, " ("); i > 0 {
		role = role[:i]
	}
	if role = strings.TrimSpace(role); role == "" {
		return "Partij"
	}
	return role
}

var dutchMonthNames = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// dutchDate writes a date the Dutch way, "1 januari 2027", in the time's own location.
func dutchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonthNames[t.Month()-1], t.Year())
}

// dutchMonths writes a number of months: "1 maand", "12 maanden".
func dutchMonths(n int) string {
	if n == 1 {
		return "1 maand"
	}
	return strconv.Itoa(n) + " maanden"
}

// cleaned returns d with every text on one line: line breaks and other control characters become
// spaces and runs of spaces one, and invalid UTF-8 is replaced. A name can then never start a new
// article or list item in the agreement text, nor break the HTML.
func (d Document) cleaned() Document {
	d.Type, d.Number, d.Region = clean(d.Type), clean(d.Number), clean(d.Region)
	d.TariffAmount, d.TariffUnit, d.HoursCovered = clean(d.TariffAmount), clean(d.TariffUnit), clean(d.HoursCovered)
	parties := make([]Party, len(d.Parties))
	for i, p := range d.Parties {
		p.Role, p.Name, p.AGB, p.KvK = clean(p.Role), clean(p.Name), clean(p.AGB), clean(p.KvK)
		p.Address, p.Postcode, p.City = clean(p.Address), clean(p.Postcode), clean(p.City)
		if p.Signed != nil {
			s := *p.Signed
			s.Name, s.Role = clean(s.Name), clean(s.Role)
			p.Signed = &s
		}
		parties[i] = p
	}
	d.Parties = parties
	locs := make([]Location, len(d.Locations))
	for i, l := range d.Locations {
		locs[i] = Location{Name: clean(l.Name), Address: clean(l.Address), Postcode: clean(l.Postcode),
			Municipality: clean(l.Municipality), Setting: clean(l.Setting)}
	}
	d.Locations = locs
	annex := make([]AnnexItem, len(d.Annex))
	for i, a := range d.Annex {
		src := make([]string, len(a.Sources))
		for j, s := range a.Sources {
			src[j] = clean(s)
		}
		annex[i] = AnnexItem{Requirement: clean(a.Requirement), Status: clean(a.Status),
			ValidUntil: clean(a.ValidUntil), Note: clean(a.Note), Sources: src}
	}
	d.Annex = annex
	return d
}

// clean puts s on one line of valid UTF-8 without control characters.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
