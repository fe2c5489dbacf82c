package mgz

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/regio-mgz/mgz/calendar"
)

// WlzIndication is what the Wlz lookup answers about a person (domain.md §2, §6, L-Wlz 9): no
// indication, one without treatment, or one with stay and treatment. The product never needs more.
type WlzIndication string

// The answers of the Wlz lookup.
const (
	WlzNone             WlzIndication = "none"
	WlzWithoutTreatment WlzIndication = "without_treatment"
	WlzWithTreatment    WlzIndication = "with_treatment"
)

// WlzIndications lists the answers with Dutch names.
var WlzIndications = newEnum(
	Option[WlzIndication]{WlzNone, "Geen Wlz-indicatie"},
	Option[WlzIndication]{WlzWithoutTreatment, "Wlz-indicatie zonder behandeling"},
	Option[WlzIndication]{WlzWithTreatment, "Wlz-indicatie met verblijf en behandeling"},
)

// Label returns the Dutch name of the indication.
func (w WlzIndication) Label() string { return WlzIndications.Label(w) }

// WlzSource is where the Wlz indication was looked up (domain.md §6, L-Wlz 9).
type WlzSource string

// The sources of a Wlz indication.
const (
	WlzSourceVECOZO WlzSource = "vecozo"
	WlzSourceCIZ    WlzSource = "ciz"
	WlzSourceOther  WlzSource = "other"
)

// WlzSources lists the sources with Dutch names.
var WlzSources = newEnum(
	Option[WlzSource]{WlzSourceVECOZO, "VECOZO Wlz-raadpleegfunctie"},
	Option[WlzSource]{WlzSourceCIZ, "CIZ (met toestemming)"},
	Option[WlzSource]{WlzSourceOther, "Anders"},
)

// Label returns the Dutch name of the source.
func (s WlzSource) Label() string { return WlzSources.Label(s) }

// LeadPhysician is the kind of physician who coordinates a client's care and writes the handover
// (regiebehandelaar; domain.md §2, §9, L-Rol 1).
type LeadPhysician string

// The kinds of lead physician.
const (
	LeadGP                   LeadPhysician = "gp"
	LeadElderlyCarePhysician LeadPhysician = "elderly_care_physician"
	LeadIDPhysician          LeadPhysician = "id_physician"
)

// LeadPhysicians lists the kinds of lead physician with Dutch names.
var LeadPhysicians = newEnum(
	Option[LeadPhysician]{LeadGP, "Huisarts"},
	Option[LeadPhysician]{LeadElderlyCarePhysician, "Specialist ouderengeneeskunde (SO)"},
	Option[LeadPhysician]{LeadIDPhysician, "Arts verstandelijk gehandicapten (AVG)"},
)

// Label returns the Dutch name of the kind of lead physician.
func (l LeadPhysician) Label() string { return LeadPhysicians.Label(l) }

// DateLayout is how a Date is written in JSON, in text and in HTML date inputs.
const DateLayout = "2006-01-02"

// Date is a calendar date without a time of day, such as a birth date or the day of a Wlz lookup.
// It holds midnight UTC of that date, so dates compare and subtract in whole days whatever the
// daylight saving time. It is written as "2006-01-02"; the zero Date is written as null.
type Date struct{ time.Time }

// NewDate returns the given calendar date. Out-of-range values roll over as in time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in Europe/Amsterdam: every date in the region is a Dutch
// wall-clock date, whatever offset t was given in. The zero time gives the zero Date.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	t = t.In(calendar.Location())
	return NewDate(t.Year(), t.Month(), t.Day())
}

// ParseDate reads a date written as "2006-01-02". An empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, &Error{Code: ECodeBadRequest,
			Message: "Datum " + quote(s) + " klopt niet. Schrijf een bestaande datum als jjjj-mm-dd, bijvoorbeeld 1938-05-14."}
	}
	return Date{t}, nil
}

// utc returns d as midnight UTC of its own calendar date, for dates that were built by hand or
// read back from storage with another zone.
func (d Date) utc() Date {
	if d.IsZero() {
		return d
	}
	return NewDate(d.Year(), d.Month(), d.Day())
}

// String returns the date as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(DateLayout)
}

// MarshalText writes the date as "2006-01-02"; the zero Date as empty text.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written as "2006-01-02"; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the date as "2006-01-02", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a date written as "2006-01-02"; null and "" give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return &Error{Code: ECodeBadRequest,
			Message: "Een datum moet een tekst zijn als \"jjjj-mm-dd\", bijvoorbeeld \"1938-05-14\"."}
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}

// daysSince returns the whole days from d to e (negative when e is before d).
func (d Date) daysSince(e Date) int {
	return int(d.utc().Sub(e.utc().Time) / (24 * time.Hour))
}

// earliestBirthDate bounds birth dates: anything before it is a typing error, not a client.
var earliestBirthDate = NewDate(1900, time.January, 1)

// Patient is a client in the region: a person with or without a Wlz indication who lives at a
// location of a care provider or at home. Access to a patient is a relation between the patient
// and an organisation (practice, provider, SO/AVG service, GP post), not an owner field here.
type Patient struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	BirthDate Date   `json:"birth_date"`
	// BSN is optional. It is personal data that is never logged (see LogValue) nor repeated in
	// messages; screens show MaskedBSN.
	BSN string `json:"bsn,omitempty"`
	// LocationID is the location where the client lives or stays; HomePostcode is the postcode of
	// the client's home when the client lives at home. Exactly one of the two is set.
	LocationID   *int64 `json:"location_id"`
	HomePostcode string `json:"home_postcode"`
	Sector       Sector `json:"sector"`
	// Wlz, WlzSource and WlzCheckedOn record the answer of the Wlz lookup, where it came from and
	// on which day it was looked up (domain.md §6, L-Wlz 9).
	Wlz          WlzIndication `json:"wlz"`
	WlzSource    WlzSource     `json:"wlz_source"`
	WlzCheckedOn Date          `json:"wlz_checked_on"`
	// Delivery is how the Wlz indication is used; empty exactly when Wlz is none (domain.md §3.4).
	Delivery Delivery `json:"delivery"`
	// GPPracticeID is the practice the client is registered with by name.
	GPPracticeID *int64 `json:"gp_practice_id"`
	// LeadPhysician is the kind of physician who coordinates the care (regiebehandelaar), and
	// LeadPhysicianOrgID the organisation that physician works for.
	LeadPhysician      LeadPhysician `json:"lead_physician"`
	LeadPhysicianOrgID *int64        `json:"lead_physician_org_id"`
	CreatedAt          time.Time     `json:"created_at"`
	UpdatedAt          time.Time     `json:"updated_at"`
	// Revision grows with every stored change; an edit carries the revision it was made on
	// (If-Match or the form's hidden field), and a stale edit is refused, never applied.
	Revision int64 `json:"revision"`
}

// settingHome is the client's own home for the §3.4 checks. It is no Setting of a location, so it
// stays unexported and out of Settings.
const settingHome Setting = "home"

// Normalise cleans p's fields in place (trimmed text, normalised BSN and postcode, dates without a
// time of day) and validates them on their own; now is the current moment, judged as a date in
// Europe/Amsterdam. References to other records (location, practice, organisation) and the §3.4
// rules that depend on the location's setting are checked by the store with FitsLocation. It
// returns an *Error with code invalid_request naming every offending field, in Dutch.
func (p *Patient) Normalise(now time.Time) error {
	fe := fieldErrors{}
	today := DateOf(now)

	p.Name = checkText(fe, "name", "Naam", p.Name, true, maxName)

	p.BirthDate = p.BirthDate.utc()
	switch {
	case p.BirthDate.IsZero():
		fe.add("birth_date", "Geboortedatum is verplicht. Vul de datum in als jjjj-mm-dd, bijvoorbeeld 1938-05-14.")
	case p.BirthDate.After(today.Time):
		fe.add("birth_date", "De geboortedatum ligt in de toekomst. Controleer de datum, bijvoorbeeld op het identiteitsbewijs.")
	case p.BirthDate.Before(earliestBirthDate.Time):
		fe.add("birth_date", "De geboortedatum ligt vóór 1900. Controleer het jaartal; waarschijnlijk is het verkeerd getypt.")
	}

	// The BSN is never repeated in a message: msgBSN explains the rule without the number.
	p.BSN = strings.TrimSpace(p.BSN)
	if p.BSN != "" {
		if bsn, ok := NormaliseBSN(p.BSN); ok {
			p.BSN = bsn
		} else {
			fe.add("bsn", msgBSN+" Laat het veld leeg als u het BSN niet weet.")
		}
	}

	p.LocationID = positiveOrNil(p.LocationID)
	p.GPPracticeID = positiveOrNil(p.GPPracticeID)
	p.LeadPhysicianOrgID = positiveOrNil(p.LeadPhysicianOrgID)

	p.HomePostcode = strings.TrimSpace(p.HomePostcode)
	switch {
	case p.LocationID == nil && p.HomePostcode == "":
		fe.add("location_id", "Kies de locatie waar de cliënt woont of verblijft, of vul de postcode van het huisadres in als de cliënt thuis woont.")
	case p.LocationID != nil && p.HomePostcode != "":
		fe.add("home_postcode", "Een cliënt woont op een locatie óf thuis, niet allebei. Laat de postcode van het huisadres leeg als de cliënt op de gekozen locatie woont, of verwijder de locatie.")
	case p.HomePostcode != "":
		if pc, ok := NormalisePostcode(p.HomePostcode); ok {
			p.HomePostcode = pc
		} else {
			fe.add("home_postcode", "Postcode "+quote(p.HomePostcode)+" klopt niet. "+msgPostcode)
		}
	}

	if !Sectors.Valid(p.Sector) {
		if p.Sector == "" {
			fe.add("sector", "Sector is verplicht. Kies een van: "+Sectors.List()+".")
		} else {
			fe.add("sector", "Onbekende sector "+quote(string(p.Sector))+". Kies een van: "+Sectors.List()+".")
		}
	}

	wlzOK := WlzIndications.Valid(p.Wlz)
	if !wlzOK {
		if p.Wlz == "" {
			fe.add("wlz", "Wlz-indicatie is verplicht. Kies wat de VECOZO Wlz-raadpleegfunctie of het CIZ aangeeft: "+WlzIndications.List()+".")
		} else {
			fe.add("wlz", "Onbekende Wlz-indicatie "+quote(string(p.Wlz))+". Kies een van: "+WlzIndications.List()+".")
		}
	}

	// A lookup that answered "none" may be recorded with its source and date too; with an
	// indication both are required, because the lookup lags and the date must be shown (§6).
	needCheck := wlzOK && p.Wlz != WlzNone
	switch {
	case p.WlzSource == "" && needCheck:
		fe.add("wlz_source", "Vul in waar de Wlz-indicatie is opgezocht. Kies een van: "+WlzSources.List()+".")
	case p.WlzSource != "" && !WlzSources.Valid(p.WlzSource):
		fe.add("wlz_source", "Onbekende bron "+quote(string(p.WlzSource))+". Kies een van: "+WlzSources.List()+".")
	}
	p.WlzCheckedOn = p.WlzCheckedOn.utc()
	switch {
	case p.WlzCheckedOn.IsZero() && needCheck:
		fe.add("wlz_checked_on", "Vul de datum in waarop de Wlz-indicatie is opgezocht, als jjjj-mm-dd. De raadpleging loopt achter op het zorgkantoor, dus die datum moet zichtbaar zijn.")
	case p.WlzCheckedOn.After(today.Time):
		fe.add("wlz_checked_on", "De datum van raadpleging ligt in de toekomst. Vul de dag in waarop de Wlz-indicatie is opgezocht.")
	}

	deliveryOK := p.Delivery == "" || Deliveries.Valid(p.Delivery)
	if !deliveryOK {
		fe.add("delivery", "Onbekende leveringsvorm "+quote(string(p.Delivery))+". Kies een van: "+Deliveries.List()+".")
	}
	if wlzOK && deliveryOK {
		checkWlzDelivery(fe, p.Wlz, p.Delivery)
		if p.LocationID == nil && p.HomePostcode != "" {
			checkWlzSetting(fe, p.Wlz, p.Delivery, settingHome, "home_postcode")
		}
	}

	if p.LeadPhysician != "" && !LeadPhysicians.Valid(p.LeadPhysician) {
		fe.add("lead_physician", "Onbekende regiebehandelaar "+quote(string(p.LeadPhysician))+". Kies een van: "+LeadPhysicians.List()+", of laat het veld leeg.")
	}
	return fe.err()
}

// checkWlzDelivery applies the rules of domain.md §3.4 that join the Wlz indication and the
// delivery. Both values are valid (or the delivery empty). A conflict names both fields: either
// could be the wrong one, and the product never guesses.
func checkWlzDelivery(fe fieldErrors, wlz WlzIndication, d Delivery) {
	conflict := func(msg string) {
		fe.add("wlz", msg)
		fe.add("delivery", msg)
	}
	switch {
	case wlz == WlzNone && d != "":
		conflict("Zonder Wlz-indicatie is er geen leveringsvorm. Laat de leveringsvorm leeg, of controleer de Wlz-indicatie in de VECOZO Wlz-raadpleegfunctie.")
	case wlz != WlzNone && d == "":
		choices := quote(DeliveryStayWithoutTreatment.Label()) + ", " + quote(DeliveryVPT.Label()) + ", " + quote(DeliveryMPT.Label()) + " of " + quote(DeliveryPGB.Label())
		if wlz == WlzWithTreatment {
			choices = quote(DeliveryStayWithTreatment.Label()) + " (in een instelling), of " + quote(DeliveryVPT.Label()) + ", " + quote(DeliveryMPT.Label()) + " of " + quote(DeliveryPGB.Label()) + " (thuis of in een geclusterde woonzorgvoorziening)"
		}
		fe.add("delivery", "Leveringsvorm is verplicht bij een "+strings.ToLower(wlz.Label())+". Kies "+choices+".")
	case wlz == WlzWithTreatment && d == DeliveryStayWithoutTreatment:
		// rules v2 (domain.md §3.4): with treatment goes with stay with treatment, or with VPT, MPT
		// or PGB, where the delivery decides.
		conflict("Bij een Wlz-indicatie met behandeling hoort de leveringsvorm " + quote(DeliveryStayWithTreatment.Label()) +
			", of " + quote(DeliveryVPT.Label()) + ", " + quote(DeliveryMPT.Label()) + " of " + quote(DeliveryPGB.Label()) + ", niet " + quote(d.Label()) + ". Pas de leveringsvorm aan, of controleer de Wlz-indicatie in de VECOZO Wlz-raadpleegfunctie.")
	case wlz == WlzWithoutTreatment && d == DeliveryStayWithTreatment:
		conflict("De leveringsvorm " + quote(d.Label()) + " hoort alleen bij een Wlz-indicatie met verblijf en behandeling. " +
			"Kies " + quote(DeliveryStayWithoutTreatment.Label()) + ", " + quote(DeliveryVPT.Label()) + ", " + quote(DeliveryMPT.Label()) + " of " + quote(DeliveryPGB.Label()) +
			", of controleer de Wlz-indicatie in de VECOZO Wlz-raadpleegfunctie.")
	}
}

// checkWlzSetting applies the rules of domain.md §3.4 that join the Wlz indication and the delivery
// to where the client lives: with treatment only in an institution; stay without treatment only in
// an institution or clustered housing; VPT, MPT and PGB only at home or in clustered housing.
// placeField names the field that says where the client lives.
func checkWlzSetting(fe fieldErrors, wlz WlzIndication, d Delivery, s Setting, placeField string) {
	where := "thuis"
	if s != settingHome {
		where = "in een " + strings.ToLower(s.Label())
	}
	if wlz == WlzWithTreatment && d == DeliveryStayWithTreatment && s != SettingInstitution {
		msg := "Een Wlz-indicatie met verblijf en behandeling wordt alleen in een instelling geleverd, niet " + where +
			". Kies de instelling waar de cliënt verblijft, of controleer de Wlz-indicatie in de VECOZO Wlz-raadpleegfunctie."
		fe.add("wlz", msg)
		fe.add(placeField, msg)
	}
	offered := d.OfferedIn(s)
	if s == settingHome {
		offered = d == DeliveryVPT || d == DeliveryMPT || d == DeliveryPGB
	}
	if d != "" && !offered {
		msg := "De leveringsvorm " + quote(d.Label()) + " wordt niet " + where + " geleverd. " +
			"Verblijf met behandeling kan alleen in een instelling; verblijf zonder behandeling in een instelling of geclusterde woonzorgvoorziening; VPT, MPT en PGB thuis of in een geclusterde woonzorgvoorziening. Pas de leveringsvorm of de woonplek aan."
		fe.add("delivery", msg)
		fe.add(placeField, msg)
	}
}

// FitsLocation checks the rules of domain.md §3.4 that depend on the setting of the location where
// the client lives: the store calls it with the location p.LocationID refers to, after Normalise.
// It returns an *Error with code invalid_request naming the conflicting fields, in Dutch.
func (p Patient) FitsLocation(l Location) error {
	if p.LocationID == nil || *p.LocationID != l.ID {
		return fmt.Errorf("mgz: location %d is not the location of patient %d", l.ID, p.ID)
	}
	if !WlzIndications.Valid(p.Wlz) || (p.Delivery != "" && !Deliveries.Valid(p.Delivery)) || !Settings.Valid(l.Setting) {
		return nil // Normalise names unknown values; a combination of them cannot be judged
	}
	fe := fieldErrors{}
	checkWlzSetting(fe, p.Wlz, p.Delivery, l.Setting, "location_id")
	return fe.err()
}

// positiveOrNil treats a missing or non-positive id as no reference, as HTML forms send 0 or "".
func positiveOrNil(id *int64) *int64 {
	if id == nil || *id <= 0 {
		return nil
	}
	return id
}

// MaskedBSN returns the BSN with only its last three digits shown, or "" when there is none.
func (p Patient) MaskedBSN() string {
	if p.BSN == "" {
		return ""
	}
	return MaskBSN(p.BSN)
}

// LogValue keeps the BSN out of every log line: slog shows the id and whether a BSN is known.
func (p Patient) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", p.ID), slog.Bool("has_bsn", p.BSN != ""))
}

// Age returns the patient's age in whole years on the date of on (Europe/Amsterdam), or 0 without a
// birth date or before it. Someone born on 29 February becomes a year older on 1 March in other years.
func (p Patient) Age(on time.Time) int {
	b, d := p.BirthDate.utc(), DateOf(on)
	if b.IsZero() || d.Before(b.Time) {
		return 0
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// WlzCheckStaleAfter is how old a Wlz lookup may be before the screens ask to look it up again
// (product choice).
const WlzCheckStaleAfter = 90 * 24 * time.Hour

// WlzCheckAge returns how many days ago, counted on Dutch calendar dates, the Wlz indication was
// looked up, or -1 when it never was.
func (p Patient) WlzCheckAge(now time.Time) (days int) {
	if p.WlzCheckedOn.IsZero() {
		return -1
	}
	return DateOf(now).daysSince(p.WlzCheckedOn)
}

// WlzCheckStale reports whether the Wlz lookup is missing or older than WlzCheckStaleAfter. The
// VECOZO Wlz-raadpleegfunctie lags behind the zorgkantoor's own data (domain.md §6), so a screen
// always shows the checked-on date, and asks for a new lookup when this returns true.
func (p Patient) WlzCheckStale(now time.Time) bool {
	days := p.WlzCheckAge(now)
	return days < 0 || time.Duration(days)*24*time.Hour > WlzCheckStaleAfter
}

// WlzCheckNote returns the Dutch line a screen shows next to the Wlz indication: when and where it
// was looked up, that the lookup lags behind, and what to do when it is old or missing.
func (p Patient) WlzCheckNote(now time.Time) string {
	if p.WlzCheckedOn.IsZero() {
		return "De Wlz-indicatie is nog niet opgezocht. Raadpleeg de VECOZO Wlz-raadpleegfunctie (of vraag het CIZ, met toestemming) en vul de datum in."
	}
	days := p.WlzCheckAge(now)
	s := "Wlz-indicatie opgezocht op " + p.WlzCheckedOn.Format("02-01-2006")
	if WlzSources.Valid(p.WlzSource) {
		s += " via " + p.WlzSource.Label()
	}
	switch days {
	case 0:
		s += " (vandaag)"
	case 1:
		s += " (gisteren)"
	default:
		s += fmt.Sprintf(" (%d dagen geleden)", days)
	}
	s += ". De raadpleging loopt achter op de gegevens van het zorgkantoor."
	if p.WlzCheckStale(now) {
		s += fmt.Sprintf(" Deze raadpleging is ouder dan %d dagen: zoek de indicatie opnieuw op.", int(WlzCheckStaleAfter/(24*time.Hour)))
	}
	return s
}

// QueryDate is the filter's query read as a birth date, written dd-mm-jjjj (as mgz shows dates)
// or jjjj-mm-dd; ok is false when the query is not a date, and then it searches names.
func (f PatientFilter) QueryDate() (d Date, ok bool) {
	q := strings.TrimSpace(f.Query)
	for _, layout := range []string{"02-01-2006", "2-1-2006", DateLayout} {
		if t, err := time.Parse(layout, q); err == nil {
			return Date{t}, true
		}
	}
	return Date{}, false
}

// PatientFilter selects patients. Zero fields do not filter.
type PatientFilter struct {
	IDs          []int64 // exact ids (FHIR _id search)
	BSN          string  // exact BSN (FHIR identifier search); callers check who may match on it
	LocationID   int64
	GPPracticeID int64
	Query        string // part of the name, case-insensitive, or a birth date (see QueryDate)
	// VisibleTo keeps the patients this organisation may see (the access policy's parties);
	// zero keeps all, for the command line.
	VisibleTo int64
	Page
}

// maxCursorLen bounds a cursor as read from outside, before it is decoded.
const maxCursorLen = 64

// PatientCursor is the position just after p in the patient list's order (name, then id), as
// an opaque string: a list's next cursor when p is its last item. It is base64url of a version
// byte and p's id as a varint: no name, since a cursor travels in addresses that proxies and
// browser histories keep. The store finds the name of the position again among the rows the
// caller may see, so a cursor naming someone else's client is refused, not a probe.
func PatientCursor(p Patient) string {
	b := make([]byte, 0, 1+binary.MaxVarintLen64)
	b = append(b, patientCursorVersion)
	b = binary.AppendUvarint(b, uint64(p.ID))
	return base64.RawURLEncoding.EncodeToString(b)
}

const patientCursorVersion = 2

// ErrPatientCursor is the answer to a cursor that is damaged, or whose position the caller can
// no longer see (the client moved away or was removed between two pages).
var ErrPatientCursor = &Error{Code: ECodeInvalid, Message: "De cursor klopt niet (meer). Gebruik de next_cursor van de vorige pagina ongewijzigd, of begin opnieuw bij de eerste pagina.",
	Fields: map[string]string{"cursor": "Onbekende of beschadigde cursor, of de lijst is veranderd sinds de vorige pagina."}}

// ParsePatientCursor reads a cursor made by PatientCursor: the id of the patient the next page
// starts after. Anything else is ErrPatientCursor.
func ParsePatientCursor(s string) (id int64, err error) {
	if s == "" || len(s) > maxCursorLen {
		return 0, ErrPatientCursor
	}
	b, derr := base64.RawURLEncoding.DecodeString(s)
	if derr != nil || len(b) < 2 || b[0] != patientCursorVersion {
		return 0, ErrPatientCursor
	}
	v, n := binary.Uvarint(b[1:])
	if n <= 0 || v == 0 || v > math.MaxInt64 || 1+n != len(b) {
		return 0, ErrPatientCursor
	}
	return int64(v), nil
}
