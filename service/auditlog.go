package service

import (
	"context"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/audit"
)

// Audit returns the entries about actor's organisation (its users' actions and actions on its
// data), newest first. The command line sees every entry.
func (s *Service) Audit(ctx context.Context, a mgz.Actor, f mgz.AuditFilter) ([]mgz.AuditEntry, int, error) {
	if err := s.auditScope(ctx, a, access.Read, &f); err != nil {
		return nil, 0, err
	}
	return s.store.Audit().Entries(ctx, f)
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
		e := entry(a, mgz.AuditExport, "audit_log", 0, f.OrganisationID)
		e.Reason = "export van het auditlog"
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
