package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "registry")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "registry.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	app := &registry.Application{
		ID: "app-1", Key: "client-42", ParticipantCode: "1000001@hcx",
		Stage: registry.StageSubmitted, Waiting: []string{"review"}, CreatedAt: now, UpdatedAt: now,
	}
	hospital := &hcxonboard.Participant{
		ParticipantCode: "1000001@hcx", ParticipantName: "City Hospital",
		Roles:  []hcxonboard.Role{hcxonboard.RoleProvider, hcxonboard.RoleHospital},
		Status: hcxonboard.StatusCreated, CreatedAt: now, UpdatedAt: now,
	}
	events := registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: now, Actor: "engine", Action: "submit", To: "submitted"})
	if err := s.Create(ctx, registry.Write{Application: app, Participant: hospital, Events: events}); err != nil {
		log.Fatal(err)
	}

	// A retry with the same idempotency key is recognised.
	retry := &registry.Application{ID: "app-2", Key: "client-42", Stage: registry.StageSubmitted}
	err = s.Create(ctx, registry.Write{Application: retry})
	fmt.Println("retry is a duplicate:", errors.Is(err, registry.ErrDuplicateKey))

	// Move the application on; a second update from the same version loses.
	stale := app.Clone()
	app.Stage, app.Waiting = registry.StageVerifying, []string{"otp"}
	if err := s.Update(ctx, registry.Write{Application: app}); err != nil {
		log.Fatal(err)
	}
	err = s.Update(ctx, registry.Write{Application: stale})
	fmt.Println("stale update conflicts:", errors.Is(err, registry.ErrVersionConflict))

	hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{
		registry.FieldRoles: registry.Eq("provider"),
		registry.FieldName:  registry.Contains("hospital"),
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range hits {
		fmt.Println("found:", p.ParticipantCode, p.ParticipantName)
	}

	waiting, err := s.ListApplications(ctx, registry.ApplicationFilter{Waiting: "otp"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("waiting for an OTP:", waiting[0].ID, "at version", waiting[0].Version)

	trail, err := s.Events(ctx, "app-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("audit chain intact:", registry.VerifyChain(trail) == nil)
	// Output:
	// retry is a duplicate: true
	// stale update conflicts: true
	// found: 1000001@hcx City Hospital
	// waiting for an OTP: app-1 at version 2
	// audit chain intact: true
}

// A bulk load that a re-run can repeat may trade the fsync of each commit
// for speed: after a crash of the machine its last rows may be missing,
// and the re-run writes them again.
func ExampleWithSynchronous() {
	dir, err := os.MkdirTemp("", "registry")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "bulk.db"),
		sqlstore.WithSynchronous(sqlstore.SyncNormal))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println(s.Dialect())

	_, err = sqlstore.OpenPostgres(context.Background(), "postgres://nobody@127.0.0.1:1/none",
		sqlstore.WithSynchronous(sqlstore.SyncNormal))
	fmt.Println(err)
	// Output:
	// sqlite
	// sqlstore: invalid option: WithSynchronous applies only to SQLite
}
