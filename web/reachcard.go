package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/reachcard"
)

// periodMoments are a moment in office hours and one out of hours on the first working day from
// day on, by the region's settings: the card prints what the live answer gives at those moments.
func periodMoments(cs calendar.Settings, day time.Time) (office, night time.Time) {
	cs = cs.OrDefault()
	mid := int(cs.OfficeStart+cs.OfficeEnd) / 2
	y, m, d := day.In(calendar.Location()).Date()
	for i := 0; i < 21; i++ {
		t := time.Date(y, m, d+i, mid/60, mid%60, 0, 0, calendar.Location())
		if cs.At(t).Period == calendar.OfficeHours {
			office = t
			break
		}
	}
	if office.IsZero() {
		office = time.Date(y, m, d, mid/60, mid%60, 0, 0, calendar.Location())
	}
	night = time.Date(office.Year(), office.Month(), office.Day(), 3, 0, 0, 0, calendar.Location())
	if cs.At(night).Period != calendar.OutOfHours {
		night = time.Date(office.Year(), office.Month(), office.Day(), 23, 30, 0, 0, calendar.Location())
	}
	return office, night
}

// reachCard builds the bereikbaarheidskaart of a location: the same decisions as the "Nu bellen"
// card, for a resident, at a moment in office hours and one out of hours. It names organisations
// and numbers only, never a client.
func (s *Server) reachCard(r *http.Request) (reachcard.Card, error) {
	ctx := r.Context()
	id, err := pathID(r, "Locatie")
	if err != nil {
		return reachcard.Card{}, err
	}
	// The location as the location page reads it: whoever may read that page may print its card.
	l, err := s.reg(r).Location(ctx, id)
	if err != nil {
		return reachcard.Card{}, err
	}
	prov, err := s.reg(r).Organisation(ctx, l.ProviderID)
	if err != nil {
		return reachcard.Card{}, err
	}
	e, err := s.engine(r)
	if err != nil {
		return reachcard.Card{}, err
	}
	cs := e.Settings()
	today := s.cfg.Service.Today()
	office, night := periodMoments(cs, today)
	day, err := residentsCard(ctx, e, l, office)
	if err != nil {
		return reachcard.Card{}, err
	}
	anw, err := residentsCard(ctx, e, l, night)
	if err != nil {
		return reachcard.Card{}, err
	}
	c := reachcard.Card{Location: l.Name, Address: l.Address + ", " + l.Postcode + " " + l.Municipality, Provider: prov.Name,
		Basis:       day.Basis,
		Printed:     today,
		OfficeHours: "werkdagen " + cs.OfficeStart.String() + "–" + cs.OfficeEnd.String(),
		OutOfHours:  "avond, nacht, weekend en feestdagen"}
	for i, row := range day.Rows {
		dv, nv := row.Variants, anw.Rows[i].Variants
		if len(dv) == 0 && len(nv) == 0 {
			c.Rows = append(c.Rows, reachcard.Row{Label: row.Label, Office: calls(row.First, row.Then), OutOfHours: calls(anw.Rows[i].First, anw.Rows[i].Then)})
			continue
		}
		// The answer differs per kind of resident in one period at least: a row per delivery.
		n := max(len(dv), len(nv))
		for k := range n {
			r := reachcard.Row{Office: calls(row.First, row.Then), OutOfHours: calls(anw.Rows[i].First, anw.Rows[i].Then)}
			var who string
			if len(dv) > 0 {
				r.Office, who = calls(dv[k].First, dv[k].Then), dv[k].Delivery
			}
			if len(nv) > 0 {
				r.OutOfHours, who = calls(nv[k].First, nv[k].Then), nv[k].Delivery
			}
			r.Label = row.Label + " — " + strings.ToLower(mgz.Delivery(who).Label())
			c.Rows = append(c.Rows, r)
		}
	}
	seen := map[string]bool{}
	for _, w := range append(day.Warnings, anw.Warnings...) {
		if !seen[w] {
			seen[w] = true
			c.Warnings = append(c.Warnings, w)
		}
	}
	return c, nil
}

func calls(first callee, then *callee) []reachcard.Call {
	var out []reachcard.Call
	for _, c := range []*callee{&first, then} {
		if c == nil || c.Role == "" {
			continue
		}
		who := c.Role
		if c.Who != "" {
			who += " (" + c.Who + ")"
		}
		out = append(out, reachcard.Call{Who: who, Phone: c.Phone})
	}
	return out
}

// reachCardData is the page of the bereikbaarheidskaart.
type reachCardData struct {
	Card       reachcard.Card
	LocationID int64
	LiveWins   string
}

// pageReachCard is the bereikbaarheidskaart as an HTML page with a print stylesheet. It holds no
// patient data, so printing it is not audited as a print of patient data.
func (s *Server) pageReachCard(w http.ResponseWriter, r *http.Request) error {
	c, err := s.reachCard(r)
	if err != nil {
		return err
	}
	id, _ := pathID(r, "Locatie")
	s.render(w, r, http.StatusOK, "reachcard", pageData{Title: "Bereikbaarheidskaart " + c.Location, Nav: "locaties",
		Data: reachCardData{Card: c, LocationID: id, LiveWins: reachcard.LiveAnswerWins}})
	return nil
}

// pageReachCardPDF is the bereikbaarheidskaart as a one-page PDF, the same bytes for the same
// register and date.
func (s *Server) pageReachCardPDF(w http.ResponseWriter, r *http.Request) error {
	c, err := s.reachCard(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reachcard.WritePDF(&buf, c); err != nil {
		return err
	}
	id, _ := pathID(r, "Locatie")
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="bereikbaarheidskaart-`+strconv.FormatInt(id, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
