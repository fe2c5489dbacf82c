// Package handoverdoc prints one version of a client's handover with treatment wishes as a
// one-page A4 PDF for the GP post (domain.md §9): the wishes first, large, then the lead
// physician and how to reach them, problems, medication, allergies, contact persons and the
// legal representative, the version and its confirmation. The same version and print day give the
// same bytes. It does no I/O beyond writing the PDF.
package handoverdoc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Doc is what one printed handover shows.
type Doc struct {
	Name      string
	BirthDate mgz.Date
	Handover  mgz.Handover
	// LeadOrganisation names the lead physician's organisation.
	LeadOrganisation string
	// Outdated: the last confirmation is older than the region's limit of MaxAgeMonths.
	Outdated     bool
	MaxAgeMonths int
	// Printed is the day of printing (its date only is printed, so a reprint the same day gives
	// the same bytes).
	Printed time.Time
}

// LiveVersionWins is printed on every page: the paper ages, mgz does not.
const LiveVersionWins = "De actuele overdracht in mgz gaat voor."

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

func longDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// Geometry in millimetres and type sizes in points.
const (
	margin   = 14.0
	wishSize = 15.0
	bodySize = 10.0
	line     = 4.6
)

// WritePDF writes d as a one-page A4 PDF; text that does not fit is cut with a note to read mgz.
func WritePDF(w io.Writer, d Doc) error {
	h := d.Handover
	pdf := fpdf.New("P", "mm", "A4", "")
	created := h.CreatedAt.UTC().Truncate(time.Second)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false)
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetTitle(fmt.Sprintf("Overdracht versie %d", h.Version), true)
	pdf.SetCreator("mgz", true)
	pdf.SetLang("nl-NL")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.AddPage()
	pageW, pageH := pdf.GetPageSize()
	width := pageW - 2*margin
	bottom := pageH - margin - 10
	local := func(t time.Time) time.Time { return t.In(calendar.Location()) }

	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(width, 8, tr("Overdracht met behandelwensen"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 12)
	pdf.CellFormat(width, 6, tr(fmt.Sprintf("%s, geboren %s", d.Name, d.BirthDate.Format("02-01-2006"))), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	pdf.CellFormat(width, 5, tr(fmt.Sprintf("Versie %d, laatst bevestigd op %s door %s", h.Version,
		local(h.ConfirmedAt).Format("02-01-2006"), h.ConfirmedBy)), "", 1, "L", false, 0, "")
	if d.Outdated {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.SetTextColor(177, 14, 30)
		pdf.CellFormat(width, 5, tr(fmt.Sprintf("Verouderd: langer dan %d maanden niet bevestigd. Overleg met de regiebehandelaar.", d.MaxAgeMonths)), "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(2)

	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(width, 6, tr("Behandelwensen"), "B", 1, "L", false, 0, "")
	pdf.Ln(1)
	if len(h.Wishes) == 0 {
		pdf.SetFont("Helvetica", "B", wishSize)
		pdf.MultiCell(width, 7, tr("Geen behandelwensen vastgelegd."), "", "L", false)
	}
	for _, wish := range h.Wishes {
		pdf.SetFont("Helvetica", "B", wishSize)
		if wish.Decision == mgz.DecisionDeny {
			pdf.SetTextColor(177, 14, 30)
		}
		pdf.MultiCell(width, 7, tr(wish.Summary()), "", "L", false)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(width, 4.5, tr(fmt.Sprintf("Afgesproken op %s met %s", wish.AgreedOn.Format("02-01-2006"), wish.AgreedWith.Label())), "", 1, "L", false, 0, "")
		pdf.Ln(0.8)
	}
	pdf.Ln(2)

	section := func(title, text string) {
		if pdf.GetY() > bottom-2*line {
			return
		}
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(width, 6, tr(title), "B", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", bodySize)
		if strings.TrimSpace(text) == "" {
			text = "niet vastgelegd"
		}
		lines := pdf.SplitText(tr(text), width)
		for i, l := range lines {
			if pdf.GetY() > bottom-line {
				pdf.SetFont("Helvetica", "I", bodySize)
				pdf.CellFormat(width, line, tr(fmt.Sprintf("… (nog %d regels: zie mgz)", len(lines)-i)), "", 1, "L", false, 0, "")
				break
			}
			pdf.CellFormat(width, line, l, "", 1, "L", false, 0, "")
		}
		pdf.Ln(1.5)
	}
	lead := h.LeadName
	if h.LeadPhysician != "" {
		lead += " (" + h.LeadPhysician.Label() + ")"
	}
	if d.LeadOrganisation != "" {
		lead += ", " + d.LeadOrganisation
	}
	section("Regiebehandelaar en bereikbaarheid", lead+"\n"+h.LeadReach)
	section("Relevante problemen", h.Problems)
	section("Medicatie (samenvatting)", h.Medication)
	section("Allergieën", h.Allergies)
	section("Contactpersonen", h.ContactPersons)
	section("Wettelijk vertegenwoordiger", h.Representative)

	pdf.SetY(pageH - margin - 6)
	pdf.SetFont("Helvetica", "", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(width, 3.6, tr(fmt.Sprintf("Overdracht uit mgz, versie %d van %s, afgedrukt op %s. %s Vertrouwelijk: medische gegevens.",
		h.Version, local(h.CreatedAt).Format("02-01-2006"), longDate(local(d.Printed)), LiveVersionWins)), "", "L", false)
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("handoverdoc: PDF van versie %d: %w", h.Version, err)
	}
	return nil
}
