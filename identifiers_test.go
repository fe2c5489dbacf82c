package mgz

import "testing"

func TestNormaliseAGB(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"01234567", "01234567", true},
		{"0123 4567", "01234567", true},
		{"01-23-45-67", "01234567", true},
		{"1234567", "1234567", false},
		{"012345678", "012345678", false},
		{"0123456a", "0123456a", false},
		{"", "", false},
	} {
		got, ok := NormaliseAGB(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormaliseAGB(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormaliseKvK(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"12345678", true}, {"1234 5678", true}, {"1234567", false}, {"123456789", false}, {"1234567X", false}, {"", false},
	} {
		if _, ok := NormaliseKvK(tc.in); ok != tc.ok {
			t.Errorf("NormaliseKvK(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

// TestNormalisePostcode checks domain.md §10: 4 digits, first not 0, 2 capital letters, written "1234 AB".
func TestNormalisePostcode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"1234 AB", "1234 AB", true},
		{"1234ab", "1234 AB", true},
		{" 1234  ab ", "1234 AB", true},
		{"9999ZZ", "9999 ZZ", true},
		{"0123 AB", "", false},
		{"123 AB", "", false},
		{"12345 AB", "", false},
		{"1234 A", "", false},
		{"1234 A1", "", false},
		{"1234 SS", "", false},
		{"ABCD 12", "", false},
		{"1234 ÄB", "", false},
		{"", "", false},
	} {
		got, ok := NormalisePostcode(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("NormalisePostcode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"030-1234567", "0301234567", true},
		{"030 123 45 67", "0301234567", true},
		{"(030) 1234567", "0301234567", true},
		{"06 12345678", "0612345678", true},
		{"+31 6 12345678", "0612345678", true},
		{"+31 (0)30 1234567", "0301234567", true},
		{"0031 30 1234567", "0301234567", true},
		{"0800 1234", "08001234", true},
		{"0900-1234567", "09001234567", true},
		{"112", "", false},
		{"030123456", "", false},
		{"03012345678", "", false},
		{"0049 30 1234567", "", false},
		{"1301234567", "", false},
		{"030-12345AB", "", false},
		{"", "", false},
	} {
		got, ok := NormalisePhone(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0301234567": "030 123 4567", "0612345678": "06 1234 5678", "08001234": "0800 1234", "abc": "abc",
	} {
		if got := FormatPhone(in); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBSNElevenTest checks domain.md §10: 9·d1 + … + 2·d8 − 1·d9 divisible by 11; 8 digits get a leading zero.
func TestBSNElevenTest(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"123456782", "123456782", true},   // the example of domain.md §10
		{"111222333", "111222333", true},   // 9+8+7+12+10+8+9+6-3 = 66
		{"1234.56.782", "123456782", true}, // separators people type
		{"12345678", "012345678", false},   // padded, then fails the test
		{"10000007", "010000007", false},
		{"10000008", "010000008", true}, // 8·1 − 8 = 0: valid once padded with its leading zero
		{"123456781", "", false},
		{"000000000", "", false},
		{"12345678a", "", false},
		{"1234567890", "", false},
		{"", "", false},
	} {
		got, ok := NormaliseBSN(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("NormaliseBSN(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if got := MaskBSN("123456782"); got != "••••••782" {
		t.Errorf("MaskBSN = %q", got)
	}
}
