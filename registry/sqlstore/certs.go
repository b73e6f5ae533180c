package sqlstore

import (
	"context"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// CertificatesExpiring returns a page of the participants, Inactive ones
// aside, whose encryption or signing certificate expires at or before by
// (or has expired), soonest first (the earlier of the two expiries), then
// by participant code; pass the page's Next as cursor for the next. The
// soonest expiry is indexed with the code (migration 18), so a page reads
// the page alone, however many certificates the window holds.
func (s *Store) CertificatesExpiring(ctx context.Context, by time.Time, limit int, cursor string) (registry.Page[hcxonboard.Participant], error) {
	var page registry.Page[hcxonboard.Participant]
	limit, err := registry.CheckLimit(limit)
	if err != nil {
		return page, err
	}
	args := []any{by.UnixMilli(), limit}
	if cursor != "" {
		soonest, code, err := registry.DecodeExpiryCursor(cursor)
		if err != nil {
			return page, err
		}
		args = append(args, soonest, code)
	}
	if err := s.ready(ctx); err != nil {
		return page, err
	}
	rows, err := s.query(ctx, certificatesExpiringSQL(s.dialect, cursor != ""), args...)
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
		last := &page.Items[n-1]
		page.Next = registry.EncodeExpiryCursor(registry.SoonestExpiry(last), last.ParticipantCode)
	}
	return page, nil
}

// soonestExpiry is the earlier of a participant's two certificate
// expiries, in epoch milliseconds (the largest integer when it has
// neither): the expression participants_cert_soonest indexes (migration
// 18), written exactly as there so that the database matches it.
func soonestExpiry(d Dialect) string {
	if d == Postgres {
		return `least(CASE WHEN (record ->> 'encryption_cert_expiry')::bigint > 0 THEN (record ->> 'encryption_cert_expiry')::bigint ELSE 9223372036854775807 END,
          CASE WHEN (record ->> 'signing_cert_expiry')::bigint > 0 THEN (record ->> 'signing_cert_expiry')::bigint ELSE 9223372036854775807 END)`
	}
	return `min(CASE WHEN json_extract(record, '$.encryption_cert_expiry') > 0 THEN json_extract(record, '$.encryption_cert_expiry') ELSE 9223372036854775807 END,
        CASE WHEN json_extract(record, '$.signing_cert_expiry') > 0 THEN json_extract(record, '$.signing_cert_expiry') ELSE 9223372036854775807 END)`
}

// certificatesExpiringSQL reads participants_cert_soonest in its order,
// from the start of the window or after the cursor's (soonest, code) ($3,
// $4; the cursor's soonest is at least 1), up to the page's size ($2),
// for the expiries in [1, $1] ms. The
// index leaves Inactive participants out; the query says the same, with
// the same literal, so that the database may use it.
func certificatesExpiringSQL(d Dialect, cursor bool) string {
	soonest := soonestExpiry(d)
	from, after := "1", ""
	if cursor {
		// The range starts at the cursor's expiry (SQLite reads the
		// row value as a filter only), past the cursor's code within it.
		from, after = "$3", " AND ("+soonest+", participant_code) > ($3, $4)"
	}
	return `SELECT record, created_at, updated_at FROM participants
	WHERE ` + soonest + ` BETWEEN ` + from + ` AND $1 AND status <> 'Inactive'` + after + `
	ORDER BY ` + soonest + `, participant_code LIMIT $2`
}
