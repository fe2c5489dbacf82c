// Package access is mgz's one authorisation policy: a pure function from (actor, action,
// resource) to allow or deny with a Dutch reason. Every handler and every service call asks it;
// what it does not allow is denied.
package access

import (
	"github.com/regio-mgz/mgz"
)

// Action is what an actor wants to do.
type Action string

// The actions.
const (
	Read   Action = "read"
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	Export Action = "export"
	// Sign is a party's signature on an agreement.
	Sign Action = "sign"
	// Respond is the addressee's response to the current step of a report (melding).
	Respond Action = "respond"
	// ReadBSN is seeing a patient's full BSN (screens show it masked), and finding a patient by it.
	ReadBSN Action = "read_bsn"
)

// Kind is the kind of resource.
type Kind string

// The kinds of resource.
const (
	Organisation Kind = "organisation"
	Location     Kind = "location"
	ContactPoint Kind = "contact_point"
	Settings     Kind = "settings"
	Rules        Kind = "decision"
	User         Kind = "user"
	Token        Kind = "api_token"
	AuditLog     Kind = "audit_log"
	// Prerequisite is a location's checklist of domain.md §5 with its documents; OrganisationID
	// is the location's care provider.
	Prerequisite Kind = "prerequisite"
	// Patient is a client's record; Parties are the organisations involved in the client's care.
	Patient Kind = "patient"
	// Registration is a registration by name; OrganisationID is the registering practice.
	Registration Kind = "registration"
	// PracticeProfile is a practice's capacity and postcode areas; OrganisationID the practice.
	PracticeProfile Kind = "practice_profile"
	// Coverage is the region's overview of fixed GP practices per location.
	Coverage Kind = "coverage"
	// Agreement is an agreement of domain.md §8; Parties are its parties.
	Agreement Kind = "agreement"
	// AgreementProposal is which model agreement a location needs (domain.md §8); OrganisationID
	// is the location's care provider.
	AgreementProposal Kind = "agreement_proposal"
	// Inbox is an organisation's notices (issue 11); OrganisationID is the organisation.
	Inbox Kind = "inbox"
	// MailOutbox is the e-mail outbox without the mails' content; OrganisationID is the
	// organisation whose users' mails are meant, zero for the region's.
	MailOutbox Kind = "mail_outbox"
	// Escalation is a report (melding) along the covenant's route (domain.md §7); OrganisationID
	// is the reporting practice and Route says who is on the route so far. Export with a nil
	// Route is the anonymised summary for national forwarding.
	Escalation Kind = "escalation"
	// RegionalOverview is the region's overview per location (issue 11): counts, readiness and
	// agreement status, no client data. OrganisationID is zero for the whole region.
	RegionalOverview Kind = "regional_overview"
	// AgreementMeta is an agreement's type, parties, status and dates without its text or
	// versions; OrganisationID is the agreement's care provider.
	AgreementMeta Kind = "agreement_meta"
	// Handover is a client's handover with treatment wishes (domain.md §9); OrganisationID is
	// the lead physician's organisation, Parties the client's parties, OutOfHoursReaders the
	// region's GP posts, Involved the organisations that may read only by emergency access.
	Handover Kind = "handover"
	// Roster is an on-call roster with its shifts (issue 13); OrganisationID is its owner (for a
	// location's roster the location's care provider).
	Roster Kind = "roster"
	// Availability is the coverage gaps of the region (issue 13); OrganisationID is the
	// organisation whose gaps are asked for, zero for the whole region's.
	Availability Kind = "availability"
	// FixedPhysician is the fixed SO/AVG of a location or a GP practice (L-Conv 5);
	// OrganisationID is the practice, or the location's care provider.
	FixedPhysician Kind = "fixed_physician"
)

// Resource is what an action is about.
type Resource struct {
	Kind Kind
	// OrganisationID owns the resource: the organisation itself, a location's care provider, a
	// contact point's organisation (or its location's provider), a user's organisation, the
	// organisation whose audit log is read. Zero for what belongs to the region (settings).
	OrganisationID int64
	// UserID is the user a user or token resource belongs to.
	UserID int64
	// Parties are the organisations involved in a patient's care: the registered practice, the
	// care provider of the patient's location, the lead physician's organisation and the SO/AVG
	// service contracted for the location.
	Parties []int64
	// Route is, for an escalation, who is on its route so far.
	Route *Route
	// For a Handover: OutOfHoursReaders read while OutOfHours (the calendar decides); Involved
	// read by emergency access only; Emergency is the actor's recorded emergency access.
	OutOfHoursReaders []int64
	Involved          []int64
	OutOfHours        bool
	Emergency         bool
}

// Route is who a report involves: the reporting practice, the organisation that filed it (the
// practice or its RHO, "namens"), the care provider it is about, the zorgkantoor once a step was
// addressed to it, whether it reached the regional table, and the addressee of its current step.
type Route struct {
	Reporter, FiledBy, Provider int64
	CareOffice                  int64 // 0 until the care_office step was opened
	RegionalTable               int64 // the RHO addressed at the regional_table step; 0 before
	AtRegionalTable             bool  // the regional_table step was opened
	Current                     mgz.EscalationState
	Addressee                   int64 // of the current step; 0 when the report is closed
}

// RouteOf is the Route of e.
func RouteOf(e mgz.Escalation) *Route {
	r := &Route{Reporter: e.ReporterPracticeID, FiledBy: e.FiledByOrgID, Provider: e.CareProviderID, Current: e.State, Addressee: e.Owner()}
	for _, st := range e.Steps {
		var to int64
		if st.AddresseeOrgID != nil {
			to = *st.AddresseeOrgID
		}
		switch st.Step {
		case mgz.StateCareOffice:
			r.CareOffice = to
		case mgz.StateRegionalTable:
			r.RegionalTable, r.AtRegionalTable = to, true
		}
	}
	return r
}

// EscalationResource is the resource of report e for Decide.
func EscalationResource(e mgz.Escalation) Resource {
	return Resource{Kind: Escalation, OrganisationID: e.ReporterPracticeID, Route: RouteOf(e)}
}

func party(a mgz.Actor, r Resource) bool {
	for _, id := range r.Parties {
		if id != 0 && id == a.User.OrganisationID {
			return true
		}
	}
	return false
}

// carer is a role that may change a patient's record: an editor or a physician.
func carer(a mgz.Actor) bool { return has(a, mgz.RoleEditor) || has(a, mgz.RolePhysician) }

// Decision is the policy's answer. Hide means a denial must not reveal that the resource exists
// (404 rather than 403).
type Decision struct {
	Allow  bool
	Reason string
	Hide   bool
	// BreakGlass: denied, but the actor may read by emergency access after stating a reason.
	BreakGlass bool
}

func allow(reason string) Decision      { return Decision{Allow: true, Reason: reason} }
func deny(reason string) Decision       { return Decision{Reason: reason} }
func denyHidden(reason string) Decision { return Decision{Reason: reason, Hide: true} }
func (d Decision) String() string       { return d.Reason }
func breakGlass(reason string) Decision { return Decision{Reason: reason, BreakGlass: true} }
func member(a mgz.Actor, ids []int64) bool {
	for _, id := range ids {
		if id != 0 && id == a.User.OrganisationID {
			return true
		}
	}
	return false
}
func own(a mgz.Actor, r Resource) bool {
	return r.OrganisationID != 0 && a.User.OrganisationID == r.OrganisationID
}
func steward(a mgz.Actor) bool             { return a.OrgKind == mgz.KindRegionalGPOrg }
func self(a mgz.Actor, r Resource) bool    { return r.UserID != 0 && a.User.ID == r.UserID }
func has(a mgz.Actor, r mgz.UserRole) bool { return a.User.Has(r) }

// Decide is the policy. The register's public parts (organisations, locations and their phone
// numbers) are readable by every signed-in user; an organisation changes its own data; a care
// provider its locations; the RHO keeps the region's register and settings; an organisation's
// admins manage its users and read its audit log. Everything else is denied.
func Decide(a mgz.Actor, act Action, r Resource) Decision {
	if a.System {
		return allow("beheerder van de server (opdrachtregel)")
	}
	if a.User.ID == 0 || a.User.Disabled {
		return deny("U bent niet ingelogd.")
	}
	switch r.Kind {
	case Rules:
		if act == Read {
			return allow("iedere ingelogde gebruiker mag de regels raadplegen")
		}
	case Organisation:
		switch act {
		case Read:
			return allow("het register is leesbaar voor iedere ingelogde gebruiker")
		case Create:
			if steward(a) && has(a, mgz.RoleEditor) {
				return allow("de RHO houdt het register van de regio bij")
			}
			return deny("Alleen de regionale huisartsenorganisatie (RHO) voegt organisaties aan het register toe.")
		case Update:
			if own(a, r) && has(a, mgz.RoleEditor) {
				return allow("een organisatie werkt haar eigen gegevens bij")
			}
			if steward(a) && has(a, mgz.RoleEditor) {
				return allow("de RHO houdt het register van de regio bij")
			}
			return deny("U kunt alleen de gegevens van uw eigen organisatie wijzigen, met de rol bewerker of beheerder.")
		case Delete:
			if steward(a) && has(a, mgz.RoleAdmin) && !own(a, r) {
				return allow("de RHO houdt het register van de regio bij")
			}
			return deny("Alleen een beheerder van de RHO verwijdert organisaties uit het register.")
		}
	case Location:
		switch act {
		case Read:
			return allow("het register is leesbaar voor iedere ingelogde gebruiker")
		case Create, Update, Delete:
			if own(a, r) && a.OrgKind == mgz.KindCareProvider && has(a, mgz.RoleEditor) {
				return allow("een zorgaanbieder beheert haar eigen locaties")
			}
			return deny("Alleen een zorgaanbieder wijzigt locaties, en alleen de eigen, met de rol bewerker of beheerder.")
		}
	case ContactPoint:
		switch act {
		case Read:
			return allow("het register is leesbaar voor iedere ingelogde gebruiker")
		case Create, Update, Delete:
			if own(a, r) && has(a, mgz.RoleEditor) {
				return allow("een organisatie beheert haar eigen contactpunten en die van haar locaties")
			}
			return deny("U kunt alleen contactpunten van uw eigen organisatie en haar locaties wijzigen, met de rol bewerker of beheerder.")
		}
	case Agreement:
		if !party(a, r) {
			return denyHidden("Alleen de partijen zien een overeenkomst.")
		}
		switch act {
		case Read:
			return allow("een partij ziet de overeenkomst")
		case Create, Update:
			if has(a, mgz.RoleEditor) {
				return allow("een bewerker of beheerder van een partij stelt de overeenkomst op en houdt haar bij")
			}
			return deny("Alleen een bewerker of beheerder van een partij wijzigt een overeenkomst.")
		case Sign:
			if has(a, mgz.RoleEditor) || has(a, mgz.RolePhysician) {
				return allow("een partij ondertekent voor zichzelf")
			}
			return deny("Alleen een bewerker, beheerder of arts ondertekent namens de eigen organisatie.")
		}
	case AgreementProposal:
		if act == Read && (own(a, r) || a.OrgKind == mgz.KindGPPractice || steward(a) || a.OrgKind == mgz.KindCareOffice) {
			return allow("de zorgaanbieder, huisartsenpraktijken, de RHO en het zorgkantoor zien welke overeenkomst een locatie nodig heeft")
		}
		return deny("Alleen de zorgaanbieder, huisartsenpraktijken, de RHO en het zorgkantoor zien welke overeenkomst een locatie nodig heeft.")
	case Escalation:
		return decideEscalation(a, act, r)
	case RegionalOverview:
		if act != Read && act != Export {
			break
		}
		switch {
		case steward(a), a.OrgKind == mgz.KindCareOffice:
			return allow("de RHO en het zorgkantoor volgen de regio per locatie")
		case has(a, mgz.RoleRegionalTable):
			return allow("de regionale tafel volgt de regio per locatie")
		case a.OrgKind == mgz.KindCareProvider:
			return allow("een zorgaanbieder ziet het overzicht van haar eigen locaties")
		}
		return deny("Alleen de RHO, het zorgkantoor, leden van de regionale tafel en zorgaanbieders (voor hun eigen locaties) zien het regio-overzicht.")
	case AgreementMeta:
		if act == Read && (steward(a) || a.OrgKind == mgz.KindCareOffice || own(a, r) || party(a, r)) {
			return allow("de RHO, het zorgkantoor en de partijen zien soort, partijen, status en data van een overeenkomst (niet de tekst)")
		}
		return deny("Alleen de RHO, het zorgkantoor en de partijen zien de gegevens van een overeenkomst.")
	case Prerequisite:
		switch act {
		case Read:
			switch {
			case own(a, r):
				return allow("een zorgaanbieder ziet de randvoorwaarden van haar eigen locaties")
			case a.OrgKind == mgz.KindGPPractice, a.OrgKind == mgz.KindRegionalGPOrg, a.OrgKind == mgz.KindCareOffice:
				return allow("huisartsenpraktijken, de RHO en het zorgkantoor zien de randvoorwaarden van locaties")
			}
			return deny("Alleen de zorgaanbieder, huisartsenpraktijken, de RHO en het zorgkantoor zien de randvoorwaarden van een locatie.")
		case Update:
			if own(a, r) && a.OrgKind == mgz.KindCareProvider && has(a, mgz.RoleEditor) {
				return allow("een zorgaanbieder legt de randvoorwaarden van haar eigen locaties vast")
			}
			return deny("Alleen de zorgaanbieder van de locatie legt randvoorwaarden vast, met de rol bewerker of beheerder.")
		}
	case Patient:
		if !party(a, r) {
			return denyHidden("Deze patiënt is niet zichtbaar voor uw organisatie: alleen de ingeschreven praktijk, de zorgaanbieder van de locatie, de organisatie van de regiebehandelaar en de SO/AVG-dienst van de locatie zien een patiënt.")
		}
		switch act {
		case Read:
			return allow("de organisatie is betrokken bij de zorg voor deze patiënt")
		case ReadBSN:
			if carer(a) {
				return allow("een bewerker of arts van een betrokken organisatie gebruikt het BSN om gegevens uit te wisselen")
			}
			return deny("Alleen een bewerker, beheerder of arts van een betrokken organisatie ziet het volledige BSN.")
		case Create, Update:
			if carer(a) {
				return allow("een bewerker of arts van een betrokken organisatie legt de gegevens van de patiënt vast")
			}
			return deny("Alleen een bewerker, beheerder of arts van een betrokken organisatie wijzigt de gegevens van een patiënt.")
		}
	case Roster, FixedPhysician:
		switch act {
		case Read:
			return allow("wie dienst heeft is leesbaar voor iedere ingelogde gebruiker: daarvoor is het rooster er")
		case Create, Update, Delete:
			if own(a, r) && has(a, mgz.RoleEditor) {
				return allow("een organisatie beheert haar eigen roosters en vaste artsen en die van haar locaties")
			}
			return deny("U kunt alleen roosters en vaste artsen van uw eigen organisatie en haar locaties wijzigen, met de rol bewerker of beheerder.")
		}
	case Availability:
		if act != Read && act != Export {
			break
		}
		switch {
		case steward(a), a.OrgKind == mgz.KindCareOffice:
			return allow("de RHO en het zorgkantoor volgen de bereikbaarheid in de regio")
		case has(a, mgz.RoleRegionalTable):
			return allow("de regionale tafel volgt de bereikbaarheid in de regio")
		case r.OrganisationID != 0 && own(a, r):
			return allow("een organisatie ziet de gaten in haar eigen roosters")
		}
		return deny("Alleen de RHO, het zorgkantoor en leden van de regionale tafel zien de gaten in de bereikbaarheid van de hele regio; een organisatie ziet die van haar eigen roosters.")
	case Handover:
		switch act {
		case Read:
			switch {
			case party(a, r):
				return allow("de organisatie van de regiebehandelaar, de ingeschreven praktijk, de zorgaanbieder van de locatie en haar SO/AVG-dienst lezen de overdracht")
			case member(a, r.OutOfHoursReaders) && r.OutOfHours:
				return allow("de huisartsenpost van de regio leest de overdracht tijdens de ANW-uren")
			case (member(a, r.OutOfHoursReaders) || member(a, r.Involved)) && r.Emergency:
				return allow("noodtoegang: met opgegeven reden, vastgelegd en gemeld aan de regiebehandelaar")
			case member(a, r.OutOfHoursReaders):
				return breakGlass("Buiten de ANW-uren leest de huisartsenpost de overdracht alleen met noodtoegang: geef de reden op. De toegang wordt vastgelegd en gemeld aan de organisatie van de regiebehandelaar.")
			case member(a, r.Involved):
				return breakGlass("Uw organisatie leest deze overdracht alleen met noodtoegang: geef de reden op. De toegang wordt vastgelegd en gemeld aan de organisatie van de regiebehandelaar.")
			}
			return denyHidden("Deze overdracht is niet zichtbaar voor uw organisatie.")
		case Create, Update:
			if own(a, r) && carer(a) {
				return allow("de organisatie van de regiebehandelaar schrijft en bevestigt de overdracht")
			}
			if party(a, r) || member(a, r.OutOfHoursReaders) || member(a, r.Involved) {
				return deny("Alleen een arts, bewerker of beheerder van de organisatie van de regiebehandelaar schrijft of bevestigt de overdracht.")
			}
			return denyHidden("Deze overdracht is niet zichtbaar voor uw organisatie.")
		}
	case Registration:
		if act == Create && own(a, r) && a.OrgKind == mgz.KindGPPractice && carer(a) {
			return allow("een huisartsenpraktijk schrijft een cliënt op naam in")
		}
		return deny("Alleen een huisartsenpraktijk schrijft cliënten op naam in bij zichzelf, met de rol bewerker, beheerder of arts.")
	case PracticeProfile:
		switch act {
		case Read:
			return allow("capaciteit en postcodegebieden van praktijken zijn zichtbaar voor iedere ingelogde gebruiker")
		case Update:
			if own(a, r) && a.OrgKind == mgz.KindGPPractice && has(a, mgz.RoleEditor) {
				return allow("een praktijk houdt haar eigen capaciteit en postcodegebieden bij")
			}
			return deny("Alleen de praktijk zelf wijzigt haar capaciteit en postcodegebieden, met de rol bewerker of beheerder.")
		}
	case Coverage:
		if act == Read && (steward(a) || a.OrgKind == mgz.KindCareOffice) {
			return allow("de RHO en het zorgkantoor volgen de dekking met vaste huisartsen in de regio")
		}
		return deny("Alleen de RHO en het zorgkantoor zien het overzicht van vaste huisartsen per locatie.")
	case Settings:
		switch act {
		case Read:
			return allow("de regio-instellingen zijn leesbaar voor iedere ingelogde gebruiker")
		case Update:
			if steward(a) && has(a, mgz.RoleAdmin) {
				return allow("de RHO beheert de regio-instellingen")
			}
			return deny("Alleen een beheerder van de RHO wijzigt de regio-instellingen.")
		}
	case User:
		if self(a, r) && (act == Read || act == Update) {
			return allow("iedere gebruiker beheert het eigen account")
		}
		if own(a, r) && has(a, mgz.RoleAdmin) && act != Export {
			return allow("een beheerder beheert de gebruikers van de eigen organisatie")
		}
		if own(a, r) {
			return deny("Alleen een beheerder van uw organisatie beheert gebruikers.")
		}
		return denyHidden("Gebruikers van een andere organisatie zijn niet zichtbaar.")
	case Token:
		if self(a, r) && act != Export {
			return allow("iedere gebruiker beheert de eigen API-tokens")
		}
		return denyHidden("API-tokens van een ander zijn niet zichtbaar.")
	case Inbox:
		if own(a, r) && (act == Read || act == Update) {
			return allow("iedere gebruiker leest de berichten van de eigen organisatie en markeert ze als gelezen")
		}
		return denyHidden("Berichten van een andere organisatie zijn niet zichtbaar.")
	case MailOutbox:
		if (act == Read || act == Update) && has(a, mgz.RoleAdmin) && (own(a, r) || steward(a)) {
			return allow("een beheerder volgt de e-mails aan de eigen organisatie; een beheerder van de RHO die van de regio")
		}
		return deny("Alleen een beheerder ziet de e-mails aan de gebruikers van de eigen organisatie; een beheerder van de RHO die van de regio.")
	case AuditLog:
		if (act == Read || act == Export) && own(a, r) && has(a, mgz.RoleAdmin) {
			return allow("een beheerder ziet wie de gegevens van de eigen organisatie heeft ingezien of gewijzigd")
		}
		return deny("Alleen een beheerder van uw organisatie ziet het auditlog van uw organisatie.")
	}
	return deny("Deze handeling is niet toegestaan.")
}

// decideEscalation: the reporting practice and the RHO (which may file and act on the practice's
// behalf) see and steer a report; the provider sees it from the start, the zorgkantoor from the
// step addressed to it, members of the regional table (role regional_table) from the third step.
// The addressee of the current step responds.
func decideEscalation(a mgz.Actor, act Action, r Resource) Decision {
	org := a.User.OrganisationID
	switch act {
	case Create:
		if own(a, r) && a.OrgKind == mgz.KindGPPractice && carer(a) {
			return allow("een huisartsenpraktijk meldt tekortschietende zorg")
		}
		if steward(a) && has(a, mgz.RoleEditor) {
			return allow("de RHO meldt namens een huisartsenpraktijk")
		}
		return deny("Alleen een huisartsenpraktijk (bewerker, beheerder of arts) of de RHO (bewerker of beheerder) doet een melding.")
	case Export:
		if r.Route == nil && steward(a) {
			return allow("de RHO stuurt een geanonimiseerd overzicht door naar LHV en InEen")
		}
		return deny("Alleen de RHO exporteert het geanonimiseerde overzicht van meldingen.")
	}
	rt := r.Route
	if rt == nil {
		return deny("Deze handeling is niet toegestaan.")
	}
	reporterSide := org == rt.Reporter || org == rt.FiledBy || steward(a)
	sees := reporterSide || org == rt.Provider || (rt.CareOffice != 0 && org == rt.CareOffice) ||
		(rt.AtRegionalTable && (has(a, mgz.RoleRegionalTable) || org == rt.RegionalTable))
	if !sees {
		return denyHidden("Deze melding is niet zichtbaar voor uw organisatie: alleen de melder, de RHO, de zorgaanbieder en de organisaties waar de melding al langs is geweest zien haar.")
	}
	switch act {
	case Read:
		return allow("de organisatie is betrokken bij deze melding")
	case Respond:
		if rt.Addressee != 0 && org == rt.Addressee && has(a, mgz.RoleEditor) {
			return allow("de geadresseerde van de stap reageert op de melding")
		}
		if rt.Current == mgz.StateRegionalTable && has(a, mgz.RoleRegionalTable) {
			return allow("een lid van de regionale tafel reageert op de melding")
		}
		return deny("Alleen de organisatie waaraan de huidige stap is gericht (bewerker of beheerder) reageert op de melding; bij de regionale tafel ook een lid van de regionale tafel.")
	case Update:
		if org == rt.Reporter && carer(a) {
			return allow("de meldende praktijk zet de melding door of sluit haar af")
		}
		if steward(a) && has(a, mgz.RoleEditor) {
			return allow("de RHO handelt namens de meldende praktijk")
		}
		return deny("Alleen de meldende praktijk (bewerker, beheerder of arts) of de RHO (bewerker of beheerder) zet een melding door, voegt bijlagen toe of sluit haar af.")
	}
	return deny("Deze handeling is niet toegestaan.")
}
