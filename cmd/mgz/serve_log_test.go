package main

import (
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/internal/logbuf"
)

// The serve command's log lines are buffered (a request line costs no system call of its own),
// but a warning or error is written at once, after the lines before it, in both formats.
func TestServeLogBuffersInfoAndWritesWarningsAtOnce(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			out := &syncBuffer{}
			w := logbuf.New(out, logbuf.Config{Interval: time.Hour})
			defer w.Close()
			log, err := newLogger(w, format, "info")
			if err != nil {
				t.Fatal(err)
			}
			log.Info("request", "path", "/api/v1/decide")
			if s := out.String(); s != "" {
				t.Fatalf("an INFO line was written at once: %q; want it buffered", s)
			}
			log.With("component", "test").Warn("access denied")
			s := out.String()
			req, warn := strings.Index(s, "request"), strings.Index(s, "access denied")
			if req < 0 || warn < req || !strings.Contains(s, "component") {
				t.Fatalf("after a WARN the output is %q; want the INFO line and then the warning", s)
			}
		})
	}
}

func TestServeLogReportsDroppedLines(t *testing.T) {
	out := &syncBuffer{}
	var logp atomic.Pointer[slog.Logger]
	w := newLogWriter(&failingOnce{out: out}, logp.Load)
	log, err := newLogger(w, "text", "info")
	if err != nil {
		t.Fatal(err)
	}
	logp.Store(log)
	log.Info("lost when standard error refuses it")
	w.Flush() // refused: one line dropped
	w.Close()
	if s := out.String(); !strings.Contains(s, "log lines dropped") || !strings.Contains(s, "dropped_total=1") {
		t.Fatalf("the log after a refused write is %q; want a warning counting 1 dropped line", s)
	}
}

// failingOnce refuses its first write, as a full pipe or closed terminal would, and then takes
// what it is given.
type failingOnce struct {
	out    *syncBuffer
	failed atomic.Bool
}

func (f *failingOnce) Write(p []byte) (int, error) {
	if f.failed.CompareAndSwap(false, true) {
		return 0, errors.New("write /dev/stderr: broken pipe")
	}
	return f.out.Write(p)
}
