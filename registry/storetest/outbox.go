package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// message returns a new outbox message of application appID, created and
// due at created.
func message(appID, id string, created time.Time) registry.OutboxMessage {
	return registry.OutboxMessage{
		ID:            id,
		ApplicationID: appID,
		Kind:          "otp",
		To:            "admin@" + appID + ".example",
		Payload:       []byte("sealed payload of " + id + "\x00\xff"),
		CreatedAt:     created,
		NextAttemptAt: created,
	}
}

// pending returns m as a store keeps it when written: pending, no attempt.
func pending(m registry.OutboxMessage) registry.OutboxMessage {
	m.State = registry.OutboxPending
	return m
}

// normOutbox puts messages into one canonical shape: times in UTC, empty
// payloads nil.
func normOutbox(ms []registry.OutboxMessage) []registry.OutboxMessage {
	out := make([]registry.OutboxMessage, len(ms))
	for i, m := range ms {
		m = *m.Clone()
		m.CreatedAt, m.NextAttemptAt = m.CreatedAt.UTC(), m.NextAttemptAt.UTC()
		m.LeaseUntil, m.SentAt, m.RetriedAt = m.LeaseUntil.UTC(), m.SentAt.UTC(), m.RetriedAt.UTC()
		out[i] = m
	}
	return out
}

func requireOutbox(t *testing.T, want, got []registry.OutboxMessage, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, normOutbox(want), normOutbox(got), msgAndArgs...)
	for i := range want {
		require.True(t, want[i].CreatedAt.Equal(got[i].CreatedAt), "message %s created_at", want[i].ID)
		require.True(t, want[i].NextAttemptAt.Equal(got[i].NextAttemptAt), "message %s next_attempt_at", want[i].ID)
		require.True(t, want[i].LeaseUntil.Equal(got[i].LeaseUntil), "message %s lease_until", want[i].ID)
		require.True(t, want[i].SentAt.Equal(got[i].SentAt), "message %s sent_at", want[i].ID)
		require.True(t, want[i].RetriedAt.Equal(got[i].RetriedAt), "message %s retried_at", want[i].ID)
	}
}

// allOutbox lists every message, oldest first, paging with the cursor.
func allOutbox(t *testing.T, ob registry.OutboxStore, f registry.OutboxFilter) []registry.OutboxMessage {
	t.Helper()
	limit := f.Limit
	if limit == 0 {
		limit = registry.DefaultLimit
	}
	var out []registry.OutboxMessage
	for {
		page, err := ob.ListOutbox(context.Background(), f)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), limit)
		out = append(out, page...)
		if len(page) < limit {
			return out
		}
		f.After = page[len(page)-1].ID
	}
}

func outboxIDs(ms []registry.OutboxMessage) []string {
	out := make([]string, len(ms))
	for i := range ms {
		out[i] = ms[i].ID
	}
	return out
}

func requireDepth(t *testing.T, ob registry.OutboxStore, pending, dead int) {
	t.Helper()
	depth, err := ob.OutboxDepth(context.Background())
	require.NoError(t, err)
	require.Equal(t, map[registry.OutboxState]int{registry.OutboxPending: pending, registry.OutboxDead: dead}, depth)
}

func testOutbox(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("messages are stored with the Create and the Update that carry them", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		requireDepth(t, ob, 0, 0)
		p := newParticipant("1000001@hcx", at(0))
		a := newApp("app-1", "key-1", "1000001@hcx", at(0))
		m1, m2 := message("app-1", "app-1/otp/1", at(0)), message("app-1", "app-1/intimation/1", at(0))
		m2.Kind, m2.To, m2.Payload = "intimation", "", nil // a recipient the engine resolves later, no payload
		m2.NextAttemptAt = time.Time{}                     // due at once
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p, Events: submitted("app-1", at(0)),
			Outbox: []registry.OutboxMessage{m1, m2}}))
		a.Stage = registry.StageVerifying
		m3 := message("app-1", "app-1/approval/2", at(time.Minute))
		m3.Payload = make([]byte, registry.MaxOutboxPayload) // the largest allowed
		m3.Payload[0], m3.Payload[len(m3.Payload)-1] = 1, 2
		require.NoError(t, s.Update(ctx, registry.Write{Application: a,
			Events: registry.Chain(lastEvent(t, s, "app-1"), event("app-1", "verify", "submitted", "verifying", at(time.Minute))),
			Outbox: []registry.OutboxMessage{m3}}))

		want := []registry.OutboxMessage{pending(m2), pending(m1), pending(m3)} // oldest first, then by id
		requireOutbox(t, want, allOutbox(t, ob, registry.OutboxFilter{}))
		requireOutbox(t, want, allOutbox(t, ob, registry.OutboxFilter{ApplicationID: "app-1", State: registry.OutboxPending}))
		require.Empty(t, allOutbox(t, ob, registry.OutboxFilter{ApplicationID: "app-2"}))
		require.Empty(t, allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxDead}))
		requireDepth(t, ob, 3, 0)

		// A write without messages leaves them alone.
		a.Stage = registry.StageDetails
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		requireOutbox(t, want, allOutbox(t, ob, registry.OutboxFilter{}))
	})

	t.Run("a store keeps its own copy of the messages it is given", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		m := message("app-1", "m-1", at(0))
		want := pending(*m.Clone())
		w := registry.Write{Application: newApp("app-1", "", "", at(0)), Outbox: []registry.OutboxMessage{m}}
		require.NoError(t, s.Create(ctx, w))
		w.Outbox[0].Payload[0] = 'X'
		w.Outbox[0].Kind = "changed"
		got := allOutbox(t, ob, registry.OutboxFilter{})
		requireOutbox(t, []registry.OutboxMessage{want}, got)
		got[0].Payload[0] = 'Y'
		requireOutbox(t, []registry.OutboxMessage{want}, allOutbox(t, ob, registry.OutboxFilter{}))
	})

	t.Run("a write that fails stores none of its messages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		p := newParticipant("1000001@hcx", at(0))
		held := seed(t, s, claiming(newApp("app-1", "key-1", "1000001@hcx", at(0)), "hfr:A"), p)
		other := seed(t, s, newApp("app-2", "key-2", "", at(0)), nil)
		require.NoError(t, s.Update(ctx, registry.Write{Application: other.Clone(), Outbox: []registry.OutboxMessage{message("app-2", "taken", at(0))}}))
		other.Version++
		stored := allOutbox(t, ob, registry.OutboxFilter{})
		require.Equal(t, []string{"taken"}, outboxIDs(stored))

		fresh := func(id string) []registry.OutboxMessage {
			return []registry.OutboxMessage{message(id, id+"/m1", at(time.Hour)), message(id, id+"/m2", at(time.Hour))}
		}
		misnumbered := func(id string, prev *registry.Event) []registry.Event {
			e := registry.Chain(prev, event(id, "a", "", "", at(time.Hour)), event(id, "b", "", "", at(time.Hour)))
			e[1].Seq = e[0].Seq
			return e
		}
		creates := []struct {
			name string
			w    registry.Write
			want error // nil: any error
		}{
			{"a taken application id", registry.Write{Application: newApp("app-1", "key-9", "", at(time.Hour)), Outbox: fresh("app-1")}, registry.ErrConflict},
			{"a taken idempotency key", registry.Write{Application: newApp("app-3", "key-1", "", at(time.Hour)), Outbox: fresh("app-3")}, registry.ErrDuplicateKey},
			{"a taken participant code", registry.Write{Application: newApp("app-3", "", "1000001@hcx", at(time.Hour)),
				Participant: newParticipant("1000001@hcx", at(time.Hour)), Outbox: fresh("app-3")}, registry.ErrConflict},
			{"a held claim", registry.Write{Application: claiming(newApp("app-3", "", "", at(time.Hour)), "hfr:A"), Outbox: fresh("app-3")}, registry.ErrClaimed},
			{"a held claim and a taken message id", registry.Write{Application: claiming(newApp("app-3", "", "", at(time.Hour)), "hfr:A"),
				Outbox: append(fresh("app-3"), message("app-3", "taken", at(time.Hour)))}, registry.ErrClaimed},
			{"misnumbered events", registry.Write{Application: newApp("app-3", "", "", at(time.Hour)), Events: misnumbered("app-3", nil), Outbox: fresh("app-3")}, registry.ErrConflict},
			{"a taken message id", registry.Write{Application: newApp("app-3", "", "", at(time.Hour)),
				Outbox: append(fresh("app-3"), message("app-3", "taken", at(time.Hour)))}, registry.ErrConflict},
		}
		for _, c := range creates {
			err := s.Create(ctx, c.w)
			require.ErrorIs(t, err, c.want, c.name)
			if c.w.Application.ID == "app-3" {
				requireNoApp(t, s, "app-3")
			}
		}

		updates := []struct {
			name string
			w    func() registry.Write
			want error
		}{
			{"a stale version", func() registry.Write {
				a := other.Clone()
				a.Version--
				return registry.Write{Application: a, Outbox: fresh("app-2")}
			}, registry.ErrVersionConflict},
			{"a missing application", func() registry.Write {
				return registry.Write{Application: newApp("app-9", "", "", at(0)), Outbox: fresh("app-9")}
			}, registry.ErrNotFound},
			{"a held claim", func() registry.Write {
				return registry.Write{Application: claiming(other.Clone(), "hfr:A"), Outbox: fresh("app-2")}
			}, registry.ErrClaimed},
			{"misnumbered events", func() registry.Write {
				return registry.Write{Application: other.Clone(), Events: misnumbered("app-2", nil), Outbox: fresh("app-2")}
			}, registry.ErrConflict},
			{"a taken message id", func() registry.Write {
				return registry.Write{Application: other.Clone(), Outbox: append(fresh("app-2"), message("app-2", "taken", at(time.Hour)))}
			}, registry.ErrConflict},
		}
		for _, c := range updates {
			require.ErrorIs(t, s.Update(ctx, c.w()), c.want, c.name)
		}
		got, err := s.Application(ctx, "app-2")
		require.NoError(t, err)
		requireApp(t, other, got)
		got, err = s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, held, got)

		requireOutbox(t, stored, allOutbox(t, ob, registry.OutboxFilter{}), "only the message of the successful update")
		requireDepth(t, ob, 1, 0)

		// The ids of the failed writes' messages are free.
		require.NoError(t, s.Update(ctx, registry.Write{Application: other.Clone(), Outbox: fresh("app-2")}))
		require.NoError(t, s.Create(ctx, registry.Write{Application: newApp("app-3", "", "", at(time.Hour)), Outbox: fresh("app-3")}))
		requireDepth(t, ob, 5, 0)
	})

	t.Run("invalid messages are refused and store nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		base := seed(t, s, newApp("app-1", "", "", at(0)), nil)
		ok := func() registry.OutboxMessage { return message("app-1", "ok", at(0)) }
		with := func(f func(m *registry.OutboxMessage)) []registry.OutboxMessage {
			m := message("app-1", "bad", at(0))
			f(&m)
			return []registry.OutboxMessage{ok(), m}
		}
		tooMany := make([]registry.OutboxMessage, registry.MaxOutboxMessages+1)
		for i := range tooMany {
			tooMany[i] = message("app-1", fmt.Sprintf("m-%02d", i), at(0))
		}
		cases := map[string][]registry.OutboxMessage{
			"an empty id":              with(func(m *registry.OutboxMessage) { m.ID = "" }),
			"an id too long":           with(func(m *registry.OutboxMessage) { m.ID = strings.Repeat("x", registry.MaxOutboxText+1) }),
			"an id with NUL":           with(func(m *registry.OutboxMessage) { m.ID = "a\x00b" }),
			"an id not UTF-8":          with(func(m *registry.OutboxMessage) { m.ID = "a\xffb" }),
			"one id twice":             with(func(m *registry.OutboxMessage) { m.ID = "ok" }),
			"another application":      with(func(m *registry.OutboxMessage) { m.ApplicationID = "app-2" }),
			"no application":           with(func(m *registry.OutboxMessage) { m.ApplicationID = "" }),
			"no kind":                  with(func(m *registry.OutboxMessage) { m.Kind = "" }),
			"a recipient too long":     with(func(m *registry.OutboxMessage) { m.To = strings.Repeat("x", registry.MaxOutboxText+1) }),
			"a payload too large":      with(func(m *registry.OutboxMessage) { m.Payload = make([]byte, registry.MaxOutboxPayload+1) }),
			"a message sent already":   with(func(m *registry.OutboxMessage) { m.State = registry.OutboxSent }),
			"a message with attempts":  with(func(m *registry.OutboxMessage) { m.Attempts = 1 }),
			"a message with a lease":   with(func(m *registry.OutboxMessage) { m.LeaseOwner = "x" }),
			"a message with an error":  with(func(m *registry.OutboxMessage) { m.LastError = "x" }),
			"a message with a sent_at": with(func(m *registry.OutboxMessage) { m.SentAt = at(0) }),
			"a message retried":        with(func(m *registry.OutboxMessage) { m.RetriedAt = at(0) }),
			"too many messages":        tooMany,
			"a lease end but no owner": with(func(m *registry.OutboxMessage) { m.LeaseUntil = at(time.Minute) }),
			"a lease owner with NUL": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = "a\x00b", at(time.Minute)
			}),
			"a lease owner not UTF-8": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = "a\xffb", at(time.Minute)
			}),
			"a lease owner too long": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = strings.Repeat("x", registry.MaxOutboxText+1), at(time.Minute)
			}),
			"a lease ending when the message is created": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = "writer", m.CreatedAt
			}),
			"a lease ending before the message is created": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = "writer", m.CreatedAt.Add(-time.Minute)
			}),
			"a lease longer than MaxOutboxLease": with(func(m *registry.OutboxMessage) {
				m.LeaseOwner, m.LeaseUntil = "writer", m.CreatedAt.Add(registry.MaxOutboxLease+time.Nanosecond)
			}),
			"a lease on a message created at the zero time": with(func(m *registry.OutboxMessage) {
				m.CreatedAt, m.LeaseOwner, m.LeaseUntil = time.Time{}, "writer", at(time.Minute)
			}),
		}
		for name, msgs := range cases {
			require.Error(t, s.Create(ctx, registry.Write{Application: newApp("app-2", "", "", at(0)), Outbox: msgs}), name)
			require.Error(t, s.Update(ctx, registry.Write{Application: base.Clone(), Outbox: msgs}), name)
		}
		requireNoApp(t, s, "app-2")
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, base, got)
		require.Empty(t, allOutbox(t, ob, registry.OutboxFilter{}))

		// The bounds themselves are allowed.
		full := make([]registry.OutboxMessage, registry.MaxOutboxMessages)
		for i := range full {
			full[i] = message("app-1", fmt.Sprintf("m-%02d", i), at(0))
		}
		full[0].ID = strings.Repeat("x", registry.MaxOutboxText)
		full[1].LeaseOwner, full[1].LeaseUntil = strings.Repeat("o", registry.MaxOutboxText), full[1].CreatedAt.Add(registry.MaxOutboxLease)
		full[2].LeaseOwner, full[2].LeaseUntil = "writer", full[2].CreatedAt.Add(time.Nanosecond)
		require.NoError(t, s.Update(ctx, registry.Write{Application: base.Clone(), Outbox: full}))
		requireDepth(t, ob, registry.MaxOutboxMessages, 0)
		stored := allOutbox(t, ob, registry.OutboxFilter{})
		leases := map[string]string{}
		for _, m := range stored {
			if m.LeaseOwner != "" {
				leases[m.ID] = m.LeaseOwner
			}
		}
		require.Equal(t, map[string]string{full[1].ID: full[1].LeaseOwner, full[2].ID: "writer"}, leases)
	})

	t.Run("a message written leased is its writer's until the lease ends", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		leased := func(m registry.OutboxMessage, owner string, until time.Time) registry.OutboxMessage {
			m.LeaseOwner, m.LeaseUntil = owner, until
			return m
		}
		// Create writes one message leased to the writer, one not; an
		// Update writes two more leased.
		m := leased(message("app-1", "m", at(0)), "writer", at(time.Minute))
		free := message("app-1", "free", at(0))
		p := newParticipant("1000001@hcx", at(0))
		a := newApp("app-1", "key-1", "1000001@hcx", at(0))
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p, Events: submitted("app-1", at(0)),
			Outbox: []registry.OutboxMessage{m, free}}))
		n := leased(message("app-1", "n", at(time.Second)), "writer", at(time.Second+time.Minute))
		crashed := leased(message("app-1", "crashed", at(time.Second)), "writer", at(time.Second+time.Minute))
		a.Stage = registry.StageVerifying
		require.NoError(t, s.Update(ctx, registry.Write{Application: a,
			Events: registry.Chain(lastEvent(t, s, "app-1"), event("app-1", "verify", "submitted", "verifying", at(time.Second))),
			Outbox: []registry.OutboxMessage{n, crashed}}))
		requireOutbox(t, []registry.OutboxMessage{pending(free), pending(m), pending(crashed), pending(n)},
			allOutbox(t, ob, registry.OutboxFilter{}), "stored pending, with the leases they were written with")
		requireDepth(t, ob, 4, 0)

		// No other owner can claim them while the lease lasts; the
		// unleased one is claimed as ever.
		got, err := ob.ClaimOutbox(ctx, "other", at(2*time.Second), time.Hour, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"free"}, outboxIDs(got))
		got, err = ob.ClaimOutbox(ctx, "other", at(time.Minute-time.Nanosecond), time.Hour, 10)
		require.NoError(t, err)
		require.Empty(t, got, "a written lease holds until it ends")
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "m", "other", at(3*time.Second)), registry.ErrConflict, "only the writer may complete it")
		require.ErrorIs(t, ob.FailOutbox(ctx, "n", "other", at(time.Hour), "x", false), registry.ErrConflict, "or fail it")

		// The writer completes one and fails another with no claim.
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "writer", at(3*time.Second)))
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "writer", at(4*time.Second)), "completing again is a no-op")
		require.NoError(t, ob.FailOutbox(ctx, "n", "writer", at(time.Hour), "smtp: 421 try later", false))
		sent := pending(m)
		sent.State, sent.SentAt, sent.LeaseUntil = registry.OutboxSent, at(3*time.Second), time.Time{}
		requireOutbox(t, []registry.OutboxMessage{sent}, allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxSent}))
		failed := pending(n)
		failed.Attempts, failed.LastError, failed.NextAttemptAt = 1, "smtp: 421 try later", at(time.Hour)
		failed.LeaseOwner, failed.LeaseUntil = "", time.Time{}
		var stored []registry.OutboxMessage
		for _, m := range allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxPending}) {
			if m.ID == "n" {
				stored = append(stored, m)
			}
		}
		requireOutbox(t, []registry.OutboxMessage{failed}, stored, "a failure frees the written lease and reschedules")

		// The writer crashed before sending the last: once its lease
		// ends another dispatcher claims it, and the writer has lost it.
		got, err = ob.ClaimOutbox(ctx, "other", at(time.Second+time.Minute-time.Nanosecond), time.Hour, 10)
		require.NoError(t, err)
		require.Empty(t, got)
		got, err = ob.ClaimOutbox(ctx, "other", at(time.Second+time.Minute), time.Hour, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"crashed"}, outboxIDs(got))
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "crashed", "writer", at(2*time.Minute)), registry.ErrConflict, "the writer lost it")
		require.NoError(t, ob.CompleteOutbox(ctx, "crashed", "other", at(2*time.Minute)))
		require.NoError(t, ob.CompleteOutbox(ctx, "free", "other", at(2*time.Minute)))
		requireDepth(t, ob, 1, 0)
		got, err = ob.ClaimOutbox(ctx, "other", at(time.Hour), time.Hour, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"n"}, outboxIDs(got), "the failed one falls due again")
	})

	t.Run("a claim leases due messages, earliest due first, to one owner", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		now := at(time.Hour)
		// Created in one order, due in another; two share a due time and
		// a creation time, so their ids decide.
		ms := []registry.OutboxMessage{
			message("app-1", "e", at(0)),
			message("app-1", "d", at(time.Second)),
			message("app-1", "c", at(2*time.Second)),
			message("app-1", "b", at(2*time.Second)),
			message("app-1", "a", at(3*time.Second)),
			message("app-1", "later", at(4*time.Second)),
		}
		ms[0].NextAttemptAt = now                      // due exactly now
		ms[1].NextAttemptAt = at(30 * time.Minute)     // due since half an hour
		ms[2].NextAttemptAt = at(10 * time.Minute)     // c and b: due at one time
		ms[3].NextAttemptAt = at(10 * time.Minute)     //
		ms[4].NextAttemptAt = time.Time{}              // due at once
		ms[5].NextAttemptAt = now.Add(time.Nanosecond) // not yet due
		seedWith(t, s, "app-1", ms)

		got, err := ob.ClaimOutbox(ctx, "replica-a", now, time.Minute, 3)
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b", "c"}, outboxIDs(got))
		for _, m := range got {
			require.Equal(t, "replica-a", m.LeaseOwner)
			require.True(t, now.Add(time.Minute).Equal(m.LeaseUntil), "lease until %v", m.LeaseUntil)
			require.Equal(t, registry.OutboxPending, m.State)
			require.Zero(t, m.Attempts)
		}
		want := pending(ms[4])
		want.LeaseOwner, want.LeaseUntil = "replica-a", now.Add(time.Minute)
		requireOutbox(t, []registry.OutboxMessage{want}, got[:1], "a claimed message comes back whole")

		got, err = ob.ClaimOutbox(ctx, "replica-b", now, time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"d", "e"}, outboxIDs(got), "another owner gets the rest that is due, not the leased")
		got, err = ob.ClaimOutbox(ctx, "replica-c", now.Add(30*time.Second), time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"later"}, outboxIDs(got), "what falls due is claimed when due")
		got, err = ob.ClaimOutbox(ctx, "replica-c", now.Add(30*time.Second), time.Minute, 10)
		require.NoError(t, err)
		require.Empty(t, got, "nothing left: an empty result, not an error")
		require.Nil(t, got, "none is answered alike by every store: nil, as an empty listing is")
		requireDepth(t, ob, 6, 0)

		// The listing shows the leases.
		leased := allOutbox(t, ob, registry.OutboxFilter{})
		owners := map[string]string{}
		for _, m := range leased {
			owners[m.ID] = m.LeaseOwner
		}
		require.Equal(t, map[string]string{"a": "replica-a", "b": "replica-a", "c": "replica-a", "d": "replica-b", "e": "replica-b", "later": "replica-c"}, owners)
	})

	t.Run("an expired lease lets another owner take the message", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		seedWith(t, s, "app-1", []registry.OutboxMessage{message("app-1", "m", at(0)), message("app-1", "n", at(0))})
		got, err := ob.ClaimOutbox(ctx, "a", at(0), time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"m", "n"}, outboxIDs(got))
		got, err = ob.ClaimOutbox(ctx, "b", at(time.Minute-time.Nanosecond), time.Minute, 10)
		require.NoError(t, err)
		require.Empty(t, got, "a lease holds until it ends")

		got, err = ob.ClaimOutbox(ctx, "b", at(time.Minute), time.Minute, 1)
		require.NoError(t, err)
		require.Equal(t, []string{"m"}, outboxIDs(got), "a lease that ended is free")
		require.Equal(t, "b", got[0].LeaseOwner)
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "m", "a", at(time.Minute)), registry.ErrConflict, "the old owner lost it")
		require.ErrorIs(t, ob.FailOutbox(ctx, "m", "a", at(time.Hour), "timeout", false), registry.ErrConflict)
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "b", at(time.Minute)))

		// n's lease expired too, but nobody took it: its owner may still
		// complete it (it sent it), sparing a duplicate.
		require.NoError(t, ob.CompleteOutbox(ctx, "n", "a", at(2*time.Minute)))
		sent := allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxSent})
		require.Equal(t, []string{"m", "n"}, outboxIDs(sent))
		require.Equal(t, "b", sent[0].LeaseOwner, "a sent message keeps who sent it")
		require.Equal(t, "a", sent[1].LeaseOwner)
		requireDepth(t, ob, 0, 0)
	})

	t.Run("complete marks a message sent, only for its lease holder", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		m := message("app-1", "m", at(0))
		seedWith(t, s, "app-1", []registry.OutboxMessage{m, message("app-1", "unclaimed", at(time.Hour))})
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "unclaimed", "a", at(0)), registry.ErrConflict, "never leased")
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "nope", "a", at(0)), registry.ErrNotFound)
		_, err := ob.ClaimOutbox(ctx, "a", at(0), time.Minute, 1)
		require.NoError(t, err)
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "m", "b", at(time.Second)), registry.ErrConflict, "another owner")
		require.Error(t, ob.CompleteOutbox(ctx, "m", "", at(time.Second)), "no owner")
		require.Error(t, ob.CompleteOutbox(ctx, "m", "a", time.Time{}), "no time")
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "a", at(time.Second)))
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "a", at(2*time.Second)), "completing again is a no-op")
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "m", "b", at(time.Second)), registry.ErrConflict)
		require.ErrorIs(t, ob.FailOutbox(ctx, "m", "a", at(time.Hour), "x", false), registry.ErrConflict, "a sent message cannot fail")
		require.ErrorIs(t, ob.RetryOutbox(ctx, "m", at(time.Hour)), registry.ErrConflict, "nor be retried")

		want := pending(m)
		want.State, want.SentAt, want.LeaseOwner = registry.OutboxSent, at(time.Second), "a"
		requireOutbox(t, []registry.OutboxMessage{want}, allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxSent}))
		got, err := ob.ClaimOutbox(ctx, "c", at(2*time.Hour), time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"unclaimed"}, outboxIDs(got), "a sent message is never claimed again")
		requireDepth(t, ob, 1, 0)
	})

	t.Run("fail counts attempts, frees the lease and reschedules; dead waits for a retry", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		m := message("app-1", "m", at(0))
		seedWith(t, s, "app-1", []registry.OutboxMessage{m})
		require.ErrorIs(t, ob.FailOutbox(ctx, "m", "a", at(time.Minute), "x", false), registry.ErrConflict, "never leased")
		require.ErrorIs(t, ob.FailOutbox(ctx, "nope", "a", at(time.Minute), "x", false), registry.ErrNotFound)

		claim := func(owner string, now time.Time) []string {
			t.Helper()
			got, err := ob.ClaimOutbox(ctx, owner, now, time.Hour, 10)
			require.NoError(t, err)
			return outboxIDs(got)
		}
		require.Equal(t, []string{"m"}, claim("a", at(0)))
		require.ErrorIs(t, ob.FailOutbox(ctx, "m", "b", at(time.Minute), "x", false), registry.ErrConflict, "another owner")
		require.NoError(t, ob.FailOutbox(ctx, "m", "a", at(time.Minute), "smtp: 421 try later", false))
		require.ErrorIs(t, ob.FailOutbox(ctx, "m", "a", at(time.Minute), "again", false), registry.ErrConflict, "the lease went with the failure")
		want := pending(m)
		want.Attempts, want.LastError, want.NextAttemptAt = 1, "smtp: 421 try later", at(time.Minute)
		requireOutbox(t, []registry.OutboxMessage{want}, allOutbox(t, ob, registry.OutboxFilter{}))

		require.Empty(t, claim("b", at(time.Minute-time.Nanosecond)), "not due before next, though its lease was an hour")
		require.Equal(t, []string{"m"}, claim("b", at(time.Minute)))
		long := strings.Repeat("é", registry.MaxOutboxError) + "\xff\x00"
		require.NoError(t, ob.FailOutbox(ctx, "m", "b", at(time.Hour), long, true))
		got := allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxDead})
		require.Len(t, got, 1)
		require.Equal(t, 2, got[0].Attempts)
		require.Equal(t, registry.OutboxErrorText(long), got[0].LastError)
		require.LessOrEqual(t, len(got[0].LastError), registry.MaxOutboxError)
		require.Equal(t, strings.Repeat("é", registry.MaxOutboxError/2), got[0].LastError, "cut on a rune boundary")
		require.Empty(t, got[0].LeaseOwner)
		require.Zero(t, got[0].LeaseUntil)
		requireDepth(t, ob, 0, 1)
		require.Empty(t, claim("c", at(1000*time.Hour)), "a dead message is never claimed")

		require.ErrorIs(t, ob.RetryOutbox(ctx, "nope", at(time.Hour)), registry.ErrNotFound)
		require.Error(t, ob.RetryOutbox(ctx, "m", time.Time{}))
		require.NoError(t, ob.RetryOutbox(ctx, "m", at(2*time.Hour)))
		require.ErrorIs(t, ob.RetryOutbox(ctx, "m", at(2*time.Hour)), registry.ErrConflict, "a pending message is not dead")
		requireDepth(t, ob, 1, 0)
		got = allOutbox(t, ob, registry.OutboxFilter{})
		require.Len(t, got, 1)
		require.Equal(t, registry.OutboxPending, got[0].State)
		require.Equal(t, 2, got[0].Attempts, "attempts are kept")
		require.Equal(t, registry.OutboxErrorText(long), got[0].LastError, "so is the last error")
		require.True(t, at(2*time.Hour).Equal(got[0].NextAttemptAt))
		require.True(t, at(2*time.Hour).Equal(got[0].RetriedAt), "the retry is recorded")
		require.Empty(t, claim("c", at(2*time.Hour-time.Nanosecond)))
		require.Equal(t, []string{"m"}, claim("c", at(2*time.Hour)))
		require.NoError(t, ob.FailOutbox(ctx, "m", "c", at(3*time.Hour), "x", true))
		require.NoError(t, ob.RetryOutbox(ctx, "m", at(4*time.Hour)))
		got = allOutbox(t, ob, registry.OutboxFilter{})
		require.Len(t, got, 1)
		require.True(t, at(4*time.Hour).Equal(got[0].RetriedAt), "the latest retry is recorded")
		claimed, err := ob.ClaimOutbox(ctx, "c", at(4*time.Hour), time.Hour, 10)
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		require.True(t, at(4*time.Hour).Equal(claimed[0].RetriedAt), "a claim returns the retry time, which the dispatcher counts from")
		require.NoError(t, ob.CompleteOutbox(ctx, "m", "c", at(4*time.Hour)))
		requireDepth(t, ob, 0, 0)
		got = allOutbox(t, ob, registry.OutboxFilter{})
		require.True(t, at(4*time.Hour).Equal(got[0].RetriedAt), "a sent message keeps its retry time")
	})

	t.Run("a message is read by its id in every state", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		r := capability[registry.OutboxReader](t, s)
		ob := capability[registry.OutboxStore](t, s)
		m, n := message("app-1", "app-1/1/0", at(0)), message("app-1", "app-1/1/1", at(0))
		n.Payload = nil
		seedWith(t, s, "app-1", []registry.OutboxMessage{m, n})
		read := func(id string) registry.OutboxMessage {
			t.Helper()
			got, err := r.OutboxMessage(ctx, id)
			require.NoError(t, err)
			return *got
		}
		requireOutbox(t, []registry.OutboxMessage{pending(m), pending(n)}, []registry.OutboxMessage{read(m.ID), read(n.ID)})

		claimed, err := ob.ClaimOutbox(ctx, "a", at(0), time.Hour, 10)
		require.NoError(t, err)
		require.Len(t, claimed, 2)
		requireOutbox(t, claimed, []registry.OutboxMessage{read(claimed[0].ID), read(claimed[1].ID)}, "leased")
		require.NoError(t, ob.FailOutbox(ctx, m.ID, "a", at(time.Minute), "smtp: 554 no such mailbox", true))
		require.NoError(t, ob.CompleteOutbox(ctx, n.ID, "a", at(time.Second)))
		got := read(m.ID)
		require.Equal(t, registry.OutboxDead, got.State)
		require.Equal(t, 1, got.Attempts)
		require.Equal(t, "smtp: 554 no such mailbox", got.LastError)
		require.Equal(t, registry.OutboxSent, read(n.ID).State)
		require.True(t, at(time.Second).Equal(read(n.ID).SentAt))

		// The message read is the caller's own copy.
		got.Payload[0] = 'X'
		require.Equal(t, m.Payload, read(m.ID).Payload)

		for _, id := range []string{"nope", "", "app-1/1", "bad\x00id", "\xff"} {
			_, err := r.OutboxMessage(ctx, id)
			require.ErrorIs(t, err, registry.ErrNotFound, "%q", id)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = r.OutboxMessage(cancelled, m.ID)
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("claim arguments are checked", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		seedWith(t, s, "app-1", []registry.OutboxMessage{message("app-1", "m", at(0))})
		for name, call := range map[string]func() error{
			"no owner":        func() error { _, err := ob.ClaimOutbox(ctx, "", at(0), time.Minute, 1); return err },
			"an owner of NUL": func() error { _, err := ob.ClaimOutbox(ctx, "\x00", at(0), time.Minute, 1); return err },
			"the zero time":   func() error { _, err := ob.ClaimOutbox(ctx, "a", time.Time{}, time.Minute, 1); return err },
			"a lease of 0":    func() error { _, err := ob.ClaimOutbox(ctx, "a", at(0), 0, 1); return err },
			"a lease in ns":   func() error { _, err := ob.ClaimOutbox(ctx, "a", at(0), 30, 1); return err },
			"a lease too long": func() error {
				_, err := ob.ClaimOutbox(ctx, "a", at(0), registry.MaxOutboxLease+1, 1)
				return err
			},
			"a limit of 0": func() error { _, err := ob.ClaimOutbox(ctx, "a", at(0), time.Minute, 0); return err },
			"a limit over the cap": func() error {
				_, err := ob.ClaimOutbox(ctx, "a", at(0), time.Minute, registry.MaxOutboxClaim+1)
				return err
			},
		} {
			require.Error(t, call(), name)
		}
		got := allOutbox(t, ob, registry.OutboxFilter{})
		require.Empty(t, got[0].LeaseOwner, "a refused claim leases nothing")
	})

	t.Run("listing pages by keyset and filters by state and application", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		var all []registry.OutboxMessage
		for app := 1; app <= 2; app++ {
			appID := fmt.Sprintf("app-%d", app)
			var ms []registry.OutboxMessage
			for i := range 12 {
				// Three messages share each creation time.
				ms = append(ms, message(appID, fmt.Sprintf("%s/%02d", appID, i), at(time.Duration(i/3)*time.Second)))
			}
			seedWith(t, s, appID, ms)
			all = append(all, ms...)
		}
		want := slices.Clone(all)
		registry.SortOutbox(want)
		for _, limit := range []int{1, 5, 7, 24, 100} {
			got := allOutbox(t, ob, registry.OutboxFilter{Limit: limit})
			require.Equal(t, outboxIDs(want), outboxIDs(got), "limit %d", limit)
		}
		page, err := ob.ListOutbox(ctx, registry.OutboxFilter{Limit: 5})
		require.NoError(t, err)
		require.Len(t, page, 5)

		// Messages written after a page was read appear on later pages
		// when they sort after the cursor.
		a2, err := s.Application(ctx, "app-2")
		require.NoError(t, err)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a2, Outbox: []registry.OutboxMessage{
			message("app-2", "late", at(time.Hour)), message("app-2", "early", at(-time.Hour))}}))
		rest := allOutbox(t, ob, registry.OutboxFilter{Limit: 5, After: page[len(page)-1].ID})
		require.Equal(t, append(outboxIDs(want[5:]), "late"), outboxIDs(rest))

		var app1 []string
		for _, m := range want {
			if m.ApplicationID == "app-1" {
				app1 = append(app1, m.ID)
			}
		}
		require.Equal(t, app1, outboxIDs(allOutbox(t, ob, registry.OutboxFilter{ApplicationID: "app-1", Limit: 4})))

		// Fail a few dead: the dead-letter list.
		claimed, err := ob.ClaimOutbox(ctx, "a", at(time.Hour), time.Minute, 3)
		require.NoError(t, err)
		for _, m := range claimed {
			require.NoError(t, ob.FailOutbox(ctx, m.ID, "a", at(time.Hour), "gave up", true))
		}
		dead := allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxDead, Limit: 2})
		require.Equal(t, outboxIDs(claimed), outboxIDs(dead), "dead letters, oldest first")
		requireDepth(t, ob, 26-3, 3)

		for name, f := range map[string]registry.OutboxFilter{
			"an unknown cursor":     {After: "nope"},
			"an unknown state":      {State: "lost"},
			"a negative limit":      {Limit: -1},
			"a limit over MaxLimit": {Limit: registry.MaxLimit + 1},
			"a cursor too long":     {After: strings.Repeat("x", registry.MaxOutboxText+1)},
			"a cursor with NUL":     {After: "\x00"},
		} {
			_, err := ob.ListOutbox(ctx, f)
			require.ErrorIs(t, err, registry.ErrInvalidQuery, name)
		}
		// A cursor at the end is an empty page, not an error.
		got, err := ob.ListOutbox(ctx, registry.OutboxFilter{After: "late"})
		require.NoError(t, err)
		require.Empty(t, got)
	})

	t.Run("a cancelled context fails every outbox call and changes nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		seedWith(t, s, "app-1", []registry.OutboxMessage{message("app-1", "m", at(0)), message("app-1", "n", at(0))})
		_, err := ob.ClaimOutbox(ctx, "a", at(0), time.Minute, 1)
		require.NoError(t, err)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		before := allOutbox(t, ob, registry.OutboxFilter{})
		for name, call := range map[string]func() error{
			"ClaimOutbox":    func() error { _, err := ob.ClaimOutbox(cancelled, "b", at(time.Hour), time.Minute, 10); return err },
			"CompleteOutbox": func() error { return ob.CompleteOutbox(cancelled, "m", "a", at(0)) },
			"FailOutbox":     func() error { return ob.FailOutbox(cancelled, "m", "a", at(0), "x", true) },
			"RetryOutbox":    func() error { return ob.RetryOutbox(cancelled, "m", at(0)) },
			"ListOutbox":     func() error { _, err := ob.ListOutbox(cancelled, registry.OutboxFilter{}); return err },
			"OutboxDepth":    func() error { _, err := ob.OutboxDepth(cancelled); return err },
			"Create": func() error {
				return s.Create(cancelled, registry.Write{Application: newApp("app-2", "", "", at(0)),
					Outbox: []registry.OutboxMessage{message("app-2", "o", at(0))}})
			},
		} {
			require.ErrorIs(t, call(), context.Canceled, name)
		}
		requireOutbox(t, before, allOutbox(t, ob, registry.OutboxFilter{}))
	})
}

// seedWith creates application appID with the messages ms.
func seedWith(t *testing.T, s registry.Store, appID string, ms []registry.OutboxMessage) {
	t.Helper()
	require.NoError(t, s.Create(context.Background(), registry.Write{Application: newApp(appID, "", "", at(0)),
		Events: submitted(appID, at(0)), Outbox: ms}))
}

func testOutboxRaces(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("16 claimers never lease one message to two owners", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		const apps, perApp, claimers = 20, registry.MaxOutboxMessages, 16
		for a := range apps {
			appID := fmt.Sprintf("app-%02d", a)
			ms := make([]registry.OutboxMessage, perApp)
			for i := range ms {
				ms[i] = message(appID, fmt.Sprintf("%s/%02d", appID, i), at(time.Duration(a*perApp+i)*time.Millisecond))
			}
			seedWith(t, s, appID, ms)
		}
		now := at(time.Hour)
		var mu sync.Mutex
		leasedTo := map[string][]string{}
		errs := race(claimers, func(c int) error {
			owner := fmt.Sprintf("claimer-%02d", c)
			for {
				// A lease far longer than the test: every lease taken
				// is still held, so any second lease is a double one.
				got, err := ob.ClaimOutbox(ctx, owner, now, time.Hour, 1+c%5)
				if err != nil {
					return err
				}
				if len(got) == 0 {
					return nil
				}
				mu.Lock()
				for _, m := range got {
					leasedTo[m.ID] = append(leasedTo[m.ID], owner)
				}
				mu.Unlock()
			}
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, leasedTo, apps*perApp, "every message was leased")
		for id, owners := range leasedTo {
			require.Len(t, owners, 1, "message %s leased to %v", id, owners)
		}
		stored := allOutbox(t, ob, registry.OutboxFilter{Limit: registry.MaxLimit})
		for _, m := range stored {
			require.Equal(t, leasedTo[m.ID][0], m.LeaseOwner, "message %s", m.ID)
		}
	})

	t.Run("16 dispatchers send every message exactly once", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		const apps, perApp, dispatchers = 16, 8, 16
		for a := range apps {
			appID := fmt.Sprintf("app-%02d", a)
			ms := make([]registry.OutboxMessage, perApp)
			for i := range ms {
				ms[i] = message(appID, fmt.Sprintf("%s/%02d", appID, i), at(time.Duration(i)*time.Millisecond))
			}
			seedWith(t, s, appID, ms)
		}
		var mu sync.Mutex
		sent := map[string]int{}
		errs := race(dispatchers, func(d int) error {
			owner := fmt.Sprintf("dispatcher-%02d", d)
			for round := 0; ; round++ {
				got, err := ob.ClaimOutbox(ctx, owner, at(time.Hour), time.Hour, 3)
				if err != nil {
					return err
				}
				if len(got) == 0 {
					return nil
				}
				for i, m := range got {
					if (d+round+i)%4 == 0 && m.Attempts == 0 {
						// A transient failure: due again at once.
						if err := ob.FailOutbox(ctx, m.ID, owner, at(0), "transient", false); err != nil {
							return fmt.Errorf("%s fails %s: %w", owner, m.ID, err)
						}
						continue
					}
					mu.Lock()
					sent[m.ID]++
					mu.Unlock()
					if err := ob.CompleteOutbox(ctx, m.ID, owner, at(time.Hour)); err != nil {
						return fmt.Errorf("%s completes %s: %w", owner, m.ID, err)
					}
				}
			}
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, sent, apps*perApp)
		for id, n := range sent {
			require.Equal(t, 1, n, "message %s sent %d times", id, n)
		}
		requireDepth(t, ob, 0, 0)
		require.Len(t, allOutbox(t, ob, registry.OutboxFilter{State: registry.OutboxSent, Limit: registry.MaxLimit}), apps*perApp)
	})

	t.Run("of racing writes carrying one message id exactly one stores it", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		const n = 16
		for i := range n {
			seed(t, s, newApp(fmt.Sprintf("app-%02d", i), "", "", at(0)), nil)
		}
		errs := race(n, func(i int) error {
			id := fmt.Sprintf("app-%02d", i)
			a, err := s.Application(ctx, id)
			if err != nil {
				return err
			}
			a.Stage = registry.StageVerifying
			return s.Update(ctx, registry.Write{Application: a, Outbox: []registry.OutboxMessage{
				message(id, id+"/own", at(0)), message(id, "broadcast/1000001@hcx", at(0))}})
		})
		ok, conflicts, others := tally(errs, registry.ErrConflict)
		require.Empty(t, others)
		require.Equal(t, 1, ok)
		require.Equal(t, n-1, conflicts)
		var winner string
		for i, err := range errs {
			if err == nil {
				winner = fmt.Sprintf("app-%02d", i)
			}
		}
		got := allOutbox(t, ob, registry.OutboxFilter{})
		require.ElementsMatch(t, []string{winner + "/own", "broadcast/1000001@hcx"}, outboxIDs(got), "only the winner's messages")
		for i := range n {
			a, err := s.Application(ctx, fmt.Sprintf("app-%02d", i))
			require.NoError(t, err)
			if a.ID == winner {
				require.Equal(t, registry.StageVerifying, a.Stage)
			} else {
				require.Equal(t, registry.StageSubmitted, a.Stage, "a loser's update is not stored")
			}
		}
	})
}
