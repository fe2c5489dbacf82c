package service

import (
	"context"
	"fmt"
	"strings"

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
	return g.s.calendarSettings(ctx)
}

// calendarSettings returns the region's calendar settings, which every decision reads: from the
// cache (authcache.go), which a change drops at once on every instance, else from the store.
// It is the store's read without the policy, for the service's own use.
func (s *Service) calendarSettings(ctx context.Context) (calendar.Settings, error) {
	if cs, ok := s.auth.calendarSettings(); ok {
		return cs, nil
	}
	gen := s.auth.generation()
	cs, err := s.store.Settings().CalendarSettings(ctx)
	if err != nil {
		return cs, err
	}
	s.auth.putCalendarSettings(gen, cs)
	return cs, nil
}

func (g settings) SetCalendarSettings(ctx context.Context, cs calendar.Settings) error {
	_, err := g.UpdateCalendarSettings(ctx, cs, 0)
	return err
}

func (g settings) CalendarRevision(ctx context.Context) (int64, error) {
	if err := g.s.authorize(ctx, g.s.store, g.a, access.Read, access.Resource{Kind: access.Settings}, mgz.AuditRead, 0); err != nil {
		return 0, err
	}
	return g.s.store.Settings().CalendarRevision(ctx)
}

// UpdateCalendarSettings stores the settings when rev is still the stored revision (0: not
// said); a change made on an older revision is refused with what changed since.
func (g settings) UpdateCalendarSettings(ctx context.Context, cs calendar.Settings, rev int64) (int64, error) {
	if err := g.s.authorize(ctx, g.s.store, g.a, access.Update, access.Resource{Kind: access.Settings}, mgz.AuditUpdate, 0); err != nil {
		return 0, err
	}
	var next int64
	defer g.s.invalidate(ctx, Invalidation{Settings: true}) // after the commit: the next decision uses the new settings
	err := g.s.audited(ctx, g.s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.Settings().CalendarRevision(ctx)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(rev, cur) {
			return nil, staleEdit(ctx, tx, "De kalenderinstelling", string(access.Settings), 0, rev, cur)
		}
		old, err := tx.Settings().CalendarSettings(ctx)
		if err != nil {
			return nil, err
		}
		if next, err = tx.Settings().UpdateCalendarSettings(ctx, cs, cur); err != nil {
			return nil, err
		}
		by := g.s.who(ctx, tx, g.a)
		if err := g.s.logChange(ctx, tx, by, string(access.Settings), 0, next, calendarChange(old, cs)+" door "+by); err != nil {
			return nil, err
		}
		e := entry(g.a, mgz.AuditUpdate, string(access.Settings), 0, 0)
		e.Reason = "kantooruren en vrije dagen"
		return e, nil
	})
	return next, err
}

// calendarChange says in Dutch what a change of the calendar settings changed.
func calendarChange(old, new calendar.Settings) string {
	var parts []string
	if old.OfficeStart != new.OfficeStart || old.OfficeEnd != new.OfficeEnd {
		parts = append(parts, fmt.Sprintf("kantooruren %s–%s gewijzigd in %s–%s", old.OfficeStart, old.OfficeEnd, new.OfficeStart, new.OfficeEnd))
	}
	if old.FreeDays != new.FreeDays {
		parts = append(parts, "vrije dagen gewijzigd")
	}
	if len(parts) == 0 {
		return "opnieuw opgeslagen zonder wijziging"
	}
	return strings.Join(parts, ", ")
}

// Authorize asks the policy for an action that has no data of its own to guard, such as
// consulting the rules; a denial is audited like any other.
func (s *Service) Authorize(ctx context.Context, a mgz.Actor, act access.Action, r access.Resource) error {
	return s.authorize(ctx, s.store, a, act, r, auditAction[act], 0)
}

// auditAction is the audit action of a policy action.
var auditAction = map[access.Action]mgz.AuditAction{access.Read: mgz.AuditRead, access.Create: mgz.AuditCreate,
	access.Update: mgz.AuditUpdate, access.Delete: mgz.AuditDelete, access.Export: mgz.AuditExport, access.Respond: mgz.AuditUpdate}
