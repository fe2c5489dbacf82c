// Package reachcard prints a location's bereikbaarheidskaart: per question category whom to call
// in office hours and out of hours, with the numbers from the register, for the wall of the
// nurses' station. It holds no patient data and does no I/O beyond writing the PDF; the web
// adapter fills a Card from the same decisions the live answer gives.
package reachcard

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// LiveAnswerWins is printed on every card: the paper ages, the register does not.
const LiveAnswerWins = "Het actuele antwoord in mgz gaat voor: bij twijfel, of als dit papier oud is, kijk in mgz."

// Card is one location's bereikbaarheidskaart.
type Card struct {
	Location string // name
	Address  string
	Provider string
	// Basis says which resident the card answers for.
	Basis string
	// Printed is the region's date of printing; the card holds for that date's register.
	Printed time.Time
	// OfficeHours and OutOfHours describe the two periods, e.g. "werkdagen 08:00–17:00".
	OfficeHours, OutOfHours string
	Rows                    []Row
	// Warnings are gaps in the register the answers found (missing parties, numbers).
	Warnings []string
}

// Row is one question category.
type Row struct {
	Label              string
	Office, OutOfHours []Call
}

// Call is one party to call, in order.
type Call struct {
	Who, Phone string
}

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// PrintedDate is the card's date as people write it, e.g. "25 december 2026".
func (c Card) PrintedDate() string {
	return fmt.Sprintf("%d %s %d", c.Printed.Day(), months[c.Printed.Month()-1], c.Printed.Year())
}

// Geometry in millimetres (A4 landscape, one page) and type sizes in points.
const (
	margin    = 12.0
	labelW    = 55.0
	rowLine   = 5.6
	bodySize  = 11.0
	titleSize = 16.0
)

// WritePDF writes c as a one-page A4 landscape PDF. The same Card gives the same bytes: fixed
// dates from Printed, resources in a fixed order, no compression.
func WritePDF(w io.Writer, c Card) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	day := time.Date(c.Printed.Year(), c.Printed.Month(), c.Printed.Day(), 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(day)
	pdf.SetModificationDate(day)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false)
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetTitle("Bereikbaarheidskaart "+c.Location, true)
	pdf.SetCreator("mgz", true)
	pdf.SetLang("nl-NL")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.AddPage()
	pageW, pageH := pdf.GetPageSize()
	width := pageW - 2*margin

	pdf.SetFont("Helvetica", "B", titleSize)
	pdf.CellFormat(width, 8, tr("Bereikbaarheidskaart — "+c.Location), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(width, 5, tr(c.Address+" · "+c.Provider+" · afgedrukt op "+c.PrintedDate()), "", 1, "L", false, 0, "")
	if c.Basis != "" {
		pdf.CellFormat(width, 5, tr(c.Basis), "", 1, "L", false, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetTextColor(177, 14, 30)
	pdf.CellFormat(width, 6, tr(LiveAnswerWins), "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(2)

	colW := (width - labelW) / 2
	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetFillColor(230, 230, 230)
	pdf.CellFormat(labelW, 7, tr("Vraag"), "1", 0, "L", true, 0, "")
	pdf.CellFormat(colW, 7, tr("Kantooruren ("+c.OfficeHours+")"), "1", 0, "L", true, 0, "")
	pdf.CellFormat(colW, 7, tr("ANW-uren ("+c.OutOfHours+")"), "1", 1, "L", true, 0, "")
	lines := func(calls []Call) []string {
		var out []string
		for i, cl := range calls {
			s := fmt.Sprintf("%d. %s", i+1, cl.Who)
			if cl.Phone != "" {
				// A number never breaks over two lines.
				s += ": " + strings.ReplaceAll(cl.Phone, " ", "\u00a0")
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			out = []string{"geen nummer in het register"}
		}
		return out
	}
	for _, r := range c.Rows {
		office, night := lines(r.Office), lines(r.OutOfHours)
		n := max(countLines(pdf, tr, office, colW), countLines(pdf, tr, night, colW), 1)
		h := float64(n)*rowLine + 2
		x, y := pdf.GetX(), pdf.GetY()
		pdf.SetFont("Helvetica", "B", bodySize)
		pdf.Rect(x, y, labelW, h, "D")
		pdf.SetXY(x+1, y+1)
		pdf.MultiCell(labelW-2, rowLine, tr(r.Label), "", "L", false)
		for i, col := range [][]string{office, night} {
			cx := x + labelW + float64(i)*colW
			pdf.Rect(cx, y, colW, h, "D")
			pdf.SetXY(cx+1, y+1)
			pdf.SetFont("Helvetica", "", bodySize)
			for _, l := range col {
				pdf.SetX(cx + 1)
				pdf.MultiCell(colW-2, rowLine, tr(l), "", "L", false)
			}
		}
		pdf.SetXY(x, y+h)
	}
	if len(c.Warnings) > 0 && pdf.GetY() < pageH-margin-15 {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 9)
		pdf.CellFormat(width, 5, tr("Let op, gaten in het register:"), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 8)
		for _, wt := range c.Warnings {
			if pdf.GetY() > pageH-margin-8 {
				pdf.CellFormat(width, 4, tr("… en meer: zie mgz."), "", 1, "L", false, 0, "")
				break
			}
			pdf.MultiCell(width, 3.8, tr("• "+wt), "", "L", false)
		}
	}
	pdf.SetY(pageH - margin - 4)
	pdf.SetFont("Helvetica", "", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(width, 4, tr("Bereikbaarheidskaart uit mgz, afgedrukt op "+c.PrintedDate()+". "+LiveAnswerWins), "", 0, "L", false, 0, "")
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("reachcard: PDF van %s: %w", c.Location, err)
	}
	return nil
}

// countLines is how many lines texts take in a column of width w.
func countLines(pdf *fpdf.Fpdf, tr func(string) string, texts []string, w float64) int {
	pdf.SetFont("Helvetica", "", bodySize)
	n := 0
	for _, t := range texts {
		n += len(pdf.SplitText(tr(t), w-2))
	}
	return n
}
