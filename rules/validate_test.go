package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validBy34 is domain.md §3.4 written out again, independently of
// checkCombinations.
func validBy34(s Situation) bool {
	switch s.Wlz {
	case WlzNone:
		return s.Delivery == DeliveryNone && s.Need != NeedNone
	case WlzWithTreatment:
		switch s.Delivery {
		case DeliveryStayWithTreatment:
			return s.Setting == SettingInstitution
		case DeliveryVPT, DeliveryMPT, DeliveryPGB: // rules v2
			return s.Setting == SettingHome || s.Setting == SettingClusteredHousing
		}
	case WlzWithoutTreatment:
		switch s.Delivery {
		case DeliveryStayWithoutTreatment:
			return s.Setting == SettingInstitution || s.Setting == SettingClusteredHousing
		case DeliveryVPT, DeliveryMPT, DeliveryPGB:
			return s.Setting == SettingHome || s.Setting == SettingClusteredHousing
		}
	}
	return false
}

// TestValidate_everyCombination runs every combination of the enum values
// (delivery and need also absent) through Parse and Decide: valid exactly
// when §3.4 says so; a rejection names at least one field, never the Wlz
// answer (the anchor), and only fields that take part in §3.4.
func TestValidate_everyCombination(t *testing.T) {
	for _, setting := range settingValues {
		for _, wlz := range wlzValues {
			for _, d := range deliveryValues {
				for _, sector := range sectorValues {
					for _, need := range needValues {
						s := Situation{Setting: setting, Wlz: wlz, Delivery: d, Sector: sector, Need: need}
						body, _ := json.Marshal(Request{Situation: s})
						_, perr := Parse(body)
						_, derr := Decide(Request{Situation: s})
						if (perr == nil) != (derr == nil) {
							t.Fatalf("%s: Parse and Decide disagree: %v / %v", body, perr, derr)
						}
						if validBy34(s) != (perr == nil) {
							t.Errorf("%s: valid=%v, §3.4 says %v (%v)", body, perr == nil, validBy34(s), perr)
							continue
						}
						if perr == nil {
							continue
						}
						re := requestErr(t, perr)
						if !reflect.DeepEqual(re.Fields, requestErr(t, derr).Fields) {
							t.Errorf("%s: Parse fields %v, Decide fields %v", body, re.Fields, requestErr(t, derr).Fields)
						}
						if re.Code != CodeInvalidRequest || len(re.Fields) == 0 {
							t.Errorf("%s: %+v", body, re)
						}
						for _, f := range re.Fields {
							if f != FieldSetting && f != FieldDelivery && f != FieldNeed {
								t.Errorf("%s: names %s", body, f)
							}
						}
					}
				}
			}
		}
	}
}

// TestValidate_combinations names the fields for each kind of invalid combination.
func TestValidate_combinations(t *testing.T) {
	cases := []struct {
		name   string
		sit    string
		fields []string
	}{
		{"with_treatment_at_home", `"setting":"home","wlz":"with_treatment","delivery":"stay_with_treatment"`, []string{FieldSetting}},
		{"with_treatment_in_clustered_housing", `"setting":"clustered_housing","wlz":"with_treatment","delivery":"stay_with_treatment"`, []string{FieldSetting}},
		// rules v2: vpt, mpt and pgb are not delivered inside an institution;
		// either the setting or the delivery is wrong, so both are named.
		{"with_treatment_vpt_in_institution", `"setting":"institution","wlz":"with_treatment","delivery":"vpt"`, []string{FieldSetting, FieldDelivery}},
		{"with_treatment_pgb_in_institution", `"setting":"institution","wlz":"with_treatment","delivery":"pgb"`, []string{FieldSetting, FieldDelivery}},
		{"with_treatment_delivery_stay_without_treatment", `"setting":"institution","wlz":"with_treatment","delivery":"stay_without_treatment"`, []string{FieldDelivery}},
		{"with_treatment_without_delivery", `"setting":"institution","wlz":"with_treatment"`, []string{FieldDelivery}},
		{"with_treatment_without_delivery_at_home", `"setting":"home","wlz":"with_treatment"`, []string{FieldDelivery}},
		{"with_treatment_stay_without_treatment_at_home", `"setting":"home","wlz":"with_treatment","delivery":"stay_without_treatment"`, []string{FieldDelivery}},
		{"without_treatment_stay_with_treatment", `"setting":"institution","wlz":"without_treatment","delivery":"stay_with_treatment"`, []string{FieldDelivery}},
		{"without_treatment_without_delivery", `"setting":"home","wlz":"without_treatment"`, []string{FieldDelivery}},
		{"without_treatment_null_delivery", `"setting":"home","wlz":"without_treatment","delivery":null`, []string{FieldDelivery}},
		{"stay_without_treatment_at_home", `"setting":"home","wlz":"without_treatment","delivery":"stay_without_treatment"`, []string{FieldSetting, FieldDelivery}},
		{"vpt_in_institution", `"setting":"institution","wlz":"without_treatment","delivery":"vpt"`, []string{FieldSetting, FieldDelivery}},
		{"mpt_in_institution", `"setting":"institution","wlz":"without_treatment","delivery":"mpt"`, []string{FieldSetting, FieldDelivery}},
		{"pgb_in_institution", `"setting":"institution","wlz":"without_treatment","delivery":"pgb"`, []string{FieldSetting, FieldDelivery}},
		{"delivery_without_wlz", `"setting":"home","wlz":"none","delivery":"vpt","need":"temporary_24h"`, []string{FieldDelivery}},
		{"no_wlz_without_need", `"setting":"home","wlz":"none"`, []string{FieldNeed}},
		{"no_wlz_null_need", `"setting":"home","wlz":"none","need":null`, []string{FieldNeed}},
		{"delivery_and_no_need_without_wlz", `"setting":"home","wlz":"none","delivery":"pgb"`, []string{FieldDelivery, FieldNeed}},
	}
	for _, c := range cases {
		t.Run("§3.4_"+c.name, func(t *testing.T) {
			body := `{"situation":{` + c.sit + `,"sector":"elderly"}}`
			_, err := Parse([]byte(body))
			if err == nil {
				t.Fatalf("%s accepted", body)
			}
			re := requestErr(t, err)
			if re.Code != CodeInvalidRequest || !reflect.DeepEqual(re.Fields, c.fields) {
				t.Errorf("%s: code %s fields %v, want invalid_request %v", body, re.Code, re.Fields, c.fields)
			}
			checkDutchError(t, re)
		})
	}
}

func checkDutchError(t *testing.T, re *RequestError) {
	t.Helper()
	if !strings.HasPrefix(re.Message, "Het verzoek") {
		t.Errorf("message %q is not the Dutch explanation", re.Message)
	}
	if len(re.Details) < len(re.Fields) {
		t.Errorf("details %v do not cover fields %v", re.Details, re.Fields)
	}
	for _, f := range re.Fields {
		if !strings.Contains(re.Message, f) {
			t.Errorf("message does not mention %s: %q", f, re.Message)
		}
	}
	if re.Fields == nil {
		t.Error("fields must be [] rather than null")
	}
}

// TestParse_rejects names the offending field for unknown values, wrong
// types and missing fields.
func TestParse_rejects(t *testing.T) {
	const sit = `"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"}`
	cases := []struct {
		name   string
		body   string
		fields []string
	}{
		{"unknown_setting", `{"situation":{"setting":"hospital","wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"unknown_wlz", `{"situation":{"setting":"home","wlz":"maybe","sector":"elderly","need":"temporary_24h"}}`, []string{FieldWlz}},
		{"unknown_delivery", `{"situation":{"setting":"home","wlz":"without_treatment","delivery":"zin","sector":"elderly"}}`, []string{FieldDelivery}},
		{"unknown_sector", `{"situation":{"setting":"home","wlz":"none","sector":"ggz","need":"temporary_24h"}}`, []string{FieldSector}},
		{"unknown_need", `{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"some"}}`, []string{FieldNeed}},
		{"unknown_need_ignored_field_still_strict", `{"situation":{"setting":"institution","wlz":"with_treatment","delivery":"stay_with_treatment","sector":"elderly","need":"some"}}`, []string{FieldNeed}},
		{"empty_string_setting", `{"situation":{"setting":"","wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"case_matters", `{"situation":{"setting":"Home","wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"unknown_category", `{` + sit + `,"question":{"category":"dental","at":"2026-09-09T14:00:00+02:00"}}`, []string{FieldCategory}},
		{"setting_number", `{"situation":{"setting":1,"wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"wlz_bool", `{"situation":{"setting":"home","wlz":true,"sector":"elderly","need":"temporary_24h"}}`, []string{FieldWlz}},
		{"sector_array", `{"situation":{"setting":"home","wlz":"none","sector":["elderly"],"need":"temporary_24h"}}`, []string{FieldSector}},
		{"delivery_object", `{"situation":{"setting":"home","wlz":"without_treatment","delivery":{},"sector":"elderly"}}`, []string{FieldDelivery}},
		{"missing_setting", `{"situation":{"wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"missing_wlz", `{"situation":{"setting":"home","sector":"elderly","need":"temporary_24h"}}`, []string{FieldWlz}},
		{"missing_sector", `{"situation":{"setting":"home","wlz":"none","need":"temporary_24h"}}`, []string{FieldSector}},
		{"null_setting", `{"situation":{"setting":null,"wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldSetting}},
		{"missing_situation", `{"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`, []string{FieldSituation}},
		{"null_situation", `{"situation":null}`, []string{FieldSituation}},
		{"situation_string", `{"situation":"home"}`, []string{FieldSituation}},
		{"empty_situation", `{"situation":{}}`, []string{FieldSetting, FieldWlz, FieldSector}},
		{"root_array", `[1,2]`, []string{FieldSituation}},
		{"root_string", `"hello"`, []string{FieldSituation}},
		{"root_null", `null`, []string{FieldSituation}},
		{"question_string", `{` + sit + `,"question":"gp_care"}`, []string{FieldQuestion}},
		{"question_empty", `{` + sit + `,"question":{}}`, []string{FieldCategory, FieldAt}},
		{"at_missing", `{` + sit + `,"question":{"category":"gp_care"}}`, []string{FieldAt}},
		{"at_without_offset", `{` + sit + `,"question":{"category":"gp_care","at":"2026-09-09T14:00:00"}}`, []string{FieldAt}},
		{"at_date_only", `{` + sit + `,"question":{"category":"gp_care","at":"2026-09-09"}}`, []string{FieldAt}},
		{"at_space_separator", `{` + sit + `,"question":{"category":"gp_care","at":"2026-09-09 14:00:00+02:00"}}`, []string{FieldAt}},
		{"at_number", `{` + sit + `,"question":{"category":"gp_care","at":1757419200}}`, []string{FieldAt}},
		{"at_impossible_date", `{` + sit + `,"question":{"category":"gp_care","at":"2026-02-30T14:00:00+01:00"}}`, []string{FieldAt}},
		{"at_go_zero_time_0001", `{` + sit + `,"question":{"category":"gp_care","at":"0001-01-01T00:00:00Z"}}`, []string{FieldAt}},
		{"at_go_zero_time_with_offset", `{` + sit + `,"question":{"category":"gp_care","at":"0001-01-01T01:00:00+01:00"}}`, []string{FieldAt}},
		{"at_year_0000", `{` + sit + `,"question":{"category":"gp_care","at":"0000-12-31T23:00:00-01:00"}}`, []string{FieldAt}},
		{"at_year_1899", `{` + sit + `,"question":{"category":"gp_care","at":"1899-12-31T23:59:59Z"}}`, []string{FieldAt}},
		{"location_number", `{` + sit + `,"location_id":42}`, []string{FieldLocation}},
		{"everything_wrong_at_once", `{"situation":{"setting":"tent","wlz":"none","delivery":"vpt","sector":3},"question":{"category":"x","at":"now"},"location_id":[]}`,
			[]string{FieldSetting, FieldDelivery, FieldSector, FieldNeed, FieldCategory, FieldAt, FieldLocation}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.body))
			if err == nil {
				t.Fatalf("%s accepted", c.body)
			}
			re := requestErr(t, err)
			if re.Code != CodeInvalidRequest || !reflect.DeepEqual(re.Fields, c.fields) {
				t.Errorf("%s:\n code %s fields %v\n want invalid_request %v\n %s", c.body, re.Code, re.Fields, c.fields, re.Message)
			}
			if IsBadRequest(err) {
				t.Error("a JSON request must not be a bad_request")
			}
			checkDutchError(t, re)
		})
	}
}

// TestParse_atZeroTime: "0001-01-01T00:00:00Z" is valid RFC 3339 but is Go's
// zero time; Parse used to accept it and Decide then rejected the parsed
// request with "question.at: ontbreekt". Parse must reject it itself, naming
// question.at with a message that does not say the moment is missing.
func TestParse_atZeroTime(t *testing.T) {
	const sit = `"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"}`
	for _, at := range []string{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00", "1899-12-31T23:59:59+01:00"} {
		body := `{` + sit + `,"question":{"category":"gp_care","at":"` + at + `"}}`
		_, err := Parse([]byte(body))
		if err == nil {
			t.Fatalf("question.at %s accepted", at)
		}
		re := requestErr(t, err)
		if re.Code != CodeInvalidRequest || !reflect.DeepEqual(re.Fields, []string{FieldAt}) {
			t.Errorf("%s: code %s fields %v, want invalid_request [question.at]", at, re.Code, re.Fields)
		}
		if strings.Contains(re.Message, "ontbreekt") || !strings.Contains(re.Message, "1900") {
			t.Errorf("%s: message %q must explain the range, not say the moment is missing", at, re.Message)
		}
	}
	// The edges of the range are accepted and decided.
	for _, at := range []string{"1900-01-01T00:00:00Z", "1900-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-12:00"} {
		req, err := Parse([]byte(`{` + sit + `,"question":{"category":"gp_care","at":"` + at + `"}}`))
		if err != nil {
			t.Fatalf("question.at %s rejected: %v", at, err)
		}
		if resp := decideOK(t, req); resp.Route == nil {
			t.Errorf("question.at %s: no route", at)
		}
	}
}

// TestParse_badRequest: input that is not JSON is told apart (HTTP 400).
func TestParse_badRequest(t *testing.T) {
	for _, body := range []string{``, `   `, `{`, `{"situation":`, `{"situation":{}} x`, `{'a':1}`, `{"a":01}`, `{"a":1,}`, `[1,]`,
		`{"a":"\x"}`, "{\"a\":\"\x01\"}", `{"a":tru}`, `{"a":"\u12"}`, `{"a" 1}`, `{"a":1 "b":2}`, `nul`, `-`, `1.`, `1e`, `{"a":[}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		_, err := Parse([]byte(body))
		if json.Valid([]byte(body)) {
			t.Fatalf("test input %q is valid JSON", body)
		}
		if !IsBadRequest(err) {
			t.Errorf("Parse(%q) = %v, want a bad_request error", body, err)
			continue
		}
		re := requestErr(t, err)
		if re.Fields == nil || len(re.Fields) != 0 || !strings.HasPrefix(re.Message, "Het verzoek is geen geldige JSON") {
			t.Errorf("Parse(%q): %+v", body, re)
		}
	}
}

// TestParse_accepts covers what a strict parser must still accept.
func TestParse_accepts(t *testing.T) {
	at := mustTime("2026-09-09T14:00:00+02:00")
	want := Request{Situation: Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryVPT, Sector: SectorElderly},
		Question: &Question{Category: CategoryGPCare, At: at}}
	cases := []struct {
		name string
		body string
		want Request
	}{
		{"plain", `{"situation":{"setting":"home","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`, want},
		{"unknown_fields_ignored", `{"x":[1,{"y":null}],"situation":{"setting":"home","zzz":true,"wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","extra":1.5e3,"at":"2026-09-09T14:00:00+02:00"},"more":"…"}`, want},
		{"escapes_in_values", `{"situation":{"setting":"\u0068ome","wlz":"without_treatment","delivery":"vp\u0074","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`, want},
		{"escapes_in_keys", `{"situ\u0061tion":{"setting":"home","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`, want},
		{"whitespace", " \n{ \"situation\" : {\"setting\":\"home\",\t\"wlz\":\"without_treatment\",\"delivery\":\"vpt\",\"sector\":\"elderly\"} ,\r\n\"question\":{\"category\":\"gp_care\",\"at\":\"2026-09-09T14:00:00+02:00\"}}\n", want},
		{"at_in_utc", `{"situation":{"setting":"home","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T12:00:00Z"}}`, want},
		{"duplicate_key_last_wins", `{"situation":{"setting":"institution","setting":"home","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`, want},
		{"need_ignored_with_wlz", `{"situation":{"setting":"home","wlz":"without_treatment","delivery":"vpt","sector":"elderly","need":"temporary_24h"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`,
			Request{Situation: Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryVPT, Sector: SectorElderly, Need: NeedTemporary24h}, Question: want.Question}},
		{"delivery_null_without_wlz", `{"situation":{"setting":"home","wlz":"none","delivery":null,"sector":"elderly","need":"extra_not_24h"}}`,
			Request{Situation: Situation{Setting: SettingHome, Wlz: WlzNone, Sector: SectorElderly, Need: NeedExtraNot24h}}},
		{"question_null", `{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"extra_not_24h"},"question":null,"location_id":null}`,
			Request{Situation: Situation{Setting: SettingHome, Wlz: WlzNone, Sector: SectorElderly, Need: NeedExtraNot24h}}},
		{"location_id", `{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"extra_not_24h"},"location_id":"loc-\u00e9 12"}`,
			Request{Situation: Situation{Setting: SettingHome, Wlz: WlzNone, Sector: SectorElderly, Need: NeedExtraNot24h}, LocationID: "loc-é 12"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.body))
			if err != nil {
				t.Fatalf("Parse rejected: %v", err)
			}
			if (got.Question == nil) != (c.want.Question == nil) || got.Situation != c.want.Situation || got.LocationID != c.want.LocationID {
				t.Fatalf("Parse = %+v, want %+v", got, c.want)
			}
			if got.Question != nil && (got.Question.Category != c.want.Question.Category || !got.Question.At.Equal(c.want.Question.At)) {
				t.Errorf("question = %+v, want %+v", got.Question, c.want.Question)
			}
		})
	}
}

// TestParse_matchesEncodingJSON: a request that Parse accepts decodes to the
// same Request with encoding/json, for the strings Parse must unescape.
func TestParse_unescapeMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{`abc`, `\u00e9\n\t\"\\\/`, `\ud83d\ude00`, `\ud83d`, `\ude00x`, `\ud83d\u0041`, "caf\xc3\xa9", "bad\xff\xfe", `\b\f\r`} {
		body := `{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"extra_not_24h"},"location_id":"` + s + `"}`
		req, err := Parse([]byte(body))
		if err != nil {
			t.Fatalf("Parse(%q): %v", body, err)
		}
		var std struct {
			LocationID string `json:"location_id"`
		}
		if err := json.Unmarshal([]byte(body), &std); err != nil {
			t.Fatal(err)
		}
		if req.LocationID != std.LocationID {
			t.Errorf("%q: Parse %q, encoding/json %q", s, req.LocationID, std.LocationID)
		}
	}
}

// TestValidate_goRequests covers requests built in Go rather than parsed.
func TestValidate_goRequests(t *testing.T) {
	cases := []struct {
		name   string
		req    Request
		fields []string
	}{
		{"valid", Request{Situation: sitAT, Question: &Question{Category: CategoryWzd, At: officeMoment}}, nil},
		{"zero_request", Request{}, []string{FieldSetting, FieldWlz, FieldSector}},
		{"zero_time", Request{Situation: sitAT, Question: &Question{Category: CategoryWzd}}, []string{FieldAt}},
		{"no_category", Request{Situation: sitAT, Question: &Question{At: time.Now()}}, []string{FieldCategory}},
		{"unknown_delivery", Request{Situation: Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: "x", Sector: SectorElderly}}, []string{FieldDelivery}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.req)
			_, derr := Decide(c.req)
			if c.fields == nil {
				if err != nil || derr != nil {
					t.Fatalf("rejected: %v / %v", err, derr)
				}
				return
			}
			if err == nil || derr == nil {
				t.Fatalf("accepted")
			}
			if got := requestErr(t, err).Fields; !reflect.DeepEqual(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
			if got := requestErr(t, derr).Fields; !reflect.DeepEqual(got, c.fields) {
				t.Errorf("Decide fields %v, want %v", got, c.fields)
			}
		})
	}
}

func ExampleParse() {
	_, err := Parse([]byte(`{"situation": {"setting": "home", "wlz": "with_treatment", "delivery": "stay_with_treatment", "sector": "elderly"}}`))
	b, _ := json.Marshal(ErrorResponse{Error: err.(*RequestError)})
	var out struct {
		Error struct {
			Code   string   `json:"code"`
			Fields []string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &out)
	fmt.Println(out.Error.Code, out.Error.Fields)
	// Output: invalid_request [situation.setting]
}

// TestParse_patientID: with a patient_id the situation comes from the register (contract.md), so
// it may be left out or given in part; a patient_id that is not text is rejected by name, and
// without a patient_id the situation stays required.
func TestParse_patientID(t *testing.T) {
	cases := []struct {
		name, body string
		fields     []string // nil: accepted
	}{
		{"without situation", `{"patient_id":"12","question":{"category":"gp_care","at":"2026-12-25T03:10:00+01:00"}}`, nil},
		{"partial situation", `{"patient_id":"12","situation":{"sector":"elderly"}}`, nil},
		{"unknown value still named", `{"patient_id":"12","situation":{"sector":"kids"}}`, []string{FieldSector}},
		{"whole number", `{"patient_id":12}`, nil},
		{"fraction", `{"patient_id":1.5,"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldPatient}},
		{"object", `{"patient_id":{},"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"}}`, []string{FieldPatient}},
		{"empty patient_id needs a situation", `{"patient_id":""}`, []string{FieldSituation}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := Parse([]byte(c.body))
			if c.fields == nil {
				if err != nil || req.PatientID != "12" {
					t.Fatalf("rejected or lost the patient_id: %+v %v", req, err)
				}
				return
			}
			if re := requestErr(t, err); !reflect.DeepEqual(re.Fields, c.fields) {
				t.Errorf("fields %v, want %v", re.Fields, c.fields)
			}
		})
	}
	// Without a register, DecideContext cannot look the client up: rejected, naming patient_id.
	req, _ := Parse([]byte(`{"patient_id":"12"}`))
	var e Engine
	_, err := e.DecideContext(context.Background(), req)
	if re := requestErr(t, err); !reflect.DeepEqual(re.Fields, []string{FieldPatient}) {
		t.Errorf("without a register: fields %v, want [patient_id]", re.Fields)
	}
}
