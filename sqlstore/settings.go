package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Settings implements mgz.SettingsService: the region's settings as key/value rows.
type Settings struct{ scope }

var _ mgz.SettingsService = (*Settings)(nil)

// Settings returns the settings service of db.
func (db *DB) Settings() *Settings { return &Settings{scope{db: db}} }

const (
	keyOfficeStart = "calendar.office_start"
	keyOfficeEnd   = "calendar.office_end"
	keyFreeDays    = "calendar.free_days"
	keyRevision    = "calendar.revision"
)

// CalendarSettings returns the region's calendar settings; calendar.Default where none are stored.
func (s *Settings) CalendarSettings(ctx context.Context) (calendar.Settings, error) {
	cs := calendar.Default()
	rows, err := s.q().QueryContext(ctx, "SELECT key, value FROM region_settings WHERE key LIKE 'calendar.%'")
	if err != nil {
		return cs, fmt.Errorf("regio-instellingen lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return cs, fmt.Errorf("regio-instellingen lezen: %w", err)
		}
		switch k {
		case keyOfficeStart, keyOfficeEnd:
			c, err := calendar.ParseClock(v)
			if err != nil {
				return cs, fmt.Errorf("regio-instelling %s: %w", k, err)
			}
			if k == keyOfficeStart {
				cs.OfficeStart = c
			} else {
				cs.OfficeEnd = c
			}
		case keyFreeDays:
			var set calendar.HolidaySet
			for _, key := range strings.Split(v, ",") {
				if key == "" {
					continue
				}
				h, ok := calendar.ParseHoliday(key)
				if !ok {
					return cs, fmt.Errorf("regio-instelling %s: onbekende feestdag %q", k, key)
				}
				set = set.With(h)
			}
			cs.FreeDays = set
		}
	}
	return cs, rows.Err()
}

// SetCalendarSettings validates and stores the region's calendar settings in one transaction,
// whatever the stored revision.
func (s *Settings) SetCalendarSettings(ctx context.Context, cs calendar.Settings) error {
	_, err := s.UpdateCalendarSettings(ctx, cs, 0)
	return err
}

// CalendarRevision implements mgz.SettingsService.
func (s *Settings) CalendarRevision(ctx context.Context) (int64, error) {
	return calendarRevision(ctx, s.q())
}

func calendarRevision(ctx context.Context, q querier) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM region_settings WHERE key = $1", keyRevision).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("regio-instellingen lezen: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("regio-instelling %s: onleesbaar getal %q", keyRevision, v)
	}
	return n, nil
}

// UpdateCalendarSettings implements mgz.SettingsService: the revision is read and raised in the
// same transaction as the settings are written.
func (s *Settings) UpdateCalendarSettings(ctx context.Context, cs calendar.Settings, rev int64) (int64, error) {
	if err := cs.Validate(); err != nil {
		return 0, &mgz.Error{Code: mgz.ECodeInvalid, Message: err.Error(), Fields: map[string]string{"office_hours": err.Error()}}
	}
	keys := make([]string, 0, 11)
	for _, h := range cs.FreeDays.Holidays() {
		keys = append(keys, h.Key())
	}
	values := map[string]string{
		keyOfficeStart: cs.OfficeStart.String(),
		keyOfficeEnd:   cs.OfficeEnd.String(),
		keyFreeDays:    strings.Join(keys, ","),
	}
	now := formatTime(s.db.now())
	var next int64
	err := s.write(ctx, func(tx querier) error {
		cur, err := calendarRevision(ctx, tx)
		if err != nil {
			return err
		}
		if mgz.Stale(rev, cur) {
			return mgz.StaleEdit("De kalenderinstelling", rev, cur, nil)
		}
		next = cur + 1
		values[keyRevision] = strconv.FormatInt(next, 10)
		for _, k := range []string{keyOfficeStart, keyOfficeEnd, keyFreeDays, keyRevision} {
			// Portable upsert: PostgreSQL and SQLite both have ON CONFLICT … DO UPDATE.
			_, err := tx.ExecContext(ctx, `INSERT INTO region_settings (key, value, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, k, values[k], now)
			if err != nil {
				return fmt.Errorf("regio-instelling %s opslaan: %w", k, err)
			}
		}
		return nil
	})
	return next, err
}

// intSetting reads the integer region setting key, or def when it was never set.
func (s scope) intSetting(ctx context.Context, key string, def int) (int, error) {
	var v string
	err := s.q().QueryRowContext(ctx, "SELECT value FROM region_settings WHERE key = $1", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return 0, fmt.Errorf("regio-instelling %s lezen: %w", key, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("regio-instelling %s: %q is geen getal", key, v)
	}
	return n, nil
}

// setIntSetting stores the integer region setting key; the caller checked its bounds.
func (s scope) setIntSetting(ctx context.Context, key string, n int) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO region_settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, strconv.Itoa(n), formatTime(s.db.now()))
		if err != nil {
			return fmt.Errorf("regio-instelling %s opslaan: %w", key, err)
		}
		return nil
	})
}
