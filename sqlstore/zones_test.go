package sqlstore

import "testing"

func TestLoadZoneCachesAndRefusesUnknownZones(t *testing.T) {
	a, err := loadZone("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	b, err := loadZone("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the second lookup loaded the zone again instead of reusing it")
	}
	if a.String() != "Europe/Amsterdam" {
		t.Errorf("zone = %s", a)
	}
	if _, err := loadZone("Europe/Nergensland"); err == nil {
		t.Error("an unknown zone was accepted")
	}
	if _, ok := zones.Load("Europe/Nergensland"); ok {
		t.Error("a failed lookup was cached")
	}
}
