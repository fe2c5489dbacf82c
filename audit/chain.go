// Package audit is the hash chain of mgz's audit log (NEN 7513): sealing an entry onto the chain,
// verifying a chain so that any changed, inserted or deleted row is found and named, and writing
// entries as CSV or JSON Lines for export. It does no I/O of its own.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how an entry's moment is written in the hash, the database and exports: UTC
// with milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// sealed is the hashed content of an entry: every field but the hash itself, in a fixed order.
type sealed struct {
	ID                   int64  `json:"id"`
	At                   string `json:"at"`
	UserID               int64  `json:"user_id"`
	UserEmail            string `json:"user_email"`
	OrganisationID       int64  `json:"organisation_id"`
	Roles                string `json:"roles"`
	OnBehalfOf           string `json:"on_behalf_of"`
	Action               string `json:"action"`
	ObjectType           string `json:"object_type"`
	ObjectID             int64  `json:"object_id"`
	ObjectOrganisationID int64  `json:"object_organisation_id"`
	PatientID            int64  `json:"patient_id"`
	Outcome              string `json:"outcome"`
	ClientAddress        string `json:"client_address"`
	Reason               string `json:"reason"`
	PrevHash             string `json:"prev_hash"`
}

// Sum returns the hash of e on top of its PrevHash.
func Sum(e mgz.AuditEntry) string {
	b, _ := json.Marshal(sealed{
		ID: e.ID, At: e.At.UTC().Format(TimeFormat), UserID: e.UserID, UserEmail: e.UserEmail,
		OrganisationID: e.OrganisationID, Roles: e.Roles, OnBehalfOf: e.OnBehalfOf, Action: string(e.Action),
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, ObjectOrganisationID: e.ObjectOrganisationID,
		PatientID: e.PatientID, Outcome: e.Outcome, ClientAddress: e.ClientAddress, Reason: e.Reason, PrevHash: e.PrevHash,
	})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Seal puts e on the chain after an entry with id prevID and hash prevHash (0 and Genesis for the
// first): it sets e's id, truncates its moment to milliseconds in UTC, and sets PrevHash and Hash.
func Seal(e *mgz.AuditEntry, prevID int64, prevHash string) {
	e.ID = prevID + 1
	e.At = e.At.UTC().Truncate(time.Millisecond)
	e.PrevHash = prevHash
	e.Hash = Sum(*e)
}

// Verifier checks entries fed to it in id order.
type Verifier struct {
	lastID   int64
	lastHash string
	count    int
}

// NewVerifier returns a Verifier for a chain that starts at the genesis.
func NewVerifier() *Verifier { return &Verifier{lastHash: Genesis} }

// BrokenError names the first row where the chain breaks and why, in Dutch.
type BrokenError struct {
	ID     int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("auditlog beschadigd bij regel %d: %s", e.ID, e.Reason)
}

// Check verifies the next entry.
func (v *Verifier) Check(e mgz.AuditEntry) error {
	switch {
	case e.ID <= v.lastID:
		return &BrokenError{ID: e.ID, Reason: fmt.Sprintf("regel %d staat na regel %d: de volgorde is veranderd", e.ID, v.lastID)}
	case e.ID == v.lastID+2:
		return &BrokenError{ID: v.lastID + 1, Reason: "deze regel ontbreekt: hij is verwijderd"}
	case e.ID != v.lastID+1:
		return &BrokenError{ID: v.lastID + 1, Reason: fmt.Sprintf("de regels %d tot en met %d ontbreken: ze zijn verwijderd", v.lastID+1, e.ID-1)}
	case e.PrevHash != v.lastHash:
		return &BrokenError{ID: e.ID, Reason: "de verwijzing naar de vorige regel klopt niet: de vorige regel is gewijzigd of vervangen"}
	case Sum(e) != e.Hash:
		return &BrokenError{ID: e.ID, Reason: "de inhoud past niet bij de opgeslagen hash: deze regel is gewijzigd"}
	}
	v.lastID, v.lastHash = e.ID, e.Hash
	v.count++
	return nil
}

// Finish checks the end of the chain against the head the store kept beside it, so that deleting
// the newest rows is found too.
func (v *Verifier) Finish(headID int64, headHash string) error {
	if headID != v.lastID || headHash != v.lastHash {
		return &BrokenError{ID: v.lastID + 1, Reason: fmt.Sprintf("het logboek hoort tot en met regel %d te lopen, maar eindigt bij regel %d: de laatste regels zijn verwijderd of gewijzigd", headID, v.lastID)}
	}
	return nil
}

// Count is the number of entries checked.
func (v *Verifier) Count() int { return v.count }
