package agreementdoc

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry in millimetres (A4) and type sizes in points.
const (
	marginLeft   = 22.0
	marginRight  = 22.0
	marginTop    = 20.0
	marginBottom = 22.0
	bodySize     = 10.0
	lineHeight   = 5.0
	numWidth     = 10.0 // room for "10.3" before a numbered paragraph
	itemIndent   = 6.0  // room for the bullet before a list item
)

// WritePDF writes d as an A4 PDF: Helvetica in the cp1252 code page (so ë, é, ï and € print
// without embedding a font), "Pagina X van Y" in the footer, and a signature block per party that
// is never split over two pages. The same Document gives the same bytes.
func WritePDF(w io.Writer, d Document) error {
	m, err := build(d)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	// Reproducible output: fixed dates instead of the clock (UTC, so the same moment gives the
	// same bytes whatever zone the caller used), resources in a fixed order instead of map order,
	// and no compression, whose output could change with the Go release.
	pdf.SetCreationDate(d.VersionDate.UTC())
	pdf.SetModificationDate(d.VersionDate.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false)

	pdf.SetTitle(m.Title+" "+d.Number, true)
	pdf.SetSubject(m.Footer, true)
	pdf.SetCreator("mgz", true)
	pdf.SetLang("nl-NL")
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.AliasNbPages("")

	r := &pdfRenderer{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("cp1252")}
	pdf.SetFooterFunc(r.footer(m.Footer, m.Draft))
	r.document(m)
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("agreementdoc: PDF van %s: %w", d.Number, err)
	}
	return nil
}

// pdfRenderer draws the model on one fpdf document. tr converts UTF-8 to the cp1252 bytes of the
// core fonts; it keeps a buffer, so each document has its own.
type pdfRenderer struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func (r *pdfRenderer) width() float64 {
	w, _ := r.pdf.GetPageSize()
	return w - marginLeft - marginRight
}

// room is the height left on the page before the automatic page break.
func (r *pdfRenderer) room() float64 {
	_, h := r.pdf.GetPageSize()
	return h - marginBottom - r.pdf.GetY()
}

// keep starts a new page unless h millimetres still fit, so a block stays together.
func (r *pdfRenderer) keep(h float64) {
	if r.room() < h {
		r.pdf.AddPage()
	}
}

func (r *pdfRenderer) font(style string, size float64) {
	r.pdf.SetFont("Helvetica", style, size)
}

func (r *pdfRenderer) footer(text string, draft bool) func() {
	return func() {
		p := r.pdf
		if draft {
			// In the top margin of every page, so the mark never covers the text.
			p.SetXY(marginLeft, marginTop-11)
			r.font("B", 10)
			p.SetTextColor(177, 14, 30)
			p.CellFormat(r.width(), 6, r.tr(draftMark), "1", 0, "C", false, 0, "")
		}
		p.SetY(-marginBottom + 8)
		r.font("", 8)
		p.SetTextColor(90, 90, 90)
		w := r.width()
		p.CellFormat(w*0.7, 4, r.tr(text), "", 0, "L", false, 0, "")
		p.CellFormat(w*0.3, 4, r.tr(fmt.Sprintf("Pagina %d van {nb}", p.PageNo())), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	}
}

func (r *pdfRenderer) document(m model) {
	p := r.pdf
	p.AddPage()
	r.font("B", 16)
	p.MultiCell(0, 7.5, r.tr(m.Title), "", "L", false)
	if m.Subtitle != "" {
		r.font("", 11)
		p.MultiCell(0, 5.5, r.tr(m.Subtitle), "", "L", false)
	}
	p.Ln(1.5)
	r.font("", 9)
	p.SetTextColor(70, 70, 70)
	p.MultiCell(0, 4.5, r.tr(strings.Join(m.Meta, " · ")), "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.Ln(4)

	for _, s := range m.Sections {
		r.section(s)
	}
	r.signatures(m)
	if m.Annex != nil {
		r.annex(*m.Annex)
	}
}

func (r *pdfRenderer) heading(text string) {
	// A heading with at least three lines of its text below it, never alone at the foot of a page.
	r.keep(7 + 3*lineHeight)
	r.pdf.Ln(2)
	r.font("B", 11.5)
	r.pdf.MultiCell(0, 6, r.tr(text), "", "L", false)
	r.pdf.Ln(1)
}

func (r *pdfRenderer) section(s section) {
	switch {
	case s.Number > 0:
		r.heading(fmt.Sprintf("Artikel %d – %s", s.Number, s.Heading))
	case s.Heading != "":
		r.heading(s.Heading)
	}
	p := r.pdf
	for _, pa := range s.Paras {
		r.font("", bodySize)
		if pa.Text != "" {
			if pa.Number != "" {
				r.font("B", bodySize)
				p.CellFormat(numWidth, lineHeight, pa.Number, "", 0, "L", false, 0, "")
				r.font("", bodySize)
				p.MultiCell(r.width()-numWidth, lineHeight, r.tr(pa.Text), "", "L", false)
			} else {
				p.MultiCell(0, lineHeight, r.tr(pa.Text), "", "L", false)
			}
		}
		indent := 0.0
		if pa.Number != "" {
			indent = numWidth
		}
		for _, it := range pa.Items {
			p.SetX(marginLeft + indent)
			p.CellFormat(itemIndent, lineHeight, r.tr("•"), "", 0, "L", false, 0, "")
			p.MultiCell(r.width()-indent-itemIndent, lineHeight, r.tr(it), "", "L", false)
			p.Ln(0.6)
		}
		p.Ln(1.8)
	}
}

// signatures draws one block per party, two side by side, each pair kept on one page.
func (r *pdfRenderer) signatures(m model) {
	const (
		gap       = 10.0
		rowHeight = 7.0
		signSpace = 16.0
	)
	p := r.pdf
	blockHeight := 6 + 5 + 3*rowHeight + signSpace + 6
	r.keep(7 + 3*lineHeight + blockHeight)
	r.heading("Ondertekening")
	r.font("", bodySize)
	p.MultiCell(0, lineHeight, r.tr(m.SignIntro), "", "L", false)
	p.Ln(4)

	colW := (r.width() - gap) / 2
	for i := 0; i < len(m.Signatures); i += 2 {
		r.keep(blockHeight)
		top := p.GetY()
		bottom := top
		for j := i; j < i+2 && j < len(m.Signatures); j++ {
			x := marginLeft + float64(j-i)*(colW+gap)
			if y := r.signature(m.Signatures[j], x, top, colW, rowHeight, signSpace); y > bottom {
				bottom = y
			}
		}
		p.SetXY(marginLeft, bottom+6)
	}
}

// signature draws one block at (x, y) and returns where it ends.
func (r *pdfRenderer) signature(b sigBlock, x, y, w, rowHeight, signSpace float64) float64 {
	const labelW = 26.0
	p := r.pdf
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.3)
	p.Line(x, y, x+w, y)
	p.SetXY(x, y+1)
	r.font("B", bodySize)
	p.MultiCell(w, lineHeight, r.tr(b.Party), "", "L", false)
	p.SetX(x)
	r.font("", 9)
	p.SetTextColor(70, 70, 70)
	p.MultiCell(w, 4.5, r.tr(b.Role), "", "L", false)
	p.SetTextColor(0, 0, 0)
	yy := p.GetY() + 1.5
	rows := [][2]string{{"Naam", b.Name}, {"Functie", b.Function}, {"Datum", b.Date}}
	for _, row := range rows {
		r.labelled(x, yy, labelW, w, rowHeight, row[0], row[1], !b.Signed)
		yy += rowHeight
	}
	if b.Signed {
		r.labelled(x, yy, labelW, w, rowHeight, "Handtekening", "Ondertekend op "+b.Date, false)
		return yy + rowHeight
	}
	r.labelled(x, yy, labelW, w, signSpace, "Handtekening", "", true)
	return yy + signSpace
}

// labelled draws "label  value" on a row of height h, with a dotted line to write on when line is set.
func (r *pdfRenderer) labelled(x, y, labelW, w, h float64, label, value string, line bool) {
	p := r.pdf
	r.font("", 9)
	p.SetTextColor(70, 70, 70)
	p.SetXY(x, y+h-5.5)
	p.CellFormat(labelW, 5, r.tr(label), "", 0, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	r.font("", bodySize)
	p.CellFormat(w-labelW, 5, r.tr(value), "", 0, "L", false, 0, "")
	if line {
		p.SetDrawColor(120, 120, 120)
		p.SetLineWidth(0.2)
		p.SetDashPattern([]float64{0.6, 0.8}, 0)
		p.Line(x+labelW, y+h-0.5, x+w, y+h-0.5)
		p.SetDashPattern(nil, 0)
		p.SetDrawColor(0, 0, 0)
	}
}

// annex draws Bijlage 1 on a new page: the prerequisites as a table whose rows never split.
func (r *pdfRenderer) annex(a annexView) {
	p := r.pdf
	p.AddPage()
	r.heading(a.Heading)
	r.font("", bodySize)
	p.MultiCell(0, lineHeight, r.tr(a.Intro), "", "L", false)
	p.Ln(3)
	if len(a.Items) == 0 {
		p.MultiCell(0, lineHeight, r.tr("Er zijn nog geen randvoorwaarden vastgelegd."), "", "L", false)
		return
	}
	w := r.width()
	cols := []float64{w * 0.40, w * 0.14, w * 0.16, w * 0.30}
	header := []string{"Randvoorwaarde", "Stand", "Geldig tot", "Toelichting"}
	drawHeader := func() {
		r.font("B", 9)
		p.SetFillColor(235, 235, 235)
		x := marginLeft
		for i, h := range header {
			p.SetXY(x, p.GetY())
			p.CellFormat(cols[i], 6, r.tr(h), "1", 0, "L", true, 0, "")
			x += cols[i]
		}
		p.Ln(6)
	}
	drawHeader()
	const cellLine = 4.3
	for _, it := range a.Items {
		note := it.Note
		if len(it.Sources) > 0 {
			if note != "" {
				note += "\n"
			}
			note += "Bron: " + strings.Join(it.Sources, ", ")
		}
		cells := []string{it.Requirement, it.Status, it.ValidUntil, note}
		r.font("", 9)
		lines := 1
		for i, c := range cells {
			if n := len(p.SplitLines([]byte(r.tr(c)), cols[i])); n > lines {
				lines = n
			}
		}
		h := float64(lines)*cellLine + 2
		if r.room() < h {
			p.AddPage()
			drawHeader()
			r.font("", 9)
		}
		top := p.GetY()
		x := marginLeft
		for i, c := range cells {
			p.Rect(x, top, cols[i], h, "D")
			p.SetXY(x, top+1)
			p.MultiCell(cols[i], cellLine, r.tr(c), "", "L", false)
			x += cols[i]
		}
		p.SetXY(marginLeft, top+h)
	}
}
