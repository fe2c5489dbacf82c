package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// rosterOwnerEditor: only the roster owner's editors import into it; the matrix roster belongs to
// the demo SO/AVG service.
var rosterOwnerEditor = rule{"bewerker of beheerder van de organisatie van het rooster (hier de SO/AVG-dienst)", func(w who) bool {
	return w.kind == mgz.KindPhysicianService && editorRole(w.role)
}}

var matrixRosters sync.Map // *matrix → roster id

// matrixImportRoster is the matrix's roster of the demo SO/AVG service, made on first use.
func matrixImportRoster(m *matrix) int64 {
	if id, ok := matrixRosters.Load(m); ok {
		return id.(int64)
	}
	owner := m.dem[mgz.KindPhysicianService].ID
	r := mgz.Roster{OrganisationID: &owner, Role: mgz.RosterPhysicianOnCall, Name: "Matrixrooster", Phone: "0201234567"}
	if err := m.ts.svc.CreateRoster(context.Background(), service.System(), &r); err != nil {
		m.t.Fatal(err)
	}
	matrixRosters.Store(m, r.ID)
	return r.ID
}

// importRosterSetup is a demo server with an empty roster of the demo SO/AVG service and an
// editor of that service.
func importRosterSetup(t *testing.T) (*testServer, int64, *client) {
	t.Helper()
	ts := newTestServer(t, true)
	owner := demoOrg(t, ts, mgz.KindPhysicianService).ID
	r := mgz.Roster{OrganisationID: &owner, Role: mgz.RosterPhysicianOnCall, Name: "Dienst SO", Phone: "0201234567"}
	if err := ts.svc.CreateRoster(context.Background(), service.System(), &r); err != nil {
		t.Fatal(err)
	}
	return ts, r.ID, ts.as(t, owner, mgz.RoleEditor)
}

func outlookFixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "rosterfile", "testdata", "outlook.ics"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func postRoster(t *testing.T, c *client, id int64, contentType string, body []byte) response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.ts.URL+"/api/v1/rosters/"+itoa(id)+"/import", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return c.send(t, req)
}

type importAnswer struct {
	Result mgz.ImportResult `json:"result"`
}

func storedRoster(t *testing.T, ts *testServer, id int64) mgz.Roster {
	t.Helper()
	r, err := ts.svc.Roster(context.Background(), service.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRosterImportAPITwiceIsIdempotent(t *testing.T) {
	ts, id, editor := importRosterSetup(t)
	ics := outlookFixture(t)
	r := postRoster(t, editor, id, "text/calendar; charset=utf-8", ics)
	if r.status != http.StatusOK {
		t.Fatalf("first import: %d %s", r.status, r.body)
	}
	var a importAnswer
	r.json(t, &a)
	if a.Result != (mgz.ImportResult{Added: 3}) {
		t.Errorf("first import: %+v, want 3 added", a.Result)
	}
	rev := storedRoster(t, ts, id).Revision
	r = postRoster(t, editor, id, "text/calendar", ics)
	if r.status != http.StatusOK {
		t.Fatalf("second import: %d %s", r.status, r.body)
	}
	r.json(t, &a)
	if a.Result != (mgz.ImportResult{Unchanged: 3}) {
		t.Errorf("second import: %+v, want 3 unchanged and nothing else", a.Result)
	}
	if got := storedRoster(t, ts, id); got.Revision != rev || len(got.Shifts) != 3 {
		t.Errorf("second import changed the roster: revision %d → %d, %d shifts", rev, got.Revision, len(got.Shifts))
	}

	csv := "naam;telefoon;begin;einde;herhaling\nDr. B;0612345678;2026-12-01 17:00;2026-12-02 08:00;FREQ=DAILY\n"
	for i, want := range []mgz.ImportResult{{Added: 1}, {Unchanged: 1}} {
		r = postRoster(t, editor, id, "text/csv", []byte(csv))
		if r.status != http.StatusOK {
			t.Fatalf("csv import %d: %d %s", i, r.status, r.body)
		}
		r.json(t, &a)
		if a.Result != want {
			t.Errorf("csv import %d: %+v, want %+v", i, a.Result, want)
		}
	}
	if got := storedRoster(t, ts, id); len(got.Shifts) != 4 {
		t.Errorf("a CSV import touched the iCalendar shifts: %d shifts, want 4", len(got.Shifts))
	}
}

func TestRosterImportStrangerBadFileAndMediaType(t *testing.T) {
	ts, id, editor := importRosterSetup(t)
	ics := outlookFixture(t)
	if r := postRoster(t, editor, id, "text/calendar", ics); r.status != http.StatusOK {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	before := storedRoster(t, ts, id)

	stranger := ts.as(t, demoOrg(t, ts, mgz.KindCareProvider).ID, mgz.RoleEditor)
	empty := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:z\r\nSUMMARY:Z\r\nDTSTART:20261201T080000Z\r\nDTEND:20261201T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	wantError(t, postRoster(t, stranger, id, "text/calendar", empty), http.StatusForbidden, mgz.ECodeForbidden)

	bad := "naam,begin,einde\nGoed,2026-12-01 08:00,2026-12-01 17:00\nFout,gisteren,2026-12-01 17:00\n"
	r := postRoster(t, editor, id, "text/csv", []byte(bad))
	wantError(t, r, http.StatusUnprocessableEntity, mgz.ECodeInvalid, "line.3")

	r = postRoster(t, editor, id, "application/json", []byte(`{}`))
	if r.status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.body), "text/calendar") {
		t.Errorf("json body: %d %s", r.status, r.body)
	}
	if r := postRoster(t, editor, 999999, "text/calendar", ics); r.status != http.StatusNotFound {
		t.Errorf("unknown roster: %d", r.status)
	}
	after := storedRoster(t, ts, id)
	if after.Revision != before.Revision || len(after.Shifts) != len(before.Shifts) {
		t.Errorf("a refused import changed the roster: revision %d → %d, shifts %d → %d", before.Revision, after.Revision, len(before.Shifts), len(after.Shifts))
	}
}

func uploadRoster(t *testing.T, c *client, id int64, name, format string, content []byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if format != "" {
		_ = mw.WriteField("format", format)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", c.ts.URL+"/roosters/"+itoa(id)+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(t, req)
}

func TestRosterImportPage(t *testing.T) {
	ts, id, editor := importRosterSetup(t)
	r := editor.do(t, "GET", "/roosters/"+itoa(id)+"/import", nil)
	if r.status != http.StatusOK {
		t.Fatalf("form: %d %s", r.status, r.body)
	}
	for _, want := range []string{`<label for="f-file">`, `id="f-file" name="file" type="file"`, `enctype="multipart/form-data"`, `<legend>Formaat</legend>`, `for="f-format-csv"`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("form lacks %s", want)
		}
	}
	r = uploadRoster(t, editor, id, "rooster.ics", "", outlookFixture(t))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "3 toegevoegd") {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r = uploadRoster(t, editor, id, "rooster.ics", "ical", outlookFixture(t))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "3 ongewijzigd") || !strings.Contains(string(r.body), "0 toegevoegd") {
		t.Errorf("second upload: %d %s", r.status, r.body)
	}
	rev := storedRoster(t, ts, id).Revision

	bad := "naam;begin;einde\nGoed;2026-12-01 08:00;2026-12-01 17:00\nFout;gisteren;2026-12-01 17:00\n"
	r = uploadRoster(t, editor, id, "export.txt", "csv", []byte(bad))
	body := string(r.body)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(body, "<td>3</td>") || !strings.Contains(body, "gisteren") || !strings.Contains(body, "niets geïmporteerd") {
		t.Errorf("bad upload: %d %s", r.status, body)
	}
	r = uploadRoster(t, editor, id, "rooster.xlsx", "", []byte("x"))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "Kies het formaat") {
		t.Errorf("unknown format: %d %s", r.status, r.body)
	}
	if got := storedRoster(t, ts, id); got.Revision != rev {
		t.Errorf("refused uploads changed the roster: revision %d → %d", rev, got.Revision)
	}

	stranger := ts.as(t, demoOrg(t, ts, mgz.KindCareProvider).ID, mgz.RoleEditor)
	if r := stranger.do(t, "GET", "/roosters/"+itoa(id)+"/import", nil); r.status != http.StatusForbidden {
		t.Errorf("stranger's form: %d", r.status)
	}
	if r := uploadRoster(t, stranger, id, "rooster.ics", "", outlookFixture(t)); r.status != http.StatusForbidden {
		t.Errorf("stranger's upload: %d", r.status)
	}
}
