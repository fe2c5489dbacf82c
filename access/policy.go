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
}

func allow(reason string) Decision      { return Decision{Allow: true, Reason: reason} }
func deny(reason string) Decision       { return Decision{Reason: reason} }
func denyHidden(reason string) Decision { return Decision{Reason: reason, Hide: true} }
func (d Decision) String() string       { return d.Reason }
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
	case AuditLog:
		if (act == Read || act == Export) && own(a, r) && has(a, mgz.RoleAdmin) {
			return allow("een beheerder ziet wie de gegevens van de eigen organisatie heeft ingezien of gewijzigd")
		}
		return deny("Alleen een beheerder van uw organisatie ziet het auditlog van uw organisatie.")
	}
	return deny("Deze handeling is niet toegestaan.")
}
