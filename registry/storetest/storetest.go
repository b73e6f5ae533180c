package storetest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// NewStore returns a fresh, empty store for one subtest and registers its
// cleanup on t.
type NewStore = func(t *testing.T) registry.Store

// Run runs the conformance suite against the stores newStore returns. Each
// subtest calls newStore once and runs in parallel with the others.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, NewStore)
	}{
		{"Create", testCreate},
		{"Read", testRead},
		{"Update", testUpdate},
		{"RequireActive", testRequireActive},
		{"Atomicity", testAtomicity},
		{"Audit", testAudit},
		{"EventsAfter", testEventsAfter},
		{"Search", testSearch},
		{"PaymentDetails", testPaymentDetails},
		{"Paging", testPaging},
		{"ListApplications", testListApplications},
		{"Concurrency", testConcurrency},
		{"Claims", testClaims},
		{"ClaimRaces", testClaimRaces},
		{"Context", testContext},
		{"Outbox", testOutbox},
		{"OutboxRaces", testOutboxRaces},
		{"OutboxPurge", testOutboxPurge},
		{"Due", testDue},
		{"Leases", testLeases},
		{"CountApplications", testCountApplications},
		{"CertificatesExpiring", testCertificatesExpiring},
		{"Cursors", testCursors},
		{"Standing", testStanding},
		{"Times", testTimes},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newStore)
		})
	}
}

// base is a time in a non-UTC zone with nanoseconds, so that a store that
// rounds, truncates or loses the instant fails the comparisons.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("IST", 5*3600+30*60))

func at(d time.Duration) time.Time { return base.Add(d) }

// newApp returns an application in the submitted stage, waiting for review,
// created at created.
func newApp(id, key, code string, created time.Time) *registry.Application {
	return &registry.Application{
		ID:              id,
		Key:             key,
		ParticipantCode: code,
		Stage:           registry.StageSubmitted,
		Waiting:         []string{"review"},
		CreatedAt:       created,
		UpdatedAt:       created,
		State:           json.RawMessage(fmt.Sprintf(`{"application":%q,"step":1}`, id)),
	}
}

// newParticipant returns a filled-in participant record.
func newParticipant(code string, created time.Time) *hcxonboard.Participant {
	return &hcxonboard.Participant{
		ParticipantCode:      code,
		ParticipantName:      "Participant " + code,
		Roles:                []hcxonboard.Role{hcxonboard.RoleProvider, hcxonboard.RoleHospital},
		PrimaryEmail:         "admin@" + code + ".example",
		PrimaryMobile:        "9876543210",
		AdditionalEmail:      []string{"ops@" + code + ".example"},
		Phone:                []string{"080-1234567"},
		Status:               hcxonboard.StatusCreated,
		EndpointURL:          "https://" + code + ".example/hcx",
		EncryptionCert:       "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
		EncryptionCertExpiry: 1767225600000,
		LinkedRegistryCodes:  []string{"HFR-" + code},
		SchemeCode:           "PMJAY",
		Address:              &hcxonboard.Address{District: "Pune", State: "Maharashtra", Pincode: "411001"},
		CreatedAt:            created,
		UpdatedAt:            created,
	}
}

// sealKey is the operator's key the suite seals audit events with.
func sealKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed([]byte("storetest audit seal key 32bytes"))
}

// event returns an unchained audit event; registry.Chain numbers it.
func event(appID, action, from, to string, when time.Time) registry.Event {
	return registry.Event{ApplicationID: appID, Time: when, Actor: "engine", Action: action, From: from, To: to}
}

// submitted returns the first audit event of an application, chained.
func submitted(appID string, when time.Time) []registry.Event {
	return registry.Chain(nil, event(appID, "submit", "", string(registry.StageSubmitted), when))
}

// seed creates an application with its participant (when p is not nil)
// and its first audit event, and returns the application as stored.
func seed(t *testing.T, s registry.Store, a *registry.Application, p *hcxonboard.Participant) *registry.Application {
	t.Helper()
	require.NoError(t, s.Create(context.Background(), registry.Write{Application: a, Participant: p, Events: submitted(a.ID, a.CreatedAt)}))
	require.EqualValues(t, 1, a.Version)
	return a.Clone()
}

// seedParticipant creates p with an application of its own.
func seedParticipant(t *testing.T, s registry.Store, p *hcxonboard.Participant) {
	t.Helper()
	seed(t, s, newApp("app-"+p.ParticipantCode, "key-"+p.ParticipantCode, p.ParticipantCode, p.CreatedAt), p)
}

// loader is a store's bulk path (sqlstore.Store.Load): new applications
// with their participants in one transaction, without events.
type loader interface {
	Load(ctx context.Context, ws []registry.Write) error
}

// seedParticipants creates each of ps with an application of its own, as
// seedParticipant does, but through the store's bulk path when it has
// one: a fixture of thousands is the data the test reads, not the write
// path under test (Create has tests of its own), and Create one by one
// would spend most of the suite's time on it. The applications have no
// audit events then.
func seedParticipants(t *testing.T, s registry.Store, ps []*hcxonboard.Participant) {
	t.Helper()
	l, ok := s.(loader)
	if !ok {
		for _, p := range ps {
			seedParticipant(t, s, p)
		}
		return
	}
	ws := make([]registry.Write, len(ps))
	for i, p := range ps {
		ws[i] = registry.Write{Application: newApp("app-"+p.ParticipantCode, "key-"+p.ParticipantCode, p.ParticipantCode, p.CreatedAt), Participant: p}
	}
	require.NoError(t, l.Load(context.Background(), ws))
}

// lastEvent returns the newest audit event of an application, nil for none.
func lastEvent(t *testing.T, s registry.Store, appID string) *registry.Event {
	t.Helper()
	events, err := s.Events(context.Background(), appID)
	require.NoError(t, err)
	if len(events) == 0 {
		return nil
	}
	return &events[len(events)-1]
}

// The norm functions put records into one canonical shape, so that stores
// that return times in UTC, or nil for an empty list, compare equal to the
// reference.

func normApp(a *registry.Application) registry.Application {
	c := a.Clone()
	c.CreatedAt, c.UpdatedAt, c.DueAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC(), c.DueAt.UTC()
	return *c
}

func normParticipant(p *hcxonboard.Participant) hcxonboard.Participant {
	c := p.Clone()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return *c
}

func normEvents(events []registry.Event) []registry.Event {
	out := make([]registry.Event, len(events))
	for i, e := range events {
		e.Time = e.Time.UTC()
		out[i] = e
	}
	return out
}

func requireApp(t *testing.T, want, got *registry.Application) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, normApp(want), normApp(got))
	require.True(t, want.CreatedAt.Equal(got.CreatedAt), "created_at %v, want %v", got.CreatedAt, want.CreatedAt)
	require.True(t, want.UpdatedAt.Equal(got.UpdatedAt), "updated_at %v, want %v", got.UpdatedAt, want.UpdatedAt)
}

func requireParticipant(t *testing.T, want, got *hcxonboard.Participant) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, normParticipant(want), normParticipant(got))
}

func requireEvents(t *testing.T, want, got []registry.Event) {
	t.Helper()
	requireStretch(t, want, got)
	require.NoError(t, registry.VerifyChain(got))
}

// requireStretch checks that got is want, a stretch of a trail that need
// not begin at its first event, field for field, times to the nanosecond.
func requireStretch(t *testing.T, want, got []registry.Event) {
	t.Helper()
	require.Equal(t, normEvents(want), normEvents(got))
	for i := range want {
		require.Equal(t, want[i].Time.UnixNano(), got[i].Time.UnixNano(), "event %d time", want[i].Seq)
	}
}

// requireNoApp checks that application id is not stored, nor its events.
func requireNoApp(t *testing.T, s registry.Store, id string) {
	t.Helper()
	_, err := s.Application(context.Background(), id)
	require.ErrorIs(t, err, registry.ErrNotFound)
	_, err = s.Events(context.Background(), id)
	require.ErrorIs(t, err, registry.ErrNotFound)
}

// requireStored checks that s holds exactly want, its participant wantP
// and n audit events: what a failed write must leave untouched.
func requireStored(t *testing.T, s registry.Store, want *registry.Application, wantP *hcxonboard.Participant, n int) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Application(ctx, want.ID)
	require.NoError(t, err)
	requireApp(t, want, got)
	gotP, err := s.Participant(ctx, wantP.ParticipantCode)
	require.NoError(t, err)
	requireParticipant(t, wantP, gotP)
	events, err := s.Events(ctx, want.ID)
	require.NoError(t, err)
	require.Len(t, events, n)
}

func requireNoParticipant(t *testing.T, s registry.Store, code string) {
	t.Helper()
	_, err := s.Participant(context.Background(), code)
	require.ErrorIs(t, err, registry.ErrNotFound)
}

func codes(ps []hcxonboard.Participant) []string {
	out := make([]string, len(ps))
	for i := range ps {
		out[i] = ps[i].ParticipantCode
	}
	return out
}

func ids(as []registry.Application) []string {
	out := make([]string, len(as))
	for i := range as {
		out[i] = as[i].ID
	}
	return out
}

func ptr[T any](v T) *T { return &v }
