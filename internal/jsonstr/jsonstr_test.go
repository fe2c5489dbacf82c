package jsonstr

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAppendMatchesEncodingJSON: the hand-written string encoder
// writes exactly what encoding/json writes.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "abc", "café – “quote” ", "<a href=\"x\">&amp;</a>", "\x00\x01\x1f\x7f", "\b\f\n\r\t\\/",
		"bad\xff\xfeutf8", "\u2028\u2029", "😀", strings.Repeat("é", 100)} {
		want, _ := json.Marshal(s)
		if got := Append(nil, s); string(got) != string(want) {
			t.Errorf("Append(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("Eerste Kerstdag")
	f.Add("\xff<>&\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := Append(nil, s); string(got) != string(want) {
			t.Errorf("Append(%q) = %s, want %s", s, got, want)
		}
	})
}
