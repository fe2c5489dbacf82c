package sqlstore

import (
	"context"
	"fmt"

	"github.com/regio-mgz/mgz"
)

// Changes implements mgz.ChangeLog: one Dutch line per stored revision of a record.
type Changes struct{ scope }

var _ mgz.ChangeLog = (*Changes)(nil)

// Changes implements mgz.Tx.
func (s *Store) Changes() mgz.ChangeLog { return &Changes{s.scope} }

// Add implements mgz.ChangeLog.
func (c *Changes) Add(ctx context.Context, ch mgz.RecordChange) error {
	return c.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO change_log (object_type, object_id, revision, summary, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			ch.ObjectType, ch.ObjectID, ch.Revision, ch.Summary, ch.By, formatTime(ch.At))
		if err != nil {
			return fmt.Errorf("wijziging van %s %d vastleggen: %w", ch.ObjectType, ch.ObjectID, err)
		}
		return nil
	})
}

// Since implements mgz.ChangeLog.
func (c *Changes) Since(ctx context.Context, objectType string, objectID, rev int64) ([]mgz.RecordChange, error) {
	rows, err := c.q().QueryContext(ctx, `SELECT revision, summary, changed_by, changed_at FROM change_log
		WHERE object_type = $1 AND object_id = $2 AND revision > $3 ORDER BY revision`, objectType, objectID, rev)
	if err != nil {
		return nil, fmt.Errorf("wijzigingen lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.RecordChange{}
	for rows.Next() {
		ch := mgz.RecordChange{ObjectType: objectType, ObjectID: objectID}
		var at string
		if err := rows.Scan(&ch.Revision, &ch.Summary, &ch.By, &at); err != nil {
			return nil, err
		}
		if ch.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}
