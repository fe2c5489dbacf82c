package service

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/audit"
)

// Audit returns the entries about actor's organisation (its users' actions and actions on its
// data), newest first. The command line sees every entry. The read is itself audited (NEN 7513:
// reading the log is access to what it names), with the filter as the reason, in the same
// transaction; closed windows of anonymous failures are summarised first, so the page is complete.
func (s *Service) Audit(ctx context.Context, a mgz.Actor, f mgz.AuditFilter) ([]mgz.AuditEntry, int, error) {
	if err := s.auditScope(ctx, a, access.Read, &f); err != nil {
		return nil, 0, err
	}
	var es []mgz.AuditEntry
	var total int
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := s.closeFailureWindows(ctx, tx, s.now()); err != nil {
			return nil, err
		}
		var err error
		if es, total, err = tx.Audit().Entries(ctx, f); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditRead, "audit_log", 0, f.OrganisationID)
		e.Reason = "auditlog ingezien; " + describeAuditFilter(f, true)
		return e, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return es, total, nil
}

// describeAuditFilter says in Dutch which entries a read or export of the audit log selected, for
// the reason of its own entry. It names a patient only by internal number, never by BSN.
func describeAuditFilter(f mgz.AuditFilter, paged bool) string {
	var parts []string
	if f.OrganisationID != 0 {
		parts = append(parts, fmt.Sprintf("organisatie %d", f.OrganisationID))
	}
	if f.UserID != 0 {
		parts = append(parts, fmt.Sprintf("gebruiker %d", f.UserID))
	}
	if f.PatientID != 0 {
		parts = append(parts, fmt.Sprintf("patiënt %d (intern nummer)", f.PatientID))
	}
	if !f.From.IsZero() {
		parts = append(parts, "vanaf "+f.From.UTC().Format(audit.TimeFormat))
	}
	if !f.To.IsZero() {
		parts = append(parts, "tot "+f.To.UTC().Format(audit.TimeFormat))
	}
	if len(parts) == 0 {
		parts = append(parts, "alle regels")
	}
	s := "filter: " + strings.Join(parts, ", ")
	if paged {
		p := f.Page.Clamp()
		switch {
		case p.Keyset && p.After != 0:
			s += fmt.Sprintf("; %d regels, nieuwste eerst, ouder dan regel %d", p.Limit, p.After)
		case p.Keyset:
			s += fmt.Sprintf("; de nieuwste %d regels", p.Limit)
		default:
			s += fmt.Sprintf("; de nieuwste regels %d tot en met %d", p.Offset+1, p.Offset+p.Limit)
		}
	}
	return s
}

func (s *Service) auditScope(ctx context.Context, a mgz.Actor, act access.Action, f *mgz.AuditFilter) error {
	if !a.System {
		f.OrganisationID = a.User.OrganisationID
	}
	auditAct := mgz.AuditRead
	if act == access.Export {
		auditAct = mgz.AuditExport
	}
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.AuditLog, OrganisationID: f.OrganisationID}, auditAct, 0)
}

// ExportAudit writes the selected entries to w, oldest first; the export itself is audited
// before a single row is written.
func (s *Service) ExportAudit(ctx context.Context, a mgz.Actor, f mgz.AuditFilter, w audit.Writer) (int, error) {
	if err := s.auditScope(ctx, a, access.Export, &f); err != nil {
		return 0, err
	}
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := s.closeFailureWindows(ctx, tx, s.now()); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditExport, "audit_log", 0, f.OrganisationID)
		e.Reason = "export van het auditlog; " + describeAuditFilter(f, false)
		return e, nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.store.Audit().Each(ctx, f, func(e mgz.AuditEntry) error {
		n++
		return w.Write(e)
	})
	if err != nil {
		return n, err
	}
	return n, w.Flush()
}

// Someone who is not signed in must not be able to fill the audit log (architecture.md, "Whatever
// a stranger can type is bounded before it is stored"). Per client and per kind of failure, the
// first failuresInFull of a failureWindow are written in full; the rest are counted in the
// database and written as one summary entry when the window has closed. An entry is at most about
// 700 bytes (the typed e-mail is cut to mgz.MaxTypedText), so one client adds a few KB a minute.
const (
	failureWindow  = time.Minute
	failuresInFull = 5
)

// failureClient is the key a client's failures are counted under: its address, and for IPv6 its
// /64 network, since one machine commonly holds a whole /64.
func failureClient(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil {
		return mgz.TypedText(address)
	}
	if ip.Is4() || ip.Is4In6() {
		return ip.Unmap().String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// recordAnonymousFailure writes e, a failure of someone not signed in (a failed login or bearer
// authentication), or only counts it when its client already had failuresInFull entries in the
// current window. Closed windows are summarised first, in the same transaction.
func (s *Service) recordAnonymousFailure(ctx context.Context, e *mgz.AuditEntry) error {
	now := s.now()
	client := failureClient(e.ClientAddress)
	e.UserEmail, e.Reason = mgz.TypedText(e.UserEmail), mgz.TypedText(e.Reason)
	e.ClientAddress = mgz.TypedText(e.ClientAddress)
	return s.store.Atomic(ctx, func(tx mgz.Tx) error {
		if err := s.closeFailureWindows(ctx, tx, now); err != nil {
			return err
		}
		w, ok, err := tx.Audit().FailureWindow(ctx, e.Action, client)
		if err != nil {
			return err
		}
		if !ok {
			w = mgz.FailureWindow{Action: e.Action, Client: client, Start: now}
		}
		if w.Written < failuresInFull {
			w.Written++
			if err := tx.Audit().SaveFailureWindow(ctx, w); err != nil {
				return err
			}
			e.At = now
			return tx.Audit().Append(ctx, e)
		}
		w.Counted++
		if w.FirstCounted.IsZero() {
			w.FirstCounted = now
		}
		w.LastCounted = now
		return tx.Audit().SaveFailureWindow(ctx, w)
	})
}

// closeFailureWindows writes the summary entry of every window that has closed and had failures
// beyond those written in full, and removes the closed windows.
func (s *Service) closeFailureWindows(ctx context.Context, tx mgz.Tx, now time.Time) error {
	ws, err := tx.Audit().FailureWindowsStartedBy(ctx, now.Add(-failureWindow))
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.Counted > 0 {
			e := &mgz.AuditEntry{At: now, Action: w.Action, ObjectType: failureObject(w.Action), Outcome: mgz.OutcomeDenied,
				ClientAddress: w.Client, Reason: fmt.Sprintf("%d mislukte pogingen samengevat, van %s tot %s (na de eerste %d binnen een minuut alleen geteld)",
					w.Counted, w.FirstCounted.UTC().Format(audit.TimeFormat), w.LastCounted.UTC().Format(audit.TimeFormat), failuresInFull)}
			if err := tx.Audit().Append(ctx, e); err != nil {
				return err
			}
		}
		if err := tx.Audit().DeleteFailureWindow(ctx, w.Action, w.Client); err != nil {
			return err
		}
	}
	return nil
}

func failureObject(a mgz.AuditAction) string {
	if a == mgz.AuditTokenFailed {
		return "api_token"
	}
	return "session"
}

// CloseFailureWindows writes the summary entries of the windows of anonymous failures that have
// closed. Reading and exporting the audit log do it first; a server may also call it on a timer,
// so a summary never waits long for the next failure or read.
func (s *Service) CloseFailureWindows(ctx context.Context) error {
	return s.store.Atomic(ctx, func(tx mgz.Tx) error { return s.closeFailureWindows(ctx, tx, s.now()) })
}
