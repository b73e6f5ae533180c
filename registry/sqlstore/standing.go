package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// standingSQL reads a participant's status column, the head of its oldest
// application's state (registry.StandingPrefix bytes, and the state's
// length) and that application's waiting list in one statement, by the
// participants primary key and applications_participant: neither the
// participant's record nor the application's other columns are read or
// decoded, and of a long state only the head where the engine keeps the
// credential fields is sent (PostgreSQL decompresses only that much of
// it).
var standingSQL = `SELECT p.status, a.id, substr(a.state, 1, ` + strconv.Itoa(registry.StandingPrefix) + `), coalesce(length(a.state), 0), a.waiting
	FROM participants p JOIN applications a ON a.participant_code = p.participant_code
	WHERE p.participant_code = $1 AND a.participant_code <> ''
	ORDER BY a.created_at, a.id LIMIT 1`

// ParticipantStanding returns the participant's status and its oldest
// application's state in one read (registry.StandingReader), with
// registry.ErrNotFound when there is no such participant or no
// application holds its code.
func (s *Store) ParticipantStanding(ctx context.Context, code string) (*registry.Standing, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !registry.StorableText(code) {
		return nil, fmt.Errorf("%w: participant %q with its application", registry.ErrNotFound, code)
	}
	var (
		status  string
		state   []byte
		length  int64
		waiting string
		out     registry.Standing
	)
	st, done := s.pointRead(s.stmts.selectStanding)
	err := st.QueryRowContext(ctx, code).Scan(&status, &out.ApplicationID, &state, &length, &waiting)
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: participant %q with its application", registry.ErrNotFound, code)
	case err != nil:
		return nil, fail(ctx, err, "read the standing of participant %q", code)
	}
	out.Status = hcxonboard.Status(status)
	if len(state) > 0 {
		out.State = state
	}
	out.StateTruncated = length > int64(len(state))
	w, err := decodeList(waiting, "waiting")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: participant %q: application %q: %w", code, out.ApplicationID, err)
	}
	out.Waiting, out.WaitingKnown = w, true
	return &out, nil
}
