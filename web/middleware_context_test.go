package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

type otherKey struct{}

// TestRequestContextCarriesDeadlineAndSignedIn guards requestContext, which holds a request's
// deadline and who is signed in without a context per middleware: nobody before authenticate,
// the actor after it for the request and every context derived from it, the parent's values
// and deadline throughout, and a second sign-in refused (the caller then adds its own context).
func TestRequestContextCarriesDeadlineAndSignedIn(t *testing.T) {
	parent := context.WithValue(context.Background(), otherKey{}, "x")
	ctx, cancel := context.WithTimeout(parent, time.Hour)
	rc := &requestContext{Context: ctx}
	r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil).WithContext(rc)

	if got := rc.Value(authKey); got != nil {
		t.Fatalf("before sign-in: Value(authKey) = %#v, want nil", got)
	}
	if a := actorOf(r); a.User.ID != 0 {
		t.Fatalf("before sign-in: actor %+v", a)
	}
	if !rc.signIn(signedIn{actor: mgz.Actor{User: mgz.User{ID: 7}}, info: authInfo{csrf: "c"}}) {
		t.Fatal("first signIn refused")
	}
	if rc.signIn(signedIn{actor: mgz.Actor{User: mgz.User{ID: 8}}}) {
		t.Fatal("second signIn accepted")
	}
	if a := actorOf(r); a.User.ID != 7 || authOf(r).csrf != "c" {
		t.Fatalf("after sign-in: actor %d, csrf %q; want 7, c", a.User.ID, authOf(r).csrf)
	}
	child, stop := context.WithCancel(context.WithValue(rc, otherKey{}, "y"))
	defer stop()
	if si, ok := child.Value(authKey).(*signedIn); !ok || si.actor.User.ID != 7 {
		t.Fatalf("a derived context does not see the actor: %#v", child.Value(authKey))
	}
	if rc.Value(otherKey{}) != "x" || child.Value(otherKey{}) != "y" {
		t.Fatal("values of the parent or child lost")
	}
	if d, ok := rc.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Fatalf("deadline %v %v, want the hour of the request timeout", d, ok)
	}
	cancel()
	<-child.Done()
	if !errors.Is(rc.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Fatalf("after the request's end: %v, %v", rc.Err(), child.Err())
	}
}
