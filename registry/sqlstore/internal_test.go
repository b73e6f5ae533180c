package sqlstore

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"in numeric order, other files ignored", fstest.MapFS{
			"m/0002_roles.sql": file("B"), "m/0001_init.sql": file("A"), "m/0010_late.sql": file("J"),
			"m/0003_x.sql": file("C"), "m/0004_x.sql": file("D"), "m/0005_x.sql": file("E"), "m/0006_x.sql": file("F"),
			"m/0007_x.sql": file("G"), "m/0008_x.sql": file("H"), "m/0009_x.sql": file("I"), "m/README.md": file("not SQL"),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{"a gap", fstest.MapFS{"m/0001_init.sql": file("A"), "m/0003_more.sql": file("C")}, nil, "found version 3 where 2 belongs"},
		{"a duplicate number", fstest.MapFS{"m/0001_init.sql": file("A"), "m/0001_again.sql": file("B")}, nil, "found version 1 where 2 belongs"},
		{"not starting at 1", fstest.MapFS{"m/0002_init.sql": file("A")}, nil, "found version 2 where 1 belongs"},
		{"a name without number", fstest.MapFS{"m/init.sql": file("A")}, nil, "want a name like 0001_init.sql"},
		{"a number without name", fstest.MapFS{"m/0001_.sql": file("A")}, nil, "want a name like 0001_init.sql"},
		{"version 0", fstest.MapFS{"m/0000_zero.sql": file("A")}, nil, "want a name like 0001_init.sql"},
		{"no migrations", fstest.MapFS{"m/README.md": file("x")}, nil, "none found"},
		{"no directory", fstest.MapFS{}, nil, "migrations m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, err := loadMigrations(tt.fsys, "m")
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			require.Equal(t, tt.want, got)
			require.Equal(t, "A", ms[0].sql)
			require.Equal(t, "init", ms[0].name)
		})
	}
}

func TestEmbeddedMigrationsMatchAcrossDialects(t *testing.T) {
	t.Parallel()
	lite, err := migrationsFor(SQLite)
	require.NoError(t, err)
	pg, err := migrationsFor(Postgres)
	require.NoError(t, err)
	require.Equal(t, len(lite), len(pg), "every schema change exists for both dialects")
	for i := range lite {
		assert.Equal(t, lite[i].name, pg[i].name, "migration %d", lite[i].version)
	}
	_, err = migrationsFor(Dialect("oracle"))
	require.Error(t, err)
}

func TestEncodeTime(t *testing.T) {
	t.Parallel()
	ist := time.FixedZone("IST", 5*3600+1800)
	tests := []struct {
		name    string
		in      time.Time
		wantErr bool
	}{
		{"the zero time", time.Time{}, false},
		{"nanoseconds in another zone", time.Date(2025, 3, 14, 9, 26, 53, 589793238, ist), false},
		{"the Unix epoch", time.Unix(0, 0), false},
		{"the earliest storable instant", minTime, false},
		{"the latest storable instant", maxTime, false},
		{"before 1678", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"after 2262", time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"one nanosecond before the earliest", minTime.Add(-1), true},
		{"one nanosecond after the latest", maxTime.Add(1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := encodeTime(tt.in, "test time")
			if tt.wantErr {
				require.ErrorContains(t, err, "test time")
				require.ErrorContains(t, err, "outside the storable range")
				return
			}
			require.NoError(t, err)
			got := decodeTime(n)
			require.True(t, tt.in.Equal(got), "%v came back as %v", tt.in, got)
			require.Equal(t, tt.in.IsZero(), got.IsZero())
		})
	}
}

func TestEscapeLike(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":     "plain",
		"100%":      `100!%`,
		"a_b":       `a!_b`,
		"wow!":      `wow!!`,
		`back\lash`: `back\lash`,
		`%_!`:       `!%!_!!`,
		"":          "",
	} {
		assert.Equal(t, want, escapeLike(in), "escapeLike(%q)", in)
	}
}

func TestSearchSQLKeepsValuesOutOfTheText(t *testing.T) {
	t.Parallel()
	evil := `x'); DROP TABLE participants; --`
	q := registry.Query{Filters: map[string]registry.Condition{
		registry.FieldName:        {Eq: &evil, Neq: &evil, Contains: &evil, StartsWith: &evil, Or: []string{evil, evil}},
		registry.FieldRoles:       {Eq: &evil, Neq: &evil, Contains: &evil, StartsWith: &evil, Or: []string{evil}},
		registry.FieldLinkedCodes: registry.Eq(evil),
	}}
	q, err := q.Normalize()
	require.NoError(t, err)
	plan := searchPlan{dialect: SQLite, drive: leaders(q, SQLite, trigramIndexes{names: true, contacts: true})[0]}
	text, args, err := searchSQL(q, plan)
	require.NoError(t, err)
	require.NotContains(t, text, "DROP")
	require.Equal(t, strings.Count(text, "$"), len(args), "one placeholder per argument")
	require.Contains(t, args, evil)
	require.Contains(t, args, "%"+strings.ToLower(evil)+"%")

	again, _, err := searchSQL(q, plan)
	require.NoError(t, err)
	require.Equal(t, text, again, "the same query gives the same text")

	_, _, err = searchSQL(registry.Query{Filters: map[string]registry.Condition{"record": registry.Eq("x")}}, searchPlan{})
	require.ErrorIs(t, err, registry.ErrInvalidQuery)
}

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abc":                   "abd",
		"п":                     "р", // D0 BF → D1 80, not the invalid D0 C0
		"a\U0010FFFF":           "b",
		"\U0010FFFF":            "",
		"\uD7FF":                "\uE000",
		"école":                 "écolf",
		"x\U0010FFFF\U0010FFFF": "y",
	} {
		got := prefixEnd(in)
		assert.Equal(t, want, got, "%q", in)
		assert.True(t, utf8.ValidString(got), "%q", in)
		if got != "" {
			assert.Greater(t, got, in+"\U0010FFFF", "above every string starting with %q", in)
		}
	}
}
