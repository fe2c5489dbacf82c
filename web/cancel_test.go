package web_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/web"
	"net/http/httptest"
)

// blockingPatients is a patient store whose list waits until its context ends and reports how it
// ended: the stand-in for a query that runs long. That SQLite itself stops a statement when its
// context ends is tested in package sqlstore (TestCancelledQueryStopsAndFreesItsConnection).
type blockingPatients struct {
	mgz.PatientStore
	entered chan struct{}
	left    chan error
}

func (b blockingPatients) Patients(ctx context.Context, f mgz.PatientFilter) ([]mgz.Patient, int, error) {
	b.entered <- struct{}{}
	<-ctx.Done()
	b.left <- ctx.Err()
	return nil, 0, ctx.Err()
}

type blockingStore struct {
	mgz.Store
	patients blockingPatients
}

func (s blockingStore) Patients() mgz.PatientStore { return s.patients }

// A client that leaves while its list is being read stops the read: the request's context reaches
// the store and is cancelled, the handler ends, and the server goes on answering.
func TestClientThatLeavesStopsItsQuery(t *testing.T) {
	ts := newTestServer(t, false)
	c := ts.as(t, ts.rho.ID, mgz.RoleRegionalTable)
	bp := blockingPatients{PatientStore: ts.db.Store().Patients(), entered: make(chan struct{}, 1), left: make(chan error, 1)}
	svc := service.New(blockingStore{Store: ts.db.Store(), patients: bp}, service.Config{Params: testParams})
	srv, err := web.New(web.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	ctx, leave := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/api/v1/patients", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case <-bp.entered:
	case <-time.After(20 * time.Second):
		t.Fatal("the list never reached the store")
	}
	leave() // the client hangs up
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the client's request ended with %v, want context.Canceled", err)
	}
	select {
	case err := <-bp.left:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the store's read ended with %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the store's read went on after its client left")
	}

	// The server still answers.
	req2, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/me", nil)
	req2.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after a client left, /api/v1/me answered %d", resp.StatusCode)
	}
}

// A client that leaves is not an error of mgz: no 5xx in the request log.
func TestClientThatLeavesIsNoServerError(t *testing.T) {
	ts := newTestServer(t, false)
	var logged bytes.Buffer
	srv, err := web.New(web.Config{Service: ts.svc, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.as(t, ts.rho.ID, mgz.RoleRegionalTable)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // gone before the answer
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/organisations", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 499 || strings.Contains(logged.String(), "level=ERROR") {
		t.Fatalf("status %d, log:\n%s\nwant 499 and no error logged", rec.Code, logged.String())
	}
}
