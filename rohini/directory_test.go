package rohini_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
)

const csvHeader = "rohini_id,hospital_name,address,district,state,pincode,status,valid_until\n"

func TestLoadCSV(t *testing.T) {
	t.Parallel()
	shreeSai := rohini.Hospital{
		ID: goodID, Name: "Shree Sai Multispeciality Hospital", Address: "Plot 14, Sector 21, Kharghar",
		District: "Raigad", State: "Maharashtra", Pincode: "410210", Status: "Active",
		ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		name    string
		csv     string
		opts    []rohini.DirectoryOption
		wantLen int
		want    map[string]rohini.Hospital // checked by look-up
	}{
		{
			name:    "full extract",
			csv:     csvHeader + goodID + `,Shree Sai Multispeciality Hospital,"Plot 14, Sector 21, Kharghar",Raigad,Maharashtra,410210,Active,2029-03-31` + "\n" + otherID + ",Lakeview,12 MG Road,Bengaluru Urban,Karnataka,560001,Active,31/12/2028\n",
			wantLen: 2,
			want: map[string]rohini.Hospital{
				goodID:  shreeSai,
				otherID: {ID: otherID, Name: "Lakeview", Address: "12 MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001", Status: "Active", ValidUntil: time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC)},
			},
		},
		{
			name:    "byte-order mark, CRLF, reordered and extra columns, header case and spaces",
			csv:     "\ufeff Hospital_Name , Beds ,ROHINI_ID\r\nShree Sai,120," + goodID + "\r\n",
			wantLen: 1,
			want:    map[string]rohini.Hospital{goodID: {ID: goodID, Name: "Shree Sai"}},
		},
		{
			name:    "ids with separators are normalised",
			csv:     "rohini_id,hospital_name\n890-0080-336704,A\n\" 8900080412156 \",B\n",
			wantLen: 2,
			want:    map[string]rohini.Hospital{goodID: {ID: goodID, Name: "A"}, otherID: {ID: otherID, Name: "B"}},
		},
		{
			name:    "quoted field spanning lines",
			csv:     "rohini_id,hospital_name,address\n" + goodID + ",A,\"line one\nline two\"\n",
			wantLen: 1,
			want:    map[string]rohini.Hospital{goodID: {ID: goodID, Name: "A", Address: "line one\nline two"}},
		},
		{
			name:    "own date layout",
			csv:     "rohini_id,hospital_name,valid_until\n" + goodID + ",A,03/31/2029\n",
			opts:    []rohini.DirectoryOption{rohini.WithDateLayouts("01/02/2006")},
			wantLen: 1,
			want:    map[string]rohini.Hospital{goodID: {ID: goodID, Name: "A", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)}},
		},
		{
			// What Java's LocalDateTime writes: no zone, read as UTC like
			// a date alone.
			name:    "date and time without a zone",
			csv:     "rohini_id,hospital_name,valid_until\n" + goodID + ",A,2029-03-31T00:00:00\n" + otherID + ",B,2028-12-31T10:30\n",
			wantLen: 2,
			want: map[string]rohini.Hospital{
				goodID:  {ID: goodID, Name: "A", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)},
				otherID: {ID: otherID, Name: "B", ValidUntil: time.Date(2028, 12, 31, 10, 30, 0, 0, time.UTC)},
			},
		},
		{
			// What a spreadsheet or a database export writes: a date and
			// time with a space, and the day-first date with the month's
			// name (31-Mar-2029).
			name:    "spreadsheet and database dates",
			csv:     "rohini_id,hospital_name,valid_until\n" + goodID + ",A,2029-03-31 00:00:00\n" + otherID + ",B,31-Dec-2028\n",
			wantLen: 2,
			want: map[string]rohini.Hospital{
				goodID:  {ID: goodID, Name: "A", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)},
				otherID: {ID: otherID, Name: "B", ValidUntil: time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC)},
			},
		},
		{
			name:    "header only",
			csv:     csvHeader,
			wantLen: 0,
		},
		{
			name:    "skip invalid rows",
			csv:     "rohini_id,hospital_name,valid_until\n8900080123456,Bad check,\n" + goodID + ",Good,\n8.90008E+12,Excel,\n" + otherID + ",Bad date,yesterday\n",
			opts:    []rohini.DirectoryOption{rohini.SkipInvalidRows()},
			wantLen: 1,
			want:    map[string]rohini.Hospital{goodID: {ID: goodID, Name: "Good"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := rohini.LoadCSV(strings.NewReader(tt.csv), tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantLen, d.Len())
			for id, want := range tt.want {
				got, err := d.Hospital(context.Background(), id)
				require.NoError(t, err)
				assert.Equal(t, want, got)
			}
		})
	}
}

func TestLoadCSVOwnColumnNames(t *testing.T) {
	t.Parallel()
	csv := "GLN,Name,Expiry,Town\n" + goodID + ",A,2029-03-31T18:30:00+05:30,Panvel\n"
	d, err := rohini.LoadCSV(strings.NewReader(csv),
		rohini.WithFieldNames(rohini.FieldNames{ID: "GLN", Name: "Name", ValidUntil: "Expiry", District: "Town"}))
	require.NoError(t, err)
	h, err := d.Hospital(context.Background(), goodID)
	require.NoError(t, err)
	assert.Equal(t, "Panvel", h.District)
	assert.True(t, h.ValidUntil.Equal(time.Date(2029, 3, 31, 13, 0, 0, 0, time.UTC)))
}

func TestLoadCSVSkippedRowsAreReported(t *testing.T) {
	t.Parallel()
	csv := "rohini_id,hospital_name,valid_until\n8900080123456,Bad check,\n" + goodID + ",Good,\n8.90008E+12,Excel,\n" + otherID + ",Bad date,yesterday\n"
	d, err := rohini.LoadCSV(strings.NewReader(csv), rohini.SkipInvalidRows())
	require.NoError(t, err)
	skipped := d.Skipped()
	require.Len(t, skipped, 3)
	assert.Equal(t, []int{2, 4, 5}, []int{skipped[0].Line, skipped[1].Line, skipped[2].Line})
	assert.ErrorIs(t, skipped[0], rohini.ErrInvalidID)
	assert.ErrorIs(t, skipped[1], rohini.ErrInvalidID)
	assert.NotErrorIs(t, skipped[2], rohini.ErrInvalidID, "a bad date is not a bad id")
	assert.Contains(t, skipped[1].Error(), "spreadsheet")
	for _, s := range skipped {
		assert.ErrorIs(t, s, rohini.ErrInvalidExtract)
	}
}

func TestLoadCSVRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		csv     string
		opts    []rohini.DirectoryOption
		wantMsg string
		wantID  bool // also ErrInvalidID
	}{
		{name: "empty input", csv: "", wantMsg: "empty CSV"},
		{name: "no id column", csv: "id,hospital_name\n" + goodID + ",A\n", wantMsg: `header has no "rohini_id" column for ID`},
		{name: "no name column", csv: "rohini_id,title\n" + goodID + ",A\n", wantMsg: `header has no "hospital_name" column for Name`},
		{name: "explicit column missing", csv: "rohini_id,hospital_name\n" + goodID + ",A\n", opts: []rohini.DirectoryOption{rohini.WithFieldNames(rohini.FieldNames{Pincode: "pin"})}, wantMsg: `no "pin" column for Pincode`},
		{name: "semicolon-separated", csv: "rohini_id;hospital_name\n" + goodID + ";A\n", wantMsg: `header has no "rohini_id" column for ID (header: rohini_id;hospital_name)`},
		{name: "column named twice", csv: "rohini_id,hospital_name,Hospital_Name\n", wantMsg: `column "Hospital_Name" twice (columns 2 and 3)`},
		{name: "bad check digit names the line", csv: "rohini_id,hospital_name\n" + goodID + ",A\n8900080123456,B\n", wantMsg: `line 3: invalid id "8900080123456": check digit is 6, want 8`, wantID: true},
		{name: "line counts quoted newlines", csv: "rohini_id,hospital_name,address\n" + goodID + ",A,\"x\ny\nz\"\n89000801,B,c\n", wantMsg: "line 5: invalid id \"89000801\": has 8 digits", wantID: true},
		{name: "empty id", csv: "rohini_id,hospital_name\n,A\n", wantMsg: "line 2: invalid id: empty", wantID: true},
		{name: "spreadsheet number", csv: "rohini_id,hospital_name\n8.90008E+12,A\n", wantMsg: "format the column as text", wantID: true},
		{name: "wrong prefix", csv: "rohini_id,hospital_name\n4006381333931,A\n", wantMsg: "line 2: invalid id \"4006381333931\": starts with 400", wantID: true},
		{name: "duplicate names both lines", csv: "rohini_id,hospital_name\n" + goodID + ",A\n" + otherID + ",B\n890-0080336704,C\n", wantMsg: "line 4: duplicate id " + goodID + ", first seen on line 2"},
		{name: "bad date", csv: "rohini_id,hospital_name,valid_until\n" + goodID + ",A,2029-02-30\n", wantMsg: `line 2: valid-until date "2029-02-30"`},
		{name: "ragged row", csv: "rohini_id,hospital_name\n" + goodID + ",A,extra\n", wantMsg: "line 2"},
		{name: "bad quoting", csv: "rohini_id,hospital_name\n" + goodID + ",\"A\n", wantMsg: "extraneous or missing"},
		{name: "nil option", csv: csvHeader, opts: []rohini.DirectoryOption{nil}, wantMsg: "nil DirectoryOption"},
		{name: "bad field names", csv: csvHeader, opts: []rohini.DirectoryOption{rohini.WithFieldNames(rohini.FieldNames{ID: "-"})}, wantMsg: "ID cannot be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := rohini.LoadCSV(strings.NewReader(tt.csv), tt.opts...)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.Contains(t, err.Error(), tt.wantMsg)
			if !strings.HasPrefix(tt.name, "nil option") && !strings.HasPrefix(tt.name, "bad field") {
				assert.ErrorIs(t, err, rohini.ErrInvalidExtract)
			}
			if tt.wantID {
				assert.ErrorIs(t, err, rohini.ErrInvalidID)
			}
		})
	}
}

func TestLoadJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		opts []rohini.DirectoryOption
		want []rohini.Hospital
	}{
		{
			name: "array",
			json: `[{"rohini_id":"` + goodID + `","hospital_name":"A","valid_until":"2029-03-31","beds":120},
			        {"rohini_id":"` + otherID + `","hospital_name":"B","pincode":560001}]`,
			want: []rohini.Hospital{
				{ID: goodID, Name: "A", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)},
				{ID: otherID, Name: "B", Pincode: "560001"},
			},
		},
		{
			name: "wrapped, other members ignored",
			json: `{"generated":"2026-01-05","count":1,"hospitals":[{"rohini_id":8900080336704,"hospital_name":"A"}],"note":{"x":[1,2]}}`,
			want: []rohini.Hospital{{ID: goodID, Name: "A"}},
		},
		{name: "empty array", json: ` [ ] `},
		{
			// As Windows tools save UTF-8, and as LoadCSV tolerates.
			name: "byte-order mark",
			json: "\ufeff" + `[{"rohini_id":"` + goodID + `","hospital_name":"A"}]`,
			want: []rohini.Hospital{{ID: goodID, Name: "A"}},
		},
		{
			name: "nested field names",
			json: `[{"ids":{"gln":"` + goodID + `"},"name":"A","address":{"state":"Maharashtra"}}]`,
			opts: []rohini.DirectoryOption{rohini.WithFieldNames(rohini.FieldNames{ID: "ids.gln", Name: "name", State: "address.state", Address: "-"})},
			want: []rohini.Hospital{{ID: goodID, Name: "A", State: "Maharashtra"}},
		},
		{
			name: "null values are empty",
			json: `[{"rohini_id":"` + goodID + `","hospital_name":"A","status":null,"valid_until":null}]`,
			want: []rohini.Hospital{{ID: goodID, Name: "A"}},
		},
		{
			// As a CSV header is matched whatever its case, so is a JSON
			// member (as encoding/json does); an exact match comes first.
			name: "member names in another case",
			json: `[{"ROHINI_ID":"` + goodID + `","Hospital_Name":"A","Details":{"State":"Kerala"},"status":"Active","STATUS":"x"}]`,
			opts: []rohini.DirectoryOption{rohini.WithFieldNames(rohini.FieldNames{State: "details.state"})},
			want: []rohini.Hospital{{ID: goodID, Name: "A", State: "Kerala", Status: "Active"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := rohini.LoadJSON(strings.NewReader(tt.json), tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, len(tt.want), d.Len())
			for _, want := range tt.want {
				got, err := d.Hospital(context.Background(), want.ID)
				require.NoError(t, err)
				assert.Equal(t, want, got)
			}
		})
	}
}

func TestLoadJSONRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		json    string
		opts    []rohini.DirectoryOption
		wantMsg string
		wantID  bool
	}{
		{name: "empty", json: ``, wantMsg: "unexpected EOF"},
		{name: "scalar", json: `"hospitals"`, wantMsg: `want an array of hospitals`},
		{name: "object without hospitals", json: `{"data":[]}`, wantMsg: `no "hospitals" array`},
		{name: "hospitals not an array", json: `{"hospitals":{}}`, wantMsg: `"hospitals" is not an array`},
		{name: "entry not an object", json: `[{"rohini_id":"` + goodID + `","hospital_name":"A"}, "` + otherID + `"]`, wantMsg: "entry 2: entry is a string, want an object"},
		{name: "bad id names the entry", json: `[{"rohini_id":"` + goodID + `"},{"rohini_id":"8900080123456"}]`, wantMsg: `entry 2: invalid id "8900080123456": check digit is 6, want 8`, wantID: true},
		{name: "float id", json: `[{"rohini_id":8.900080336704e12}]`, wantMsg: "spreadsheet", wantID: true},
		{name: "missing id", json: `[{"id":"` + goodID + `"}]`, wantMsg: `entry 1: invalid id: no id at "rohini_id"`, wantID: true},
		{name: "duplicate", json: `[{"rohini_id":"` + goodID + `"},{"rohini_id":"` + otherID + `"},{"rohini_id":"` + goodID + `"}]`, wantMsg: "entry 3: duplicate id " + goodID + ", first seen on entry 1"},
		{name: "object value", json: `[{"rohini_id":"` + goodID + `","status":{"code":1}}]`, wantMsg: `entry 1: "status" is an object`},
		{name: "truncated", json: `[{"rohini_id":"` + goodID + `"}`, wantMsg: "unexpected EOF"},
		{name: "trailing data", json: `[] []`, wantMsg: "data after the JSON document"},
		{name: "syntax error", json: `[{"rohini_id" "x"}]`, wantMsg: "JSON: invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := rohini.LoadJSON(strings.NewReader(tt.json), tt.opts...)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.ErrorIs(t, err, rohini.ErrInvalidExtract)
			assert.Contains(t, err.Error(), tt.wantMsg)
			if tt.wantID {
				assert.ErrorIs(t, err, rohini.ErrInvalidID)
			}
		})
	}
}

func TestLoadJSONSkipInvalidRows(t *testing.T) {
	t.Parallel()
	d, err := rohini.LoadJSON(strings.NewReader(`[{"rohini_id":"8900080123456"}, 7, {"rohini_id":"`+goodID+`","hospital_name":"A"}]`), rohini.SkipInvalidRows())
	require.NoError(t, err)
	assert.Equal(t, 1, d.Len())
	skipped := d.Skipped()
	require.Len(t, skipped, 2)
	assert.Equal(t, 1, skipped[0].Entry)
	assert.Equal(t, 2, skipped[1].Entry)
	assert.Zero(t, skipped[0].Line)
}

func TestDirectoryHospital(t *testing.T) {
	t.Parallel()
	d, err := rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name\n" + goodID + ",A\n"))
	require.NoError(t, err)
	tests := []struct {
		id      string
		wantErr error
	}{
		{id: goodID},
		{id: otherID, wantErr: rohini.ErrNotFound},
		{id: "8900080123456", wantErr: rohini.ErrInvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			h, err := d.Hospital(context.Background(), tt.id)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Zero(t, h)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "A", h.Name)
		})
	}

	var zero rohini.Directory
	_, err = zero.Hospital(context.Background(), goodID)
	require.ErrorIs(t, err, rohini.ErrNotFound, "a zero Directory is empty, not broken")
	assert.Zero(t, zero.Len())

	var none *rohini.Directory
	_, err = none.Hospital(context.Background(), goodID)
	require.ErrorIs(t, err, rohini.ErrNotFound)
	assert.Zero(t, none.Len())
	assert.Empty(t, none.Skipped())
}

// Extra columns are ignored, even when two of them share a name (a
// spreadsheet's two "Remarks" columns); only a name the directory reads
// twice is ambiguous.
func TestLoadCSVIgnoresUnusedDuplicateColumns(t *testing.T) {
	t.Parallel()
	d, err := rohini.LoadCSV(strings.NewReader("Remarks,rohini_id,hospital_name,remarks\nx," + goodID + ",A,y\n"))
	require.NoError(t, err)
	h, err := d.Hospital(context.Background(), goodID)
	require.NoError(t, err)
	assert.Equal(t, rohini.Hospital{ID: goodID, Name: "A"}, h)

	_, err = rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name,STATE,state\n" + goodID + ",A,x,y\n"))
	require.ErrorIs(t, err, rohini.ErrInvalidExtract)
	assert.Contains(t, err.Error(), `column "state" twice (columns 3 and 4)`)

	// A column named "-" is ignored like any other: "-" marks a field the
	// extract lacks, never a column.
	_, err = rohini.LoadCSV(strings.NewReader("rohini_id,hospital_name,-,-\n"+goodID+",A,x,y\n"),
		rohini.WithFieldNames(rohini.FieldNames{State: "-"}))
	require.NoError(t, err)
}
