package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

func manyValues(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("code-%d@hcx", i)
	}
	return out
}

// boundedQueries are queries that every store must refuse with
// ErrInvalidQuery before it reads anything: before the bounds, an or list
// of 70,000 values failed inside both databases (500) and a NUL byte
// inside PostgreSQL.
func boundedQueries() []struct {
	name, want string
	q          registry.Query
} {
	long := strings.Repeat("a", registry.MaxQueryValueLen+1)
	q := func(field string, c registry.Condition) registry.Query {
		return registry.Query{Filters: map[string]registry.Condition{field: c}}
	}
	return []struct {
		name, want string
		q          registry.Query
	}{
		{"or of 70,000 values", `field "participant_code": or has 70000 values, at most 100`,
			q(registry.FieldCode, registry.Condition{Or: manyValues(70000)})},
		{"or of one value too many", "or has 101 values",
			q(registry.FieldRoles, registry.Condition{Or: manyValues(registry.MaxQueryValues + 1)})},
		{"NUL in eq", `field "participant_code": eq holds a NUL byte`, q(registry.FieldCode, registry.Eq("a\x00b"))},
		{"NUL in neq", "neq holds a NUL byte", q(registry.FieldStatus, registry.Neq("\x00"))},
		{"NUL in contains", "contains holds a NUL byte", q(registry.FieldName, registry.Contains("x\x00"))},
		{"NUL in startsWith", "startsWith holds a NUL byte", q(registry.FieldEmail, registry.StartsWith("\x00"))},
		{"NUL in an or value", "or[1] holds a NUL byte", q(registry.FieldRoles, registry.Condition{Or: []string{"payer", "\x00"}})},
		{"NUL in endsWith", "endsWith holds a NUL byte", q(registry.FieldEmail, registry.EndsWith("\x00"))},
		{"NUL in notContains", "notContains holds a NUL byte", q(registry.FieldName, registry.NotContains("a\x00"))},
		{"NUL in a bound", "gte holds a NUL byte", q(registry.FieldName, registry.Condition{Gte: registry.Text("\x00")})},
		{"a between end too long", "between[1] is 513 bytes long", q(registry.FieldCode, registry.Between(registry.Text("a"), registry.Text(long)))},
		{"invalid UTF-8 in lt", "lt is not valid UTF-8", q(registry.FieldRoles, registry.Condition{Lt: registry.Text("\xff")})},
		{"invalid UTF-8", "eq is not valid UTF-8", q(registry.FieldName, registry.Eq("Sunrise \xff"))},
		{"invalid UTF-8 in or", "or[0] is not valid UTF-8", q(registry.FieldLinkedCodes, registry.Condition{Or: []string{"\xc3"}})},
		{"value too long", fmt.Sprintf("contains is %d bytes long, at most %d", len(long), registry.MaxQueryValueLen),
			q(registry.FieldName, registry.Contains(long))},
		{"or value too long", "or[0] is 513 bytes long", q(registry.FieldSchemeCode, registry.Condition{Or: []string{long}})},
		{"unknown field name with NUL and invalid UTF-8", "unknown field",
			q("x\x00\xff"+strings.Repeat("y", 200), registry.Eq("a"))},
	}
}

func TestNormalizeBoundsValues(t *testing.T) {
	t.Parallel()
	for _, tc := range boundedQueries() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.q.Normalize()
			require.ErrorIs(t, err, registry.ErrInvalidQuery)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, utf8.ValidString(err.Error()), "the message is valid UTF-8")
			assert.NotContains(t, err.Error(), "\x00")
			assert.Less(t, len(err.Error()), 400, "the message does not echo the values")
		})
	}
}

// The bounds are inclusive: the largest allowed query is searchable.
func TestNormalizeAcceptsTheBounds(t *testing.T) {
	t.Parallel()
	q := registry.Query{Filters: map[string]registry.Condition{
		registry.FieldCode:  {Or: manyValues(registry.MaxQueryValues)},
		registry.FieldName:  registry.Contains(strings.Repeat("é", registry.MaxQueryValueLen/2)),
		registry.FieldRoles: registry.Neq("payer"),
	}}
	_, err := q.Normalize()
	require.NoError(t, err)
}

// Every store refuses the unbounded queries with ErrInvalidQuery, not a
// database error.
func TestStoresRefuseUnboundedQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "registry.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = lite.Close() })
	stores := map[string]interface {
		SearchParticipants(context.Context, registry.Query) ([]hcxonboard.Participant, error)
	}{"memory": registry.NewMemoryStore(), "sqlite": lite}
	for name, s := range stores {
		for _, tc := range boundedQueries() {
			_, err := s.SearchParticipants(ctx, tc.q)
			require.ErrorIs(t, err, registry.ErrInvalidQuery, "%s: %s", name, tc.name)
		}
		_, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{
			registry.FieldCode: {Or: manyValues(registry.MaxQueryValues)}}})
		require.NoError(t, err, "%s: the largest or list", name)
	}
}

// FuzzQueryNormalize decodes a search body as any Go caller might and
// checks that what Normalize lets through is within the bounds and that
// the reference semantics run on it.
func FuzzQueryNormalize(f *testing.F) {
	for _, s := range []string{
		`{"filters":{"status":{"eq":"Active"},"roles":{"or":["provider.hospital","payer"]}},"limit":10}`,
		`{"filters":{"participant_code":{"eq":"a\u0000b"}}}`,
		`{"filters":{"participant_name":{"contains":"sun","startsWith":"S"}},"offset":3}`,
		`{"filters":{"created_at":{"gt":"2026-01-01T00:00:00Z","lt":"2027-01-01T00:00:00Z"}}}`,
		`{"filters":{"roles":{"or":[]}}}`,
		`{"filters":{"colour":{"eq":"blue"}}}`,
		`{"limit":-1}`,
		`{"filters":{"participant_name":{"endsWith":"tal","notContains":"x","gte":"A","between":["A","Z"]}}}`,
		`{"filters":{"updated_at":{"between":["2026-01-01T00:00:00Z","2027-01-01T00:00:00Z"],"lte":"2030-01-01T00:00:00Z"}}}`,
		`{"filters":{"linked_registry_codes":{"neq":"\ud800"}}}`,
	} {
		f.Add([]byte(s))
	}
	p := &hcxonboard.Participant{ParticipantCode: "hosp_sunris_100001@hcx", ParticipantName: "Sunrise Hospital",
		Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, Status: hcxonboard.StatusActive}
	f.Fuzz(func(t *testing.T, data []byte) {
		var q registry.Query
		if json.Unmarshal(data, &q) != nil {
			return
		}
		n, err := q.Normalize()
		if err != nil {
			if !errors.Is(err, registry.ErrInvalidQuery) {
				t.Fatalf("a refusal that is not ErrInvalidQuery: %v", err)
			}
			return
		}
		if n.Limit < 1 || n.Limit > registry.MaxLimit || n.Offset < 0 {
			t.Fatalf("paging out of bounds: %+v", n)
		}
		for field, c := range n.Filters {
			if len(c.Or) > registry.MaxQueryValues {
				t.Fatalf("field %q: %d or values", field, len(c.Or))
			}
			vals := append([]string(nil), c.Or...)
			for _, v := range []*string{c.Eq, c.Neq, c.Contains, c.NotContains, c.StartsWith, c.NotStartsWith, c.EndsWith, c.NotEndsWith} {
				if v != nil {
					vals = append(vals, *v)
				}
			}
			for _, b := range []*registry.Bound{c.Gt, c.Gte, c.Lt, c.Lte} {
				if b != nil {
					vals = append(vals, b.String())
				}
			}
			for _, b := range c.Between {
				vals = append(vals, b.String())
			}
			for _, v := range vals {
				if len(v) > registry.MaxQueryValueLen || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
					t.Fatalf("field %q: value %q let through", field, v)
				}
			}
		}
		_ = n.Match(p)
	})
}
