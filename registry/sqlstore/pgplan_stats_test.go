package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// On PostgreSQL, with 40,000 participants and statistics gathered (the
// planner's own choice: no enable_seqscan = off), the positive string
// operators read through an index, never a sequential scan of the table.
func TestPostgresContainsPlansWithRealStatistics(t *testing.T) {
	ctx := context.Background()
	s := sqlstoretest.Postgres(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ws []registry.Write
	for i := range 40000 {
		at := start.Add(time.Duration(i) * time.Second)
		code := fmt.Sprintf("%07d@hcx", i)
		p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: fmt.Sprintf("City Hospital %07d", i),
			Roles: []hcxonboard.Role{hcxonboard.RoleProvider}, PrimaryEmail: fmt.Sprintf("admin%d@h%d.example.in", i, i),
			PrimaryMobile: fmt.Sprintf("98%08d", i), Status: hcxonboard.StatusActive,
			LinkedRegistryCodes: []string{fmt.Sprintf("IN%010d", i)}, CreatedAt: at, UpdatedAt: at}
		ws = append(ws, registry.Write{Application: &registry.Application{ID: "app-" + code, ParticipantCode: code,
			Stage: registry.StageLive, CreatedAt: at, UpdatedAt: at, State: []byte(`{}`)}, Participant: p})
		if len(ws) == 10000 {
			require.NoError(t, s.Load(ctx, ws))
			ws = nil
		}
	}
	db := sqlstore.DBOf(s)
	_, err := db.ExecContext(ctx, "ANALYZE participants, participant_values")
	require.NoError(t, err)
	for name, f := range map[string]map[string]registry.Condition{
		"name contains":   {registry.FieldName: registry.Contains("qqzqx")}, // passes: the trigram index
		"email contains":  {registry.FieldEmail: registry.Contains("qqzqx")},
		"email endsWith":  {registry.FieldEmail: registry.EndsWith("qqzqx")},
		"mobile contains": {registry.FieldMobile: registry.Contains("1234x")},
		"code contains":   {registry.FieldCode: registry.Contains("qqzqx")},
	} {
		text, args, err := sqlstore.SearchSQL(ctx, s, registry.Query{Filters: f, Limit: 100})
		require.NoError(t, err)
		rows, err := db.QueryContext(ctx, "EXPLAIN "+text, args...)
		require.NoError(t, err)
		var lines []string
		for rows.Next() {
			var l string
			require.NoError(t, rows.Scan(&l))
			lines = append(lines, l)
		}
		rows.Close()
		plan := strings.Join(lines, "\n")
		assert.NotContains(t, plan, "Seq Scan", "%s reads the whole table:\n%s", name, plan)
	}
}
