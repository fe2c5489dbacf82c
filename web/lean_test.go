package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// leanGet sends GET path with the bearer token (or the session cookie) and returns status and body.
func leanGet(t *testing.T, url, token, cookie string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "mgz_sessie", Value: cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func TestJSONIsCompactUnlessPrettyIsAsked(t *testing.T) {
	hs, _, _, token := leanServer(t, 0)
	for _, tc := range []struct {
		name, path string
		pretty     bool
	}{
		{"API list", "/api/v1/organisations", false},
		{"API list with pretty=1", "/api/v1/organisations?pretty=1", true},
		{"API error", "/api/v1/organisations/999999", false},
		{"API error with pretty=1", "/api/v1/organisations/999999?pretty=1", true},
		{"FHIR", "/fhir/metadata", false},
		{"FHIR with _pretty=true", "/fhir/metadata?_pretty=true", true},
		{"FHIR with pretty=1", "/fhir/metadata?pretty=1", true},
		{"FHIR search", "/fhir/Organization", false},
		{"FHIR search with _pretty=true", "/fhir/Organization?_pretty=true", true},
		{"FHIR read with _pretty=true", "/fhir/Organization/1?_pretty=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, body := leanGet(t, hs.URL+tc.path, token, "")
			if !json.Valid(body) {
				t.Fatalf("not JSON: %s", body)
			}
			indented := bytes.Contains(body, []byte("\n  "))
			if indented != tc.pretty {
				t.Fatalf("indented = %v, want %v:\n%s", indented, tc.pretty, body)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, body); err != nil {
				t.Fatal(err)
			}
			if !tc.pretty && !bytes.Equal(bytes.TrimSpace(body), compact.Bytes()) {
				t.Fatalf("answer is not compact JSON:\n%s", body)
			}
		})
	}
}

func TestRequestPastItsDeadlineIsAnswered503InDutch(t *testing.T) {
	// A deadline of a nanosecond has passed before the first query: every request runs past it.
	hs, svc, u, token := leanServer(t, time.Nanosecond)
	in, err := svc.Login(context.Background(), u.Email, "paard batterij nietje correct", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("API", func(t *testing.T) {
		status, h, body := leanGet(t, hs.URL+"/api/v1/organisations", token, "")
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(body, &e)
		if status != http.StatusServiceUnavailable || e.Error.Code != "timeout" || !strings.Contains(e.Error.Message, "duurde te lang") {
			t.Fatalf("status %d, error %+v, want 503 timeout with a Dutch message: %s", status, e.Error, body)
		}
		if h.Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
	})
	t.Run("page", func(t *testing.T) {
		status, _, body := leanGet(t, hs.URL+"/organisaties", "", in.Secret)
		if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "duurde te lang") {
			t.Fatalf("status %d, want 503 with the Dutch error page: %s", status, body)
		}
	})
	t.Run("FHIR", func(t *testing.T) {
		status, _, body := leanGet(t, hs.URL+"/fhir/Organization", token, "")
		if status != http.StatusServiceUnavailable || !strings.Contains(string(body), `"timeout"`) || !strings.Contains(string(body), "duurde te lang") {
			t.Fatalf("status %d, want 503 with an OperationOutcome of code timeout: %s", status, body)
		}
	})
}

// A revoked token is refused on the very next request, also when it was just used (and cached).
func TestRevokedTokenIsRefusedOnTheNextRequest(t *testing.T) {
	hs, svc, u, _ := leanServer(t, 0)
	ctx := context.Background()
	tok, secret, err := svc.CreateToken(ctx, service.System(), u.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := leanGet(t, hs.URL+"/api/v1/organisations", secret, ""); status != 200 {
		t.Fatalf("token before revocation: %d %s", status, body)
	}
	if err := svc.RevokeToken(ctx, service.System(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if status, _, body := leanGet(t, hs.URL+"/api/v1/organisations", secret, ""); status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d %s, want 401", status, body)
	}
}

// A disabled user's session and tokens stop at once.
func TestDisabledUserStopsAtOnce(t *testing.T) {
	hs, svc, admin, _ := leanServer(t, 0)
	ctx := context.Background()
	other, _, err := svc.CreateUser(ctx, service.System(), service.NewUser{OrganisationID: admin.OrganisationID, Email: "collega@test.example",
		Name: "Collega", Roles: []mgz.UserRole{mgz.RoleViewer}, Password: "paard batterij nietje correct"})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := svc.CreateToken(ctx, service.System(), other.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	in, err := svc.Login(ctx, other.Email, "paard batterij nietje correct", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := leanGet(t, hs.URL+"/api/v1/organisations", secret, ""); status != 200 {
		t.Fatalf("token before disabling: %d", status)
	}
	if status, _, _ := leanGet(t, hs.URL+"/organisaties", "", in.Secret); status != 200 {
		t.Fatalf("session before disabling: %d", status)
	}
	other.Disabled = true
	if err := svc.UpdateUser(ctx, service.System(), &other); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := leanGet(t, hs.URL+"/api/v1/organisations", secret, ""); status != http.StatusUnauthorized {
		t.Fatalf("token of a disabled user: %d, want 401", status)
	}
	if status, h, _ := leanGet(t, hs.URL+"/organisaties", "", in.Secret); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/inloggen") {
		t.Fatalf("session of a disabled user: %d to %q, want the login page", status, h.Get("Location"))
	}
}
