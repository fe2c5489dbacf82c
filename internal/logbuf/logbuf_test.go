package logbuf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sink is an output that records what reaches it, safe for concurrent use, and counts writes.
type sink struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Run with -race: many writers at once, then every line arrives whole, once, and each writer's
// lines in the order it wrote them.
func TestConcurrentLinesArriveWholeOnceAndInOrder(t *testing.T) {
	out := &sink{}
	w := New(out, Config{Interval: time.Millisecond, MaxBuffer: 4 << 10})
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "writer=%d line=%d %s end\n", g, i, strings.Repeat("x", i%97))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines arrived; want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var g, i int
		if _, err := fmt.Sscanf(l, "writer=%d line=%d", &g, &i); err != nil || g < 0 || g >= writers {
			t.Fatalf("torn line %q: %v", l, err)
		}
		if want := fmt.Sprintf("writer=%d line=%d %s end", g, i, strings.Repeat("x", i%97)); l != want {
			t.Fatalf("torn line %q; want %q", l, want)
		}
		if i != next[g] {
			t.Fatalf("writer %d: line %d arrived when line %d was due", g, i, next[g])
		}
		next[g]++
	}
	if d := w.Dropped(); d != 0 {
		t.Fatalf("%d lines dropped; want none", d)
	}
}

func TestLinesAreBufferedAndCloseWritesThemAll(t *testing.T) {
	out := &sink{}
	w := New(out, Config{Interval: time.Hour})
	for i := range 100 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if s := out.String(); s != "" {
		t.Fatalf("the lines were written before a flush: %q; want them buffered", s)
	}
	w.Close()
	if n := strings.Count(out.String(), "\n"); n != 100 || out.writes != 1 {
		t.Fatalf("Close wrote %d lines in %d writes; want all 100 in one", n, out.writes)
	}
	fmt.Fprintln(w, "after close")
	if !strings.HasSuffix(out.String(), "after close\n") {
		t.Fatal("a line written after Close did not reach the output at once")
	}
}

func TestTheFlusherWritesWithinTheInterval(t *testing.T) {
	out := &sink{}
	w := New(out, Config{Interval: 20 * time.Millisecond})
	defer w.Close()
	fmt.Fprintln(w, "soon")
	deadline := time.Now().Add(2 * time.Second)
	for out.String() != "soon\n" {
		if time.Now().After(deadline) {
			t.Fatal("a buffered line was not written within the interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFlushWritesAtOnce(t *testing.T) {
	out := &sink{}
	w := New(out, Config{Interval: time.Hour})
	defer w.Close()
	fmt.Fprintln(w, "warning")
	w.Flush()
	if out.String() != "warning\n" {
		t.Fatalf("after Flush the output holds %q; want the line", out.String())
	}
}

func TestALineLongerThanTheBufferKeepsItsPlace(t *testing.T) {
	out := &sink{}
	w := New(out, Config{Interval: time.Hour, MaxBuffer: 64})
	fmt.Fprintln(w, "first")
	long := strings.Repeat("y", 100) + "\n"
	w.Write([]byte(long))
	fmt.Fprintln(w, "last")
	w.Close()
	if want := "first\n" + long + "last\n"; out.String() != want {
		t.Fatalf("output %q; want %q", out.String(), want)
	}
}

// blocked is an output that does not return until released.
type blocked struct {
	sink
	release chan struct{}
}

func (b *blocked) Write(p []byte) (int, error) {
	<-b.release
	return b.sink.Write(p)
}

func TestAStuckOutputHoldsAWriteUpAtMostMaxWaitAndTheDropsAreReported(t *testing.T) {
	out := &blocked{release: make(chan struct{})}
	var reported atomic.Uint64
	w := New(out, Config{Interval: time.Millisecond, MaxBuffer: 64, MaxWait: 20 * time.Millisecond,
		OnDrop: func(total uint64) { reported.Store(total) }})
	start := time.Now()
	for i := range 20 {
		fmt.Fprintf(w, "line %02d of twenty\n", i) // 19 bytes: three fit in the buffer
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("20 writes to a stuck output took %v; want each held up at most MaxWait", took)
	}
	if w.Dropped() == 0 {
		t.Fatal("no line counted as dropped although the output was stuck and the buffer full")
	}
	close(out.release)
	w.Close()
	if got, dropped := uint64(strings.Count(out.String(), "\n")), w.Dropped(); got+dropped != 20 {
		t.Fatalf("%d lines written and %d dropped; want the 20 accounted for", got, dropped)
	}
	if reported.Load() != w.Dropped() {
		t.Fatalf("OnDrop was told %d; want the %d dropped", reported.Load(), w.Dropped())
	}
}

type failing struct{}

func (failing) Write(p []byte) (int, error) { return 0, errors.New("broken pipe") }

func TestLinesTheOutputRefusesAreCountedAsDropped(t *testing.T) {
	var reported atomic.Uint64
	w := New(failing{}, Config{Interval: time.Hour, OnDrop: func(total uint64) { reported.Store(total) }})
	for range 5 {
		fmt.Fprintln(w, "lost")
	}
	w.Close()
	if w.Dropped() != 5 || reported.Load() != 5 {
		t.Fatalf("dropped %d, reported %d; want 5 and 5", w.Dropped(), reported.Load())
	}
}
