package sqlstore

import (
	"context"

	"github.com/openhcx/hcxonboard/registry"
)

// countApplicationsSQL counts applications by stage. Both dialects read
// it from applications_stage (stage, created_at, id) alone: SQLite walks
// the index, PostgreSQL takes an index-only scan or, on a small table, a
// sequential one its planner finds cheaper.
const countApplicationsSQL = `SELECT stage, count(*) FROM applications GROUP BY stage`

// CountApplications counts the applications in each stage, as
// [registry.StageCounter] describes, with one GROUP BY over the indexed
// stage column.
func (s *Store) CountApplications(ctx context.Context) (map[registry.Stage]int, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, countApplicationsSQL)
	if err != nil {
		return nil, fail(ctx, err, "count applications")
	}
	defer rows.Close()
	counts := registry.NewStageCounts()
	for rows.Next() {
		var (
			stage string
			n     int
		)
		if err := rows.Scan(&stage, &n); err != nil {
			return nil, fail(ctx, err, "count applications")
		}
		counts[registry.Stage(stage)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "count applications")
	}
	return counts, nil
}
