package rules

import (
	"strings"

	"github.com/regio-mgz/mgz/calendar"
)

// This file is the routing table of domain.md §4.3, written to be reviewed
// line by line against that table: one row per cell (category × group ×
// period), listing the steps in order. A step is a call unless wrapped in
// consult() or inform(). The reasons (why + sources) for each step live in
// whyTable below, the not_responsible rule in notResponsibleTable.

// who is a party in the table before the SO/AVG is written out per sector.
type who uint8

const (
	fl    who = iota + 1 // first_line: the voorwacht
	gp                   // gp
	post                 // gp_post
	inst                 // institution_physician
	cpOOH                // care_provider_out_of_hours
	beh                  // behaviour_specialist
	sp                   // SO (elderly_care_physician) or AVG (id_physician) by sector
	ggd                  // public_health_service
	cp                   // care_provider
	e112                 // emergency_services
)

// whoRoles maps the table's parties to roles; sp is resolved per sector.
var whoRoles = map[who]Role{
	fl: RoleFirstLine, gp: RoleGP, post: RoleGPPost, inst: RoleInstitutionPhysician,
	cpOOH: RoleCareProviderOutOfHours, beh: RoleBehaviourSpecialist, ggd: RolePublicHealthService,
	cp: RoleCareProvider, e112: RoleEmergencyServices,
}

// stepSpec is one step of a cell.
type stepSpec struct {
	who  who
	mode Mode
}

func consult(w who) stepSpec { return stepSpec{w, ModeConsult} }
func inform(w who) stepSpec  { return stepSpec{w, ModeInform} }

// seq lists the steps of a cell; a bare party is a call.
func seq(steps ...any) []stepSpec {
	out := make([]stepSpec, len(steps))
	for i, s := range steps {
		switch s := s.(type) {
		case who:
			out[i] = stepSpec{s, ModeCall}
		case stepSpec:
			out[i] = s
		default:
			panic("rules: bad step in routing table")
		}
	}
	return out
}

// Short names for the table, so each row fits on one line.
const (
	grpAT  = GroupAtProvider
	grpIN  = GroupWithTreatment
	grpHM  = GroupHome
	office = calendar.OfficeHours
	anw    = calendar.OutOfHours

	emergency   = CategoryEmergency
	gpCare      = CategoryGPCare
	behaviour   = CategoryBehaviour
	condition   = CategoryConditionTreatment
	wzd         = CategoryWzd
	infection   = CategoryInfectionPrevention
	nursingCare = CategoryNursing
)

type routeRow struct {
	category Category
	group    Group
	period   calendar.Period
	steps    []stepSpec
}

// routeTable is domain.md §4.3, cell by cell.
var routeTable = []routeRow{
	// emergency: 112 first, always; no triage first.
	{emergency, grpAT, office, seq(e112)},
	{emergency, grpAT, anw, seq(e112)},
	{emergency, grpIN, office, seq(e112)},
	{emergency, grpIN, anw, seq(e112)},
	{emergency, grpHM, office, seq(e112)},
	{emergency, grpHM, anw, seq(e112)},

	// gp_care
	{gpCare, grpAT, office, seq(fl, gp)},
	{gpCare, grpAT, anw, seq(fl, post)},
	{gpCare, grpIN, office, seq(fl, inst)},
	{gpCare, grpIN, anw, seq(fl, cpOOH)},
	{gpCare, grpHM, office, seq(gp)},
	{gpCare, grpHM, anw, seq(post)},

	// behaviour
	{behaviour, grpAT, office, seq(fl, beh, sp)},
	{behaviour, grpAT, anw, seq(fl, beh, sp)},
	{behaviour, grpIN, office, seq(fl, beh, sp)},
	{behaviour, grpIN, anw, seq(fl, beh, sp)},
	{behaviour, grpHM, office, seq(gp, consult(sp))},
	{behaviour, grpHM, anw, seq(post, consult(sp))},

	// condition_treatment
	{condition, grpAT, office, seq(fl, sp)},
	{condition, grpAT, anw, seq(fl, sp)},
	{condition, grpIN, office, seq(fl, sp)},
	{condition, grpIN, anw, seq(fl, sp)},
	{condition, grpHM, office, seq(gp, consult(sp))},
	{condition, grpHM, anw, seq(post, consult(sp))},

	// wzd
	{wzd, grpAT, office, seq(fl, sp)},
	{wzd, grpAT, anw, seq(fl, sp)},
	{wzd, grpIN, office, seq(fl, sp)},
	{wzd, grpIN, anw, seq(fl, sp)},
	{wzd, grpHM, office, seq(sp, inform(gp))},
	{wzd, grpHM, anw, seq(sp, inform(gp))},

	// infection_prevention
	{infection, grpAT, office, seq(fl, sp, consult(ggd))},
	{infection, grpAT, anw, seq(fl, sp, consult(ggd))},
	{infection, grpIN, office, seq(fl, sp, consult(ggd))},
	{infection, grpIN, anw, seq(fl, sp, consult(ggd))},
	{infection, grpHM, office, seq(cp, consult(ggd))},
	{infection, grpHM, anw, seq(cp, consult(ggd))},

	// nursing
	{nursingCare, grpAT, office, seq(fl, cp)},
	{nursingCare, grpAT, anw, seq(fl, cp)},
	{nursingCare, grpIN, office, seq(fl, cp)},
	{nursingCare, grpIN, anw, seq(fl, cp)},
	{nursingCare, grpHM, office, seq(cp)},
	{nursingCare, grpHM, anw, seq(cp)},
}

// grpResident is not a group of the contract but a routing group: a client
// of group HM who lives in clustered housing or an institution (in practice:
// a resident without a Wlz indication). Such a resident follows the HM route,
// except for the categories in residentRoutes.
const grpResident Group = "home_resident"

// residentRoutes: for these categories a resident of group HM follows the
// route of another group. A location's infection-prevention protocol covers
// all its residents ("voor alle bewoners" [L-Rol 2]), so a resident without a
// Wlz indication gets the location's route: FL, SP, GGD (consult) (domain.md
// §4.3, rules v2).
var residentRoutes = map[Category]Group{
	infection: grpAT,
}

// anyCategory in a whyKey means "for every category without its own row",
// anyGroup "for every group without its own row". A reason is looked up from
// the most specific row to the least: category and group, category,
// group, neither.
const (
	anyCategory Category = ""
	anyGroup    Group    = ""
)

type whyKey struct {
	category Category
	group    Group
	who      who
	mode     Mode
}

// whyTable gives the Dutch reason and sources of each step, from domain.md
// §4.3 "Where the table comes from". {SP} is the sector's physician.
// Texts for group HM (grpHM) must hold for a Wlz client at home and for
// anyone without a Wlz indication, who may also live in a setting: no
// voorwacht, no agreements with the location, no "residents".
var whyTable = map[whyKey]reasonSpec{
	{anyCategory, anyGroup, fl, ModeCall}: {text: "Bel eerst de voorwacht (verpleegkundige of gedragskundige): die is dag en nacht bereikbaar en beoordeelt vragen van de verzorging voordat een arts wordt ingeschakeld.", sources: src("T 2.3.2.3", "L-Rol 3", "L-Conv 4")},
	{anyCategory, grpHM, gp, ModeCall}:    {text: "Voor een cliënt thuis of zonder Wlz-indicatie is de eigen huisarts de eindverantwoordelijke arts en het aanspreekpunt tijdens kantooruren.", sources: src("L-Rol 1", "L-Wlz 3")},
	{anyCategory, grpHM, post, ModeCall}:  {text: "Buiten kantooruren neemt de huisartsenpost de taak van de eigen huisarts over, zoals voor iedereen.", sources: src("T", "L-Rol 1")},
	{anyCategory, grpHM, sp, ModeConsult}: {text: "De huisarts of huisartsenpost blijft eindverantwoordelijk en vraagt zo nodig advies, consultatie of medebehandeling van de {SP}, die 24/7 bereikbaar is voor overleg.", sources: src("L-Rol 1", "L-Conv 5")},

	// emergency: the sources do not mention 112. Calling 112 straight away
	// for a life-threatening situation is the product's own routing (product
	// choice); L-Rol 2 is cited only for the division of care questions into
	// categories, of which "emergency" is the product's addition. The text is
	// for a care worker in an emergency, so it says what to do and nothing
	// about where the rule comes from (issue 10: no note for developers).
	{emergency, anyGroup, e112, ModeCall}: {text: "Levensbedreigend: bel direct 112, zonder eerst iemand anders te bellen.", sources: src("L-Rol 2")},

	{gpCare, anyGroup, gp, ModeCall}: {text: "Huisartsenzorg (zoals beoordeling na een val, diabetes of infecties) voor een op naam ingeschreven cliënt: tijdens kantooruren de eigen huisarts.", sources: src("L-Rol 2", "L-Wlz 6")},
	{gpCare, grpAT, post, ModeCall}:  {text: "Buiten kantooruren kan een op naam ingeschreven cliënt, zoals iedereen, een beroep doen op de huisartsenpost; die kent de afspraken met de woonlocatie.", sources: src("T", "L-Conv 4")},
	{gpCare, grpHM, post, ModeCall}:  {text: "Buiten kantooruren kan de cliënt, zoals iedereen, een beroep doen op de huisartsenpost; die neemt de huisartsenzorg van de eigen huisarts over.", sources: src("T", "L-Rol 1")},
	{gpCare, grpIN, inst, ModeCall}:  {text: "Bij Wlz met behandeling levert de instelling alle medische zorg: tijdens kantooruren de eigen {SP} of de huisarts die de instelling in onderaanneming inhuurt.", sources: src("T", "L-Wlz 5")},
	{gpCare, grpIN, cpOOH, ModeCall}: {text: "Buiten kantooruren is de zorgaanbieder verantwoordelijk voor huisartsenzorg aan cliënten met behandeling: volg de eigen ANW-regeling (huisartsenpost op afspraak, commerciële partij of intern).", sources: src("T", "L-Conv 4")},

	{behaviour, anyGroup, beh, ModeCall}: {text: "Voor ondersteuning bij probleemgedrag of moeilijk te duiden gedrag is eerst de niet-medische behandelaar (gedragskundige, GZ-psycholoog, orthopedagoog) bereikbaar, overdag en in de ANW-uren.", sources: src("T 2.3.2.2")},
	{behaviour, anyGroup, sp, ModeCall}:  {text: "Bejegeningsadvies bij moeilijk gedrag bij dementie of een beperking, voor cliënt, mantelzorger en team, is de verantwoordelijkheid van de {SP}.", sources: src("L-Rol 2")},

	{condition, anyGroup, sp, ModeCall}: {text: "Medicatie en behandeling bij gedrag of symptomen van het ziektebeeld achter de Wlz-indicatie (zoals dementie, epilepsie, frequent verslikken, hulpmiddeladvies) zijn de verantwoordelijkheid van de {SP}.", sources: src("L-Rol 2")},

	{wzd, anyGroup, sp, ModeCall}: {text: "Alles rond onvrijwillige zorg (Wet zorg en dwang) ligt bij de {SP}, nooit bij de huisarts.", sources: src("L-Rol 2")},
	{wzd, grpHM, gp, ModeInform}:  {text: "Informeer de huisarts, die voor een cliënt thuis of zonder Wlz-indicatie de eindverantwoordelijke arts is; de huisarts beslist niet over onvrijwillige zorg.", sources: src("L-Rol 1", "L-Rol 2")},

	{infection, anyGroup, sp, ModeCall}:     {text: "Infectiepreventie en uitbraken (zoals norovirus of covid) vallen onder de {SP}; dit is uitdrukkelijk geen taak van de huisarts.", sources: src("L-Rol 2")},
	{infection, anyGroup, ggd, ModeConsult}: {text: "Bij infectiepreventie en uitbraken kan de GGD of een ziekenhuishygiënist of microbioloog worden geraadpleegd.", sources: src("L-Rol 2")},
	{infection, grpResident, fl, ModeCall}:  {text: "Het infectiepreventieprotocol van de locatie geldt voor alle bewoners, ook voor wie geen Wlz-indicatie heeft: bel eerst de voorwacht van de locatie, die dag en nacht bereikbaar is.", sources: src("L-Rol 2", "T 2.3.2.3")},
	{infection, grpHM, cp, ModeCall}:        {text: "Voor een cliënt thuis of zonder Wlz-indicatie is infectiepreventie een taak van de zorgaanbieder die de zorg levert, niet van de huisarts.", sources: src("L-Rol 2", "L-Rol 3")},

	{nursingCare, anyGroup, cp, ModeCall}: {text: "Vragen over verzorging en verpleging, bezetting en kwaliteit van zorg zijn voor de zorgaanbieder, niet voor de huisarts.", sources: src("L-Rol 3")},
}

// lookupWhy finds the reason of a step, most specific row first.
func lookupWhy(c Category, g Group, w who, m Mode) (reasonSpec, bool) {
	for _, k := range [...]whyKey{{c, g, w, m}, {c, anyGroup, w, m}, {anyCategory, g, w, m}, {anyCategory, anyGroup, w, m}} {
		if r, ok := whyTable[k]; ok {
			return r, true
		}
	}
	return reasonSpec{}, false
}

// notResponsibleTable: the GP and the GP post are not responsible for these
// categories in these groups ("a GP can only be responsible for GP care"
// [L-Rol 2]); empty for every other cell.
var notResponsibleTable = map[Category][]Group{
	behaviour:   {grpAT, grpIN},
	condition:   {grpAT, grpIN},
	wzd:         {grpAT, grpIN, grpHM},
	infection:   {grpAT, grpIN, grpHM, grpResident},
	nursingCare: {grpAT, grpIN, grpHM},
}

type notResponsibleKey struct {
	category Category
	group    Group // anyGroup: every group without its own row
	role     Role
}

// notResponsibleWhy gives the reason per category, group and role.
var notResponsibleWhy = map[notResponsibleKey]reasonSpec{
	{behaviour, anyGroup, RoleGP}:     {text: "Een huisarts kan alleen verantwoordelijk zijn voor huisartsenzorg; advies bij moeilijk gedrag hoort bij de {SP}. Ook voor de zorg van een ingehuurde verpleegkundig specialist is de huisarts niet verantwoordelijk.", sources: src("L-Rol 2")},
	{behaviour, anyGroup, RoleGPPost}: {text: "Ook buiten kantooruren hoort advies bij moeilijk gedrag niet bij de huisartsenpost maar bij de {SP}.", sources: src("L-Rol 2")},

	{condition, anyGroup, RoleGP}:     {text: "Een huisarts kan alleen verantwoordelijk zijn voor huisartsenzorg; behandeling van het ziektebeeld achter de Wlz-indicatie hoort bij de {SP}. Ook voor de zorg van een ingehuurde verpleegkundig specialist is de huisarts niet verantwoordelijk.", sources: src("L-Rol 2")},
	{condition, anyGroup, RoleGPPost}: {text: "Ook buiten kantooruren hoort behandeling van het ziektebeeld achter de Wlz-indicatie niet bij de huisartsenpost maar bij de {SP}.", sources: src("L-Rol 2")},

	{wzd, anyGroup, RoleGP}:     {text: "Onvrijwillige zorg (Wzd) is nooit de verantwoordelijkheid van de huisarts, maar van de {SP}.", sources: src("L-Rol 2")},
	{wzd, anyGroup, RoleGPPost}: {text: "Ook buiten kantooruren is onvrijwillige zorg (Wzd) geen taak van de huisartsenpost, maar van de {SP}.", sources: src("L-Rol 2")},

	{infection, anyGroup, RoleGP}:     {text: "Infectiepreventie voor alle bewoners valt uitdrukkelijk niet onder de verantwoordelijkheid van de huisarts.", sources: src("L-Rol 2")},
	{infection, grpHM, RoleGP}:        {text: "Infectiepreventie (protocollen en de aanpak van een uitbraak) valt uitdrukkelijk niet onder de verantwoordelijkheid van de huisarts, ook niet voor een cliënt thuis of zonder Wlz-indicatie.", sources: src("L-Rol 2")},
	{infection, anyGroup, RoleGPPost}: {text: "Ook buiten kantooruren is infectiepreventie geen taak van de huisartsenpost.", sources: src("L-Rol 2")},

	{nursingCare, anyGroup, RoleGP}:     {text: "De zorgaanbieder is verantwoordelijk voor voldoende en goede verzorging en verpleging, niet de huisarts.", sources: src("L-Rol 3")},
	{nursingCare, anyGroup, RoleGPPost}: {text: "Verpleegkundige vragen horen niet bij de huisartsenpost: de voorwacht en de zorgaanbieder vangen ze op.", sources: src("L-Rol 3", "L-Conv 4")},
	{nursingCare, grpHM, RoleGPPost}:    {text: "Verpleegkundige vragen horen niet bij de huisartsenpost: de zorgaanbieder die de zorg levert vangt ze op, ook buiten kantooruren.", sources: src("L-Rol 3")},
}

// lookupNotResponsible finds the reason a role is not responsible, the
// group's own row first.
func lookupNotResponsible(c Category, g Group, r Role) (reasonSpec, bool) {
	if why, ok := notResponsibleWhy[notResponsibleKey{c, g, r}]; ok {
		return why, true
	}
	why, ok := notResponsibleWhy[notResponsibleKey{c, anyGroup, r}]
	return why, ok
}

// summaryNames are the short Dutch names used in the one-line summary.
var summaryNames = map[Role]string{
	RoleFirstLine:              "de voorwacht",
	RoleGP:                     "de huisarts",
	RoleGPPost:                 "de huisartsenpost",
	RoleInstitutionPhysician:   "de arts van de instelling",
	RoleCareProviderOutOfHours: "de ANW-dienst van de zorgaanbieder",
	RoleBehaviourSpecialist:    "de gedragskundige",
	RoleElderlyCarePhysician:   "de specialist ouderengeneeskunde",
	RoleIDPhysician:            "de arts VG",
	RolePublicHealthService:    "de GGD",
	RoleCareProvider:           "de zorgaanbieder",
	RoleEmergencyServices:      "112",
}

// MaxSummary is the contract's limit: a summary is shorter than this many
// characters.
const MaxSummary = 140

// Summarize writes the one-line Dutch summary of a route: whom to call first,
// then whom next. When steps carry a Contact (filled by an adapter) it names
// the organisation and the first phone number, as long as the line stays
// under MaxSummary characters; otherwise it falls back to the plain line.
func Summarize(steps []Step) string {
	if s := summarize(steps, true, true); len([]rune(s)) < MaxSummary {
		return s
	}
	if s := summarize(steps, true, false); len([]rune(s)) < MaxSummary {
		return s
	}
	return summarize(steps, false, false)
}

func summarize(steps []Step, names, phone bool) string {
	if len(steps) == 0 {
		return ""
	}
	if steps[0].Role == RoleEmergencyServices {
		return "Levensbedreigend: bel direct 112."
	}
	var b strings.Builder
	calls := 0
	for i, s := range steps {
		name := summaryNames[s.Role]
		if name == "" {
			name = string(s.Role)
		}
		if c := s.Contact; c != nil && names && c.Organisation != "" {
			if phone && i == 0 && c.Phone != "" {
				name += " (" + c.Organisation + ", " + c.Phone + ")"
			} else {
				name += " (" + c.Organisation + ")"
			}
		}
		switch {
		case i == 0:
			b.WriteString("Bel eerst ")
		case s.Mode == ModeConsult:
			b.WriteString("; die overlegt zo nodig met ")
		case s.Mode == ModeInform:
			b.WriteString("; informeer daarna ")
		case calls == 1:
			b.WriteString(", daarna ")
		default:
			b.WriteString(", dan ")
		}
		if s.Mode == ModeCall {
			calls++
		}
		b.WriteString(name)
	}
	b.WriteString(".")
	return b.String()
}
