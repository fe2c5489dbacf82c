package web

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// encodingJSON is what writeJSON answers for v: encoding/json's Encoder, compact, with its
// newline dropped.
func encodingJSON(t testing.TB, v any) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func checkLocationJSON(t *testing.T, l mgz.Location) {
	t.Helper()
	want, err := encodingJSON(t, l)
	got, ok := appendLocationJSON(nil, &l)
	if err != nil {
		if ok {
			t.Errorf("encoding/json refuses %+v (%v), appendLocationJSON wrote %s", l, err, got)
		}
		return
	}
	if !ok {
		t.Errorf("appendLocationJSON refused %+v, encoding/json wrote %s", l, want)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("appendLocationJSON(%+v)\n got %s\nwant %s", l, got, want)
	}
}

// TestAppendLocationJSONMatchesEncodingJSON guards GET /api/v1/locations/{id}'s own encoder: it
// must write what encoding/json writes, byte for byte, for every kind of location and every
// string (HTML characters, control characters, U+2028, invalid UTF-8), and refuse what
// encoding/json refuses.
func TestAppendLocationJSONMatchesEncodingJSON(t *testing.T) {
	fixed, service := int64(2194), int64(121)
	created := time.Date(2026, 12, 1, 3, 13, 6, 593000000, time.UTC)
	base := mgz.Location{ID: 5932, ProviderID: 6193, Name: "Instelling De Akker 's-Hertogenbosch", Address: "Julianastraat 94",
		Postcode: "5277 BX", Municipality: "'s-Hertogenbosch", Setting: mgz.SettingInstitution, Sector: mgz.SectorDisability,
		Deliveries: []mgz.Delivery{mgz.DeliveryStayWithTreatment}, Places: 88, FixedGPPracticeID: &fixed,
		PhysicianServiceID: &service, Lifecycle: mgz.LifecycleOpen, Revision: 3, CreatedAt: created, UpdatedAt: created.Add(time.Hour)}
	checkLocationJSON(t, base)

	cases := map[string]func(l *mgz.Location){
		"no references":  func(l *mgz.Location) { l.FixedGPPracticeID, l.PhysicianServiceID = nil, nil },
		"no deliveries":  func(l *mgz.Location) { l.Deliveries = []mgz.Delivery{} },
		"nil deliveries": func(l *mgz.Location) { l.Deliveries = nil },
		"several deliveries": func(l *mgz.Location) {
			l.Deliveries = []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB}
		},
		"planned": func(l *mgz.Location) {
			l.Lifecycle, l.ExpectedOpening = mgz.LifecyclePlanned, mgz.NewDate(2027, time.March, 1)
		},
		"zero value":       func(l *mgz.Location) { *l = mgz.Location{} },
		"negative numbers": func(l *mgz.Location) { l.ID, l.Places, l.Revision = -1, -12, -7 },
		"whole seconds":    func(l *mgz.Location) { l.CreatedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		"nanoseconds":      func(l *mgz.Location) { l.UpdatedAt = time.Date(2026, 1, 2, 3, 4, 5, 120, time.UTC) },
		"a zone": func(l *mgz.Location) {
			l.CreatedAt = time.Date(2026, 7, 2, 3, 4, 5, 0, time.FixedZone("CEST", 2*3600))
		},
		"year 10000":        func(l *mgz.Location) { l.UpdatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"year -1":           func(l *mgz.Location) { l.CreatedAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"offset of 24h":     func(l *mgz.Location) { l.CreatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 24*3600)) },
		"HTML":              func(l *mgz.Location) { l.Name = `<script>alert("x")</script> & co` },
		"control":           func(l *mgz.Location) { l.Address = "a\x00b\x01\x1f\b\f\n\r\t\\\"\x7f" },
		"line separators":   func(l *mgz.Location) { l.Municipality = "a\u2028b\u2029c" },
		"invalid UTF-8":     func(l *mgz.Location) { l.Postcode = "ab\xffcd\xc3" },
		"accents and emoji": func(l *mgz.Location) { l.Name = "Zorgcentrum Ælfrida’s Hof 🏡 Ĳsselmonde" },
		"odd enum values":   func(l *mgz.Location) { l.Setting, l.Sector, l.Lifecycle = "<x>", "", "\u2028" },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			l := base
			change(&l)
			checkLocationJSON(t, l)
		})
	}

	// Random strings from an alphabet of the characters that need care.
	alphabet := []string{"a", "Z", " ", "<", ">", "&", `"`, `\`, "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "é", "🏡", "\xff", "\xc3", "\ufffd", "/"}
	rnd := rand.New(rand.NewSource(14))
	randomString := func() string {
		var b []byte
		for n := rnd.Intn(12); n > 0; n-- {
			b = append(b, alphabet[rnd.Intn(len(alphabet))]...)
		}
		return string(b)
	}
	for i := 0; i < 500; i++ {
		l := base
		l.Name, l.Address, l.Postcode, l.Municipality = randomString(), randomString(), randomString(), randomString()
		checkLocationJSON(t, l)
	}
}

// FuzzAppendLocationJSON compares appendLocationJSON with encoding/json for any name.
func FuzzAppendLocationJSON(f *testing.F) {
	for _, s := range []string{"", "De Es", "<&>", "\xff\u2028", "\x00\"\\"} {
		f.Add(s, int64(1), int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, id int64, nanos int64) {
		l := mgz.Location{ID: id, Name: s, Address: s, Deliveries: []mgz.Delivery{mgz.Delivery(s)},
			CreatedAt: time.Unix(0, nanos).UTC(), UpdatedAt: time.Unix(0, nanos)}
		checkLocationJSON(t, l)
	})
}
