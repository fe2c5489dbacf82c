package mgz

import (
	"fmt"
	"unicode/utf8"
)

// MaxSearchLen bounds a search term (and every other query parameter) in characters: nobody
// types more to find a name, and a longer term could make the database's LIKE give up.
const MaxSearchLen = 200

// CheckSearch reports a search term longer than MaxSearchLen as invalid input naming field.
func CheckSearch(field, term string) error {
	if utf8.RuneCountInString(term) <= MaxSearchLen {
		return nil
	}
	return &Error{Code: ECodeInvalid, Message: "De zoekterm is te lang. Maak hem korter en zoek opnieuw.",
		Fields: map[string]string{field: fmt.Sprintf("Maximaal %d tekens; maak de zoekterm korter.", MaxSearchLen)}}
}
