package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestWrongMethodOnAKnownPathAnswers405WithAllow(t *testing.T) {
	ts := newTestServer(t, false)
	for _, tc := range []struct {
		method, path string
		allow        string
	}{
		{"DELETE", "/api/v1/overview", "GET, HEAD"},
		{"GET", "/api/v1/decide", "POST"},
		{"PATCH", "/api/v1/organisations", "GET, HEAD, POST"},
		{"POST", "/api/v1/organisations/1", "GET, HEAD, PUT, DELETE"},
		{"POST", "/api/v1/settings/calendar", "GET, HEAD, PUT"},
	} {
		t.Run("API "+tc.method+" "+tc.path, func(t *testing.T) {
			r := ts.do(t, tc.method, tc.path, nil)
			wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := r.header.Get("Allow"); got != tc.allow {
				t.Fatalf("Allow = %q, want %q", got, tc.allow)
			}
		})
	}
	for _, tc := range []struct {
		method, path string
		allow        string
	}{
		{"DELETE", "/organisaties", "GET, HEAD, POST"},
		{"PUT", "/wie-is-verantwoordelijk", "GET, HEAD"},
		{"GET", "/uitloggen", "POST"},
	} {
		t.Run("page "+tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			r := ts.send(t, req)
			if r.status != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d, want 405\n%s", r.status, r.body)
			}
			if got := r.header.Get("Allow"); got != tc.allow {
				t.Fatalf("Allow = %q, want %q", got, tc.allow)
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "Dit kan hier niet") {
				t.Fatalf("not the Dutch page:\n%s", r.body)
			}
		})
	}
	// A path no route claims stays 404, whatever the method.
	for _, m := range []string{"GET", "POST"} {
		wantError(t, ts.do(t, m, "/api/v1/bestaat-niet", nil), http.StatusNotFound, "not_found")
	}
}

func TestOpenAPIListsEveryErrorCode(t *testing.T) {
	ts := newTestServer(t, false)
	var doc struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `json:"enum"`
								} `json:"code"`
							} `json:"properties"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	ts.do(t, "GET", "/api/v1/openapi.json", nil).json(t, &doc)
	listed := map[string]bool{}
	for _, c := range doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum {
		listed[c] = true
	}
	for _, code := range []string{mgz.ECodeInvalid, mgz.ECodeBadRequest, mgz.ECodeUnauthenticated, mgz.ECodeForbidden,
		mgz.ECodeNotFound, "method_not_allowed", mgz.ECodeConflict, mgz.ECodeTooManyRequests, mgz.ECodeStorageUnavailable, mgz.ECodeInternal} {
		if !listed[code] {
			t.Errorf("openapi.json's Error.code does not list %q", code)
		}
	}
}

func TestSearchTermsOver200CharactersAre422NamingTheParameter(t *testing.T) {
	ts := newTestServer(t, true)
	long := strings.Repeat("ab%_", 50) + "x" // 201 characters, wildcards included
	for _, path := range []string{"/api/v1/organisations", "/api/v1/locations", "/api/v1/contact-points", "/api/v1/patients",
		"/api/v1/users", "/api/v1/audit", "/api/v1/agreements"} {
		t.Run(path, func(t *testing.T) {
			wantError(t, ts.do(t, "GET", path+"?q="+url.QueryEscape(long), nil), http.StatusUnprocessableEntity, "invalid_request", "q")
		})
	}
	t.Run("another parameter is named too", func(t *testing.T) {
		wantError(t, ts.do(t, "GET", "/api/v1/locations?municipality="+url.QueryEscape(long), nil), http.StatusUnprocessableEntity, "invalid_request", "municipality")
	})
	for _, path := range []string{"/organisaties", "/locaties", "/clienten", "/audit"} {
		t.Run("page "+path, func(t *testing.T) {
			r := ts.do(t, "GET", path+"?q="+url.QueryEscape(long), nil)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "zoekterm is te lang") {
				t.Fatalf("status = %d, want 422 with a Dutch page\n%s", r.status, r.body)
			}
		})
	}
	// 200 characters is a search like any other.
	exact := strings.Repeat("ab%_", 50)
	for _, path := range []string{"/api/v1/organisations", "/api/v1/locations", "/organisaties", "/locaties"} {
		if r := ts.do(t, "GET", path+"?q="+url.QueryEscape(exact), nil); r.status != http.StatusOK {
			t.Errorf("%s with a 200-character term: status %d, want 200\n%s", path, r.status, r.body)
		}
	}
}

func TestCrossOriginRefusalIsTheErrorObjectOrADutchPage(t *testing.T) {
	ts := newTestServer(t, false)
	for _, tc := range []struct {
		path     string
		wantType string
	}{
		{"/api/v1/organisations", "application/json"},
		{"/organisaties", "text/html"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, _ := http.NewRequest("POST", ts.URL+tc.path, strings.NewReader("{}"))
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			r := ts.send(t, req)
			if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), tc.wantType) {
				t.Fatalf("status %d, Content-Type %q; want 403 %s\n%s", r.status, r.header.Get("Content-Type"), tc.wantType, r.body)
			}
			if !strings.Contains(string(r.body), "andere website") {
				t.Fatalf("the refusal does not say why:\n%s", r.body)
			}
		})
	}
}
