package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// BenchmarkWriteJSONList encodes a page of 100 organisations as a list answer.
func BenchmarkWriteJSONList(b *testing.B) {
	items := make([]mgz.Organisation, 100)
	for i := range items {
		items[i] = mgz.Organisation{ID: int64(i + 1), Kind: mgz.KindCareProvider, Name: fmt.Sprintf("Zorggroep %03d", i),
			KvK: fmt.Sprintf("7800%04d", i), Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad",
			Phone: "0120 555000", CareOfficeRegion: "Regio Test", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	}
	l := list[mgz.Organisation]{Items: items, Total: 1000, Limit: 100}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		writeJSON(w, 200, l)
	}
}
