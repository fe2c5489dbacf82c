package rules

import (
	"encoding/json"
	"testing"
	"time"
)

// TestContactOnCallJSON_matchesEncodingJSON checks that the hand-written encoder writes a contact's
// on_call (issue 13) byte for byte as encoding/json does from the struct tags, and leaves it out
// when nil.
func TestContactOnCallJSON_matchesEncodingJSON(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	until := time.Date(2026, 10, 25, 7, 0, 0, 0, ams)
	for _, c := range []Contact{
		{Organisation: "SO-dienst <Noord>", Phone: "06 1111 2222", Note: "Van dienst: Dr. \"A\".", OnCall: &OnCall{Name: "Dr. \"A\"", Function: "SO", Phone: "06 1111 2222", Until: until}},
		{Organisation: "Huisartsenpost", OnCall: &OnCall{Name: "Dr. B", Until: until.UTC()}},
		{Organisation: "Zorggroep", NotReachableNow: true, Note: "Nu niemand van dienst."},
		{OnCall: &OnCall{Name: "C", Until: time.Date(2026, 3, 29, 6, 59, 59, 500, ams)}},
	} {
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.appendJSON(nil); string(got) != string(want) {
			t.Errorf("contact JSON\n got %s\nwant %s", got, want)
		}
	}
}
