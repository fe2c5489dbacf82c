package service

import (
	"context"
	"testing"
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
