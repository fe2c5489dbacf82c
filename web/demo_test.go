package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/regio-mgz/mgz"
)

// demoOrgs returns the first n organisations of kind in the test server's register, failing the
// test when the register cannot be read or holds fewer.
func demoOrgs(t *testing.T, ts *testServer, kind mgz.OrgKind, n int) []mgz.Organisation {
	t.Helper()
	orgs, _, err := ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: n}})
	if err != nil {
		t.Fatalf("listing organisations of kind %s: %v", kind, err)
	}
	if len(orgs) < n {
		t.Fatalf("the demo region has %d organisations of kind %s, the test needs %d", len(orgs), kind, n)
	}
	return orgs
}

// demoLocations returns the first n locations matching f (its page is set here), failing the
// test when they cannot be read or there are fewer.
func demoLocations(t *testing.T, ts *testServer, f mgz.LocationFilter, n int) []mgz.Location {
	t.Helper()
	f.Page = mgz.Page{Limit: n}
	locs, _, err := ts.reg.Locations(context.Background(), f)
	if err != nil {
		t.Fatalf("listing locations %+v: %v", f, err)
	}
	if len(locs) < n {
		t.Fatalf("the demo region has %d locations matching %+v, the test needs %d", len(locs), f, n)
	}
	return locs
}

// skipUnlessCI skips a test that needs something missing on this machine, but fails it under
// CI=true: there nothing may skip silently.
func skipUnlessCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, so this test may not skip: %s", why)
	}
	t.Skip(why)
}

// newRequest is http.NewRequest that fails the test on a malformed request.
func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, url, err)
	}
	return req
}
