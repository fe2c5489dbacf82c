package mgz

import (
	"context"
	"time"
)

// NoticeKind is what a notice in an organisation's inbox is about (issue 11).
type NoticeKind string

// The kinds of notice.
const (
	NoticeEscalationFiled   NoticeKind = "escalation_filed"   // a new report about you, or filed on your behalf
	NoticeEscalationStep    NoticeKind = "escalation_step"    // a step of a report is addressed to you
	NoticeEscalationAnswer  NoticeKind = "escalation_answer"  // the addressee answered your report
	NoticeEscalationOverdue NoticeKind = "escalation_overdue" // a step is past its deadline
	NoticeEscalationClosed  NoticeKind = "escalation_closed"  // a report was resolved or withdrawn
	NoticeSwitchRequest     NoticeKind = "switch_request"     // a practice asks to take over a client's registration
	NoticeSwitchObjection   NoticeKind = "switch_objection"   // your switch request met an objection
	NoticeSwitchCompleted   NoticeKind = "switch_completed"   // a switch request completed: the registration moved
	NoticeSwitchWithdrawn   NoticeKind = "switch_withdrawn"   // the asking practice withdrew its switch request
	NoticeAgreementReminder NoticeKind = "agreement_reminder" // an agreement needs a step (signature, evaluation, end)
	NoticeCoverageGap       NoticeKind = "coverage_gap"       // nobody on call for a required role soon
	// NoticeHandoverEmergencyAccess: someone read a client's handover by emergency access.
	NoticeHandoverEmergencyAccess NoticeKind = "handover_emergency_access"
)

// NoticeKinds lists the kinds with Dutch names.
var NoticeKinds = newEnum(
	Option[NoticeKind]{NoticeEscalationFiled, "Nieuwe melding"},
	Option[NoticeKind]{NoticeEscalationStep, "Melding aan u gericht"},
	Option[NoticeKind]{NoticeEscalationAnswer, "Reactie op melding"},
	Option[NoticeKind]{NoticeEscalationOverdue, "Reactietermijn verstreken"},
	Option[NoticeKind]{NoticeEscalationClosed, "Melding afgesloten"},
	Option[NoticeKind]{NoticeSwitchRequest, "Verzoek tot overschrijving"},
	Option[NoticeKind]{NoticeSwitchObjection, "Bezwaar tegen overschrijving"},
	Option[NoticeKind]{NoticeSwitchCompleted, "Overstap afgerond"},
	Option[NoticeKind]{NoticeSwitchWithdrawn, "Overstapverzoek ingetrokken"},
	Option[NoticeKind]{NoticeAgreementReminder, "Herinnering samenwerkingsafspraak"},
	Option[NoticeKind]{NoticeCoverageGap, "Gat in de bereikbaarheid"},
	Option[NoticeKind]{NoticeHandoverEmergencyAccess, "Noodtoegang tot een overdracht"},
)

// Label returns the Dutch name of the kind.
func (k NoticeKind) Label() string { return NoticeKinds.Label(k) }

// Notice is one entry of an organisation's inbox. Subject is Dutch and never holds patient data
// or a person's health information: it names a kind of event and a record, and Link leads to it
// in mgz, where the policy decides what the reader sees.
type Notice struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"organisation_id"`
	Kind           NoticeKind `json:"kind"`
	Subject        string     `json:"subject"`
	Link           string     `json:"link"` // a path in mgz, such as /meldingen/12
	ObjectType     string     `json:"object_type,omitempty"`
	ObjectID       int64      `json:"object_id,omitempty"`
	// DedupeKey, when set, makes the notice arrive once: a second Add with the same key is
	// ignored (an overdue step found by every scan, a reminder).
	DedupeKey string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// NoticeStore keeps the inboxes. Add is called inside the transaction of the event it announces,
// so a notice exists exactly when its event does; it also queues the e-mails of the notice in the
// durable outbox of that same transaction.
type NoticeStore interface {
	// Add stores n (setting ID and CreatedAt) and reports whether it was new; a notice whose
	// DedupeKey was used before is not stored again.
	Add(ctx context.Context, n *Notice) (bool, error)
	NoticeReader
}

// NoticeFilter selects notices of one organisation, newest first. Before, when set, is a keyset
// cursor: only notices with a smaller id (older ones) are listed.
type NoticeFilter struct {
	OrganisationID int64
	// Unread lists only unread notices, Read only those read.
	Unread, Read bool
	Before       int64
	Page
}

// NoticeReader lists and counts an organisation's inbox and marks notices read.
type NoticeReader interface {
	// List returns the notices of f.OrganisationID, newest first, with the number that match f
	// (without its paging).
	List(ctx context.Context, f NoticeFilter) ([]Notice, int, error)
	// UnreadCount is one indexed count, cheap enough for every page view.
	UnreadCount(ctx context.Context, organisationID int64) (int, error)
	// MarkRead marks notice id of organisationID read by user; a notice of another organisation
	// is not found (ECodeNotFound). A notice read before keeps its first reader.
	MarkRead(ctx context.Context, id, organisationID, userID int64, at time.Time) error
	// MarkAllRead marks every unread notice of the organisation read and returns how many.
	MarkAllRead(ctx context.Context, organisationID, userID int64, at time.Time) (int, error)
}
