package bulk_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

func TestReadRowsAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []bulk.Row
	}{
		{
			name: "required columns only",
			in:   "key,hospital_name\nk1,Sunrise Hospital\n",
			want: []bulk.Row{{Line: 2, Key: "k1", HospitalName: "Sunrise Hospital"}},
		},
		{
			name: "any order and case, cells trimmed, demo_registry folded",
			in: "Hospital_Name , HFR_ID,KEY,demo_registry\n" +
				" Lifeline Hospital ,IN2910000123, k1 ,ABSENT\n",
			want: []bulk.Row{{Line: 2, Key: "k1", HospitalName: "Lifeline Hospital", HFRID: "IN2910000123", DemoRegistry: bulk.DemoAbsent}},
		},
		{
			name: "byte-order mark, comments, blank lines and quoted cells",
			in: "\ufeffkey,hospital_name,address\n" +
				"# exported from the scheme's portal\n" +
				"\n" +
				"k1,\"Sri Sai Children's Hospital\",\"12, MG Road\"\n" +
				"k2,\"The \"\"Best\"\" Clinic\",\"line one\nline two\"\n" +
				"k3,Shanti Nursing Home,\n",
			want: []bulk.Row{
				{Line: 4, Key: "k1", HospitalName: "Sri Sai Children's Hospital", Address: "12, MG Road"},
				{Line: 5, Key: "k2", HospitalName: `The "Best" Clinic`, Address: "line one\nline two"},
				{Line: 7, Key: "k3", HospitalName: "Shanti Nursing Home"},
			},
		},
		{
			name: "header only",
			in:   "key,hospital_name\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := bulk.ReadRows(strings.NewReader(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, rows)
		})
	}
}

func TestReadRowsRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		in           string
		line, column int
		want         string
	}{
		{"empty file", "", 1, 0, "the file is empty"},
		{"missing required column", "key,hfr_id\nk1,IN2910000123\n", 1, 0, `no "hospital_name" column`},
		{"unknown column", "key,hospital_name,gstn\nk1,A,B\n", 1, 3, `unknown column "gstn"`},
		{"repeated column", "key,hospital_name,KEY\nk1,A,k2\n", 1, 3, `"key" appears twice`},
		{"empty column name", "key,,hospital_name\nk1,x,A\n", 1, 2, "empty column name"},
		{"too few fields", "key,hospital_name\nk1,A\nk2\n", 3, 0, "wrong number of fields"},
		{"too many fields", "key,hospital_name\nk1,A,extra\n", 2, 0, "wrong number of fields"},
		{"bare quote", "key,hospital_name\nk1,Sai \"Best\" Hospital\n", 2, 0, "bare"},
		{"unterminated quote", "key,hospital_name\nk1,\"Sai Hospital\n", 2, 0, "quote"},
		{"empty key", "hospital_name,key\nA,k1\nB, \n", 3, 2, "empty key"},
		{"repeated key", "key,hospital_name\nk1,A\nk2,B\nk1,C\n", 4, 1, "already used on line 2"},
		{"control character in key", "key,hospital_name\n\"k\x071\",A\n", 2, 1, "control character"},
		{"key too long", "key,hospital_name\n" + strings.Repeat("k", bulk.MaxKey+1) + ",A\n", 2, 1, "at most 128"},
		{"cell too long", "key,hospital_name\nk1," + strings.Repeat("a", bulk.MaxField+1) + "\n", 2, 2, "at most 1024"},
		{"unknown demo_registry", "key,hospital_name,demo_registry\nk1,A,gone\n", 2, 3, `"gone"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := bulk.ReadRows(strings.NewReader(tt.in))
			require.ErrorIs(t, err, bulk.ErrBadCSV)
			var ce *bulk.CSVError
			require.True(t, errors.As(err, &ce), "%T", err)
			assert.Equal(t, tt.line, ce.Line, err.Error())
			assert.Equal(t, tt.column, ce.Column, err.Error())
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "line ")
		})
	}
}

func TestCSVErrorNamesColumn(t *testing.T) {
	t.Parallel()
	_, err := bulk.ReadRows(strings.NewReader("key,hospital_name,demo_registry\nk1,A,gone\n"))
	require.EqualError(t, err, `bad CSV: line 2, column 3 (demo_registry): demo_registry "gone" is not one of "absent", "draft", "suspended" or empty`)
}

func TestWriteRowsRoundTrip(t *testing.T) {
	t.Parallel()
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: 150, Seed: 3})
	require.NoError(t, err)
	rows := make([]bulk.Row, len(gen))
	for i := range gen {
		rows[i] = gen[i].Row
	}
	var buf bytes.Buffer
	require.NoError(t, bulk.WriteRows(&buf, rows))
	header, _, _ := strings.Cut(buf.String(), "\n")
	assert.Len(t, strings.Split(header, ","), len(bulk.Columns), "every column is written")

	back, err := bulk.ReadRows(&buf)
	require.NoError(t, err)
	assert.Equal(t, rows, back, "lines and every field survive the round trip")
}
