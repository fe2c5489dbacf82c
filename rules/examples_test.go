package rules

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// TestExamples runs every line of testdata/decide.jsonl (a copy of
// shared/examples/decide.jsonl) and compares the fields that "expected"
// lists; arrays must match in length and order.
func TestExamples(t *testing.T) {
	f, err := os.Open("testdata/decide.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var ex struct {
			Request  json.RawMessage `json:"request"`
			Expected map[string]any  `json:"expected"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		t.Run(fmt.Sprintf("line_%d", n), func(t *testing.T) {
			var got map[string]any
			req, err := Parse(ex.Request)
			if err == nil {
				var resp Response
				resp, err = Decide(req)
				if err == nil {
					got = toMap(t, resp)
				}
			}
			if err != nil {
				got = toMap(t, ErrorResponse{Error: requestErr(t, err)})
			}
			compareSubset(t, "", ex.Expected, got)
		})
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}

// compareSubset checks that every key of want is in got with the same value;
// objects are compared by want's keys only, arrays element by element.
func compareSubset(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want an object", path, got)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				t.Errorf("%s.%s: missing", path, k)
				continue
			}
			compareSubset(t, path+"."+k, wv, gv)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %v", path, got, want)
			return
		}
		for i := range w {
			compareSubset(t, fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
	default:
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}
