package bulk_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

// counted counts the bytes read through it.
type counted struct {
	r io.Reader
	n int64
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// filler is an endless run of one byte.
type filler byte

func (f filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// A quote opened and never closed, or a line that never ends, would have
// the reader hold the rest of the file as one record: a huge or hostile
// file fills memory before any cell limit applies. The reader stops once
// a record runs past what its cells could hold, and says where.
func TestReadRowsBoundsARecord(t *testing.T) {
	t.Parallel()
	const size = 64 << 20
	for name, tail := range map[string]string{
		"unclosed quote":   "k2,\"Sai Hospital",
		"line without end": "k2,Sai Hospital",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := &counted{r: io.MultiReader(strings.NewReader("key,hospital_name\nk1,Lifeline Hospital\n"+tail),
				io.LimitReader(filler('a'), size))}
			_, err := bulk.ReadRows(in)
			require.Error(t, err)
			var ce *bulk.CSVError
			require.True(t, errors.As(err, &ce), "%v", err)
			assert.ErrorIs(t, err, bulk.ErrBadCSV)
			assert.Equal(t, 3, ce.Line, "the record that starts after line 2")
			assert.Contains(t, err.Error(), "quote")
			assert.Less(t, in.n, int64(4<<20), "read far past any record the columns could hold")
		})
	}
	// A long row that fits is read: every column at its largest cell,
	// quoted, with every character a doubled quote.
	var b strings.Builder
	var cells []string
	for _, c := range bulk.Columns {
		cells = append(cells, c.Name)
	}
	b.WriteString(strings.Join(cells, ",") + "\n")
	for i, c := range bulk.Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		switch c.Name {
		case "key", "demo_registry":
			if c.Name == "key" {
				b.WriteString("k1")
			}
		default:
			b.WriteString(`"` + strings.Repeat(`""`, bulk.MaxField) + `"`)
		}
	}
	b.WriteString("\n")
	rows, err := bulk.ReadRows(strings.NewReader(b.String()))
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, strings.Repeat(`"`, bulk.MaxField), rows[0].HospitalName)
}

// Rows are held in memory: a list past the size cap is refused, naming
// the line it got to, rather than read until memory runs out; a list
// within it is read whole.
func TestReadRowsCapsTheFile(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("key,hospital_name,address\n")
	for i := range 200 {
		fmt.Fprintf(&b, "k%d,Hospital %d,\"%d, MG Road, Bengaluru\"\n", i, i, i)
	}
	list := b.String()
	rows, err := bulk.ReadRowsWithin(strings.NewReader(list), int64(len(list)))
	require.NoError(t, err)
	assert.Len(t, rows, 200, "a list of exactly the cap")

	in := &counted{r: strings.NewReader(list)}
	_, err = bulk.ReadRowsWithin(in, int64(len(list))/2)
	require.ErrorIs(t, err, bulk.ErrBadCSV)
	var ce *bulk.CSVError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Contains(t, err.Error(), "split it")
	assert.Greater(t, ce.Line, 50, "where the reading stopped")
	assert.LessOrEqual(t, in.n, int64(len(list))/2+1, "nothing read past the cap but the byte that shows there is more")
	assert.Equal(t, int64(bulk.MaxFileBytes), int64(1<<30))
}
