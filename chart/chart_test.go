package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

// wellFormed fails unless s parses as XML.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed SVG: %v\n%s", err, s)
		}
	}
}

func TestChartsAreAccessibleSVGWithTheirNumbers(t *testing.T) {
	shares := string(Shares("klaar", "Locaties klaar per zorgaanbieder", "Aandeel klaar", []Bar{{"Zorg & Co <Noord>", 3, 4}, {"Zuid", 0, 0}}))
	cols := string(Columns("meldingen", "Meldingen per kwartaal", "Ingediend en opgelost", []string{"Ingediend", "Opgelost"},
		[]Group{{"2026-K1", []int{5, 2}}, {"2026-K2", []int{0, 7}}}))
	for name, svg := range map[string]string{"shares": shares, "columns": cols} {
		t.Run(name, func(t *testing.T) {
			wellFormed(t, svg)
			for _, want := range []string{`role="img"`, `<title id=`, `<desc id=`, `aria-labelledby=`} {
				if !strings.Contains(svg, want) {
					t.Errorf("missing %s", want)
				}
			}
			if strings.Contains(svg, "<script") {
				t.Error("a chart carries script")
			}
		})
	}
	for _, want := range []string{"3 van 4", "0 van 0", "Zorg &amp; Co &lt;Noord&gt;"} {
		if !strings.Contains(shares, want) {
			t.Errorf("shares chart lacks %q", want)
		}
	}
	for _, want := range []string{">5<", ">7<", ">2026-K2<", ">Opgelost<"} {
		if !strings.Contains(cols, want) {
			t.Errorf("columns chart lacks %q", want)
		}
	}
}
