package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// eachStore runs f over each of the three stores (PostgreSQL where the
// test server is configured): the merged searches page by cursors they
// build from what the store answered.
func eachStore(t *testing.T, f func(t *testing.T, store registry.Store)) {
	for name, open := range map[string]func(t *testing.T) registry.Store{
		"memory":     func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"sqlite":     func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
		"postgresql": func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, open(t))
		})
	}
}

// queryString is a free-text search over name (contains), code and
// primary e-mail (equal), whatever field it is given under, ANDed with the
// search's other conditions.
func TestSpecSearchQueryString(t *testing.T) {
	t.Parallel()
	eachStore(t, testSpecSearchQueryString)
}

func testSpecSearchQueryString(t *testing.T, store registry.Store) {
	ps := specFixture(t)
	// A participant whose name holds its own e-mail: found by two
	// branches, answered once.
	ps = append(ps, &hcxonboard.Participant{ParticipantCode: "rese_deskla_000005@hcx", ParticipantName: "Lab desk@lab.example",
		Roles: []hcxonboard.Role{hcxonboard.RoleResearch}, PrimaryEmail: "desk@lab.example", PrimaryMobile: "9000000005",
		Status: hcxonboard.StatusActive, CreatedAt: time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)})
	s := newSeededIn(t, store, ps)
	const (
		payer = "payr_surak_000001@hcx"
		hosp  = "hosp_cityho_000002@hcx"
		tpa   = "agen_medias_000003@hcx"
		lab   = "rese_lab000_000004@hcx"
		desk  = "rese_deskla_000005@hcx"
	)
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"name contains, any case", `{"filters":{"participant_name":{"queryString":"HOSPITAL"}}}`, []string{hosp}},
		{"the code", `{"filters":{"participant_code":{"queryString":"` + payer + `"}}}`, []string{payer}},
		{"part of a code is not the code", `{"filters":{"participant_code":{"queryString":"payr_surak"}}}`, []string{}},
		{"the e-mail, any case", `{"filters":{"primary_email":{"queryString":"TPA@MediAssist.example"}}}`, []string{tpa}},
		{"the field does not narrow it", `{"filters":{"roles":{"queryString":"research"}}}`, []string{lab}},
		{"ANDed with the other conditions", `{"filters":{"participant_name":{"queryString":"i"},"status":{"neq":"Active"}}}`, []string{tpa}},
		{"beside another operator of the field", `{"filters":{"participant_name":{"contains":"a","queryString":"city"}}}`, []string{hosp}},
		{"beside the operator a branch uses", `{"filters":{"primary_email":{"eq":"ops@suraksha.example","queryString":"suraksha"}}}`, []string{payer}},
		{"found twice, answered once", `{"filters":{"participant_name":{"queryString":"desk@lab.example"}}}`, []string{desk}},
		{"in paging order", `{"filters":{"participant_name":{"queryString":"a"}}}`, []string{payer, hosp, tpa, lab, desk}},
		{"paged", `{"filters":{"participant_name":{"queryString":"a"}},"limit":2,"offset":1}`, []string{hosp, tpa}},
		{"past the end", `{"filters":{"participant_name":{"queryString":"a"}},"offset":5}`, []string{}},
		{"spaces around it are not part of it", `{"filters":{"participant_name":{"queryString":"  Research Lab "}}}`, []string{lab}},
		{"no hit", `{"filters":{"participant_name":{"queryString":"nobody"}}}`, []string{}},
	} {
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: tc.body})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", tc.name, res.body)
		var a specAnswer
		res.decode(t, &a)
		assert.Equal(t, tc.want, codesOf(a), tc.name)
	}

	for _, tc := range []struct{ name, body, code, says string }{
		{"a wildcard", `{"filters":{"participant_name":{"queryString":"Suraksha*"}}}`, httpapi.CodeInvalidSearch, "literal text"},
		{"a field query", `{"filters":{"participant_name":{"queryString":"participant_name:Suraksha"}}}`, httpapi.CodeInvalidSearch, "literal text"},
		{"a single-character wildcard", `{"filters":{"participant_name":{"queryString":"Sur?ksha"}}}`, httpapi.CodeInvalidSearch, "literal text"},
		{"empty", `{"filters":{"participant_name":{"queryString":"  "}}}`, httpapi.CodeInvalidSearch, "empty"},
		{"twice", `{"filters":{"participant_name":{"queryString":"a"},"primary_email":{"queryString":"b"}}}`, httpapi.CodeInvalidSearch, "more than once"},
		{"under an unknown field", `{"filters":{"osid":{"queryString":"a"}}}`, httpapi.CodeInvalidSearch, "unknown field"},
		{"too long", `{"filters":{"participant_name":{"queryString":"` + strings.Repeat("a", 513) + `"}}}`, httpapi.CodeInvalidSearch, "at most 512"},
		{"a control character", `{"filters":{"participant_name":{"queryString":"a\u0001b"}}}`, httpapi.CodeInvalidSearch, "control character"},
		{"not a string", `{"filters":{"participant_name":{"queryString":["a"]}}}`, httpapi.CodeInvalidSearch, ""},
		{"with a bad condition beside it", `{"filters":{"participant_name":{"queryString":"a"},"created_at":{"gt":"yesterday"}}}`, httpapi.CodeInvalidSearch, "RFC 3339"},
	} {
		res := s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: tc.body})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.name, res.body)
		e := res.envelope(t)
		assert.Equal(t, tc.code, e.Error.Code, tc.name)
		assert.Contains(t, e.Error.Message, tc.says, tc.name)
		assert.NotRegexp(t, internalWords, e.Error.Message, tc.name)
	}
}

// A search the store cannot answer directly reads a bounded number of
// participants: past the bound it is refused, saying so, rather than left
// to read the whole registry.
func TestSpecSearchScanBound(t *testing.T) {
	t.Parallel()
	var ps []*hcxonboard.Participant
	const n = 250
	for i := range n {
		at := time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC)
		ps = append(ps, &hcxonboard.Participant{ParticipantCode: fmt.Sprintf("rese_bulk00_%06d@hcx", i), ParticipantName: fmt.Sprintf("Bulk Lab %d", i),
			Roles: []hcxonboard.Role{hcxonboard.RoleResearch}, PrimaryMobile: "9000000000", Status: hcxonboard.StatusCreated,
			CreatedAt: at, UpdatedAt: at})
	}
	ps[n-1].EndpointURL, ps[n-1].EncryptionCert = "https://hcx.bulk.example/v0.9", validDetails(t).EncryptionCert
	s := newSeeded(t, ps, httpapi.WithProfile(credential.ProfilePlatform))
	search := func() response {
		return s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: `{"limit":1}`})
	}

	res := search() // all read, the last served
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var a specAnswer
	res.decode(t, &a)
	assert.Equal(t, []string{ps[n-1].ParticipantCode}, codesOf(a))

	s.h.SetSpecScanLimit(150)
	res = search()
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	e := res.envelope(t)
	assert.Equal(t, httpapi.CodeInvalidSearch, e.Error.Code)
	assert.Contains(t, e.Error.Message, "more than 150 participants")
	assert.NotRegexp(t, internalWords, e.Error.Message)
}
