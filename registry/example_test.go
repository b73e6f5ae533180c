package registry_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// A search takes the HCX registry's filter body as it comes over the wire.
func ExampleQuery() {
	ctx := context.Background()
	store := registry.NewMemoryStore()
	created := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i, p := range []hcxonboard.Participant{
		{ParticipantCode: "hosp_sunris_100001@hcx", ParticipantName: "Sunrise Hospital", Roles: []hcxonboard.Role{hcxonboard.RoleHospital}, Status: hcxonboard.StatusActive},
		{ParticipantCode: "hosp_cityca_100002@hcx", ParticipantName: "City Care Clinic", Roles: []hcxonboard.Role{hcxonboard.RoleClinic}, Status: hcxonboard.StatusCreated},
		{ParticipantCode: "payr_acmein_100003@hcx", ParticipantName: "Acme Insurance", Roles: []hcxonboard.Role{hcxonboard.RolePayer}, Status: hcxonboard.StatusActive},
	} {
		p.CreatedAt = created.Add(time.Duration(i) * time.Minute)
		app := &registry.Application{ID: fmt.Sprint("app-", i), ParticipantCode: p.ParticipantCode, Stage: registry.StageLive}
		if err := store.Create(ctx, registry.Write{Application: app, Participant: &p}); err != nil {
			fmt.Println(err)
			return
		}
	}

	var q registry.Query
	body := `{"filters":{"status":{"eq":"Active"},"roles":{"or":["provider.hospital","payer"]}},"limit":10}`
	if err := json.NewDecoder(strings.NewReader(body)).Decode(&q); err != nil {
		fmt.Println(err)
		return
	}
	found, err := store.SearchParticipants(ctx, q)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range found {
		fmt.Println(p.ParticipantCode, p.Status)
	}

	_, err = store.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{"colour": registry.Eq("red")}})
	fmt.Println(err != nil)
	// Output:
	// hosp_sunris_100001@hcx Active
	// payr_acmein_100003@hcx Active
	// true
}

// Events chain by hash, so an edit anywhere in the trail is found.
func ExampleVerifyChain() {
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	events := registry.Chain(nil,
		registry.Event{ApplicationID: "app-1", Time: at, Actor: "applicant", Action: "submit", To: "submitted"},
		registry.Event{ApplicationID: "app-1", Time: at.Add(time.Second), Actor: "staff:asha", Action: "approve", From: "verifying", To: "details"},
	)
	fmt.Println(registry.VerifyChain(events))

	events[1].Actor = "staff:someone-else"
	fmt.Println(registry.VerifyChain(events))
	// Output:
	// <nil>
	// registry: audit chain broken at event 2: hash does not match the event's contents: the event was edited
}

// An identity is held by one application at a time: a second application
// claiming it is refused with the holder's name, until the holder drops
// it.
func ExampleClaimError() {
	ctx := context.Background()
	var store registry.Store = registry.NewMemoryStore()
	first := &registry.Application{ID: "app-1", ParticipantCode: "hosp_sunris_100001@hcx", Stage: registry.StageLive,
		Claims: []string{"hfr:IN2910000123"}}
	if err := store.Create(ctx, registry.Write{Application: first}); err != nil {
		fmt.Println(err)
		return
	}

	second := &registry.Application{ID: "app-2", Stage: registry.StageSubmitted, Claims: []string{"hfr:IN2910000123"}}
	err := store.Create(ctx, registry.Write{Application: second})
	var claimed *registry.ClaimError
	if errors.As(err, &claimed) {
		fmt.Println(claimed.Claim, "is held by", claimed.ApplicationID, claimed.ParticipantCode)
	}

	first.Claims = nil // de-boarded: the facility is free again
	if err := store.Update(ctx, registry.Write{Application: first}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Create(ctx, registry.Write{Application: second}))
	if cr, ok := store.(registry.ClaimReader); ok {
		holder, err := cr.ApplicationByClaim(ctx, "hfr:IN2910000123")
		fmt.Println(holder.ID, err)
	}
	// Output:
	// hfr:IN2910000123 is held by app-1 hosp_sunris_100001@hcx
	// <nil>
	// app-2 <nil>
}

// The operator seals the last event of every write with its signing key.
// Someone who can write the store but lacks the key can edit an event and
// compute every hash again, which VerifyChain cannot tell, but not the
// seal, which VerifySealedChain checks against the operator's public key.
func ExampleVerifySealedChain() {
	operator := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)) // from the operator's key store
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	events := registry.Chain(nil,
		registry.Event{ApplicationID: "app-1", Time: at, Actor: "applicant", Action: "submit", To: "submitted"},
		registry.Event{ApplicationID: "app-1", Time: at.Add(time.Second), Actor: "staff:asha", Action: "reject", From: "verifying", To: "rejected"},
	)
	if err := registry.SealEvent(&events[1], operator); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(registry.VerifySealedChain(events, operator.Public()))

	// The trail is rewritten in the database: the rejection becomes an
	// approval, every hash is computed again, and the old seal is kept.
	forged := slices.Clone(events)
	forged[1].Action, forged[1].To = "approve", "details"
	registry.Chain(nil, forged...)
	forged[1].Seal = events[1].Seal
	fmt.Println(registry.VerifyChain(forged))
	fmt.Println(registry.VerifySealedChain(forged, operator.Public()))
	// Output:
	// <nil>
	// <nil>
	// registry: audit chain broken at event 2: the seal does not verify under any of the keys: the trail up to this event was changed and its hashes computed again, or another key sealed it
}

// A state change writes the message it calls for in its own Write, so a
// crash before the send loses nothing; dispatchers claim due messages,
// send them, and mark each sent or failed (due again later, or dead).
func ExampleOutboxStore() {
	ctx := context.Background()
	var store registry.Store = registry.NewMemoryStore()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	app := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now}
	otp := registry.OutboxMessage{ID: "app-1/otp/1", ApplicationID: "app-1", Kind: "otp", To: "admin@sunrise.example",
		Payload: []byte("sealed by the engine"), CreatedAt: now, NextAttemptAt: now}
	if err := store.Create(ctx, registry.Write{Application: app, Outbox: []registry.OutboxMessage{otp}}); err != nil {
		fmt.Println(err)
		return
	}

	ob, ok := store.(registry.OutboxStore)
	if !ok {
		return
	}
	msgs, err := ob.ClaimOutbox(ctx, "replica-1", now, time.Minute, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range msgs {
		fmt.Println("replica-1 sends", m.ID, "to", m.To, "and fails")
		fmt.Println(ob.FailOutbox(ctx, m.ID, "replica-1", now.Add(30*time.Second), "smtp: 421 try later", false))
	}
	msgs, _ = ob.ClaimOutbox(ctx, "replica-2", now.Add(10*time.Second), time.Minute, 10)
	fmt.Println("due after 10s:", len(msgs))
	msgs, _ = ob.ClaimOutbox(ctx, "replica-2", now.Add(30*time.Second), time.Minute, 10)
	for _, m := range msgs {
		fmt.Println("replica-2 sends", m.ID, "after", m.Attempts, "failed attempt")
		fmt.Println(ob.CompleteOutbox(ctx, m.ID, "replica-2", now.Add(31*time.Second)))
	}
	depth, _ := ob.OutboxDepth(ctx)
	fmt.Println("pending", depth[registry.OutboxPending], "dead", depth[registry.OutboxDead])
	// Output:
	// replica-1 sends app-1/otp/1 to admin@sunrise.example and fails
	// <nil>
	// due after 10s: 0
	// replica-2 sends app-1/otp/1 after 1 failed attempt
	// <nil>
	// pending 0 dead 0
}

// A writer that sends its messages itself, right after its write, writes
// them leased to itself: it completes them with no claim, and no other
// dispatcher takes them while the lease lasts. Had it crashed before the
// send, any dispatcher would claim them once the lease ended.
func ExampleOutboxMessage_writtenLeased() {
	ctx := context.Background()
	store := registry.NewMemoryStore()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	app := &registry.Application{ID: "app-1", Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now}
	msg := func(id string) registry.OutboxMessage {
		return registry.OutboxMessage{ID: id, ApplicationID: "app-1", Kind: "approval_request", To: "scheme@state.example",
			Payload: []byte("sealed by the engine"), CreatedAt: now, NextAttemptAt: now,
			LeaseOwner: "replica-1", LeaseUntil: now.Add(2 * time.Minute)}
	}
	if err := store.Create(ctx, registry.Write{Application: app,
		Outbox: []registry.OutboxMessage{msg("app-1/1/0"), msg("app-1/1/1")}}); err != nil {
		fmt.Println(err)
		return
	}

	claimed, _ := store.ClaimOutbox(ctx, "replica-2", now.Add(time.Second), time.Minute, 10)
	fmt.Println("replica-2 claims", len(claimed))
	fmt.Println("replica-1 sends app-1/1/0:", store.CompleteOutbox(ctx, "app-1/1/0", "replica-1", now.Add(time.Second)))
	// replica-1 dies before sending app-1/1/1; its lease ends.
	claimed, _ = store.ClaimOutbox(ctx, "replica-2", now.Add(2*time.Minute), time.Minute, 10)
	for _, m := range claimed {
		fmt.Println("replica-2 sends", m.ID+":", store.CompleteOutbox(ctx, m.ID, "replica-2", now.Add(2*time.Minute)))
	}
	// Output:
	// replica-2 claims 0
	// replica-1 sends app-1/1/0: <nil>
	// replica-2 sends app-1/1/1: <nil>
}

// A store that indexes certificate expiries answers, page by page, the
// participants whose certificates expire by a time; Inactive ones never.
func ExampleCertificateExpiries() {
	ctx := context.Background()
	var store registry.Store = registry.NewMemoryStore()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i, p := range []hcxonboard.Participant{
		{ParticipantCode: "hosp_sunris_100001@hcx", Status: hcxonboard.StatusActive, EncryptionCertExpiry: now.AddDate(0, 0, 10).UnixMilli()},
		{ParticipantCode: "hosp_cityca_100002@hcx", Status: hcxonboard.StatusActive, EncryptionCertExpiry: now.AddDate(1, 0, 0).UnixMilli()},
		{ParticipantCode: "payr_acmein_100003@hcx", Status: hcxonboard.StatusCreated, SigningCertExpiry: now.AddDate(0, 0, -1).UnixMilli()},
		{ParticipantCode: "hosp_closed_100004@hcx", Status: hcxonboard.StatusInactive, EncryptionCertExpiry: now.UnixMilli()},
	} {
		app := &registry.Application{ID: fmt.Sprint("app-", i), ParticipantCode: p.ParticipantCode, Stage: registry.StageLive}
		if err := store.Create(ctx, registry.Write{Application: app, Participant: &p}); err != nil {
			fmt.Println(err)
			return
		}
	}
	x, ok := store.(registry.CertificateExpiries)
	if !ok {
		fmt.Println("this store has no expiry index: page through its participants")
		return
	}
	for cursor := ""; ; {
		page, err := x.CertificatesExpiring(ctx, now.AddDate(0, 0, 30), 1, cursor)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, p := range page.Items {
			fmt.Println(p.ParticipantCode)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	// Output:
	// payr_acmein_100003@hcx
	// hosp_sunris_100001@hcx
}
