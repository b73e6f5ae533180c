package strictjson_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/internal/strictjson"
)

func TestNamesAMemberTwice(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`{"status":"failure","status":"success"}`:   true,
		`{"a":{"b":1,"b":2}}`:                       true,
		`[{"x":1},{"x":2,"y":{"z":null,"z":null}}]`: true,
		`{"status":"success","Status":"failure"}`:   false, // names differ in case: two names
		`{"a":{"b":1},"c":{"b":1}}`:                 false,
		`not json`:                                  false, // the decoder's to judge
		"{\"a\":\"\xff\",\"a\":1}":                  true,  // invalid UTF-8 does not hide it
	} {
		assert.Equal(t, want, strictjson.NamesAMemberTwice([]byte(in)), in)
	}
}
