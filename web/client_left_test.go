package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A client that leaves is not a server error, whatever the store's error looks like when its
// statement is cancelled: context.Canceled (SQLite) or the server's query_canceled (PostgreSQL,
// as pgx reports it). While the client is still there, such an error is a server error.
func TestClientThatLeftIsNotLoggedAsAServerError(t *testing.T) {
	pgCanceled := errors.New("ERROR: canceling statement due to user request (SQLSTATE 57014)")
	for _, err := range []error{context.Canceled, pgCanceled} {
		var logged bytes.Buffer
		s := &Server{log: slog.New(slog.NewTextHandler(&logged, nil))}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := httptest.NewRequest(http.MethodGet, "/api/v1/patients", nil).WithContext(ctx)
		w := httptest.NewRecorder()
		s.writeAPIError(w, r, err)
		if w.Code != statusClientClosedRequest || strings.Contains(logged.String(), "level=ERROR") {
			t.Errorf("%v after the client left: status %d, log %q; want %d and no error logged", err, w.Code, logged.String(), statusClientClosedRequest)
		}
		logged.Reset()
		w = httptest.NewRecorder()
		s.writeAPIError(w, httptest.NewRequest(http.MethodGet, "/api/v1/patients", nil), pgCanceled)
		if w.Code != http.StatusInternalServerError || !strings.Contains(logged.String(), "level=ERROR") {
			t.Errorf("%v with the client waiting: status %d; want 500 and an error logged", pgCanceled, w.Code)
		}
	}
}
