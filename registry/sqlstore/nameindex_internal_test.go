package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// nameIndexCheck runs FTS5's integrity check of the name's trigram index
// against the participants it indexes: an error when a row is missing,
// extra or stale.
func nameIndexCheck(ctx context.Context, s *Store) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO participants_name (participants_name, rank) VALUES ('integrity-check', 1)`)
	return err
}

// contactIndexCheck is nameIndexCheck for the trigram index of codes,
// e-mails and mobiles.
func contactIndexCheck(ctx context.Context, s *Store) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO participants_contacts (participants_contacts, rank) VALUES ('integrity-check', 1)`)
	return err
}

// The name's trigram index holds exactly the participants, however they
// were stored: created with their application, attached to one by an
// update, renamed, replaced with the same name, or loaded in bulk.
func TestNameIndexFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "registry.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	participant := func(code, name string) *hcxonboard.Participant {
		return &hcxonboard.Participant{ParticipantCode: code, ParticipantName: name, Status: hcxonboard.StatusCreated,
			PrimaryEmail: "desk@" + code + ".example", PrimaryMobile: "98765" + fmt.Sprint(10000+len(code)),
			Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, CreatedAt: at, UpdatedAt: at}
	}
	app := func(id, code string) *registry.Application {
		return &registry.Application{ID: id, ParticipantCode: code, Stage: registry.StageVerifying, CreatedAt: at, UpdatedAt: at}
	}
	event := func(id, action string) registry.Event {
		return registry.Event{ApplicationID: id, Time: at, Actor: "test", Action: action, To: string(registry.StageVerifying)}
	}
	// Created with their applications, concurrently (one batch).
	errs := make(chan error, 20)
	for i := range 20 {
		go func() {
			code := fmt.Sprintf("h%02d@hcx", i)
			errs <- s.Create(ctx, registry.Write{Application: app(fmt.Sprintf("app-%02d", i), code),
				Participant: participant(code, fmt.Sprintf("Sanjeevani Hospital %02d", i)), Events: registry.Chain(nil, event(fmt.Sprintf("app-%02d", i), "submit"))})
		}()
	}
	for range 20 {
		require.NoError(t, <-errs)
	}
	// An application without a participant, which an update gives one.
	late := app("app-late", "")
	require.NoError(t, s.Create(ctx, registry.Write{Application: late, Events: registry.Chain(nil, event("app-late", "submit"))}))
	stored, err := s.Application(ctx, "app-late")
	require.NoError(t, err)
	first, err := s.Events(ctx, "app-late")
	require.NoError(t, err)
	stored.ParticipantCode = "late@hcx"
	require.NoError(t, s.Update(ctx, registry.Write{Application: stored, Participant: participant("late@hcx", "Late Arrival Clinic"),
		Events: registry.Chain(&first[len(first)-1], event("app-late", "register"))}))
	// Renamed, and replaced under the same name.
	for _, rename := range []struct{ id, code, name string }{
		{"app-03", "h03@hcx", "Dhanvantari Nursing Home"}, {"app-04", "h04@hcx", "Sanjeevani Hospital 04"},
	} {
		a, err := s.Application(ctx, rename.id)
		require.NoError(t, err)
		evs, err := s.Events(ctx, rename.id)
		require.NoError(t, err)
		p := participant(rename.code, rename.name)
		p.Status = hcxonboard.StatusActive
		if rename.id == "app-03" {
			p.PrimaryEmail = "Claims@Dhanvantari.example" // a new e-mail too
		}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p,
			Events: registry.Chain(&evs[len(evs)-1], event(rename.id, "live"))}))
	}
	// Loaded in bulk.
	var ws []registry.Write
	for i := range 15 {
		code := fmt.Sprintf("bulk%02d@hcx", i)
		ws = append(ws, registry.Write{Application: app("app-bulk-"+code, code), Participant: participant(code, fmt.Sprintf("Arogya Clinic %02d", i))})
	}
	require.NoError(t, s.Load(ctx, ws))

	require.NoError(t, nameIndexCheck(ctx, s))
	var indexed int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM participants_name`).Scan(&indexed))
	require.Equal(t, 20+1+15, indexed)
	for term, want := range map[string]int{"sanjeevani": 19, "dhanvantari": 1, "arrival": 1, "arogya clinic": 15} {
		var n int
		require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM participants_name WHERE name_lower LIKE '%' || $1 || '%'`, term).Scan(&n))
		require.Equal(t, want, n, term)
	}

	require.NoError(t, contactIndexCheck(ctx, s))
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM participants_contacts`).Scan(&indexed))
	require.Equal(t, 20+1+15, indexed)
	for term, want := range map[string]int{"@dhanvantari": 1, "desk@h03": 0, "desk@h0": 9, "bulk": 15} {
		var n int
		require.NoError(t, s.db.QueryRowContext(ctx, `SELECT count(*) FROM participants_contacts WHERE email_lower LIKE '%' || $1 || '%'`, term).Scan(&n))
		require.Equal(t, want, n, term)
	}

	// The check sees a row gone missing.
	_, err = s.db.ExecContext(ctx, `INSERT INTO participants_name (participants_name, rowid, name_lower)
		SELECT 'delete', rowid, name_lower FROM participants WHERE participant_code = 'h07@hcx'`)
	require.NoError(t, err)
	require.Error(t, nameIndexCheck(ctx, s), "the integrity check finds the missing row")
}
