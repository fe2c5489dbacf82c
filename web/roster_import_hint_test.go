package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/rosterfile"
)

// The import page names the size the import takes: the parser's limit, not a number of its own.
func TestRosterImportPageNamesTheFileSizeLimit(t *testing.T) {
	_, id, editor := importRosterSetup(t)
	r := editor.do(t, "GET", "/roosters/"+itoa(id)+"/import", nil)
	want := fmt.Sprintf("Een .ics- of .csv-bestand van hoogstens %d MB.", rosterfile.MaxBytes>>20)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
		t.Errorf("the import page lacks %q: %d %s", want, r.status, r.body)
	}
}
