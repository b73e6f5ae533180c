package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/openhcx/hcxonboard/registry"
)

// errClaimTaken is the outcome of a write attempt whose claim insert
// violated application_claims' key: another application holds one of its
// claims. The attempt stored nothing; claiming finds the holder.
var errClaimTaken = errors.New("sqlstore: a claimed identity is held by another application")

// claimAttempts bounds how often a write is tried again when the claim it
// lost turns out to be free by the time its holder is looked up.
const claimAttempts = 3

// claiming runs attempt, a Create or Update of a, and turns errClaimTaken
// into a *registry.ClaimError naming the holder. The holder is looked up
// after the attempt's transaction ended: on PostgreSQL the violation
// aborted it, and on SQLite a batch commits after the write failed, so a
// holder that won within the same batch is on disk by then. Between the
// two the holder may have dropped the claim; the write is then tried again,
// since nothing of it was stored.
func (s *Store) claiming(ctx context.Context, a *registry.Application, attempt func() error) error {
	for i := 1; ; i++ {
		err := attempt()
		if !errors.Is(err, errClaimTaken) {
			return err
		}
		if err := s.claimConflict(ctx, a.ID, a.Claims); err != nil {
			return err
		}
		if i == claimAttempts {
			return fmt.Errorf("sqlstore: application %q: its claims were taken and freed again %d times during the write; try again", a.ID, i)
		}
	}
}

// claimConflict returns a *registry.ClaimError for the first of claims, in
// the write's order, that an application other than appID holds, and nil
// when none is held.
func (s *Store) claimConflict(ctx context.Context, appID string, claims []string) error {
	for _, c := range claims {
		var holder, code string
		err := s.stmts.claimHolder.QueryRowContext(ctx, c).Scan(&holder, &code)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return fail(ctx, err, "read the holder of claim %q", registry.ShownClaim(c))
		case holder != appID:
			return &registry.ClaimError{Claim: c, ApplicationID: holder, ParticipantCode: code}
		}
	}
	return nil
}

// replaceClaims changes an application's claim rows from old to claims:
// it deletes the rows of the claims dropped and inserts those added. An
// insert of a claim another application holds fails on the table's key,
// inside the write, whichever process holds it; the error is returned as
// the database gave it. The rows are changed in the claims' byte order,
// so that two PostgreSQL transactions changing overlapping claims wait for
// each other in one order rather than deadlock.
func (s *Store) replaceClaims(ctx context.Context, t *wtx, appID string, old, claims []string) error {
	// Deletes and inserts in one pass, in the claims' byte order: every
	// transaction takes the claim rows it changes in one global order, so
	// two that each drop a claim the other takes meet a live row (a
	// ClaimError) rather than wait for each other (a deadlock).
	for _, c := range slices.Compact(sortedClaims(slices.Concat(old, claims))) {
		inOld, inNew := slices.Contains(old, c), slices.Contains(claims, c)
		var err error
		switch {
		case inOld && !inNew:
			_, err = t.exec(ctx, s.stmts.deleteClaim, c, appID)
		case inNew && !inOld:
			_, err = t.exec(ctx, s.stmts.insertClaim, c, appID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sortedClaims returns a sorted copy of claims.
func sortedClaims(claims []string) []string {
	out := slices.Clone(claims)
	slices.Sort(out)
	return out
}

// storableClaim reports whether some write could have stored claim;
// PostgreSQL would refuse to compare one with NUL or invalid UTF-8.
func storableClaim(c string) bool {
	return c != "" && len(c) <= registry.MaxClaimLength && registry.StorableText(c)
}
