package bulk_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
)

// A list with several broken rows is told of each, with its line, in one
// run: a clerk fixing a 10,000-row export does not have to run it once
// per problem. Rows after a broken one are still read and checked.
func TestReadRowsReportsEveryBrokenRow(t *testing.T) {
	t.Parallel()
	in := "key,hospital_name,pincode\n" +
		"k1,Lifeline Hospital,560001\n" +
		"k2,Sai \"Best\" Hospital,560002\n" + // line 3: bare quote
		"k3,Shanti Nursing Home,560003\n" +
		"k4,Short Row\n" + // line 5: too few fields
		"k5,Apollo Clinic,560005\n" +
		"k1,Repeated Key Hospital,560006\n" + // line 7: key used on line 2
		"k7,Care Hospital,\xff\xfe\n" + // line 8: not UTF-8
		"k8,Last Hospital,560008\n"
	_, err := bulk.ReadRows(strings.NewReader(in))
	require.ErrorIs(t, err, bulk.ErrBadCSV)
	var first *bulk.CSVError
	require.True(t, errors.As(err, &first), "%T", err)
	assert.Equal(t, 3, first.Line, "errors.As finds the first problem")
	msg := err.Error()
	for _, want := range []string{"line 3", "bare", "line 5", "wrong number of fields", "line 7, column 1 (key)", "already used on line 2",
		"line 8, column 3 (pincode)", "UTF-8"} {
		assert.Contains(t, msg, want)
	}
	for _, clean := range []string{"line 2", "line 4", "line 6", "line 9"} {
		assert.NotContains(t, msg, clean+":", "a good row is no problem")
	}

	// A file broken throughout is reported up to a bound, then says it
	// stopped.
	var b strings.Builder
	b.WriteString("key,hospital_name\n")
	for i := range 50 {
		fmt.Fprintf(&b, "k%d\n", i)
	}
	_, err = bulk.ReadRows(strings.NewReader(b.String()))
	require.ErrorIs(t, err, bulk.ErrBadCSV)
	assert.Equal(t, 20, strings.Count(err.Error(), "wrong number of fields"))
	assert.Contains(t, err.Error(), "stopped after 20 problems")

	// One problem is answered as itself.
	_, err = bulk.ReadRows(strings.NewReader("key,hospital_name\nk1,A\nk1,B\n"))
	require.EqualError(t, err, `bad CSV: line 3, column 1 (key): key "k1" was already used on line 2; keys must be unique`)
}
