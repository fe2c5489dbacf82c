package service

import (
	"context"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
)

// TestNotifyInvalidatorSkipsItsOwnAndDropsAllAfterAGap: two instances joined by a fake channel.
// Each applies what the other published, not its own; an unreadable notification and a
// reconnect drop everything.
func TestNotifyInvalidatorSkipsItsOwnAndDropsAllAfterAGap(t *testing.T) {
	var insts []*NotifyInvalidator
	send := func(_ context.Context, payload []byte) error {
		for _, n := range insts {
			n.Receive(payload) // NOTIFY reaches every listener, the sender's too
		}
		return nil
	}
	a, b := NewNotifyInvalidator(send), NewNotifyInvalidator(send)
	insts = []*NotifyInvalidator{a, b}
	var gotA, gotB []Invalidation
	a.Subscribe(func(inv Invalidation) { gotA = append(gotA, inv) })
	b.Subscribe(func(inv Invalidation) { gotB = append(gotB, inv) })
	if err := a.Publish(context.Background(), Invalidation{UserID: 42, Session: "h"}); err != nil {
		t.Fatal(err)
	}
	if len(gotA) != 0 || len(gotB) != 1 || gotB[0] != (Invalidation{UserID: 42, Session: "h"}) {
		t.Fatalf("after A published: A got %v, B got %v", gotA, gotB)
	}
	b.Receive([]byte("{not json"))
	b.Resumed()
	if len(gotB) != 3 || !gotB[1].All || !gotB[2].All {
		t.Fatalf("an unreadable notification and a reconnect: B got %v, want two that drop all", gotB)
	}
}

// TestNothingIsCachedWhileInvalidationsDoNotArrive: while the listener of an instance is not
// connected, what other instances change would go unnoticed in its cache; so it caches nothing
// and reads the store on every request, and starts caching again once it listens again.
func TestNothingIsCachedWhileInvalidationsDoNotArrive(t *testing.T) {
	f := newFixture(t)
	n := NewNotifyInvalidator(func(context.Context, []byte) error { return nil })
	f.s = New(f.db.Store(), Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}, Invalidator: n})
	u, _ := f.user(f.practice, mgz.RoleViewer)
	tok, secret := f.token(u)
	authenticate := func(why string) {
		t.Helper()
		if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.1"); err != nil {
			t.Fatalf("%s: %v", why, err)
		}
	}
	authenticate("connected")
	if tokens, _, _ := f.s.auth.size(); tokens != 1 {
		t.Fatalf("%d tokens cached while connected, want 1", tokens)
	}
	n.Lost()
	if tokens, _, users := f.s.auth.size(); tokens != 0 || users != 0 {
		t.Fatalf("%d tokens and %d users still cached after the connection was lost", tokens, users)
	}
	authenticate("disconnected")
	authenticate("disconnected, again")
	if tokens, _, users := f.s.auth.size(); tokens != 0 || users != 0 {
		t.Fatalf("%d tokens and %d users cached while disconnected", tokens, users)
	}
	// Another instance revokes the token; its notification does not arrive.
	if err := f.db.Store().Accounts().RevokeToken(f.ctx, u.ID, tok.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	wantTokenRefused(t, f.s, secret, "revoked elsewhere while disconnected")
	n.Resumed()
	_, secret = f.token(u)
	authenticate("connected again")
	if tokens, _, _ := f.s.auth.size(); tokens != 1 {
		t.Fatalf("%d tokens cached after resuming, want 1", tokens)
	}
}
