// Package logbuf is a buffered writer for a server's log lines: a request's line is kept in
// memory and written out with others a moment later, instead of costing a system call on every
// request (issue 14: 7–8% of the CPU of mgz serve under load went to writing request lines to
// standard error one by one).
//
// Each Write is kept whole: a line is never split or interleaved with another, and lines are
// written in the order their Writes returned. A background goroutine writes what is buffered at
// least every Config.Interval and as soon as the buffer is half full; Flush writes it at once
// (mgz serve calls it after every line at level WARN or above), and Close writes the rest.
//
// When the output is slow and the buffer is full, a Write waits for room at most
// Config.MaxWait; after that the line is dropped rather than holding a request up any longer.
// Lines the output refused (a write error) are lost too. Neither happens silently: both are
// counted (Dropped), and Config.OnDrop is told the new total after the next flush, so the log
// itself says how many lines it misses.
package logbuf

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Config sets how a Writer buffers. Zero fields take the defaults.
type Config struct {
	// Interval is the longest a line waits in the buffer (default 100 ms).
	Interval time.Duration
	// MaxBuffer bounds the bytes held in memory (default 256 KiB); a line longer than that is
	// written directly, in its place in the order.
	MaxBuffer int
	// MaxWait is how long a Write waits for room in a full buffer before it drops its line
	// (default 1 s).
	MaxWait time.Duration
	// OnDrop, when set, is called (outside the Writer's locks, so it may log through the Writer)
	// with the total number of lines dropped so far, after a flush that follows new drops.
	OnDrop func(total uint64)
}

// Writer buffers the Writes it is given and writes them to its output in order. It is safe for
// concurrent use.
type Writer struct {
	out io.Writer
	cfg Config

	// outMu is held while writing to out, and across taking the buffer and writing it, so
	// flushes from the background, Flush and Close keep the order of the lines.
	outMu sync.Mutex

	mu     sync.Mutex
	buf    []byte
	spare  []byte        // the buffer last written out, reused for the next lines
	lines  uint64        // lines in buf, for counting what a failed write loses
	room   chan struct{} // closed (and replaced) by every flush, for Writes waiting for room
	closed bool

	kick     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	dropped  atomic.Uint64
	reported atomic.Uint64
}

// New returns a Writer to out and starts its background flusher; Close stops it.
func New(out io.Writer, cfg Config) *Writer {
	if cfg.Interval <= 0 {
		cfg.Interval = 100 * time.Millisecond
	}
	if cfg.MaxBuffer <= 0 {
		cfg.MaxBuffer = 256 << 10
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Second
	}
	w := &Writer{out: out, cfg: cfg, buf: make([]byte, 0, 16<<10), room: make(chan struct{}),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Write keeps p, whole, to be written with the next flush. It always reports len(p) and no
// error: a line that cannot be written is counted as dropped instead (see the package comment).
// After Close, p is written directly.
func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if n > w.cfg.MaxBuffer {
		// Too long to buffer: written in its place, after what is buffered.
		w.outMu.Lock()
		w.flushLocked()
		w.writeOut(p, 1)
		w.outMu.Unlock()
		return n, nil
	}
	var deadline time.Time
	w.mu.Lock()
	for !w.closed && len(w.buf)+n > w.cfg.MaxBuffer {
		// Full: the output is slower than the lines come. Wait for a flush, for a while.
		room := w.room
		w.mu.Unlock()
		w.signal()
		if deadline.IsZero() {
			deadline = time.Now().Add(w.cfg.MaxWait)
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			w.dropped.Add(1)
			return n, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-room:
		case <-t.C:
		}
		t.Stop()
		w.mu.Lock()
	}
	if w.closed {
		w.mu.Unlock()
		w.outMu.Lock()
		w.flushLocked() // what was buffered before Close went first
		w.writeOut(p, 1)
		w.outMu.Unlock()
		return n, nil
	}
	w.buf = append(w.buf, p...)
	w.lines++
	half := len(w.buf) >= w.cfg.MaxBuffer/2
	w.mu.Unlock()
	if half {
		w.signal()
	}
	return n, nil
}

// Flush writes what is buffered now, and reports new drops to OnDrop.
func (w *Writer) Flush() {
	w.outMu.Lock()
	w.flushLocked()
	w.outMu.Unlock()
	w.report()
}

// Close writes what is buffered and stops the background flusher; later Writes go to the
// output directly. It returns nothing to act on: drops have been reported to OnDrop.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.done
	w.Flush()
	return nil
}

// Dropped is the number of lines lost so far: dropped after waiting for room, or refused by the
// output.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

func (w *Writer) signal() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *Writer) run() {
	defer close(w.done)
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		case <-w.kick:
		}
		w.Flush()
	}
}

// flushLocked takes the buffer and writes it; outMu is held.
func (w *Writer) flushLocked() {
	w.mu.Lock()
	if len(w.buf) == 0 {
		w.mu.Unlock()
		return
	}
	// Writes go on into the spare buffer while data is written.
	data, lines := w.buf, w.lines
	w.buf, w.spare, w.lines = w.spare[:0], nil, 0
	close(w.room)
	w.room = make(chan struct{})
	w.mu.Unlock()
	w.writeOut(data, lines)
	w.mu.Lock()
	w.spare = data[:0]
	w.mu.Unlock()
}

// writeOut writes data (lines lines) to the output; outMu is held.
func (w *Writer) writeOut(data []byte, lines uint64) {
	if _, err := w.out.Write(data); err != nil {
		w.dropped.Add(lines)
	}
}

// report tells OnDrop about drops it has not been told of.
func (w *Writer) report() {
	if w.cfg.OnDrop == nil {
		return
	}
	for {
		total, told := w.dropped.Load(), w.reported.Load()
		if total == told {
			return
		}
		if w.reported.CompareAndSwap(told, total) {
			w.cfg.OnDrop(total)
			return
		}
	}
}
