package sqlstore

import (
	"context"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// CertificatesExpiring returns a page of the participants, Inactive ones
// aside, whose encryption or signing certificate expires at or before by
// (or has expired), ordered by participant code; pass the page's Next as
// cursor for the next. The expiries are indexed (migration 8), so the
// store reads only the participants it returns: the engine's expiry
// warnings need not page through every participant.
func (s *Store) CertificatesExpiring(ctx context.Context, by time.Time, limit int, cursor string) (registry.Page[hcxonboard.Participant], error) {
	var page registry.Page[hcxonboard.Participant]
	limit, pos, err := registry.CheckPage(limit, cursor)
	if err != nil {
		return page, err
	}
	after := ""
	if pos != nil {
		after = pos.Key
	}
	if err := s.ready(ctx); err != nil {
		return page, err
	}
	rows, err := s.query(ctx, certificatesExpiringSQL(s.dialect), by.UnixMilli(), string(hcxonboard.StatusInactive), after, limit)
	if err != nil {
		return page, fail(ctx, err, "list expiring certificates")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			record           []byte
			created, updated int64
		)
		if err := rows.Scan(&record, &created, &updated); err != nil {
			return page, fail(ctx, err, "list expiring certificates")
		}
		p, err := decodeParticipant(record, created, updated)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, *p)
	}
	if err := rows.Err(); err != nil {
		return page, fail(ctx, err, "list expiring certificates")
	}
	if n := len(page.Items); n == limit {
		page.Next = registry.EncodeCursor(registry.Position{Key: page.Items[n-1].ParticipantCode})
	}
	return page, nil
}

// certificatesExpiringSQL reads each expiry's index (the expressions of
// migration 8, exactly) for the expiries in [1, $1] ms of participants
// that are not Inactive, into x; then the page of x past the cursor $3,
// into xpage; and only then the participants xpage names, one lookup
// each. Each step is materialized, so that no plan walks the participants
// in code order looking for the matches, nor ANDs the expiry index with a
// range of the primary key: PostgreSQL's generic plan of the prepared
// statement, which knows neither $1 nor $3, did both (444 ms for 500
// matches among a million participants; 9 ms so).
func certificatesExpiringSQL(d Dialect) string {
	expiry := func(field string) string {
		if d == Postgres {
			return "((record ->> '" + field + "')::bigint)"
		}
		return "json_extract(record, '$." + field + "')"
	}
	return `WITH x AS MATERIALIZED (
		SELECT participant_code FROM participants WHERE ` + expiry("encryption_cert_expiry") + ` BETWEEN 1 AND $1 AND status <> $2
		UNION SELECT participant_code FROM participants WHERE ` + expiry("signing_cert_expiry") + ` BETWEEN 1 AND $1 AND status <> $2),
	xpage AS MATERIALIZED (SELECT participant_code FROM x WHERE participant_code > $3 ORDER BY participant_code LIMIT $4)
	SELECT p.record, p.created_at, p.updated_at FROM xpage JOIN participants p ON p.participant_code = xpage.participant_code
	ORDER BY p.participant_code`
}
