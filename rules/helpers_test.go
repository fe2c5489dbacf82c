package rules

import (
	"encoding/json"
	"testing"
	"time"
)

// situations used across tests, one per group and sector.
var (
	sitAT = Situation{Setting: SettingClusteredHousing, Wlz: WlzWithoutTreatment, Delivery: DeliveryVPT, Sector: SectorElderly}
	sitIN = Situation{Setting: SettingInstitution, Wlz: WlzWithTreatment, Delivery: DeliveryStayWithTreatment, Sector: SectorElderly}
	sitHM = Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryMPT, Sector: SectorElderly}
	sitNo = Situation{Setting: SettingHome, Wlz: WlzNone, Sector: SectorElderly, Need: NeedTemporary24h}
)

// Moments on Wednesday 9 September 2026 (no holiday).
var (
	officeMoment = mustTime("2026-09-09T14:00:00+02:00")
	anwMoment    = mustTime("2026-09-09T22:00:00+02:00")
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func withSector(s Situation, sector Sector) Situation {
	s.Sector = sector
	return s
}

// decideOK decides and fails the test with the error object on rejection.
func decideOK(t *testing.T, req Request) Response {
	t.Helper()
	resp, err := Decide(req)
	if err != nil {
		t.Fatalf("Decide(%+v) rejected: %v", req, err)
	}
	return resp
}

// requestErr asserts err is a *RequestError.
func requestErr(t *testing.T, err error) *RequestError {
	t.Helper()
	re, ok := err.(*RequestError)
	if !ok {
		t.Fatalf("error %v (%T) is not a *RequestError", err, err)
	}
	return re
}

// toMap turns any JSON-encodable value into generic JSON values.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("output is not a JSON object: %v\n%s", err, b)
	}
	return m
}
