package web

import (
	"net/http/httptest"
	"testing"
)

// setETag is on the path of every read of a record: it sets the strong ETag under the key that
// every client reads as ETag, and allocates only the value and its one-element slice.
func TestSetETagIsTheRevisionQuotedAndCheap(t *testing.T) {
	w := httptest.NewRecorder()
	setETag(w, 1234567)
	if got := w.Result().Header.Get("ETag"); got != `"1234567"` {
		t.Fatalf("ETag %q; want %q", got, `"1234567"`)
	}
	if n := len(w.Header()); n != 1 {
		t.Fatalf("%d header keys after setETag; want only the ETag: %v", n, w.Header())
	}
	if allocs := testing.AllocsPerRun(100, func() { setETag(w, 1234567) }); allocs > 2 {
		t.Fatalf("setETag allocates %.0f times; want at most 2 (the value and its slice)", allocs)
	}
}
