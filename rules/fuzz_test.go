package rules

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// FuzzParseDecide feeds arbitrary bytes to Parse and Decide: never a panic;
// always either a response that marshals to a JSON object or an error
// object; bad_request exactly when encoding/json says the input is not JSON.
func FuzzParseDecide(f *testing.F) {
	if fh, err := os.Open("testdata/decide.jsonl"); err == nil {
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var ex struct {
				Request json.RawMessage `json:"request"`
			}
			if json.Unmarshal(sc.Bytes(), &ex) == nil {
				f.Add([]byte(ex.Request))
			}
		}
		fh.Close()
	}
	for _, s := range []string{``, `{}`, `[]`, `null`, `{"situation":{"setting":"\u0068ome"}}`, `{"situation":{},"question":{"at":"2026-12-25T03:10:00+01:00"}}`, "\xff", `{"a":"\ud800"}`, `1e999`,
		// Go's zero time as question.at: Parse must reject it, not Decide.
		`{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"},"question":{"category":"gp_care","at":"0001-01-01T00:00:00Z"}}`,
		`{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"},"question":{"category":"gp_care","at":"0001-01-01T01:00:00+01:00"}}`,
		`{"situation":{"setting":"home","wlz":"none","sector":"elderly","need":"temporary_24h"},"question":{"category":"gp_care","at":"9999-12-31T23:59:59-23:59"}}`,
		// A client from the register: the situation may be left out or given in part.
		`{"patient_id":"12","question":{"category":"gp_care","at":"2026-12-25T03:10:00+01:00"}}`,
		`{"patient_id":"12","situation":{"sector":"elderly"}}`, `{"patient_id":12}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := Parse(data)
		var out []byte
		if err == nil {
			resp, derr := Decide(req)
			var re *RequestError
			switch {
			case derr != nil && req.PatientID != "" && errors.As(derr, &re) && len(re.Fields) > 0:
				// With a patient_id the situation is judged once the register has filled it in;
				// without a register Decide may still reject it, naming the fields.
				out, _ = json.Marshal(ErrorResponse{Error: re})
				var m map[string]any
				if err := json.Unmarshal(out, &m); err != nil {
					t.Fatalf("output is not a JSON object: %v\n%s", err, out)
				}
				return
			case derr != nil:
				t.Fatalf("Decide rejected a parsed request: %v\n%s", derr, data)
			}
			out, err = json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Route != nil && (len(resp.Route.Steps) == 0 || resp.Route.Summary == "") {
				t.Fatalf("empty route for %s", data)
			}
		} else {
			re, ok := err.(*RequestError)
			if !ok {
				t.Fatalf("error %T is not a *RequestError", err)
			}
			if re.IsBadRequest() == json.Valid(data) {
				t.Fatalf("bad_request=%v but json.Valid=%v for %q", re.IsBadRequest(), json.Valid(data), data)
			}
			if !re.IsBadRequest() && len(re.Fields) == 0 {
				t.Fatalf("rejection names no field: %+v", re)
			}
			out, _ = json.Marshal(ErrorResponse{Error: re})
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("output is not a JSON object: %v\n%s", err, out)
		}
	})
}
