package rules

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/regio-mgz/mgz/calendar"
)

// MaxLineBytes is the longest request line DecideLines reads; a longer line
// gets an error object on its line and the run goes on.
const MaxLineBytes = 1 << 20

// DecideLines reads one JSON request per line from r and writes one JSON
// response per line to w, in the same order (contract.md, `mgz decide
// --lines`). A rejected line yields its error object on its line and the run
// goes on. Lines holding only white space are skipped. It returns an error
// only for invalid settings, a read or write failure, or a cancelled ctx.
func DecideLines(ctx context.Context, r io.Reader, w io.Writer, settings calendar.Settings) error {
	e, err := NewEngine(settings)
	if err != nil {
		return err
	}
	return e.DecideLines(ctx, r, w)
}

// DecideLines is DecideLines with the engine's settings.
func (e *Engine) DecideLines(ctx context.Context, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var out []byte  // reused output buffer for one line
	var long []byte // reused buffer for lines longer than br's buffer
	for n := 0; ; n++ {
		if n&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// Flush before a read that may block, so an interactive caller sees
		// each answer as soon as it is ready.
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("decide --lines: schrijven: %w", err)
			}
		}
		line, tooLong, err := readLine(br, &long)
		if len(line) > 0 || tooLong {
			if tooLong {
				out = ErrorResponse{Error: &RequestError{
					Code:    CodeBadRequest,
					Message: fmt.Sprintf("De regel is langer dan %d bytes: stuur één verzoek per regel.", MaxLineBytes),
					Fields:  []string{},
				}}.AppendJSON(out[:0])
			} else {
				out = e.decideLine(ctx, out[:0], line)
			}
			if len(out) > 0 {
				out = append(out, '\n')
				if _, werr := bw.Write(out); werr != nil {
					return fmt.Errorf("decide --lines: schrijven: %w", werr)
				}
			}
		}
		if err == io.EOF {
			if ferr := bw.Flush(); ferr != nil {
				return fmt.Errorf("decide --lines: schrijven: %w", ferr)
			}
			return nil
		}
		if err != nil {
			_ = bw.Flush()
			return fmt.Errorf("decide --lines: lezen: %w", err)
		}
	}
}

// decideLine appends the response (or error object) for one line to dst; it
// appends nothing for a line of only white space.
func (e *Engine) decideLine(ctx context.Context, dst, line []byte) []byte {
	if len(bytes.TrimSpace(line)) == 0 {
		return dst
	}
	req, err := Parse(line)
	if err == nil && e.needsRegister(req) {
		// The slow path: the enricher may look things up and change the route.
		var resp Response
		if resp, err = e.DecideContext(ctx, req); err == nil {
			return resp.AppendJSON(dst)
		}
	}
	if err == nil {
		var d decision
		d, err = e.decide(req)
		if err == nil {
			return d.appendJSON(dst)
		}
	}
	var re *RequestError
	if !errors.As(err, &re) {
		re = &RequestError{Code: CodeInvalidRequest, Message: err.Error(), Fields: []string{}}
	}
	return ErrorResponse{Error: re}.AppendJSON(dst)
}

// readLine returns the next line without its newline. A line longer than
// MaxLineBytes is skipped and reported as tooLong. The returned slice is
// valid until the next call.
func readLine(br *bufio.Reader, long *[]byte) (line []byte, tooLong bool, err error) {
	line, err = br.ReadSlice('\n')
	if err == nil || err == io.EOF {
		return trimNewline(line), false, err
	}
	if err != bufio.ErrBufferFull {
		return nil, false, err
	}
	// The line does not fit br's buffer: gather it in long.
	buf := append((*long)[:0], line...)
	for {
		line, err = br.ReadSlice('\n')
		if len(buf)+len(line) > MaxLineBytes+1 {
			// Skip the rest of the line, then report it.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			*long = buf[:0]
			if err == io.EOF {
				return nil, true, io.EOF
			}
			return nil, true, err
		}
		buf = append(buf, line...)
		if err != bufio.ErrBufferFull {
			*long = buf
			if err != nil && err != io.EOF {
				return nil, false, err
			}
			return trimNewline(buf), false, err
		}
	}
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}
