package mgz

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz/calendar"
)

// OrgKind is the kind of an organisation in the regional register (domain.md §1–2).
type OrgKind string

// The kinds of organisation.
const (
	KindGPPractice          OrgKind = "gp_practice"
	KindCareProvider        OrgKind = "care_provider"
	KindGPPost              OrgKind = "gp_post"
	KindPhysicianService    OrgKind = "physician_service"
	KindCareOffice          OrgKind = "care_office"
	KindRegionalGPOrg       OrgKind = "regional_gp_org"
	KindPublicHealthService OrgKind = "public_health_service"
)

// OrgKinds lists the kinds with their Dutch names.
var OrgKinds = newEnum(
	Option[OrgKind]{KindGPPractice, "Huisartsenpraktijk"},
	Option[OrgKind]{KindCareProvider, "Zorgaanbieder"},
	Option[OrgKind]{KindGPPost, "Huisartsenpost"},
	Option[OrgKind]{KindPhysicianService, "SO/AVG-dienst"},
	Option[OrgKind]{KindCareOffice, "Zorgkantoor"},
	Option[OrgKind]{KindRegionalGPOrg, "Regionale huisartsenorganisatie (RHO)"},
	Option[OrgKind]{KindPublicHealthService, "GGD"},
)

// Label returns the Dutch name of the kind.
func (k OrgKind) Label() string { return OrgKinds.Label(k) }

// agbRule says whether a kind of organisation has an AGB code (Vektis registers care providers,
// not insurers' offices or associations).
type agbRule int

const (
	agbNone agbRule = iota
	agbOptional
	agbRequired
)

var agbRules = map[OrgKind]agbRule{
	KindGPPractice:          agbRequired, // a practice declares under its AGB code
	KindGPPost:              agbRequired,
	KindCareProvider:        agbOptional,
	KindPhysicianService:    agbOptional,
	KindPublicHealthService: agbOptional,
	KindCareOffice:          agbNone,
	KindRegionalGPOrg:       agbNone,
}

// HasAGB reports whether organisations of kind k can have an AGB code.
func (k OrgKind) HasAGB() bool { return agbRules[k] != agbNone }

// Setting is where a location houses its clients (domain.md §3, L-Wlz 7).
type Setting string

// The settings of a location. Home is not a location's setting: it is a client's.
const (
	SettingClusteredHousing Setting = "clustered_housing"
	SettingInstitution      Setting = "institution"
)

// Settings lists the settings of a location with Dutch names.
var Settings = newEnum(
	Option[Setting]{SettingClusteredHousing, "Geclusterde woonzorgvoorziening"},
	Option[Setting]{SettingInstitution, "Instelling (verpleeghuis of gehandicapteninstelling)"},
)

// Label returns the Dutch name of the setting.
func (s Setting) Label() string { return Settings.Label(s) }

// Sector is the care sector of a location or client.
type Sector string

// The sectors.
const (
	SectorElderly    Sector = "elderly"
	SectorDisability Sector = "disability"
)

// Sectors lists the sectors with Dutch names.
var Sectors = newEnum(
	Option[Sector]{SectorElderly, "Ouderenzorg (VV)"},
	Option[Sector]{SectorDisability, "Gehandicaptenzorg (VG)"},
)

// Label returns the Dutch name of the sector.
func (s Sector) Label() string { return Sectors.Label(s) }

// Delivery is a form in which a Wlz indication is used (leveringsvorm; T, L-Wlz 8).
type Delivery string

// The Wlz deliveries.
const (
	DeliveryStayWithTreatment    Delivery = "stay_with_treatment"
	DeliveryStayWithoutTreatment Delivery = "stay_without_treatment"
	DeliveryVPT                  Delivery = "vpt"
	DeliveryMPT                  Delivery = "mpt"
	DeliveryPGB                  Delivery = "pgb"
)

// Deliveries lists the Wlz deliveries with Dutch names.
var Deliveries = newEnum(
	Option[Delivery]{DeliveryStayWithTreatment, "Verblijf met behandeling"},
	Option[Delivery]{DeliveryStayWithoutTreatment, "Verblijf zonder behandeling"},
	Option[Delivery]{DeliveryVPT, "Volledig pakket thuis (VPT)"},
	Option[Delivery]{DeliveryMPT, "Modulair pakket thuis (MPT)"},
	Option[Delivery]{DeliveryPGB, "Persoonsgebonden budget (PGB)"},
)

// Label returns the Dutch name of the delivery.
func (d Delivery) Label() string { return Deliveries.Label(d) }

// deliveryOffered says in which settings a delivery can be offered, after domain.md §3.4: stay with
// treatment only in an institution; stay without treatment in an institution or clustered housing;
// a "pakket thuis" (VPT, MPT) and PGB at home or in clustered housing, never inside an institution.
var deliveryOffered = map[Delivery][]Setting{
	DeliveryStayWithTreatment:    {SettingInstitution},
	DeliveryStayWithoutTreatment: {SettingInstitution, SettingClusteredHousing},
	DeliveryVPT:                  {SettingClusteredHousing},
	DeliveryMPT:                  {SettingClusteredHousing},
	DeliveryPGB:                  {SettingClusteredHousing},
}

// OfferedIn reports whether delivery d can be offered at a location of setting s (domain.md §3.4).
func (d Delivery) OfferedIn(s Setting) bool {
	for _, ok := range deliveryOffered[d] {
		if ok == s {
			return true
		}
	}
	return false
}

// ContactRole is what a contact point is for.
type ContactRole string

// The roles of contact points. first_line and behaviour_specialist follow domain.md §2.
const (
	RoleFirstLine           ContactRole = "first_line"
	RoleBehaviourSpecialist ContactRole = "behaviour_specialist"
	RoleGPPost              ContactRole = "gp_post"
	RolePhysicianOnCall     ContactRole = "physician_on_call"
	RoleManagement          ContactRole = "management"
	RoleReception           ContactRole = "reception"
	RoleInfectionControl    ContactRole = "infection_control"
	// RoleGPOutOfHours is how a care provider (or one of its locations) arranged GP care out of
	// hours for clients with treatment (domain.md §3.2; T, L-Conv 4); its Arrangement says how.
	RoleGPOutOfHours ContactRole = "gp_out_of_hours"
)

// ContactRoles lists the roles with Dutch names.
var ContactRoles = newEnum(
	Option[ContactRole]{RoleFirstLine, "Voorwacht (verpleegkundige of gedragskundige triage)"},
	Option[ContactRole]{RoleBehaviourSpecialist, "Gedragskundige"},
	Option[ContactRole]{RoleGPPost, "Huisartsenpost"},
	Option[ContactRole]{RolePhysicianOnCall, "Dienstdoende arts (SO/AVG)"},
	Option[ContactRole]{RoleManagement, "Management / locatieleiding"},
	Option[ContactRole]{RoleReception, "Algemeen nummer"},
	Option[ContactRole]{RoleInfectionControl, "Infectiepreventie"},
	Option[ContactRole]{RoleGPOutOfHours, "ANW-huisartsenzorg voor cliënten met behandeling"},
)

// Arrangement is how a care provider organised GP care out of hours for clients with treatment:
// through the GP post by agreement, a commercial party, or its own staff [T; L-Conv 4].
type Arrangement string

// The out-of-hours arrangements of domain.md §3.2.
const (
	ArrangementGPPost     Arrangement = "gp_post"
	ArrangementCommercial Arrangement = "commercial"
	ArrangementOwnStaff   Arrangement = "own_staff"
)

// Arrangements lists the arrangements with Dutch names.
var Arrangements = newEnum(
	Option[Arrangement]{ArrangementGPPost, "Huisartsenpost, op afspraak"},
	Option[Arrangement]{ArrangementCommercial, "Commerciële partij"},
	Option[Arrangement]{ArrangementOwnStaff, "Eigen artsen van de zorgaanbieder"},
)

// Label returns the Dutch name of the arrangement.
func (a Arrangement) Label() string { return Arrangements.Label(a) }

// Label returns the Dutch name of the role.
func (r ContactRole) Label() string { return ContactRoles.Label(r) }

// Hours are the hours a contact point covers (domain.md §4.1).
type Hours string

// The hours a contact point can cover.
const (
	Hours24x7       Hours = "24_7"
	HoursOffice     Hours = "office_hours"
	HoursOutOfHours Hours = "out_of_hours"
)

// HoursOptions lists the hours with Dutch names.
var HoursOptions = newEnum(
	Option[Hours]{Hours24x7, "Dag en nacht (24/7)"},
	Option[Hours]{HoursOffice, "Kantooruren"},
	Option[Hours]{HoursOutOfHours, "ANW-uren (avond, nacht en weekend)"},
)

// Label returns the Dutch name of the hours.
func (h Hours) Label() string { return HoursOptions.Label(h) }

// Organisation is a party in the regional register.
type Organisation struct {
	ID               int64     `json:"id"`
	Kind             OrgKind   `json:"kind"`
	Name             string    `json:"name"`
	AGB              string    `json:"agb,omitempty"`
	KvK              string    `json:"kvk,omitempty"`
	Address          string    `json:"address"`
	Postcode         string    `json:"postcode"`
	City             string    `json:"city"`
	Phone            string    `json:"phone"`
	CareOfficeRegion string    `json:"care_office_region"`
	Revision         int64     `json:"revision"` // grows with every stored change; an update names the one it was made on (0: none)
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Location is a place of a care provider where Wlz clients live or stay.
type Location struct {
	ID                int64      `json:"id"`
	ProviderID        int64      `json:"provider_id"`
	Name              string     `json:"name"`
	Address           string     `json:"address"`
	Postcode          string     `json:"postcode"`
	Municipality      string     `json:"municipality"`
	Setting           Setting    `json:"setting"`
	Sector            Sector     `json:"sector"`
	Deliveries        []Delivery `json:"deliveries"`
	Places            int        `json:"places"`
	FixedGPPracticeID *int64     `json:"fixed_gp_practice_id"`
	// PhysicianServiceID is the SO/AVG service contracted for the location (domain.md §5).
	PhysicianServiceID *int64 `json:"physician_service_id"`
	// Lifecycle is planned, open, closing or closed (default open); a planned location has the
	// date it expects its first clients (ExpectedOpening).
	Lifecycle       Lifecycle `json:"lifecycle"`
	ExpectedOpening Date      `json:"expected_opening"`
	Revision        int64     `json:"revision"` // see Organisation.Revision
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// ContactPoint is a phone number of an organisation or of one of its locations, for a role and
// for the hours it covers. Exactly one of OrganisationID and LocationID is set.
type ContactPoint struct {
	ID             int64       `json:"id"`
	OrganisationID *int64      `json:"organisation_id"`
	LocationID     *int64      `json:"location_id"`
	Role           ContactRole `json:"role"`
	Name           string      `json:"name"`
	Phone          string      `json:"phone"`
	Hours          Hours       `json:"hours"`
	// Arrangement says, for role gp_out_of_hours only, how GP care out of hours is arranged.
	Arrangement Arrangement `json:"arrangement,omitempty"`
	Revision    int64       `json:"revision"` // see Organisation.Revision
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Field length limits: generous for real names, small enough to keep pages and exports sane.
const (
	maxName    = 200
	maxAddress = 200
	maxPlaces  = 10000
)

func checkText(fe fieldErrors, field, label, value string, required bool, max int) string {
	value = strings.TrimSpace(value)
	switch {
	case value == "" && required:
		fe.add(field, label+" is verplicht. Vul het in.")
	case utf8.RuneCountInString(value) > max:
		fe.add(field, fmt.Sprintf("%s is te lang: maximaal %d tekens.", label, max))
	case strings.ContainsAny(value, "\x00\r\n"):
		fe.add(field, label+" mag geen regeleinden of stuurtekens bevatten.")
	}
	return value
}

func checkPostcode(fe fieldErrors, field, value string) string {
	if strings.TrimSpace(value) == "" {
		fe.add(field, "Postcode is verplicht. "+msgPostcode)
		return ""
	}
	pc, ok := NormalisePostcode(value)
	if !ok {
		fe.add(field, "Postcode "+quote(value)+" klopt niet. "+msgPostcode)
		return value
	}
	return pc
}

func checkPhone(fe fieldErrors, field, value string, required bool) string {
	if strings.TrimSpace(value) == "" {
		if required {
			fe.add(field, "Telefoonnummer is verplicht. "+msgPhone)
		}
		return ""
	}
	p, ok := NormalisePhone(value)
	if !ok {
		fe.add(field, "Telefoonnummer "+quote(value)+" klopt niet. "+msgPhone)
		return value
	}
	return p
}

// quote shows a user's value inside a message, shortened so a pasted essay does not flood the page.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return "“" + s + "”"
}

// Normalise cleans o's fields in place (trimmed text, normalised identifiers) and validates them.
// It returns an *Error with code invalid_request naming every offending field, in Dutch.
func (o *Organisation) Normalise() error {
	fe := fieldErrors{}
	if !OrgKinds.Valid(o.Kind) {
		if o.Kind == "" {
			fe.add("kind", "Soort organisatie is verplicht. Kies een van: "+OrgKinds.List()+".")
		} else {
			fe.add("kind", "Onbekende soort organisatie "+quote(string(o.Kind))+". Kies een van: "+OrgKinds.List()+".")
		}
	}
	o.Name = checkText(fe, "name", "Naam", o.Name, true, maxName)
	o.Address = checkText(fe, "address", "Adres", o.Address, true, maxAddress)
	o.City = checkText(fe, "city", "Plaats", o.City, true, maxName)
	o.CareOfficeRegion = checkText(fe, "care_office_region", "Zorgkantoorregio", o.CareOfficeRegion, true, maxName)
	o.Postcode = checkPostcode(fe, "postcode", o.Postcode)
	o.Phone = checkPhone(fe, "phone", o.Phone, true)

	o.AGB = strings.TrimSpace(o.AGB)
	switch rule := agbRules[o.Kind]; {
	case !OrgKinds.Valid(o.Kind):
	case rule == agbNone && o.AGB != "":
		fe.add("agb", "Een "+strings.ToLower(o.Kind.Label())+" heeft geen AGB-code. Laat dit veld leeg.")
	case rule == agbRequired && o.AGB == "":
		fe.add("agb", "AGB-code is verplicht voor een "+strings.ToLower(o.Kind.Label())+". "+msgAGB)
	case o.AGB != "":
		agb, ok := NormaliseAGB(o.AGB)
		if !ok {
			fe.add("agb", "AGB-code "+quote(o.AGB)+" klopt niet. "+msgAGB)
		} else {
			o.AGB = agb
		}
	}
	o.KvK = strings.TrimSpace(o.KvK)
	if o.KvK == "" {
		fe.add("kvk", "KvK-nummer is verplicht. "+msgKvK)
	} else if kvk, ok := NormaliseKvK(o.KvK); !ok {
		fe.add("kvk", "KvK-nummer "+quote(o.KvK)+" klopt niet. "+msgKvK)
	} else {
		o.KvK = kvk
	}
	return fe.err()
}

// Normalise cleans l's fields in place and validates them on their own; references to other
// records (provider, fixed GP practice) are checked by the store, which can see them.
func (l *Location) Normalise() error {
	fe := fieldErrors{}
	if l.ProviderID <= 0 {
		fe.add("provider_id", "Kies de zorgaanbieder van deze locatie.")
	}
	l.Name = checkText(fe, "name", "Naam", l.Name, true, maxName)
	l.Address = checkText(fe, "address", "Adres", l.Address, true, maxAddress)
	l.Municipality = checkText(fe, "municipality", "Gemeente", l.Municipality, true, maxName)
	l.Postcode = checkPostcode(fe, "postcode", l.Postcode)
	if !Settings.Valid(l.Setting) {
		if l.Setting == "" {
			fe.add("setting", "Woonvorm is verplicht. Kies een van: "+Settings.List()+".")
		} else {
			fe.add("setting", "Onbekende woonvorm "+quote(string(l.Setting))+". Kies een van: "+Settings.List()+".")
		}
	}
	if !Sectors.Valid(l.Sector) {
		if l.Sector == "" {
			fe.add("sector", "Sector is verplicht. Kies een van: "+Sectors.List()+".")
		} else {
			fe.add("sector", "Onbekende sector "+quote(string(l.Sector))+". Kies een van: "+Sectors.List()+".")
		}
	}
	if len(l.Deliveries) == 0 {
		fe.add("deliveries", "Kies minstens één Wlz-leveringsvorm die op deze locatie geleverd wordt.")
	}
	seen := map[Delivery]bool{}
	clean := l.Deliveries[:0:0]
	for _, d := range l.Deliveries {
		switch {
		case !Deliveries.Valid(d):
			fe.add("deliveries", "Onbekende leveringsvorm "+quote(string(d))+". Kies uit: "+Deliveries.List()+".")
		case Settings.Valid(l.Setting) && !d.OfferedIn(l.Setting):
			fe.add("deliveries", d.Label()+" wordt niet geleverd in een "+strings.ToLower(l.Setting.Label())+
				" (domain.md §3.4: verblijf met behandeling alleen in een instelling; VPT, MPT en PGB niet in een instelling).")
		case !seen[d]:
			seen[d] = true
			clean = append(clean, d)
		}
	}
	l.Deliveries = clean
	if l.Places < 0 || l.Places > maxPlaces {
		fe.add("places", fmt.Sprintf("Aantal plaatsen moet tussen 0 en %d liggen.", maxPlaces))
	}
	if l.FixedGPPracticeID != nil && *l.FixedGPPracticeID <= 0 {
		l.FixedGPPracticeID = nil
	}
	if l.PhysicianServiceID != nil && *l.PhysicianServiceID <= 0 {
		l.PhysicianServiceID = nil
	}
	// An empty lifecycle is "unchanged" on an update and open on a create (the store decides), so
	// a form or a client that does not know the field never moves a location.
	if l.Lifecycle != "" && !Lifecycles.Valid(l.Lifecycle) {
		fe.add("lifecycle", "Onbekende fase "+quote(string(l.Lifecycle))+". Kies een van: "+Lifecycles.List()+".")
	}
	if l.Lifecycle != LifecyclePlanned && l.Lifecycle != "" {
		l.ExpectedOpening = Date{} // only a planned location expects to open
	}
	l.ExpectedOpening = l.ExpectedOpening.utc()
	if l.Lifecycle == LifecyclePlanned && l.ExpectedOpening.IsZero() {
		fe.add("expected_opening", "Een geplande locatie heeft een verwachte openingsdatum. Vul die in (jjjj-mm-dd); dan waarschuwt mgz op tijd voor de afspraken die vóór de opening rond moeten zijn (L-Rol 3).")
	}
	return fe.err()
}

// Normalise cleans c's fields in place and validates them.
func (c *ContactPoint) Normalise() error {
	fe := fieldErrors{}
	if c.OrganisationID != nil && *c.OrganisationID <= 0 {
		c.OrganisationID = nil
	}
	if c.LocationID != nil && *c.LocationID <= 0 {
		c.LocationID = nil
	}
	switch {
	case c.OrganisationID == nil && c.LocationID == nil:
		fe.add("organisation_id", "Een contactpunt hoort bij een organisatie of bij een locatie. Kies er één.")
	case c.OrganisationID != nil && c.LocationID != nil:
		fe.add("location_id", "Een contactpunt hoort bij een organisatie óf bij een locatie, niet bij beide. Laat één van de twee leeg.")
	}
	if !ContactRoles.Valid(c.Role) {
		if c.Role == "" {
			fe.add("role", "Rol is verplicht. Kies een van: "+ContactRoles.List()+".")
		} else {
			fe.add("role", "Onbekende rol "+quote(string(c.Role))+". Kies een van: "+ContactRoles.List()+".")
		}
	}
	if !HoursOptions.Valid(c.Hours) {
		if c.Hours == "" {
			fe.add("hours", "Bereikbaarheid is verplicht. Kies een van: "+HoursOptions.List()+".")
		} else {
			fe.add("hours", "Onbekende bereikbaarheid "+quote(string(c.Hours))+". Kies een van: "+HoursOptions.List()+".")
		}
	}
	switch {
	case c.Role == RoleGPOutOfHours && c.Arrangement == "":
		fe.add("arrangement", "Kies hoe de ANW-huisartsenzorg geregeld is: "+Arrangements.List()+".")
	case c.Role == RoleGPOutOfHours && !Arrangements.Valid(c.Arrangement):
		fe.add("arrangement", "Onbekende regeling "+quote(string(c.Arrangement))+". Kies een van: "+Arrangements.List()+".")
	case c.Role != RoleGPOutOfHours && c.Arrangement != "":
		fe.add("arrangement", "Een regeling hoort alleen bij de rol "+quote(RoleGPOutOfHours.Label())+". Laat de regeling leeg of kies die rol.")
	}
	c.Name = checkText(fe, "name", "Omschrijving", c.Name, false, maxName)
	c.Phone = checkPhone(fe, "phone", c.Phone, true)
	return fe.err()
}

// Page asks for one page of a list.
type Page struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	// Keyset switches a list to keyset paging on id, for paging links that stay correct while
	// records come and go (the FHIR API): the list is ordered by id (the audit log newest first)
	// and continues past After; Offset is ignored. The total still counts the whole selection.
	Keyset bool  `json:"-"`
	After  int64 `json:"-"`
	// Cursor continues a list after the item it names, in the list's own order (for patients,
	// a list's NextCursor made by PatientCursor); Offset is then ignored. Lists that do not
	// know cursors ignore it.
	Cursor string `json:"-"`
}

// Paging bounds.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Clamp returns p with a limit within 1..MaxLimit (DefaultLimit when unset) and offset ≥ 0.
func (p Page) Clamp() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// OrganisationFilter selects organisations. Zero fields do not filter.
type OrganisationFilter struct {
	// IDs, AGB and KvK select exact matches (FHIR _id and identifier searches).
	IDs    []int64
	AGB    string
	KvK    string
	Kind   OrgKind
	Query  string // part of the name, AGB code or city, case-insensitive
	Region string
	Page
}

// LocationFilter selects locations. Zero fields do not filter.
type LocationFilter struct {
	IDs                []int64 // exact ids (FHIR _id search)
	ProviderID         int64
	FixedGPPracticeID  int64
	PhysicianServiceID int64
	Setting            Setting
	Sector             Sector
	Municipality       string
	Query              string // part of the name, address, postcode or municipality
	WithoutFixedGP     bool
	WithoutFirstLine   bool
	Page
}

// ContactPointFilter selects contact points. Zero fields do not filter.
type ContactPointFilter struct {
	OrganisationID int64
	LocationID     int64
	Role           ContactRole
	Page
}

// Overview is the region at a glance, for the start page.
type Overview struct {
	Organisations    map[OrgKind]int `json:"organisations"`
	Locations        int             `json:"locations"`
	Places           int             `json:"places"`
	ContactPoints    int             `json:"contact_points"`
	WithoutFixedGP   int             `json:"locations_without_fixed_gp"`
	WithoutFirstLine int             `json:"locations_without_first_line"`
}

// Empty reports whether the register holds nothing at all.
func (o Overview) Empty() bool {
	n := o.Locations + o.ContactPoints
	for _, c := range o.Organisations {
		n += c
	}
	return n == 0
}

// RegisterService reads and changes the regional register. Implementations validate every change
// (Normalise plus the references only they can check) and write it atomically.
type RegisterService interface {
	Organisation(ctx context.Context, id int64) (Organisation, error)
	Organisations(ctx context.Context, f OrganisationFilter) ([]Organisation, int, error)
	CreateOrganisation(ctx context.Context, o *Organisation) error
	UpdateOrganisation(ctx context.Context, o *Organisation) error
	// DeleteOrganisation refuses (conflict) while locations or other records still refer to it.
	DeleteOrganisation(ctx context.Context, id int64) error

	Location(ctx context.Context, id int64) (Location, error)
	Locations(ctx context.Context, f LocationFilter) ([]Location, int, error)
	CreateLocation(ctx context.Context, l *Location) error
	UpdateLocation(ctx context.Context, l *Location) error
	// DeleteLocation removes a location with its contact points.
	DeleteLocation(ctx context.Context, id int64) error

	ContactPoint(ctx context.Context, id int64) (ContactPoint, error)
	ContactPoints(ctx context.Context, f ContactPointFilter) ([]ContactPoint, int, error)
	CreateContactPoint(ctx context.Context, c *ContactPoint) error
	UpdateContactPoint(ctx context.Context, c *ContactPoint) error
	DeleteContactPoint(ctx context.Context, id int64) error

	Overview(ctx context.Context) (Overview, error)

	// Atomic runs fn with a RegisterService whose changes are committed together when fn returns
	// nil, and none of them otherwise.
	Atomic(ctx context.Context, fn func(RegisterService) error) error
}

// SettingsService reads and changes the region's settings. Calendar settings are the office hours
// and the holidays that count as free days (domain.md §4.1: a region setting, product choice).
type SettingsService interface {
	CalendarSettings(ctx context.Context) (calendar.Settings, error)
	SetCalendarSettings(ctx context.Context, s calendar.Settings) error
	// CalendarRevision is the revision of the stored calendar settings (1 before any change).
	CalendarRevision(ctx context.Context) (int64, error)
	// UpdateCalendarSettings stores s when the stored revision is still rev (0: whatever it is)
	// and returns the new revision; an older rev is refused as a stale edit (409).
	UpdateCalendarSettings(ctx context.Context, s calendar.Settings, rev int64) (int64, error)
}
