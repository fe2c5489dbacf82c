package rules

import (
	"time"

	"github.com/regio-mgz/mgz/calendar"
)

// Setting is where the client lives (domain.md §3, [L-Wlz 7]).
type Setting string

// The settings of domain.md §3.
const (
	SettingHome             Setting = "home"
	SettingClusteredHousing Setting = "clustered_housing"
	SettingInstitution      Setting = "institution"
)

// Wlz is what the Wlz lookup (VECOZO) shows: no indication, or one without
// or with treatment.
type Wlz string

// The Wlz answers of domain.md §3.
const (
	WlzNone             Wlz = "none"
	WlzWithoutTreatment Wlz = "without_treatment"
	WlzWithTreatment    Wlz = "with_treatment"
)

// Delivery is how a Wlz indication is used (leveringsvorm, [T, L-Wlz 8]).
// The empty Delivery means "absent", which is required when Wlz is none.
type Delivery string

// The deliveries of domain.md §3.
const (
	DeliveryNone                 Delivery = ""
	DeliveryStayWithTreatment    Delivery = "stay_with_treatment"
	DeliveryStayWithoutTreatment Delivery = "stay_without_treatment"
	DeliveryVPT                  Delivery = "vpt"
	DeliveryMPT                  Delivery = "mpt"
	DeliveryPGB                  Delivery = "pgb"
)

// Sector is the care sector: elderly care (VV) or disability care (VG).
type Sector string

// The sectors of domain.md §3.
const (
	SectorElderly    Sector = "elderly"
	SectorDisability Sector = "disability"
)

// Need is the care need of a client without a Wlz indication; the empty Need
// means "absent" (allowed, and ignored, when there is a Wlz indication).
type Need string

// The needs of domain.md §3.
const (
	NeedNone         Need = ""
	NeedPermanent24h Need = "permanent_24h"
	NeedTemporary24h Need = "temporary_24h"
	NeedExtraNot24h  Need = "extra_not_24h"
)

// Category is the kind of care question (domain.md §4.2, [L-Rol 2]).
type Category string

// The categories of domain.md §4.2.
const (
	CategoryEmergency           Category = "emergency"
	CategoryGPCare              Category = "gp_care"
	CategoryBehaviour           Category = "behaviour"
	CategoryConditionTreatment  Category = "condition_treatment"
	CategoryWzd                 Category = "wzd"
	CategoryInfectionPrevention Category = "infection_prevention"
	CategoryNursing             Category = "nursing"
)

// Group is one of the three groups of situations of domain.md §4.3.
type Group string

// The groups: AT, IN and HM of domain.md §4.3.
const (
	GroupAtProvider    Group = "at_provider"    // AT: Wlz without treatment, living or staying at a provider
	GroupWithTreatment Group = "with_treatment" // IN: Wlz with treatment in an institution (§3.2)
	GroupHome          Group = "home"           // HM: at home, or no Wlz indication
)

// Funding says who pays: the health insurance act or the long-term care act.
// The empty Funding encodes as JSON null (e.g. specific_care_funding without
// a Wlz indication).
type Funding string

// The fundings of the contract.
const (
	FundingZvw Funding = "zvw"
	FundingWlz Funding = "wlz"
)

// MarshalJSON encodes the empty Funding as null, as the contract wants.
func (f Funding) MarshalJSON() ([]byte, error) { return appendNullableString(nil, string(f)), nil }

// Agreement is the model agreement that applies (domain.md §8).
type Agreement string

// The agreements of the contract.
const (
	AgreementSubcontract Agreement = "subcontract"
	AgreementCooperation Agreement = "cooperation"
	AgreementNone        Agreement = "none"
)

// Tariff is the GP tariff that applies.
type Tariff string

// The tariffs of the contract.
const (
	TariffZvw                   Tariff = "zvw"
	TariffZvwIntensiveAvailable Tariff = "zvw_intensive_available"
	TariffFree                  Tariff = "free"
)

// Role is a party in a route or a classification (domain.md §2, §4.3).
type Role string

// The roles of domain.md §4.3. The SO/AVG is written out per sector.
const (
	RoleFirstLine              Role = "first_line"
	RoleGP                     Role = "gp"
	RoleGPPost                 Role = "gp_post"
	RoleInstitutionPhysician   Role = "institution_physician"
	RoleCareProviderOutOfHours Role = "care_provider_out_of_hours"
	RoleBehaviourSpecialist    Role = "behaviour_specialist"
	RoleElderlyCarePhysician   Role = "elderly_care_physician"
	RoleIDPhysician            Role = "id_physician"
	RolePublicHealthService    Role = "public_health_service"
	RoleCareProvider           Role = "care_provider"
	RoleEmergencyServices      Role = "emergency_services"
)

// Mode is how a step involves its role.
type Mode string

// The modes of domain.md §4.3.
const (
	ModeCall    Mode = "call"
	ModeConsult Mode = "consult"
	ModeInform  Mode = "inform"
)

// Oversight is who oversees the quality of care; the empty Oversight encodes
// as JSON null (no Wlz indication).
type Oversight string

// The quality overseers of the contract.
const (
	OversightCareProvider Oversight = "care_provider"
	OversightClient       Oversight = "client"
)

// MarshalJSON encodes the empty Oversight as null, as the contract wants.
func (o Oversight) MarshalJSON() ([]byte, error) { return appendNullableString(nil, string(o)), nil }

// Alternative is a non-Wlz form of care to point a client without Wlz to.
type Alternative string

// The alternatives of domain.md §3.1.
const (
	AlternativeELV           Alternative = "elv"
	AlternativeGRZ           Alternative = "grz"
	AlternativeGZSP          Alternative = "gzsp"
	AlternativeWlzAssessment Alternative = "wlz_assessment"
)

// Flag marks a situation that needs attention.
type Flag string

// The flags of domain.md §3.3 [L-Wlz 8].
const (
	// FlagPGBInClusteredHousing marks PGB in clustered housing.
	FlagPGBInClusteredHousing Flag = "pgb_in_clustered_housing"
	// FlagPGBElderlyOversightUnclear marks PGB in elderly care, where the
	// client's oversight role is unclear (rules v2).
	FlagPGBElderlyOversightUnclear Flag = "pgb_elderly_oversight_unclear"
)

// HolidayName is the Dutch name of a public holiday, or empty (JSON null).
type HolidayName string

// MarshalJSON encodes the empty HolidayName as null, as the contract wants.
func (h HolidayName) MarshalJSON() ([]byte, error) { return appendNullableString(nil, string(h)), nil }

// Request is a decision request (contract.md "Request").
type Request struct {
	Situation Situation `json:"situation"`
	// Question is optional: without it the response has no route.
	Question *Question `json:"question,omitempty"`
	// LocationID names a registered location; the rules ignore it, adapters
	// use it to name concrete contacts.
	LocationID string `json:"location_id,omitempty"`
	// PatientID names a registered client; with a register (a Resolver) the
	// situation, location and the client's own practice come from the
	// client's record, and the register wins over the request.
	PatientID string `json:"patient_id,omitempty"`
}

// Situation is the client's situation (domain.md §3).
type Situation struct {
	Setting  Setting  `json:"setting"`
	Wlz      Wlz      `json:"wlz"`
	Delivery Delivery `json:"delivery,omitempty"`
	Sector   Sector   `json:"sector"`
	Need     Need     `json:"need,omitempty"`
}

// Question is a care question at a moment (domain.md §4).
type Question struct {
	Category Category `json:"category"`
	// At is the moment of the question; it is judged in Europe/Amsterdam.
	At time.Time `json:"at"`
}

// Response is a decision (contract.md "Response").
//
// The slices inside a Response returned by Decide are shared, read-only
// tables: do not change their elements. Use Route.Clone before filling in
// contacts.
type Response struct {
	Classification Classification `json:"classification"`
	Route          *Route         `json:"route,omitempty"`
	// Warnings is filled by adapters, e.g. when a needed party is missing
	// for the location (domain.md §4.3, last paragraph).
	Warnings []Warning `json:"warnings,omitempty"`
}

// Warning is something the caller of a decision must know, with a stable
// code and a Dutch message saying what to do (contract.md "warnings").
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The stable warning codes of contract.md.
const (
	// WarnPartyMissing: a party the route needs is missing from the register.
	WarnPartyMissing = "party_missing"
	// WarnNotReachableNow: a contact is not reachable at this moment.
	WarnNotReachableNow = "not_reachable_now"
	// WarnOnCallGap: the roster of a party the route needs has nobody on call at this moment.
	WarnOnCallGap = "on_call_gap"
	// WarnRegisterOverridesRequest: the request contradicts the register,
	// and the answer follows the register.
	WarnRegisterOverridesRequest = "register_overrides_request"
	// WarnPhysicianSectorMismatch: the location's SO/AVG service is of the
	// other sector than the client's, and no service of the client's sector
	// is registered.
	WarnPhysicianSectorMismatch = "physician_sector_mismatch"
	// WarnLocationUnknown: location_id names no registered location.
	WarnLocationUnknown = "location_unknown"
	// WarnRegisterUnavailable: the register could not be read, or there is
	// none, so the steps name no contacts.
	WarnRegisterUnavailable = "register_unavailable"
)

// Classification answers who is responsible, who pays and which agreement
// applies (domain.md §3, contract.md "Field rules").
type Classification struct {
	Group               Group         `json:"group"`
	GPFunding           Funding       `json:"gp_funding"`
	RegisteredByName    bool          `json:"registered_by_name"`
	Agreement           Agreement     `json:"agreement"`
	GPTariff            Tariff        `json:"gp_tariff"`
	OutOfHoursBy        Role          `json:"out_of_hours_by"`
	SpecificCareBy      Role          `json:"specific_care_by"`
	SpecificCareFunding Funding       `json:"specific_care_funding"` // empty (null) without Wlz
	Lead                Role          `json:"lead"`
	QualityOversight    Oversight     `json:"quality_oversight"` // empty (null) without Wlz
	PrerequisitesApply  bool          `json:"prerequisites_apply"`
	Alternatives        []Alternative `json:"alternatives"`
	Flags               []Flag        `json:"flags"`
	Reasons             []Reason      `json:"reasons"`
}

// Reason explains one part of a classification in Dutch, with its sources.
type Reason struct {
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// Route is whom to call for a question, in order (domain.md §4.3).
type Route struct {
	// Summary is one Dutch line under 140 characters saying whom to call first.
	Summary        string           `json:"summary"`
	Period         calendar.Period  `json:"period"`
	Holiday        HolidayName      `json:"holiday"` // empty (null) when the date is no holiday
	Steps          []Step           `json:"steps"`
	NotResponsible []NotResponsible `json:"not_responsible"`
}

// Step is one step of a route.
type Step struct {
	Order   int      `json:"order"` // counts from 1
	Role    Role     `json:"role"`
	Mode    Mode     `json:"mode"`
	Why     string   `json:"why"`
	Sources []string `json:"sources"`
	// Contact is filled by adapters with the region's data; nil here.
	Contact *Contact `json:"contact,omitempty"`
}

// Contact is the concrete party behind a step, filled by adapters.
type Contact struct {
	Organisation string `json:"organisation,omitempty"`
	Location     string `json:"location,omitempty"`
	Phone        string `json:"phone,omitempty"`
	// NotReachableNow is set when the register has no number of this party for the moment of the
	// question: then Phone is empty and Note says what to do instead.
	NotReachableNow bool `json:"not_reachable_now,omitempty"`
	// Note is a Dutch remark on the contact, e.g. how the care provider arranged GP care out of
	// hours, or "nu niet bereikbaar" with what to call instead.
	Note string `json:"note,omitempty"`
	// OnCall names who is on call for this step now according to the roster of the party
	// (issue 13); nil without a roster.
	OnCall *OnCall `json:"on_call,omitempty"`
}

// OnCall is the person on call for a step at the moment of the question, from a roster.
type OnCall struct {
	Name     string    `json:"name"`
	Function string    `json:"function,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Until    time.Time `json:"until"` // end of the shift (RFC 3339)
}

// NotResponsible is a role someone might call who is not responsible.
type NotResponsible struct {
	Role    Role     `json:"role"`
	Why     string   `json:"why"`
	Sources []string `json:"sources"`
}

// Clone returns a deep copy of the route whose steps and not_responsible
// entries may be changed (e.g. to fill in contacts) without touching the
// shared tables.
func (r *Route) Clone() *Route {
	if r == nil {
		return nil
	}
	c := *r
	c.Steps = make([]Step, len(r.Steps))
	for i, s := range r.Steps {
		s.Sources = append([]string(nil), s.Sources...)
		if s.Contact != nil {
			ct := *s.Contact
			if ct.OnCall != nil {
				oc := *ct.OnCall
				ct.OnCall = &oc
			}
			s.Contact = &ct
		}
		c.Steps[i] = s
	}
	c.NotResponsible = make([]NotResponsible, len(r.NotResponsible))
	for i, n := range r.NotResponsible {
		n.Sources = append([]string(nil), n.Sources...)
		c.NotResponsible[i] = n
	}
	return &c
}
