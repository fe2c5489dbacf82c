package mgz

import (
	"context"
	"time"
)

// AuditAction is what an audit entry records (NEN 7513).
type AuditAction string

// The audited actions.
const (
	AuditRead        AuditAction = "read"
	AuditCreate      AuditAction = "create"
	AuditUpdate      AuditAction = "update"
	AuditDelete      AuditAction = "delete"
	AuditExport      AuditAction = "export"
	AuditPrint       AuditAction = "print"
	AuditLogin       AuditAction = "login"
	AuditLoginFailed AuditAction = "login_failed"
	AuditLogout      AuditAction = "logout"
)

// AuditActions lists the actions with Dutch names.
var AuditActions = newEnum(
	Option[AuditAction]{AuditRead, "Inzien"},
	Option[AuditAction]{AuditCreate, "Aanmaken"},
	Option[AuditAction]{AuditUpdate, "Wijzigen"},
	Option[AuditAction]{AuditDelete, "Verwijderen"},
	Option[AuditAction]{AuditExport, "Exporteren"},
	Option[AuditAction]{AuditPrint, "Afdrukken"},
	Option[AuditAction]{AuditLogin, "Inloggen"},
	Option[AuditAction]{AuditLoginFailed, "Mislukte inlogpoging"},
	Option[AuditAction]{AuditLogout, "Uitloggen"},
)

// Label returns the Dutch name of the action.
func (a AuditAction) Label() string { return AuditActions.Label(a) }

// The outcomes of an audited request.
const (
	OutcomeAllowed = "allowed"
	OutcomeDenied  = "denied"
)

// AuditEntry is one row of the append-only audit log: who did what to which object, when, from
// where, on whose behalf, with what outcome. It never holds a BSN or a name of a patient: the
// patient is an internal id.
type AuditEntry struct {
	ID             int64       `json:"id"`
	At             time.Time   `json:"at"` // UTC, millisecond precision
	UserID         int64       `json:"user_id,omitempty"`
	UserEmail      string      `json:"user_email,omitempty"`
	OrganisationID int64       `json:"organisation_id,omitempty"`
	Roles          string      `json:"roles,omitempty"`
	OnBehalfOf     string      `json:"on_behalf_of,omitempty"`
	Action         AuditAction `json:"action"`
	ObjectType     string      `json:"object_type,omitempty"`
	ObjectID       int64       `json:"object_id,omitempty"`
	// ObjectOrganisationID is the organisation the object belongs to, so an organisation's admins
	// can see who touched their data.
	ObjectOrganisationID int64  `json:"object_organisation_id,omitempty"`
	PatientID            int64  `json:"patient_id,omitempty"`
	Outcome              string `json:"outcome"`
	ClientAddress        string `json:"client_address,omitempty"`
	Reason               string `json:"reason,omitempty"`
	PrevHash             string `json:"prev_hash"`
	Hash                 string `json:"hash"`
}

// AuditFilter selects audit entries. Zero fields do not filter. OrganisationID selects entries
// by the organisation's users or about the organisation's objects.
type AuditFilter struct {
	UserID         int64
	PatientID      int64
	OrganisationID int64
	From, To       time.Time // To is exclusive
	Page
}

// AuditLog appends to and reads the audit log. There is no way to change or delete an entry.
type AuditLog interface {
	// Append computes the entry's hash on the chain and stores it, in the caller's transaction.
	Append(ctx context.Context, e *AuditEntry) error
	Entries(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error)
	// Each calls fn for every entry in id order, for verification and export.
	Each(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error
}

// Tx is what one transaction can touch: a change and its audit entry commit together or not at all.
type Tx interface {
	Register() RegisterService
	Accounts() AccountStore
	Audit() AuditLog
	Settings() SettingsService
	Prerequisites() PrerequisiteStore
	Patients() PatientStore
	Agreements() AgreementStore
	Changes() ChangeLog
}

// Store is the storage the service layer runs on.
type Store interface {
	Tx
	// Atomic runs fn in one transaction, committed when fn returns nil.
	Atomic(ctx context.Context, fn func(Tx) error) error
	Ping(ctx context.Context) error
}
