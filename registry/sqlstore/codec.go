package sqlstore

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
)

// Times are stored as UnixNano in a 64-bit integer, which is what the audit
// hash covers, so they come back exact to the nanosecond. The zero time is
// stored as math.MinInt64; other times must lie within the range UnixNano
// represents (years 1678 to 2262).
const zeroTime = math.MinInt64

var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

func encodeTime(t time.Time, what string) (int64, error) {
	switch {
	case t.IsZero():
		return zeroTime, nil
	case t.Before(minTime) || t.After(maxTime):
		return 0, fmt.Errorf("sqlstore: %s %s is outside the storable range %s to %s",
			what, t.Format(time.RFC3339), minTime.UTC().Format(time.RFC3339), maxTime.UTC().Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

func decodeTime(n int64) time.Time {
	if n == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// lower is the case folding of registry.Condition's contains and
// startsWith, applied in Go so that every database folds the same way.
func lower(s string) string { return strings.ToLower(s) }

// likeEscape is the ESCAPE character of every LIKE: not a backslash, whose
// meaning in a string literal depends on PostgreSQL's
// standard_conforming_strings.
const likeEscape = '!'

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(s)
}

// participantRecord is the JSON kept in participants.record. Roles are
// kept as the strings given, so that a role outside the canonical list
// (which hcxonboard.Role's decoder would reject or rewrite) comes back as
// it was stored.
type participantRecord struct {
	hcxonboard.Participant
	Roles []string `json:"roles"`
}

func encodeParticipant(p *hcxonboard.Participant) ([]byte, error) {
	rec := participantRecord{Participant: *p, Roles: roleStrings(p.Roles)}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode participant %q: %w", p.ParticipantCode, err)
	}
	return b, nil
}

// decodeParticipant rebuilds a participant from its record and its time
// columns (which carry the instant in UTC).
func decodeParticipant(record []byte, created, updated int64) (*hcxonboard.Participant, error) {
	var rec participantRecord
	if err := json.Unmarshal(record, &rec); err != nil {
		return nil, fmt.Errorf("sqlstore: decode participant record: %w", err)
	}
	p := rec.Participant
	p.Roles = nil
	for _, r := range rec.Roles {
		p.Roles = append(p.Roles, hcxonboard.Role(r))
	}
	p.CreatedAt, p.UpdatedAt = decodeTime(created), decodeTime(updated)
	return &p, nil
}

func roleStrings(roles []hcxonboard.Role) []string {
	if roles == nil {
		return nil
	}
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// encodeList encodes a list column (an application's waiting and claims)
// as a JSON array.
func encodeList(w []string) (string, error) {
	if len(w) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(w)
	return string(b), err
}

// decodeList decodes a list column, nil for an empty list; what names the
// column in errors.
func decodeList(s, what string) ([]string, error) {
	var w []string
	if err := json.Unmarshal([]byte(s), &w); err != nil {
		return nil, fmt.Errorf("sqlstore: decode %s list: %w", what, err)
	}
	if len(w) == 0 {
		return nil, nil
	}
	return w, nil
}
