package reachcard

import (
	"bytes"
	"testing"
	"time"
)

func demoCard() Card {
	return Card{Location: "Woonzorg De Boomgaard", Address: "Fruitlaan 1, 9901 AA Voorbeeld", Provider: "Zorggroep Voorbeeld",
		Basis: "Voor een bewoner met Wlz zonder behandeling.", Printed: time.Date(2026, 12, 25, 3, 10, 0, 0, time.UTC),
		OfficeHours: "werkdagen 08:00–17:00", OutOfHours: "avond, nacht, weekend en feestdagen",
		Rows: []Row{{Label: "Huisartsenzorg", Office: []Call{{"Voorwacht", "012 010 0033"}, {"Huisartsenpraktijk Oost", "012 000 1111"}},
			OutOfHours: []Call{{"Voorwacht", "012 010 0033"}, {"Huisartsenpost", "0900 1234"}}}}}
}

func TestThePDFIsReproducible(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePDF(&a, demoCard()); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, demoCard()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same card and date give different PDF bytes")
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Error("not a PDF")
	}
}

func TestPrintedDateIsDutch(t *testing.T) {
	if got := demoCard().PrintedDate(); got != "25 december 2026" {
		t.Errorf("PrintedDate = %q", got)
	}
}
