package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/calendar"
)

func TestDecideLines(t *testing.T) {
	good := `{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2026-09-09T22:00:00+02:00"}}`
	reject := `{"situation":{"setting":"home","wlz":"with_treatment","delivery":"stay_with_treatment","sector":"elderly"}}`
	long := `{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"extra_not_24h"},"pad":"` + strings.Repeat("x", 200<<10) + `"}`
	tooLong := `{"pad":"` + strings.Repeat("y", MaxLineBytes+10) + `"}`
	in := strings.Join([]string{good, reject, "not json", "", "   \r", long, tooLong, good + "\r"}, "\n") // no final newline
	var out bytes.Buffer
	if err := DecideLines(context.Background(), strings.NewReader(in), &out, calendar.Settings{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{"route", CodeInvalidRequest, CodeBadRequest, "classification", CodeBadRequest, "route"}
	if len(lines) != len(want) {
		t.Fatalf("%d output lines, want %d:\n%s", len(lines), len(want), out.String()[:min(out.Len(), 2000)])
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		switch w := want[i]; w {
		case "route", "classification":
			if _, ok := m[w]; !ok {
				t.Errorf("line %d: no %s: %s", i+1, w, l)
			}
		default:
			if e, ok := m["error"].(map[string]any); !ok || e["code"] != w {
				t.Errorf("line %d: want error %s, got %s", i+1, w, l)
			}
		}
	}
	// Same bytes as deciding one by one.
	req, _ := Parse([]byte(good))
	resp, _ := Decide(req)
	if b, _ := json.Marshal(resp); lines[0] != string(b) {
		t.Error("line output differs from json.Marshal(Decide(...))")
	}
}

func TestDecideLines_invalidSettings(t *testing.T) {
	err := DecideLines(context.Background(), strings.NewReader(""), io.Discard, calendar.Settings{OfficeStart: 600, OfficeEnd: 60})
	if !errors.Is(err, calendar.ErrInvalidSettings) {
		t.Errorf("err = %v, want ErrInvalidSettings", err)
	}
}

func TestDecideLines_cancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := DecideLines(ctx, strings.NewReader(strings.Repeat("{}\n", 10)), io.Discard, calendar.Settings{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestDecideLines_ioErrors(t *testing.T) {
	if err := DecideLines(context.Background(), strings.NewReader(strings.Repeat("{}\n", 100000)), failWriter{}, calendar.Settings{}); err == nil {
		t.Error("write error not reported")
	}
	if err := DecideLines(context.Background(), failReader{}, io.Discard, calendar.Settings{}); err == nil {
		t.Error("read error not reported")
	}
}

// benchLines builds n request lines cycling through every valid situation,
// category and a spread of moments.
func benchLines(n int) []byte {
	var sits []string
	for _, s := range []Situation{sitAT, sitIN, sitHM, sitNo, withSector(sitAT, SectorDisability)} {
		b, _ := json.Marshal(s)
		sits = append(sits, string(b))
	}
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, `{"situation":%s,"question":{"category":"%s","at":"2026-%02d-%02dT%02d:10:00+01:00"},"location_id":"loc-%d"}`+"\n",
			sits[i%len(sits)], categoryValues[i%len(categoryValues)], 1+i%12, 1+i%28, i%24, i%100)
	}
	return buf.Bytes()
}

func BenchmarkDecideLines(b *testing.B) {
	const n = 10000
	in := benchLines(n)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := DecideLines(context.Background(), bytes.NewReader(in), io.Discard, calendar.Settings{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
}
