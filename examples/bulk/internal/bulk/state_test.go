package bulk_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

func TestRowDigest(t *testing.T) {
	t.Parallel()
	// The same hospital in a short header with cells padded, and as
	// WriteRows writes it (every column, most of them empty), on another
	// line.
	short, err := bulk.ReadRows(strings.NewReader("key,hospital_name,gstin\nk1,  Shanti Nursing Home ,29ABCDE1234F1ZW\n"))
	require.NoError(t, err)
	var full strings.Builder
	require.NoError(t, bulk.WriteRows(&full, []bulk.Row{{Key: "k1", HospitalName: "Shanti Nursing Home", GSTIN: "29ABCDE1234F1ZW"}}))
	long, err := bulk.ReadRows(strings.NewReader("# a comment first\n" + full.String()))
	require.NoError(t, err)
	require.NotEqual(t, short[0].Line, long[0].Line)
	d := short[0].Digest()
	assert.Len(t, d, 64)
	assert.Equal(t, d, long[0].Digest(), "neither the line nor the columns left empty count")

	for name, edit := range map[string]func(r *bulk.Row){
		"a cell":                func(r *bulk.Row) { r.GSTIN = "29ABCDE1234F1ZX" },
		"a cell filled":         func(r *bulk.Row) { r.Mobile = "9876543210" },
		"a value in another":    func(r *bulk.Row) { r.GSTIN, r.EmpanelmentID = "", "29ABCDE1234F1ZW" },
		"the key":               func(r *bulk.Row) { r.Key = "k2" },
		"demo registry":         func(r *bulk.Row) { r.DemoRegistry = bulk.DemoAbsent },
		"case of a cell's text": func(r *bulk.Row) { r.HospitalName = strings.ToUpper(r.HospitalName) },
	} {
		r := short[0]
		edit(&r)
		assert.NotEqual(t, d, r.Digest(), name)
	}
}

func TestResubmissionKey(t *testing.T) {
	t.Parallel()
	d := (&bulk.Row{Key: "hosp-1", HospitalName: "A"}).Digest()
	assert.Equal(t, "hosp-1~"+d[:12], bulk.ResubmissionKey("hosp-1", d))
	assert.Equal(t, bulk.ResubmissionKey("hosp-1", d), bulk.ResubmissionKey("hosp-1", d), "the same on every run")
	assert.NotEqual(t, bulk.ResubmissionKey("hosp-1", d), bulk.ResubmissionKey("hosp-1", (&bulk.Row{Key: "hosp-1", HospitalName: "B"}).Digest()))
}

func TestStateFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "h.db.rows")
	s, err := bulk.OpenState(path, false)
	require.NoError(t, err)
	assert.Zero(t, s.Len())
	a := bulk.RowState{Key: "k1", Digest: strings.Repeat("a", 64), ApplicationID: "k1"}
	b := bulk.RowState{Key: "k2", Digest: strings.Repeat("b", 64), ApplicationID: "k2"}
	a2 := bulk.RowState{Key: "k1", Digest: strings.Repeat("c", 64), ApplicationID: "k1~cccccccccccc"}
	var wg sync.WaitGroup
	for _, r := range []bulk.RowState{a, b} {
		wg.Go(func() { assert.NoError(t, s.Put(r)) })
	}
	wg.Wait()
	require.NoError(t, s.Put(a2))
	require.NoError(t, s.Put(a2), "the same record again")
	require.NoError(t, s.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(data), "\n"), "a record the state holds as it is is not written again: %s", data)

	// Read back: the last record of a key wins.
	s, err = bulk.OpenState(path, false)
	require.NoError(t, err)
	got, ok := s.Row("k1")
	assert.True(t, ok)
	assert.Equal(t, a2, got)
	got, ok = s.Row("k2")
	assert.True(t, ok)
	assert.Equal(t, b, got)
	_, ok = s.Row("k3")
	assert.False(t, ok)
	require.NoError(t, s.Close())

	// A last line a crash cut short is dropped, and the next record
	// starts on a line of its own.
	require.NoError(t, os.WriteFile(path, append(data, `{"key":"k3","dig`...), 0o644))
	s, err = bulk.OpenState(path, false)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Len())
	c := bulk.RowState{Key: "k3", Digest: strings.Repeat("d", 64), ApplicationID: "k3"}
	require.NoError(t, s.Put(c))
	require.NoError(t, s.Close())
	s, err = bulk.OpenState(path, false)
	require.NoError(t, err)
	got, _ = s.Row("k3")
	assert.Equal(t, c, got)
	assert.Equal(t, 3, s.Len())
	require.NoError(t, s.Close())

	// fresh empties it: its registry is gone.
	s, err = bulk.OpenState(path, true)
	require.NoError(t, err)
	assert.Zero(t, s.Len())
	require.NoError(t, s.Close())
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Empty(t, data)
}

func TestStateFileRefusesGarbage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not JSON":          "{\"key\":\"k1\",\"digest\":\"aa\",\"application_id\":\"k1\"}\nhello\n",
		"a field missing":   "{\"key\":\"k1\",\"digest\":\"aa\"}\n",
		"a list of records": "[]\n",
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		_, err := bulk.OpenState(path, false)
		require.Error(t, err, name)
		assert.ErrorContains(t, err, path, name)
		assert.ErrorContains(t, err, "remove the file", name)
	}
	_, err := bulk.OpenState(filepath.Join(dir, "no", "such", "dir"), false)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestMemoryState(t *testing.T) {
	t.Parallel()
	s := bulk.NewMemoryState()
	r := bulk.RowState{Key: "k1", Digest: "d", ApplicationID: "k1"}
	require.NoError(t, s.Put(r))
	got, ok := s.Row("k1")
	assert.True(t, ok)
	assert.Equal(t, r, got)
	assert.NoError(t, s.Close())
}
