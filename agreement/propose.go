// Package agreement proposes which model agreement of domain.md §8 a GP practice and a location
// need, from the location's setting and the Wlz situations of its residents as the rules engine
// classifies them. It is pure: no I/O.
package agreement

import (
	"fmt"
	"sort"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/rules"
)

// Type is a model agreement of domain.md §8.
type Type = rules.Agreement

// Labels are the Dutch names of the agreements.
var Labels = map[Type]string{
	rules.AgreementSubcontract: "Onderaannemingsovereenkomst (huisarts als onderaannemer van de instelling)",
	rules.AgreementCooperation: "Samenwerkingsovereenkomst (huisartsenpraktijk, woonvoorziening en huisartsenpost)",
}

// Proposal is one agreement a location needs, with why: the situations that lead to it and the
// rules' reasons with their sources.
type Proposal struct {
	Type Type `json:"type"`
	// Situations are the Wlz situations at the location that need this agreement, in Dutch.
	Situations []string `json:"situations"`
	// Residents counts the residents known to mgz in those situations.
	Residents int            `json:"residents"`
	Reasons   []rules.Reason `json:"reasons"`
}

// situation is one way a client can live at the location.
type situation struct {
	wlz      rules.Wlz
	delivery rules.Delivery
}

// wlzOf is the Wlz indication that goes with a delivery (domain.md §3.4): only a stay with
// treatment comes with treatment.
func wlzOf(d mgz.Delivery) rules.Wlz {
	if d == mgz.DeliveryStayWithTreatment {
		return rules.WlzWithTreatment
	}
	return rules.WlzWithoutTreatment
}

// Propose returns the agreements the location needs, in a stable order (subcontract first). The
// situations come from the deliveries the location offers and from its residents; a situation
// the rules reject (domain.md §3.4) is skipped. A location where every situation needs no
// agreement gets none.
func Propose(e *rules.Engine, loc mgz.Location, residents []mgz.Patient) []Proposal {
	count := map[situation]int{}
	for _, d := range loc.Deliveries {
		count[situation{wlzOf(d), rules.Delivery(d)}] += 0
	}
	for _, p := range residents {
		if p.Wlz == mgz.WlzNone || p.LocationID == nil || *p.LocationID != loc.ID {
			continue
		}
		count[situation{rules.Wlz(p.Wlz), rules.Delivery(p.Delivery)}]++
	}
	byType := map[Type]*Proposal{}
	sits := make([]situation, 0, len(count))
	for s := range count {
		sits = append(sits, s)
	}
	sort.Slice(sits, func(i, j int) bool {
		if sits[i].wlz != sits[j].wlz {
			return sits[i].wlz > sits[j].wlz // with_treatment first
		}
		return sits[i].delivery < sits[j].delivery
	})
	for _, s := range sits {
		resp, err := e.Decide(rules.Request{Situation: rules.Situation{Setting: rules.Setting(loc.Setting), Wlz: s.wlz, Delivery: s.delivery, Sector: rules.Sector(loc.Sector)}})
		if err != nil {
			continue
		}
		c := resp.Classification
		if c.Agreement != rules.AgreementSubcontract && c.Agreement != rules.AgreementCooperation {
			continue
		}
		p := byType[c.Agreement]
		if p == nil {
			p = &Proposal{Type: c.Agreement}
			byType[c.Agreement] = p
		}
		p.Situations = append(p.Situations, fmt.Sprintf("%s, %s (%d bewoner(s) in mgz)", wlzLabel(s.wlz), mgz.Delivery(s.delivery).Label(), count[s]))
		p.Residents += count[s]
		for _, r := range c.Reasons {
			if !hasReason(p.Reasons, r) {
				p.Reasons = append(p.Reasons, r)
			}
		}
	}
	var out []Proposal
	for _, t := range []Type{rules.AgreementSubcontract, rules.AgreementCooperation} {
		if p := byType[t]; p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func wlzLabel(w rules.Wlz) string { return mgz.WlzIndication(w).Label() }

func hasReason(rs []rules.Reason, r rules.Reason) bool {
	for _, x := range rs {
		if x.Text == r.Text {
			return true
		}
	}
	return false
}
