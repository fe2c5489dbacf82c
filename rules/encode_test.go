package rules

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestResponseJSON_roundTrip: the encoded response decodes with
// encoding/json into the same value, uses the contract's field names, and
// writes [] and null where the contract wants them.
func TestResponseJSON_roundTrip(t *testing.T) {
	reqs := []Request{
		{Situation: sitNo, Question: &Question{Category: CategoryNursing, At: mustTime("2026-12-25T03:10:00+01:00")}},
		{Situation: sitIN, Question: &Question{Category: CategoryGPCare, At: officeMoment}},
		{Situation: sitAT},
	}
	for _, req := range reqs {
		resp := decideOK(t, req)
		if resp.Route != nil {
			resp.Route = resp.Route.Clone()
			resp.Route.Steps[0].Contact = &Contact{Organisation: "De Linde <Utrecht>", Phone: "030 123 4567"}
		}
		resp.Warnings = []Warning{{Code: WarnPartyMissing, Message: "Geen SO/AVG-contract voor deze locatie."}}
		b, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var back Response
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		if !reflect.DeepEqual(back, resp) {
			t.Errorf("round trip differs:\n got %+v\nwant %+v", back, resp)
		}
	}

	// Contract names and null / [] rules on a response without Wlz.
	m := toMap(t, decideOK(t, reqs[0]))
	c := m["classification"].(map[string]any)
	for _, k := range []string{"group", "gp_funding", "registered_by_name", "agreement", "gp_tariff", "out_of_hours_by", "specific_care_by",
		"specific_care_funding", "lead", "quality_oversight", "prerequisites_apply", "alternatives", "flags", "reasons"} {
		if _, ok := c[k]; !ok {
			t.Errorf("classification.%s missing", k)
		}
	}
	if c["specific_care_funding"] != nil || c["quality_oversight"] != nil {
		t.Error("specific_care_funding and quality_oversight must be null without Wlz")
	}
	if f, ok := c["flags"].([]any); !ok || len(f) != 0 {
		t.Errorf("flags = %v, want []", c["flags"])
	}
	r := m["route"].(map[string]any)
	for _, k := range []string{"summary", "period", "holiday", "steps", "not_responsible"} {
		if _, ok := r[k]; !ok {
			t.Errorf("route.%s missing", k)
		}
	}
	if r["holiday"] != "Eerste Kerstdag" {
		t.Errorf("holiday = %v", r["holiday"])
	}
	if _, ok := m["warnings"]; ok {
		t.Error("warnings must be left out when empty")
	}
	m = toMap(t, decideOK(t, Request{Situation: sitAT, Question: &Question{Category: CategoryEmergency, At: officeMoment}}))
	r = m["route"].(map[string]any)
	if h, ok := r["holiday"]; !ok || h != nil {
		t.Errorf("holiday = %v, want null", h)
	}
	if nr, ok := r["not_responsible"].([]any); !ok || len(nr) != 0 {
		t.Errorf("not_responsible = %v, want []", r["not_responsible"])
	}
	if _, ok := r["steps"].([]any)[0].(map[string]any)["contact"]; ok {
		t.Error("contact must be left out when nil")
	}

	// Nil slices are written as [] even when built by hand.
	b, _ := json.Marshal(Response{Route: &Route{}})
	if !strings.Contains(string(b), `"alternatives":[]`) || !strings.Contains(string(b), `"steps":[]`) || !strings.Contains(string(b), `"holiday":null`) {
		t.Errorf("hand-built response: %s", b)
	}
	// Without a question there is no route.
	if _, ok := toMap(t, decideOK(t, Request{Situation: sitAT}))["route"]; ok {
		t.Error("route present without a question")
	}
}

func TestErrorResponseJSON(t *testing.T) {
	_, err := Parse([]byte(`{"situation":{"setting":"home","wlz":"with_treatment","delivery":"stay_with_treatment","sector":"elderly"}}`))
	m := toMap(t, ErrorResponse{Error: requestErr(t, err)})
	e, ok := m["error"].(map[string]any)
	if !ok || e["code"] != "invalid_request" || e["message"] == "" {
		t.Fatalf("error object %v", m)
	}
	if f := e["fields"].([]any); len(f) != 1 || f[0] != "situation.setting" {
		t.Errorf("fields %v", f)
	}
	_, err = Parse([]byte(`not json`))
	m = toMap(t, ErrorResponse{Error: requestErr(t, err)})
	if e := m["error"].(map[string]any); e["code"] != CodeBadRequest || len(e["fields"].([]any)) != 0 {
		t.Errorf("bad request object %v", m)
	}
}

// TestDecisionJSON_matchesResponse: the pre-encoded path of DecideLines
// writes the same bytes as Response.AppendJSON, for every valid situation,
// category and period, with and without a holiday.
func TestDecisionJSON_matchesResponse(t *testing.T) {
	moments := []string{"2026-09-09T14:00:00+02:00", "2026-09-09T22:00:00+02:00", "2026-12-25T03:10:00+01:00", "2026-04-03T10:00:00+02:00"}
	var e Engine
	n := 0
	for _, setting := range settingValues {
		for _, wlz := range wlzValues {
			for _, d := range deliveryValues {
				for _, sector := range sectorValues {
					for _, need := range needValues {
						s := Situation{Setting: setting, Wlz: wlz, Delivery: d, Sector: sector, Need: need}
						reqs := []Request{{Situation: s}}
						for _, c := range categoryValues {
							for _, at := range moments {
								reqs = append(reqs, Request{Situation: s, Question: &Question{Category: c, At: mustTime(at)}})
							}
						}
						for _, req := range reqs {
							dec, err := e.decide(req)
							if err != nil {
								continue
							}
							resp, _ := e.Decide(req)
							if got, want := dec.appendJSON(nil), resp.AppendJSON(nil); string(got) != string(want) {
								t.Fatalf("%+v:\n got %s\nwant %s", req, got, want)
							}
							n++
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
}
