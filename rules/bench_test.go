package rules

import "testing"

// BenchmarkRouteLookup measures the routing-table lookup alone: it must not
// allocate.
func BenchmarkRouteLookup(b *testing.B) {
	b.ReportAllocs()
	var n int
	for i := 0; i < b.N; i++ {
		cell, _ := LookupRoute(categoryValues[i%len(categoryValues)], groupValues[i%3], sectorValues[i&1], periodValues[(i>>1)&1])
		n += len(cell.Steps)
	}
	if n == 0 {
		b.Fatal("no steps")
	}
}

// BenchmarkDecide measures a whole in-process decision: classification,
// period and holiday in Europe/Amsterdam, and routing.
func BenchmarkDecide(b *testing.B) {
	reqs := []Request{
		{Situation: sitAT, Question: &Question{Category: CategoryGPCare, At: anwMoment}},
		{Situation: sitIN, Question: &Question{Category: CategoryWzd, At: officeMoment}},
		{Situation: sitHM, Question: &Question{Category: CategoryBehaviour, At: mustTime("2026-12-25T03:10:00+01:00")}},
		{Situation: sitNo, Question: &Question{Category: CategoryNursing, At: officeMoment}},
	}
	var e Engine
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Decide(reqs[i&3]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse measures the strict parser on a typical request line.
func BenchmarkParse(b *testing.B) {
	line := []byte(`{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"pgb","sector":"disability"},"question":{"category":"wzd","at":"2026-12-25T03:10:00+01:00"},"location_id":"loc-1"}`)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendJSON measures encoding one response.
func BenchmarkAppendJSON(b *testing.B) {
	resp, _ := Decide(Request{Situation: sitAT, Question: &Question{Category: CategoryInfectionPrevention, At: anwMoment}})
	buf := resp.AppendJSON(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = resp.AppendJSON(buf[:0])
	}
}
