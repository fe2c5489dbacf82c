package mgz

import (
	"strings"
)

// Messages for identifiers, reused by every validator that checks one, so a person sees the same
// explanation wherever the identifier appears.
const (
	msgAGB      = "Een AGB-code bestaat uit precies 8 cijfers, bijvoorbeeld 01234567. Zoek de code op in het AGB-register van Vektis."
	msgKvK      = "Een KvK-nummer bestaat uit precies 8 cijfers, bijvoorbeeld 12345678. U vindt het op het uittreksel van de Kamer van Koophandel."
	msgPostcode = "Een postcode bestaat uit 4 cijfers (niet beginnend met 0) en 2 letters, bijvoorbeeld 1234 AB."
	msgPhone    = "Vul een Nederlands telefoonnummer in van 10 cijfers, beginnend met 0 (bijvoorbeeld 030 123 4567) of met +31, of een 0800/0900-nummer."
	msgBSN      = "Dit is geen geldig BSN: een BSN heeft 9 cijfers (of 8, dan met een 0 ervoor) en moet voldoen aan de elfproef. Controleer het nummer op het identiteitsbewijs."
)

// onlyDigits reports whether s is non-empty and consists of ASCII digits only.
func onlyDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// stripSeparators removes spaces, dots, dashes and parentheses people type inside numbers.
func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '.', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, s)
}

// NormaliseAGB returns the AGB code (Vektis, 8 digits; domain.md §10) without separators, and
// whether it is valid.
func NormaliseAGB(s string) (string, bool) {
	s = stripSeparators(s)
	return s, len(s) == 8 && onlyDigits(s)
}

// NormaliseKvK returns the KvK number (8 digits; domain.md §10) without separators, and whether
// it is valid.
func NormaliseKvK(s string) (string, bool) {
	s = stripSeparators(s)
	return s, len(s) == 8 && onlyDigits(s)
}

// NormalisePostcode returns a Dutch postcode in its written form "1234 AB" (domain.md §10): four
// digits, the first not 0, and two letters, case and spacing as typed are accepted.
func NormalisePostcode(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) != 6 || !onlyDigits(s[:4]) || s[0] == '0' {
		return s, false
	}
	for i := 4; i < 6; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return s, false
		}
	}
	// SA, SD and SS are not issued by PostNL; refusing them catches typos early.
	switch s[4:] {
	case "SA", "SD", "SS":
		return s, false
	}
	return s[:4] + " " + s[4:], true
}

// NormalisePhone returns a Dutch phone number as digits only, "+31" written as a leading 0, and
// whether it is valid: 10 digits starting with a single 0, or a 0800/0900/0906/0909 service number
// of 8 to 11 digits. 112 is not a contact point's number: the rules engine routes to it itself.
func NormalisePhone(s string) (string, bool) {
	s = stripSeparators(s)
	switch {
	case strings.HasPrefix(s, "+31"):
		s = "0" + strings.TrimPrefix(strings.TrimPrefix(s, "+31"), "0")
	case strings.HasPrefix(s, "0031"):
		s = "0" + strings.TrimPrefix(strings.TrimPrefix(s, "0031"), "0")
	}
	if !onlyDigits(s) || s[0] != '0' || strings.HasPrefix(s, "00") {
		return s, false
	}
	for _, p := range []string{"0800", "0900", "0906", "0909"} {
		if strings.HasPrefix(s, p) {
			return s, len(s) >= 8 && len(s) <= 11
		}
	}
	return s, len(s) == 10
}

// FormatPhone writes a normalised number in groups people read aloud: 030 123 4567, 06 1234 5678,
// 0800 1234. It does not know every area code's length, so geographic numbers are grouped 3-3-4.
func FormatPhone(s string) string {
	if !onlyDigits(s) {
		return s
	}
	switch {
	case len(s) == 10 && strings.HasPrefix(s, "06"):
		return s[:2] + " " + s[2:6] + " " + s[6:]
	case len(s) >= 8 && len(s) <= 11 && (strings.HasPrefix(s, "0800") || strings.HasPrefix(s, "090")):
		return s[:4] + " " + s[4:]
	case len(s) == 10:
		return s[:3] + " " + s[3:6] + " " + s[6:]
	}
	return s
}

// NormaliseBSN returns a burgerservicenummer as 9 digits (an 8-digit one gets a leading zero) and
// whether it passes the 11-test of domain.md §10: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11.
// 000000000 passes the arithmetic but is never issued, so it is refused.
func NormaliseBSN(s string) (string, bool) {
	s = stripSeparators(s)
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 || !onlyDigits(s) || s == "000000000" {
		return s, false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	return s, sum%11 == 0
}

// ValidBSN reports whether s is a valid BSN (see NormaliseBSN).
func ValidBSN(s string) bool {
	_, ok := NormaliseBSN(s)
	return ok
}

// BSNMessage is the Dutch explanation shown when a BSN fails validation.
const BSNMessage = msgBSN

// MaskBSN shows only the last three digits of a BSN, for screens that confirm whom they show.
func MaskBSN(bsn string) string {
	if len(bsn) < 3 {
		return "•••"
	}
	return "••••••" + bsn[len(bsn)-3:]
}
