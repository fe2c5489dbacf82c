package mgz

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RosterRole is the service a roster staffs around the clock (issue 13): who is on call tonight,
// not only which number to ring.
type RosterRole string

// The roster roles. The first three share their identifiers with the contact roles they staff.
const (
	// RosterFirstLine is the nurse or behaviour triage (voorwacht) of a location or of a care
	// provider for all its locations, day and night (T 2.3.2.3).
	RosterFirstLine RosterRole = "first_line"
	// RosterBehaviourSpecialist is the behaviour specialist reachable in the day and out of hours
	// (T 2.3.2.2), of a location or of a care provider.
	RosterBehaviourSpecialist RosterRole = "behaviour_specialist"
	// RosterPhysicianOnCall is the SO or AVG of an SO/AVG service (or of a care provider with its
	// own physicians) reachable 24/7 for consultation (L-Rol 2).
	RosterPhysicianOnCall RosterRole = "physician_on_call"
	// RosterGPPostElderly is the SO available to a GP post out of hours (L-Conv 5).
	RosterGPPostElderly RosterRole = "gp_post_elderly_care_physician"
	// RosterGPPostDisability is the AVG at least reachable for consultation by a GP post (L-Conv 5).
	RosterGPPostDisability RosterRole = "gp_post_id_physician"
)

// RosterRoles lists the roster roles with Dutch names.
var RosterRoles = newEnum(
	Option[RosterRole]{RosterFirstLine, "Voorwacht (verpleegkundige of gedragskundige triage)"},
	Option[RosterRole]{RosterBehaviourSpecialist, "Gedragskundige"},
	Option[RosterRole]{RosterPhysicianOnCall, "Dienstdoende SO/AVG"},
	Option[RosterRole]{RosterGPPostElderly, "SO voor de huisartsenpost"},
	Option[RosterRole]{RosterGPPostDisability, "AVG voor de huisartsenpost"},
)

// Label returns the Dutch name of the role.
func (r RosterRole) Label() string { return RosterRoles.Label(r) }

// Sources are the covenant's citations for the role's availability requirement.
func (r RosterRole) Sources() []string {
	switch r {
	case RosterFirstLine:
		return []string{"T 2.3.2.3"}
	case RosterBehaviourSpecialist:
		return []string{"T 2.3.2.2"}
	case RosterPhysicianOnCall:
		return []string{"L-Rol 2"}
	}
	return []string{"L-Conv 5"}
}

// OwnerKinds are the kinds of organisation that may own a roster of the role; first_line and
// behaviour_specialist rosters may also belong to a location.
func (r RosterRole) OwnerKinds() []OrgKind {
	switch r {
	case RosterFirstLine, RosterBehaviourSpecialist:
		return []OrgKind{KindCareProvider}
	case RosterPhysicianOnCall:
		return []OrgKind{KindPhysicianService, KindCareProvider}
	}
	return []OrgKind{KindGPPost}
}

// LocationOwned reports whether a roster of the role may belong to a location.
func (r RosterRole) LocationOwned() bool {
	return r == RosterFirstLine || r == RosterBehaviourSpecialist
}

// GPPostRosterRole is the GP post's SO/AVG role for a sector (L-Conv 5).
func GPPostRosterRole(s Sector) RosterRole {
	if s == SectorDisability {
		return RosterGPPostDisability
	}
	return RosterGPPostElderly
}

// Roster is the on-call schedule of one service: a role of an organisation or of a location,
// with the shifts that staff it. A shift without its own phone is reached on the roster's Phone.
type Roster struct {
	ID             int64      `json:"id"`
	OrganisationID *int64     `json:"organisation_id"`
	LocationID     *int64     `json:"location_id"`
	Role           RosterRole `json:"role"`
	Name           string     `json:"name"`
	Phone          string     `json:"phone"`
	Shifts         []Shift    `json:"shifts,omitempty"`
	Revision       int64      `json:"revision"` // see Organisation.Revision; grows with every change of a shift too
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// HolidayRule says what a recurring shift does on the region's free days (calendar.Settings).
type HolidayRule string

// The holiday rules.
const (
	HolidaysAlso HolidayRule = ""              // the shift takes place on free days as on other days
	HolidaysSkip HolidayRule = "skip_holidays" // not on free days (a holiday roster covers them)
	HolidaysOnly HolidayRule = "only_holidays" // only on free days
)

// HolidayRules lists the rules with Dutch names.
var HolidayRules = newEnum(
	Option[HolidayRule]{HolidaysAlso, "Ook op feestdagen"},
	Option[HolidayRule]{HolidaysSkip, "Niet op feestdagen"},
	Option[HolidayRule]{HolidaysOnly, "Alleen op feestdagen"},
)

// Label returns the Dutch name of the rule.
func (h HolidayRule) Label() string { return HolidayRules.Label(h) }

// ShiftSource is where a shift came from; a re-import replaces only the shifts of its source.
type ShiftSource string

// The sources of shifts.
const (
	SourceManual   ShiftSource = "manual"
	SourceICal     ShiftSource = "ical"
	SourceCSV      ShiftSource = "csv"
	SourceDemoData ShiftSource = "demo"
)

// Shift is one recurring (or single) duty on a roster: a person or team on call from Start to End,
// repeated by RRule (RFC 5545, without the "RRULE:" prefix; empty for one occurrence), except at
// the starts in ExDates and as HolidayRule says. Start and End are wall-clock times in their
// location (TimeZone): a shift from 23:00 to 07:00 keeps those hours on the nights daylight saving
// time starts or ends, and so lasts 7 or 9 hours there. Persons on a roster are staff, not
// patients: a shift holds what is needed to call them and nothing more.
type Shift struct {
	ID       int64       `json:"id"`
	RosterID int64       `json:"roster_id"`
	UID      string      `json:"uid"` // stable key of an imported shift (iCalendar UID); re-imports match on it
	Person   string      `json:"person"`
	Function string      `json:"function,omitempty"` // e.g. "SO", "AVG", "verpleegkundige"
	Phone    string      `json:"phone,omitempty"`    // empty: the roster's phone
	Start    time.Time   `json:"start"`
	End      time.Time   `json:"end"`
	TimeZone string      `json:"time_zone"` // IANA name, default Europe/Amsterdam
	RRule    string      `json:"rrule,omitempty"`
	ExDates  []time.Time `json:"exdates,omitempty"`
	Holidays HolidayRule `json:"holidays,omitempty"`
	Source   ShiftSource `json:"source"`
}

// DefaultTimeZone is the zone of shifts that name none.
const DefaultTimeZone = "Europe/Amsterdam"

// MaxShiftLength is the longest single occurrence of a shift: a week's on-call duty.
const MaxShiftLength = 8 * 24 * time.Hour

// Normalise cleans r's fields in place and validates them (not its shifts).
func (r *Roster) Normalise() error {
	fe := fieldErrors{}
	if r.OrganisationID != nil && *r.OrganisationID <= 0 {
		r.OrganisationID = nil
	}
	if r.LocationID != nil && *r.LocationID <= 0 {
		r.LocationID = nil
	}
	if !RosterRoles.Valid(r.Role) {
		if r.Role == "" {
			fe.add("role", "Dienst is verplicht. Kies een van: "+RosterRoles.List()+".")
		} else {
			fe.add("role", "Onbekende dienst "+quote(string(r.Role))+". Kies een van: "+RosterRoles.List()+".")
		}
	}
	switch {
	case r.OrganisationID == nil && r.LocationID == nil:
		fe.add("organisation_id", "Een rooster hoort bij een organisatie of bij een locatie. Kies er één.")
	case r.OrganisationID != nil && r.LocationID != nil:
		fe.add("location_id", "Een rooster hoort bij een organisatie óf bij een locatie, niet bij beide. Laat één van de twee leeg.")
	case r.LocationID != nil && RosterRoles.Valid(r.Role) && !r.Role.LocationOwned():
		fe.add("location_id", "Een rooster voor "+quote(r.Role.Label())+" hoort bij een organisatie, niet bij een locatie. Kies de organisatie.")
	}
	r.Name = checkText(fe, "name", "Naam van het rooster", r.Name, true, maxName)
	r.Phone = checkPhone(fe, "phone", r.Phone, true)
	return fe.err()
}

// Normalise cleans s's fields in place and validates them; field names carry prefix (e.g.
// "shifts.3.") so an import can say which shift is wrong.
func (s *Shift) Normalise() error {
	fe := fieldErrors{}
	s.UID = checkText(fe, "uid", "Kenmerk (UID)", s.UID, false, maxName)
	s.Person = checkText(fe, "person", "Naam van de persoon of het team", s.Person, true, maxName)
	s.Function = checkText(fe, "function", "Functie", s.Function, false, maxName)
	s.Phone = checkPhone(fe, "phone", s.Phone, false)
	if s.TimeZone == "" {
		s.TimeZone = DefaultTimeZone
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		fe.add("time_zone", "Onbekende tijdzone "+quote(s.TimeZone)+". Gebruik bijvoorbeeld Europe/Amsterdam.")
		loc = nil
	}
	switch {
	case s.Start.IsZero():
		fe.add("start", "Begin van de dienst is verplicht.")
	case s.End.IsZero():
		fe.add("end", "Einde van de dienst is verplicht.")
	case !s.End.After(s.Start):
		fe.add("end", "Het einde van de dienst moet na het begin liggen.")
	case s.End.Sub(s.Start) > MaxShiftLength:
		fe.add("end", "Een dienst duurt hoogstens 8 dagen. Leg een langere bereikbaarheid vast als herhalende dienst.")
	}
	if loc != nil {
		s.Start, s.End = s.Start.In(loc), s.End.In(loc)
		for i := range s.ExDates {
			s.ExDates[i] = s.ExDates[i].In(loc)
		}
	}
	s.RRule = strings.TrimPrefix(strings.TrimSpace(s.RRule), "RRULE:")
	if len(s.RRule) > 500 || strings.ContainsAny(s.RRule, "\r\n\x00") {
		fe.add("rrule", "De herhaling (RRULE) is te lang of bevat regeleinden.")
	}
	if len(s.ExDates) > 1000 {
		fe.add("exdates", "Hoogstens 1000 uitzonderingen per dienst.")
	}
	if !HolidayRules.Valid(s.Holidays) {
		fe.add("holidays", "Onbekende regel voor feestdagen "+quote(string(s.Holidays))+". Kies een van: "+HolidayRules.List()+".")
	}
	if s.Source == "" {
		s.Source = SourceManual
	}
	return fe.err()
}

// RosterFilter selects rosters. Zero fields do not filter.
type RosterFilter struct {
	OrganisationID int64
	LocationID     int64
	Role           RosterRole
	// OrganisationIDs and LocationIDs select the rosters owned by any of them (coverage of many
	// owners at once); with both empty and the fields above zero, every roster.
	OrganisationIDs []int64
	LocationIDs     []int64
	Page
}

// ImportResult counts what a (re-)import of shifts into a roster did. A second import of the same
// file adds, changes and removes nothing.
type ImportResult struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// RosterStore keeps the rosters and their shifts.
type RosterStore interface {
	// Roster returns one roster with its shifts.
	Roster(ctx context.Context, id int64) (Roster, error)
	// Rosters lists rosters (without shifts) by id, with the total.
	Rosters(ctx context.Context, f RosterFilter) ([]Roster, int, error)
	// WithShifts returns every roster f selects with its shifts, unpaged, by id: the input of
	// coverage and on-call lookups.
	WithShifts(ctx context.Context, f RosterFilter) ([]Roster, error)
	CreateRoster(ctx context.Context, r *Roster) error
	// UpdateRoster changes name and phone (owner and role stay), refusing a stale revision.
	UpdateRoster(ctx context.Context, r *Roster) error
	// DeleteRoster removes a roster with its shifts.
	DeleteRoster(ctx context.Context, id int64) error
	// AddShift stores s on its roster (setting ID) and bumps the roster's revision.
	AddShift(ctx context.Context, s *Shift) error
	// DeleteShift removes a shift and bumps its roster's revision.
	DeleteShift(ctx context.Context, rosterID, shiftID int64) error
	// ReplaceShifts makes the roster's shifts of source equal to shifts, matched by UID: new ones
	// are added, changed ones rewritten, missing ones removed. It bumps the revision only when
	// something changed.
	ReplaceShifts(ctx context.Context, rosterID int64, source ShiftSource, shifts []Shift) (ImportResult, error)
}

// GapKind says why nobody is on call.
type GapKind string

// The kinds of gap.
const (
	GapUncovered GapKind = "uncovered" // a roster exists, but no shift covers the interval
	GapNoRoster  GapKind = "no_roster" // no roster for the role at all: nobody is known to be on call
)

// CoverageGap is an interval in which a required role has nobody on call. OrganisationID is whose
// roster should cover it (the care provider, the SO/AVG service, the GP post); LocationID is set
// where the duty is a location's (first_line, behaviour_specialist).
type CoverageGap struct {
	Role           RosterRole `json:"role"`
	Kind           GapKind    `json:"kind"`
	OrganisationID int64      `json:"organisation_id"`
	LocationID     *int64     `json:"location_id,omitempty"`
	From           time.Time  `json:"from"`
	To             time.Time  `json:"to"`
}

// String describes the gap in Dutch, in Europe/Amsterdam time, for notices and warnings.
func (g CoverageGap) String() string {
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	return fmt.Sprintf("%s: niemand van dienst van %s tot %s", g.Role.Label(),
		g.From.In(loc).Format("02-01-2006 15:04"), g.To.In(loc).Format("02-01-2006 15:04"))
}
