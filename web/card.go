package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// cardCategories are the question categories of the "Nu bellen" card, in the order a care worker
// needs them, with short Dutch labels that fit a phone.
var cardCategories = []option{
	{string(rules.CategoryEmergency), "Levensbedreigend"},
	{string(rules.CategoryGPCare), "Huisartsenzorg"},
	{string(rules.CategoryBehaviour), "Moeilijk gedrag"},
	{string(rules.CategoryConditionTreatment), "Behandeling bij het ziektebeeld"},
	{string(rules.CategoryWzd), "Onvrijwillige zorg (Wzd)"},
	{string(rules.CategoryInfectionPrevention), "Infectiepreventie"},
	{string(rules.CategoryNursing), "Verzorging en verpleging"},
}

// callCard is the "Nu bellen" card: per category whom to call first at one moment, answered by
// the rules engine with the register's contacts, exactly as the decision page would answer.
type callCard struct {
	// Period says when the card holds, e.g. "nu: avond/nacht/weekend — Eerste Kerstdag".
	Period string
	At     time.Time
	// Basis says, for a location, which resident the card answers for.
	Basis string
	Rows  []callRow
	// Warnings are the distinct warnings of the answers.
	Warnings []string
	// OwnPractice is the client's own registered GP practice, by name: at night the card names the
	// GP post, and the worker still wants to know whose client this is.
	OwnPractice string
	// QueryKey and QueryID are the query of the full answer: client=… or location=….
	QueryKey, QueryID string
}

// callRow is one category of the card.
type callRow struct {
	Category, Label string
	// First is whom to call first; Then, if any, whom to call next.
	First callee
	Then  *callee
	Note  string
	// Variants, on a location's card, are the answers per kind of resident (delivery) when they
	// differ; First, Then and Note are then those of the first.
	Variants []callVariant
}

// callVariant is the answer of a card row for one kind of resident of a location.
type callVariant struct {
	// For names the resident by delivery, e.g. "Verblijf met behandeling"; Wlz and Delivery are
	// the codes, for the link to the full answer.
	For, Wlz, Delivery string
	First              callee
	Then               *callee
	Note               string
}

// sameAnswer says whether two rows name the same people in the same order.
func sameAnswer(a, b callRow) bool {
	if a.First != b.First || a.Note != b.Note || (a.Then == nil) != (b.Then == nil) {
		return false
	}
	return a.Then == nil || *a.Then == *b.Then
}

// periodLabel is the card's Dutch period line for a moment.
func periodLabel(m calendar.Moment) string {
	s := "nu: avond/nacht/weekend"
	if m.Period == calendar.OfficeHours {
		s = "nu: kantooruren"
	}
	if m.Holiday.Valid() {
		s += " — " + m.Holiday.Name()
	}
	return s
}

// nowCard answers req for every category at the service's present moment. A request the register
// rejects as not found (a client the caller may not see) is returned as a not-found error.
func (s *Server) nowCard(ctx context.Context, e *rules.Engine, req rules.Request, key, id string) (*callCard, error) {
	return cardAt(ctx, e, req, s.cfg.Service.Today(), key, id)
}

// cardAt answers req for every category at a moment.
func cardAt(ctx context.Context, e *rules.Engine, req rules.Request, now time.Time, key, id string) (*callCard, error) {
	c := &callCard{Period: periodLabel(e.Settings().At(now)), At: now, QueryKey: key, QueryID: id}
	seen := map[string]bool{}
	for _, cat := range cardCategories {
		q := req
		q.Question = &rules.Question{Category: rules.Category(cat.Value), At: now}
		row := callRow{Category: cat.Value, Label: cat.Label}
		resp, err := e.DecideContext(ctx, q)
		var re *rules.RequestError
		switch {
		case errors.As(err, &re) && re.Code == rules.CodeNotFound:
			return nil, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
		case errors.As(err, &re):
			row.Note = "mgz kan deze situatie niet beoordelen: " + re.Message
			c.Rows = append(c.Rows, row)
			continue
		case err != nil:
			return nil, err
		}
		if resp.Route != nil {
			if calls := nextCalls(resp.Route); len(calls) > 0 {
				row.First = calls[0]
				if len(calls) > 1 {
					row.Then = &calls[1]
				}
			}
		}
		for _, w := range resp.Warnings {
			if !seen[w.Message] {
				seen[w.Message] = true
				c.Warnings = append(c.Warnings, w.Message)
			}
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// callee is whom a step of a route has the caller call: the organisation (or the role when the
// register names none) and the number.
type callee struct{ Role, Who, Phone, Note string }

// shortRoles are the roles in a word or two, for the card on a phone and the printed card.
var shortRoles = map[rules.Role]string{
	rules.RoleFirstLine:              "Voorwacht",
	rules.RoleGP:                     "Huisarts",
	rules.RoleGPPost:                 "Huisartsenpost",
	rules.RoleInstitutionPhysician:   "Arts van de instelling",
	rules.RoleCareProviderOutOfHours: "ANW-regeling zorgaanbieder",
	rules.RoleBehaviourSpecialist:    "Gedragskundige",
	rules.RoleElderlyCarePhysician:   "SO",
	rules.RoleIDPhysician:            "AVG",
	rules.RolePublicHealthService:    "GGD",
	rules.RoleCareProvider:           "Zorgaanbieder",
	rules.RoleEmergencyServices:      "112",
}

func shortRole(r rules.Role) string {
	if l, ok := shortRoles[r]; ok {
		return l
	}
	return roleLabel(r)
}

// nextCalls are the first two steps of a route that can be called now: a contact the register
// marks as not reachable now is skipped, as in the summary. 112 needs no register.
func nextCalls(rt *rules.Route) []callee {
	var out []callee
	for _, st := range rt.Steps {
		if len(out) == 2 {
			break
		}
		if (st.Contact != nil && st.Contact.NotReachableNow) || st.Mode == rules.ModeInform {
			continue
		}
		// The contact's location is left out: the card is about a client or resident there.
		c := callee{Role: shortRole(st.Role)}
		if ct := st.Contact; ct != nil {
			c.Who, c.Phone, c.Note = ct.Organisation, ct.Phone, ct.Note
		}
		if st.Role == rules.RoleEmergencyServices && c.Phone == "" {
			c.Phone = "112"
		}
		out = append(out, c)
	}
	if len(out) == 0 && len(rt.Steps) > 0 {
		out = append(out, callee{Role: shortRole(rt.Steps[0].Role), Note: "Nu niet bereikbaar volgens het register; zie het volledige antwoord."})
	}
	return out
}

// clientCard is the card for a client the caller has already read (through the access policy, and
// audited): the decisions reuse that read instead of reading the client once per category.
func (s *Server) clientCard(r *http.Request, p mgz.Patient) (*callCard, error) {
	e, err := s.engineFor(r, &p)
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(p.ID, 10)
	c, err := s.nowCard(r.Context(), e, rules.Request{PatientID: id}, "client", id)
	if err != nil {
		return nil, err
	}
	if p.GPPracticeID != nil {
		gp, err := s.reg(r).Organisation(r.Context(), *p.GPPracticeID)
		if err != nil {
			return nil, err
		}
		c.OwnPractice = gp.Name
	}
	return c, nil
}

// residentSituation is the situation of the first kind of resident of a location (the decision
// page's default for a link from the location's card).
func residentSituation(l mgz.Location) rules.Situation { return residentSituations(l)[0] }

// residentSituations are the situations of the residents of a location, one per Wlz delivery it
// offers, in the location's order (agreement.Propose reads the deliveries the same way); a
// location without deliveries has one default resident.
func residentSituations(l mgz.Location) []rules.Situation {
	ds := l.Deliveries
	if len(ds) == 0 {
		ds = []mgz.Delivery{""}
	}
	var out []rules.Situation
	for _, d := range ds {
		sit := rules.Situation{Setting: rules.Setting(l.Setting), Sector: rules.Sector(l.Sector), Wlz: rules.WlzWithoutTreatment, Delivery: rules.Delivery(d)}
		switch {
		case sit.Delivery == rules.Delivery(mgz.DeliveryStayWithTreatment):
			sit.Wlz = rules.WlzWithTreatment
		case sit.Delivery == "" && l.Setting == mgz.SettingInstitution:
			sit.Delivery = rules.Delivery(mgz.DeliveryStayWithoutTreatment)
		case sit.Delivery == "":
			sit.Delivery = rules.Delivery(mgz.DeliveryVPT)
		}
		if !slices.Contains(out, sit) {
			out = append(out, sit)
		}
	}
	return out
}

// residentLabel names a kind of resident by indication and delivery.
func residentLabel(sit rules.Situation) string {
	return mgz.WlzIndication(sit.Wlz).Label() + ", " + mgz.Delivery(sit.Delivery).Label()
}

// residentsCard answers for every kind of resident of location l at a moment: one card whose rows
// hold one answer where all residents get the same, and an answer per delivery where they differ.
func residentsCard(ctx context.Context, e *rules.Engine, l mgz.Location, now time.Time) (*callCard, error) {
	id := strconv.FormatInt(l.ID, 10)
	sits := residentSituations(l)
	var cards []*callCard
	for _, sit := range sits {
		c, err := cardAt(ctx, e, rules.Request{Situation: sit, LocationID: id}, now, "location", id)
		if err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	c := cards[0]
	if len(cards) == 1 {
		c.Basis = "Voor een bewoner met " + residentLabel(sits[0]) + "."
		return c, nil
	}
	var labels []string
	for _, sit := range sits {
		labels = append(labels, mgz.Delivery(sit.Delivery).Label())
	}
	c.Basis = "Voor de bewoners (" + strings.ToLower(strings.Join(labels, ", ")) + "); verschilt het antwoord, dan staat het per leveringsvorm."
	seen := map[string]bool{}
	for _, w := range c.Warnings {
		seen[w] = true
	}
	for _, other := range cards[1:] {
		for _, w := range other.Warnings {
			if !seen[w] {
				seen[w] = true
				c.Warnings = append(c.Warnings, w)
			}
		}
	}
	for i := range c.Rows {
		differ := false
		for _, other := range cards[1:] {
			differ = differ || !sameAnswer(c.Rows[i], other.Rows[i])
		}
		if !differ {
			continue
		}
		for k, card := range cards {
			r := card.Rows[i]
			c.Rows[i].Variants = append(c.Rows[i].Variants, callVariant{For: mgz.Delivery(sits[k].Delivery).Label(), Wlz: string(sits[k].Wlz), Delivery: string(sits[k].Delivery), First: r.First, Then: r.Then, Note: r.Note})
		}
	}
	return c, nil
}

// locationCard is the card for the residents of a location.
func (s *Server) locationCard(r *http.Request, l mgz.Location) (*callCard, error) {
	e, err := s.engine(r)
	if err != nil {
		return nil, err
	}
	return residentsCard(r.Context(), e, l, s.cfg.Service.Today())
}
