package mgz

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
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
	// AuditTokenFailed is a request with a bearer token that is unknown, revoked or of a
	// disabled account. The token itself is never recorded.
	AuditTokenFailed AuditAction = "token_failed"
)

// AuditReadEmergency is a read by emergency access ("break the glass"); the entry's reason holds
// the reason the reader stated.
const AuditReadEmergency AuditAction = "read_emergency"

// AuditActions lists the actions with Dutch names.
var AuditActions = newEnum(
	Option[AuditAction]{AuditRead, "Inzien"},
	Option[AuditAction]{AuditReadEmergency, "Inzien met noodtoegang"},
	Option[AuditAction]{AuditCreate, "Aanmaken"},
	Option[AuditAction]{AuditUpdate, "Wijzigen"},
	Option[AuditAction]{AuditDelete, "Verwijderen"},
	Option[AuditAction]{AuditExport, "Exporteren"},
	Option[AuditAction]{AuditPrint, "Afdrukken"},
	Option[AuditAction]{AuditLogin, "Inloggen"},
	Option[AuditAction]{AuditLoginFailed, "Mislukte inlogpoging"},
	Option[AuditAction]{AuditLogout, "Uitloggen"},
	Option[AuditAction]{AuditTokenFailed, "Mislukte aanmelding met API-token"},
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

// MaxTypedText is the most characters of text that a stranger typed (the e-mail address of a
// failed login) that the audit log keeps: 254 is the longest e-mail address there can be (RFC 5321).
const MaxTypedText = 254

// CutMark ends typed text that was cut to MaxTypedText characters.
const CutMark = "…[afgekapt]"

// TypedText returns s as the audit log keeps text that someone not signed in typed: valid UTF-8,
// at most MaxTypedText characters, and when it was longer cut and ending in CutMark, so nobody
// can fill the log with one long field and a reader sees that the text was cut.
func TypedText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= MaxTypedText {
		return s
	}
	keep := MaxTypedText - utf8.RuneCountInString(CutMark)
	i, n := 0, 0
	for i = range s {
		if n == keep {
			break
		}
		n++
	}
	return s[:i] + CutMark
}

// FailureWindow counts the failures of one kind (failed logins, failed bearer authentications)
// from one client (an address; an IPv6 /64) that started at Start. The first few of a window are
// written to the audit log in full; the rest are only counted here, in the database, and written
// as one summary entry when the window closes. So someone who is not signed in cannot write more
// than a few KB a minute into the log, and no failure is held only in memory.
type FailureWindow struct {
	Action AuditAction
	Client string
	Start  time.Time
	// Written is the number of failures written in full; Counted the number only counted.
	Written, Counted          int
	FirstCounted, LastCounted time.Time
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
	// AppendAll appends es in order: in the caller's transaction when there is one, otherwise in
	// one durable commit (which concurrent callers may share: group commit). It returns once every
	// entry is durable, or with an error when none of them is stored.
	AppendAll(ctx context.Context, es []*AuditEntry) error
	Entries(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error)
	// Each calls fn for every entry in id order, for verification and export.
	Each(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error

	// FailureWindow returns the open window of action and client; false when there is none.
	FailureWindow(ctx context.Context, action AuditAction, client string) (FailureWindow, bool, error)
	// SaveFailureWindow stores w, replacing the window of its action and client.
	SaveFailureWindow(ctx context.Context, w FailureWindow) error
	// FailureWindowsStartedBy returns the windows that started at or before t, oldest first.
	FailureWindowsStartedBy(ctx context.Context, t time.Time) ([]FailureWindow, error)
	// DeleteFailureWindow removes the window of action and client.
	DeleteFailureWindow(ctx context.Context, action AuditAction, client string) error
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
	Overview() OverviewStore
	Changes() ChangeLog
	Notices() NoticeStore
	Outbox() MailOutbox
	Escalations() EscalationStore
	Handovers() HandoverStore
	Rosters() RosterStore
	FixedPhysicians() FixedPhysicianStore
}

// Store is the storage the service layer runs on.
type Store interface {
	Tx
	// Atomic runs fn in one transaction, committed when fn returns nil.
	Atomic(ctx context.Context, fn func(Tx) error) error
	Ping(ctx context.Context) error
}
