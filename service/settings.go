package service

import (
	"context"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
)

// Settings returns the region's settings as actor may use them: read by everyone signed in,
// changed by the RHO's admins, each change audited.
func (s *Service) Settings(a mgz.Actor) mgz.SettingsService { return settings{s, a} }

type settings struct {
	s *Service
	a mgz.Actor
}

func (g settings) CalendarSettings(ctx context.Context) (calendar.Settings, error) {
	if err := g.s.authorize(ctx, g.s.store, g.a, access.Read, access.Resource{Kind: access.Settings}, mgz.AuditRead, 0); err != nil {
		return calendar.Settings{}, err
	}
	return g.s.store.Settings().CalendarSettings(ctx)
}

func (g settings) SetCalendarSettings(ctx context.Context, cs calendar.Settings) error {
	if err := g.s.authorize(ctx, g.s.store, g.a, access.Update, access.Resource{Kind: access.Settings}, mgz.AuditUpdate, 0); err != nil {
		return err
	}
	return g.s.audited(ctx, g.s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Settings().SetCalendarSettings(ctx, cs); err != nil {
			return nil, err
		}
		e := entry(g.a, mgz.AuditUpdate, string(access.Settings), 0, 0)
		e.Reason = "kantooruren en vrije dagen"
		return e, nil
	})
}

// Authorize asks the policy for an action that has no data of its own to guard, such as
// consulting the rules; a denial is audited like any other.
func (s *Service) Authorize(ctx context.Context, a mgz.Actor, act access.Action, r access.Resource) error {
	return s.authorize(ctx, s.store, a, act, r, auditAction[act], 0)
}

// auditAction is the audit action of a policy action.
var auditAction = map[access.Action]mgz.AuditAction{access.Read: mgz.AuditRead, access.Create: mgz.AuditCreate,
	access.Update: mgz.AuditUpdate, access.Delete: mgz.AuditDelete, access.Export: mgz.AuditExport}
