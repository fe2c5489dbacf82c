package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/rules"
)

// PatientReader reads a client for the caller of a decision, through the access policy and
// audited (service.Service.Patient). A client the caller may not see is answered as not found.
type PatientReader func(ctx context.Context, id int64) (mgz.Patient, error)

// Resolver returns a rules.Resolver over the register: a request with a patient_id is answered
// from the client's record (situation, location, own practice, lead physician), a request with a
// location_id from the location's setting and sector. Where the request contradicts the register,
// the register wins and a register_overrides_request warning says so (contract.md). patients may
// be nil: then every patient_id is answered as not found.
func (d *Directory) Resolver(patients PatientReader) rules.Resolver {
	return func(ctx context.Context, req rules.Request) (rules.Request, rules.Enricher, error) {
		return d.resolve(ctx, req, patients)
	}
}

// clientNotFound is the one answer for a client that does not exist and for one the caller may not
// see, so the answer reveals nothing.
func clientNotFound() *rules.RequestError {
	return &rules.RequestError{Code: rules.CodeNotFound, Fields: []string{rules.FieldPatient},
		Message: "Deze cliënt (patient_id) bestaat niet, of u heeft er geen toegang toe: controleer de cliënt of beschrijf de situatie zonder patient_id.",
		Details: []rules.FieldError{{Field: rules.FieldPatient, Message: "bestaat niet, of u heeft er geen toegang toe."}}}
}

func (d *Directory) resolve(ctx context.Context, req rules.Request, patients PatientReader) (rules.Request, rules.Enricher, error) {
	var warnings []rules.Warning
	var client *mgz.Patient
	switch {
	case req.PatientID != "":
		id, err := strconv.ParseInt(strings.TrimSpace(req.PatientID), 10, 64)
		if err != nil || id <= 0 || patients == nil {
			return req, nil, clientNotFound()
		}
		p, err := patients(ctx, id)
		if err != nil {
			switch mgz.ErrorCode(err) {
			case mgz.ECodeNotFound, mgz.ECodeForbidden:
				return req, nil, clientNotFound()
			}
			return req, nil, err
		}
		client = &p
		reg := rules.Situation{Setting: rules.SettingHome, Wlz: rules.Wlz(p.Wlz), Delivery: rules.Delivery(p.Delivery),
			Sector: rules.Sector(p.Sector), Need: req.Situation.Need}
		regLoc := ""
		if p.LocationID != nil {
			loc, err := d.location(ctx, *p.LocationID)
			if err != nil {
				return req, nil, err
			}
			reg.Setting, regLoc = rules.Setting(loc.Setting), strconv.FormatInt(loc.ID, 10)
		}
		diffs := contradictions(req.Situation, reg)
		if req.LocationID != "" && strings.TrimSpace(req.LocationID) != regLoc {
			where := "woont thuis"
			if regLoc != "" {
				where = "woont op locatie " + regLoc
			}
			diffs = append(diffs, fmt.Sprintf("locatie %q in het verzoek, maar de cliënt %s", req.LocationID, where))
		}
		if len(diffs) > 0 {
			warnings = append(warnings, overrideWarning("deze cliënt", diffs))
		}
		req.Situation, req.LocationID = reg, regLoc
	case req.LocationID != "":
		id, err := strconv.ParseInt(strings.TrimSpace(req.LocationID), 10, 64)
		if err != nil || id <= 0 {
			break // the enricher warns that the location is unknown
		}
		loc, err := d.location(ctx, id)
		if err != nil {
			break // idem, or that the register could not be read
		}
		reg := req.Situation
		reg.Setting, reg.Sector = rules.Setting(loc.Setting), rules.Sector(loc.Sector)
		if diffs := contradictions(req.Situation, reg); len(diffs) > 0 {
			warnings = append(warnings, overrideWarning("locatie "+loc.Name, diffs))
		}
		req.Situation = reg
	}
	enrich := func(ctx context.Context, req rules.Request, resp *rules.Response) {
		resp.Warnings = append(resp.Warnings, warnings...)
		if req.LocationID == "" && client == nil {
			return
		}
		d.enrich(ctx, req, resp, client)
	}
	return req, enrich, nil
}

// situationLabels are the Dutch words for the situation's values in warnings.
var situationLabels = map[string]string{
	"home": "thuis", "clustered_housing": "geclusterde woonzorgvoorziening", "institution": "instelling",
	"elderly": "ouderenzorg", "disability": "gehandicaptenzorg",
	"none": "geen Wlz-indicatie", "without_treatment": "Wlz zonder behandeling", "with_treatment": "Wlz met behandeling",
	"stay_with_treatment": "verblijf met behandeling", "stay_without_treatment": "verblijf zonder behandeling",
	"vpt": "vpt", "mpt": "mpt", "pgb": "pgb", "": "geen",
}

// contradictions lists, in Dutch, every field the request gives that the register has otherwise.
func contradictions(asked, reg rules.Situation) []string {
	var out []string
	for _, f := range []struct{ what, asked, reg string }{
		{"woonsituatie", string(asked.Setting), string(reg.Setting)},
		{"Wlz-indicatie", string(asked.Wlz), string(reg.Wlz)},
		{"leveringsvorm", string(asked.Delivery), string(reg.Delivery)},
		{"sector", string(asked.Sector), string(reg.Sector)},
	} {
		if f.asked != "" && f.asked != f.reg {
			out = append(out, fmt.Sprintf("%s %s in het verzoek, %s in het register", f.what, situationLabels[f.asked], situationLabels[f.reg]))
		}
	}
	return out
}

func overrideWarning(whose string, diffs []string) rules.Warning {
	return rules.Warning{Code: rules.WarnRegisterOverridesRequest, Message: fmt.Sprintf(
		"Het verzoek spreekt het register tegen voor %s (%s). Het antwoord volgt het register; klopt het register niet, laat het dan aanpassen.",
		whose, strings.Join(diffs, "; "))}
}

// leadRoles are the SO/AVG kinds of lead physician as roles of the rules.
var leadRoles = map[mgz.LeadPhysician]rules.Role{
	mgz.LeadElderlyCarePhysician: rules.RoleElderlyCarePhysician,
	mgz.LeadIDPhysician:          rules.RoleIDPhysician,
}

// leadNames are their Dutch names in reasons.
var leadNames = map[rules.Role]string{
	rules.RoleElderlyCarePhysician: "specialist ouderengeneeskunde (SO)",
	rules.RoleIDPhysician:          "arts verstandelijk gehandicapten (AVG)",
}

// applyLead follows the client's record when an SO/AVG has (temporarily) taken the lead of a client
// at home (L-Rol 1): the classification names them as lead with the reason, and for the questions
// where the GP (or GP post) would call and consult them — behaviour, condition_treatment — they are
// called first and the GP is informed. It reports whether it replaced resp.Route by a copy.
func applyLead(c *mgz.Patient, resp *rules.Response) bool {
	role, ok := leadRoles[c.LeadPhysician]
	if !ok || c.LocationID != nil || resp.Classification.Group != rules.GroupHome || c.Wlz == mgz.WlzNone {
		return false
	}
	name := leadNames[role]
	cl := resp.Classification
	cl.Lead = role
	cl.Reasons = append(append([]rules.Reason(nil), cl.Reasons...), rules.Reason{
		Text:    "Volgens het cliëntdossier heeft de " + name + " de regie (tijdelijk) overgenomen van de huisarts; de huisarts blijft verantwoordelijk voor huisartsenzorg.",
		Sources: []string{"L-Rol 1"},
	})
	resp.Classification = cl
	r := resp.Route
	if r == nil || len(r.Steps) != 2 || (r.Steps[0].Role != rules.RoleGP && r.Steps[0].Role != rules.RoleGPPost) ||
		r.Steps[1].Role != role || r.Steps[1].Mode != rules.ModeConsult {
		return false
	}
	route := r.Clone()
	gp, sp := route.Steps[0], route.Steps[1]
	sp.Order, sp.Mode = 1, rules.ModeCall
	sp.Why = "De " + name + " heeft volgens het cliëntdossier de regie (tijdelijk) overgenomen van de huisarts: bel de " + name + " eerst."
	sp.Sources = []string{"L-Rol 1"}
	gp.Order, gp.Mode = 2, rules.ModeInform
	gp.Why = "Informeer de huisarts (of buiten kantooruren de huisartsenpost): die blijft eindverantwoordelijk voor huisartsenzorg."
	gp.Sources = []string{"L-Rol 1"}
	route.Steps[0], route.Steps[1] = sp, gp
	resp.Route = route
	return true
}
