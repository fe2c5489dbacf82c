package rules

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// enumSpec describes one enumerated request field for error messages.
type enumSpec struct {
	field  field
	what   string // Dutch description of the field
	values []string
}

var (
	specSetting  = enumSpec{fSetting, "de woonsituatie", []string{string(SettingHome), string(SettingClusteredHousing), string(SettingInstitution)}}
	specWlz      = enumSpec{fWlz, "de Wlz-indicatie (zoals VECOZO die toont)", []string{string(WlzNone), string(WlzWithoutTreatment), string(WlzWithTreatment)}}
	specDelivery = enumSpec{fDelivery, "de leveringsvorm", []string{string(DeliveryStayWithTreatment), string(DeliveryStayWithoutTreatment), string(DeliveryVPT), string(DeliveryMPT), string(DeliveryPGB)}}
	specSector   = enumSpec{fSector, "de sector", []string{string(SectorElderly), string(SectorDisability)}}
	specNeed     = enumSpec{fNeed, "de zorgbehoefte", []string{string(NeedPermanent24h), string(NeedTemporary24h), string(NeedExtraNot24h)}}
	specCategory = enumSpec{fCategory, "de soort vraag", []string{string(CategoryEmergency), string(CategoryGPCare), string(CategoryBehaviour), string(CategoryConditionTreatment), string(CategoryWzd), string(CategoryInfectionPrevention), string(CategoryNursing)}}
)

func (e enumSpec) valid(v string) bool {
	for _, x := range e.values {
		if x == v {
			return true
		}
	}
	return false
}

// choices lists the values as "a, b of c" for Dutch messages.
func (e enumSpec) choices() string {
	if len(e.values) == 1 {
		return e.values[0]
	}
	return strings.Join(e.values[:len(e.values)-1], ", ") + " of " + e.values[len(e.values)-1]
}

func (e enumSpec) missing() string {
	return "ontbreekt: geef " + e.what + " op, kies " + e.choices() + "."
}

// maxQuoted is how many bytes of an unknown value an error message repeats.
const maxQuoted = 60

func (e enumSpec) unknown(v string) string {
	if len(v) > maxQuoted {
		// Cut at a character boundary, never inside a UTF-8 sequence.
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		v = v[:cut] + "…"
	}
	return "onbekende waarde " + strconv.Quote(v) + " voor " + e.what + ": kies " + e.choices() + "."
}

func (e enumSpec) wrongType(kind string) string {
	return "moet een tekst zijn (" + e.what + "), maar is " + kind + ": kies " + e.choices() + "."
}

// check validates an optional or required enum value given as a Go string
// (empty means absent) and records bad fields.
func (e enumSpec) check(p *problems, bad *fieldSet, v string, required bool) {
	switch {
	case v == "" && required:
		p.add(e.field, e.missing())
		*bad |= 1 << e.field
	case v != "" && !e.valid(v):
		p.add(e.field, e.unknown(v))
		*bad |= 1 << e.field
	}
}

// Validate checks a request built in Go (rather than parsed) against the
// contract and the valid combinations of domain.md §3.4. It returns nil or a
// *RequestError naming every offending field.
func Validate(req Request) error {
	var p problems
	validateInto(&p, req, 0)
	if p.empty() {
		return nil
	}
	return p.err()
}

// validateInto checks the values of req and their combinations; fields in
// bad were already rejected (by the parser) and are not judged again.
func validateInto(p *problems, req Request, bad fieldSet) {
	s := req.Situation
	if !bad.has(fSituation) {
		if !bad.has(fSetting) {
			specSetting.check(p, &bad, string(s.Setting), true)
		}
		if !bad.has(fWlz) {
			specWlz.check(p, &bad, string(s.Wlz), true)
		}
		if !bad.has(fDelivery) {
			specDelivery.check(p, &bad, string(s.Delivery), false)
		}
		if !bad.has(fSector) {
			specSector.check(p, &bad, string(s.Sector), true)
		}
		if !bad.has(fNeed) {
			specNeed.check(p, &bad, string(s.Need), false)
		}
		checkCombinations(p, s, bad)
	}
	if q := req.Question; q != nil && !bad.has(fQuestion) {
		if !bad.has(fCategory) {
			specCategory.check(p, &bad, string(q.Category), true)
		}
		if !bad.has(fAt) && q.At.IsZero() {
			p.add(fAt, atMissing)
		}
	}
}

const (
	atMissing    = "ontbreekt: geef het moment van de vraag op in RFC 3339 met tijdzone, bijvoorbeeld 2026-12-25T03:10:00+01:00."
	atInvalid    = "is geen tijdstip in RFC 3339 met tijdzone (Z of +01:00): schrijf bijvoorbeeld 2026-12-25T03:10:00+01:00."
	atOutOfRange = "is geen geldig tijdstip voor een vraag: kies een moment tussen het jaar 1900 en 9999 in RFC 3339 met tijdzone, bijvoorbeeld 2026-12-25T03:10:00+01:00."
)

// withTreatmentSetting is the message for stay_with_treatment outside an
// institution.
const withTreatmentSetting = "verblijf met behandeling (stay_with_treatment) wordt alleen in een instelling geleverd (setting institution): pas de woonsituatie aan, kies bij zorg thuis of in geclusterd wonen vpt, mpt of pgb, of controleer de indicatie in VECOZO."

// checkCombinations applies domain.md §3.4. The Wlz answer is the anchor
// (it comes from the VECOZO lookup): a field that conflicts with it is
// named, the Wlz field is not. Delivery and setting that conflict with each
// other under a Wlz without treatment are both named, because either could be
// the wrong one and the product never guesses.
func checkCombinations(p *problems, s Situation, bad fieldSet) {
	if bad.has(fWlz) {
		return // without a valid Wlz answer no combination can be judged
	}
	badSetting, badDelivery := bad.has(fSetting), bad.has(fDelivery)
	switch s.Wlz {
	case WlzNone:
		if !badDelivery && s.Delivery != DeliveryNone {
			p.add(fDelivery, "zonder Wlz-indicatie (wlz none) is er geen leveringsvorm: laat delivery weg, of controleer de Wlz-indicatie in VECOZO.")
		}
		if !bad.has(fNeed) && s.Need == NeedNone {
			p.add(fNeed, "is verplicht zonder Wlz-indicatie: kies "+specNeed.choices()+".")
		}
	case WlzWithTreatment:
		// rules v2 (domain.md §3.4): stay_with_treatment in an institution,
		// or vpt, mpt or pgb at home or in clustered housing, where the
		// delivery decides.
		if badDelivery {
			if !badSetting && s.Setting != SettingInstitution && s.Delivery == DeliveryStayWithTreatment {
				p.add(fSetting, withTreatmentSetting)
			}
			return
		}
		switch s.Delivery {
		case DeliveryNone:
			p.add(fDelivery, "ontbreekt: kies bij een Wlz-indicatie met behandeling stay_with_treatment (in een instelling), of vpt, mpt of pgb (thuis of in een geclusterde woonzorgvoorziening).")
		case DeliveryStayWithTreatment:
			if !badSetting && s.Setting != SettingInstitution {
				p.add(fSetting, withTreatmentSetting)
			}
		case DeliveryStayWithoutTreatment:
			p.add(fDelivery, "stay_without_treatment hoort bij een Wlz-indicatie zonder behandeling: kies stay_with_treatment, vpt, mpt of pgb, of controleer de indicatie in VECOZO.")
		default: // vpt, mpt, pgb
			if !badSetting && s.Setting == SettingInstitution {
				msg := "een pakket thuis of pgb (" + string(s.Delivery) + ") wordt niet in een instelling geleverd, alleen thuis of in een geclusterde woonzorgvoorziening: kies in een instelling stay_with_treatment, of pas de woonsituatie aan."
				p.add(fSetting, msg)
				p.add(fDelivery, msg)
			}
		}
	case WlzWithoutTreatment:
		if badDelivery {
			return
		}
		switch s.Delivery {
		case DeliveryNone:
			p.add(fDelivery, "ontbreekt: kies bij een Wlz-indicatie zonder behandeling stay_without_treatment, vpt, mpt of pgb.")
			return
		case DeliveryStayWithTreatment:
			p.add(fDelivery, "stay_with_treatment hoort bij een Wlz-indicatie met behandeling: kies stay_without_treatment, vpt, mpt of pgb, of controleer de indicatie in VECOZO.")
			return
		}
		if badSetting {
			return
		}
		switch {
		case s.Delivery == DeliveryStayWithoutTreatment && s.Setting == SettingHome:
			msg := "verblijf zonder behandeling (stay_without_treatment) kan alleen in een instelling of geclusterde woonzorgvoorziening, niet thuis: pas de woonsituatie of de leveringsvorm aan."
			p.add(fSetting, msg)
			p.add(fDelivery, msg)
		case s.Delivery != DeliveryStayWithoutTreatment && s.Setting == SettingInstitution:
			msg := "een pakket thuis of pgb (" + string(s.Delivery) + ") wordt niet in een instelling geleverd, alleen thuis of in een geclusterde woonzorgvoorziening: pas de woonsituatie of de leveringsvorm aan."
			p.add(fSetting, msg)
			p.add(fDelivery, msg)
		}
	}
}
