package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

func testCreate(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("stores version 1 with its participant and events", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := newApp("app-1", "client-app-1", "1000001@hcx", at(0))
		p := newParticipant("1000001@hcx", at(0))
		events := submitted("app-1", at(0))
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p, Events: events}))
		require.EqualValues(t, 1, a.Version, "Create sets the caller's version")

		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, a, got)
		byKey, err := s.ApplicationByKey(ctx, "client-app-1")
		require.NoError(t, err)
		requireApp(t, a, byKey)
		gotP, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireParticipant(t, p, gotP)
		gotEvents, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		requireEvents(t, events, gotEvents)
	})

	t.Run("stores an application without participant, key or events", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := &registry.Application{ID: "bare", Stage: registry.StageSubmitted, CreatedAt: at(0), UpdatedAt: at(0)}
		require.NoError(t, s.Create(ctx, registry.Write{Application: a}))
		got, err := s.Application(ctx, "bare")
		require.NoError(t, err)
		requireApp(t, a, got)
		require.Empty(t, got.Waiting)
		require.Empty(t, got.State)
		events, err := s.Events(ctx, "bare")
		require.NoError(t, err)
		require.Empty(t, events)
		_, err = s.ApplicationByKey(ctx, "")
		require.ErrorIs(t, err, registry.ErrNotFound, "an empty key is no key")
	})

	t.Run("keeps state bytes and waiting lists exactly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := newApp("app-1", "", "", at(0))
		a.State = json.RawMessage(`{ "b" : [1, 2.50, "ü"],  "a":null }`)
		a.Waiting = []string{"review", "otp", "approval"}
		seed(t, s, a, nil)
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Equal(t, string(a.State), string(got.State), "state is kept as given, not re-encoded")
		require.Equal(t, a.Waiting, got.Waiting, "waiting keeps its order")
	})

	t.Run("keeps zero times, which sort first", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		a := newApp("app-0", "", "1000000@hcx", time.Time{})
		p := newParticipant("1000000@hcx", time.Time{})
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p}))

		got, err := s.Application(ctx, "app-0")
		require.NoError(t, err)
		require.True(t, got.CreatedAt.IsZero() && got.UpdatedAt.IsZero(), "times %v and %v", got.CreatedAt, got.UpdatedAt)
		gotP, err := s.Participant(ctx, "1000000@hcx")
		require.NoError(t, err)
		require.True(t, gotP.CreatedAt.IsZero() && gotP.UpdatedAt.IsZero(), "times %v and %v", gotP.CreatedAt, gotP.UpdatedAt)

		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{"app-0", "app-1"}, ids(list))
		hits, err := s.SearchParticipants(ctx, registry.Query{})
		require.NoError(t, err)
		require.Equal(t, []string{"1000000@hcx", "1000001@hcx"}, codes(hits))
		for _, tt := range []struct {
			c    registry.Condition
			want []string
		}{
			{registry.Condition{Gt: registry.At(time.Time{})}, []string{"1000001@hcx"}},
			{registry.Condition{Lt: registry.At(at(0))}, []string{"1000000@hcx"}},
			{registry.Condition{Lt: registry.At(time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))}, []string{"1000000@hcx"}},
			{registry.Condition{Gt: registry.At(time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))}, []string{"1000001@hcx"}},
			{registry.Condition{Gt: registry.At(time.Time{}.Add(-time.Hour))}, []string{"1000000@hcx", "1000001@hcx"}},
		} {
			hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldCreatedAt: tt.c}})
			require.NoError(t, err)
			require.Equal(t, tt.want, codes(hits), "gt %v lt %v", tt.c.Gt, tt.c.Lt)
		}
	})

	t.Run("keeps its own copy of what it is given", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := newApp("app-1", "k1", "1000001@hcx", at(0))
		p := newParticipant("1000001@hcx", at(0))
		want, wantP := a.Clone(), p.Clone()
		want.Version = 1
		seed(t, s, a, p)
		a.Stage, a.Waiting[0], a.State[0] = registry.StageLive, "mutated", 'X'
		p.ParticipantName, p.Roles[0] = "mutated", hcxonboard.RolePayer

		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, want, got)
		got.Waiting[0] = "mutated again"
		again, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, want, again)
		gotP, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireParticipant(t, wantP, gotP)
	})

	t.Run("rejects an invalid write and stores nothing", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			write func() registry.Write
		}{
			{"no application", func() registry.Write { return registry.Write{} }},
			{"application without id", func() registry.Write {
				return registry.Write{Application: newApp("", "k", "", at(0))}
			}},
			{"application id with a NUL", func() registry.Write {
				return registry.Write{Application: newApp("app\x00-1", "k", "", at(0))}
			}},
			{"key not UTF-8", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "k\xff", "", at(0))}
			}},
			{"participant code with a NUL", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "k", "10\x0001@hcx", at(0))}
			}},
			{"application without stage", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.Stage = ""
				return registry.Write{Application: a}
			}},
			{"participant without code", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "k", "", at(0)), Participant: newParticipant("", at(0))}
			}},
			{"participant of another code", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "k", "1000001@hcx", at(0)), Participant: newParticipant("1000002@hcx", at(0))}
			}},
			{"event of another application", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "k", "", at(0)), Events: submitted("app-2", at(0))}
			}},
			{"version other than 0", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.Version = 3
				return registry.Write{Application: a}
			}},
			// The SQL stores keep awaited participant codes beside the
			// open task kinds, as "@<code>".
			{"open task kind beginning with @", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.Waiting = []string{"review", "@payer-1@hcx"}
				return registry.Write{Application: a}
			}},
			{"empty awaited participant code", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.WaitingOn = []string{""}
				return registry.Write{Application: a}
			}},
			{"awaited participant code not UTF-8", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.WaitingOn = []string{"payer\xff@hcx"}
				return registry.Write{Application: a}
			}},
			{"awaited participant code too long", func() registry.Write {
				a := newApp("app-1", "k", "", at(0))
				a.WaitingOn = []string{strings.Repeat("p", registry.MaxKeyLength+1)}
				return registry.Write{Application: a}
			}},
			// A new participant record holds only text every store keeps
			// and searches as given.
			{"participant name with a NUL", func() registry.Write {
				p := newParticipant("1000001@hcx", at(0))
				p.ParticipantName = "abc\x00xyz hospital"
				return registry.Write{Application: newApp("app-1", "k", "1000001@hcx", at(0)), Participant: p}
			}},
			{"participant name not UTF-8", func() registry.Write {
				p := newParticipant("1000001@hcx", at(0))
				p.ParticipantName = "bad \xff hospital"
				return registry.Write{Application: newApp("app-1", "k", "1000001@hcx", at(0)), Participant: p}
			}},
			{"participant linked code with a NUL", func() registry.Write {
				p := newParticipant("1000001@hcx", at(0))
				p.LinkedRegistryCodes = []string{"hfr:IN\x001"}
				return registry.Write{Application: newApp("app-1", "k", "1000001@hcx", at(0)), Participant: p}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				require.Error(t, s.Create(ctx, tt.write()))
				requireNoApp(t, s, "app-1")
				requireNoApp(t, s, "app-2")
				_, err := s.ApplicationByKey(ctx, "k")
				require.ErrorIs(t, err, registry.ErrNotFound)
				requireNoParticipant(t, s, "1000001@hcx")
				requireNoParticipant(t, s, "1000002@hcx")
			})
		}
	})

	t.Run("a taken idempotency key is ErrDuplicateKey and the first application stays", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		first := seed(t, s, newApp("app-1", "client-key", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		retry := newApp("app-2", "client-key", "1000002@hcx", at(time.Minute))
		err := s.Create(ctx, registry.Write{Application: retry, Participant: newParticipant("1000002@hcx", at(time.Minute)), Events: submitted("app-2", at(time.Minute))})
		require.ErrorIs(t, err, registry.ErrDuplicateKey)
		require.EqualValues(t, 0, retry.Version, "a failed Create leaves the version alone")
		got, err := s.ApplicationByKey(ctx, "client-key")
		require.NoError(t, err)
		requireApp(t, first, got)
		requireNoApp(t, s, "app-2")
		requireNoParticipant(t, s, "1000002@hcx")
	})

	t.Run("applications without a key never collide", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "", "", at(0)), nil)
		seed(t, s, newApp("app-2", "", "", at(0)), nil)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{"app-1", "app-2"}, ids(list))
	})

	t.Run("conflicts", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			write func() registry.Write
			want  error
		}{
			{"taken application id", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "other-key", "", at(0))}
			}, registry.ErrConflict},
			{"taken application id and key: the id decides", func() registry.Write {
				return registry.Write{Application: newApp("app-1", "key-1", "", at(0))}
			}, registry.ErrConflict},
			{"taken key and participant code: the key decides", func() registry.Write {
				return registry.Write{Application: newApp("app-2", "key-1", "1000001@hcx", at(0)), Participant: newParticipant("1000001@hcx", at(0))}
			}, registry.ErrDuplicateKey},
			{"taken participant code", func() registry.Write {
				return registry.Write{Application: newApp("app-2", "key-2", "1000001@hcx", at(0)), Participant: newParticipant("1000001@hcx", at(0))}
			}, registry.ErrConflict},
			{"taken participant code, without a participant record", func() registry.Write {
				return registry.Write{Application: newApp("app-2", "key-2", "1000001@hcx", at(0))}
			}, registry.ErrConflict},
			{"first event numbered 2", func() registry.Write {
				e := submitted("app-2", at(0))
				e[0].Seq = 2
				return registry.Write{Application: newApp("app-2", "key-2", "", at(0)), Events: e}
			}, registry.ErrConflict},
			{"two events numbered 1", func() registry.Write {
				e := append(submitted("app-2", at(0)), submitted("app-2", at(time.Second))...)
				return registry.Write{Application: newApp("app-2", "key-2", "", at(0)), Events: e}
			}, registry.ErrConflict},
			{"events numbered 1 and 3", func() registry.Write {
				e := registry.Chain(nil, event("app-2", "submit", "", "submitted", at(0)), event("app-2", "note", "", "", at(time.Second)))
				e[1].Seq = 3
				return registry.Write{Application: newApp("app-2", "key-2", "", at(0)), Events: e}
			}, registry.ErrConflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				first := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
				w := tt.write()
				require.ErrorIs(t, s.Create(ctx, w), tt.want)
				got, err := s.Application(ctx, "app-1")
				require.NoError(t, err)
				requireApp(t, first, got)
				requireNoApp(t, s, "app-2")
				_, err = s.ApplicationByKey(ctx, "key-2")
				require.ErrorIs(t, err, registry.ErrNotFound)
				events, err := s.Events(ctx, "app-1")
				require.NoError(t, err)
				require.Len(t, events, 1)
			})
		}
	})
}

func testRead(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	tests := []struct {
		name string
		read func(registry.Store) error
	}{
		{"Participant", func(s registry.Store) error { _, err := s.Participant(ctx, "9999999@hcx"); return err }},
		{"Application", func(s registry.Store) error { _, err := s.Application(ctx, "missing"); return err }},
		{"ApplicationByKey", func(s registry.Store) error { _, err := s.ApplicationByKey(ctx, "missing"); return err }},
		{"ApplicationByKey with the empty key", func(s registry.Store) error { _, err := s.ApplicationByKey(ctx, ""); return err }},
		{"Events", func(s registry.Store) error { _, err := s.Events(ctx, "missing"); return err }},
		// Text no store keeps is no record either: not a driver's error.
		{"Participant with a NUL", func(s registry.Store) error { _, err := s.Participant(ctx, "a\x00b"); return err }},
		{"Participant not UTF-8", func(s registry.Store) error { _, err := s.Participant(ctx, "a\xffb"); return err }},
		{"Application with a NUL", func(s registry.Store) error { _, err := s.Application(ctx, "a\x00b"); return err }},
		{"Application not UTF-8", func(s registry.Store) error { _, err := s.Application(ctx, "a\xffb"); return err }},
		{"ApplicationByKey with a NUL", func(s registry.Store) error { _, err := s.ApplicationByKey(ctx, "a\x00b"); return err }},
		{"ApplicationByKey not UTF-8", func(s registry.Store) error { _, err := s.ApplicationByKey(ctx, "a\xffb"); return err }},
		{"Events with a NUL", func(s registry.Store) error { _, err := s.Events(ctx, "a\x00b"); return err }},
		{"Update", func(s registry.Store) error {
			a := newApp("missing", "", "", at(0))
			a.Version = 1
			return s.Update(ctx, registry.Write{Application: a})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" of an unknown record is ErrNotFound", func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			seed(t, s, newApp("app-1", "", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
			require.ErrorIs(t, tt.read(s), registry.ErrNotFound)
		})
	}
	t.Run("listing by text no store keeps finds nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		for _, f := range []registry.ApplicationFilter{
			{ParticipantCode: "a\x00b"}, {ParticipantCode: "a\xffb"}, {Waiting: "re\x00view"}, {Stage: "sub\xffmitted"},
		} {
			list, err := s.ListApplications(ctx, f)
			require.NoError(t, err, "%+v", f)
			require.Empty(t, list, "%+v", f)
		}
	})
	t.Run("the known records are found", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		_, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		_, err = s.Application(ctx, "app-1")
		require.NoError(t, err)
		_, err = s.ApplicationByKey(ctx, "key-1")
		require.NoError(t, err)
		_, err = s.Events(ctx, "app-1")
		require.NoError(t, err)
	})
}

func testUpdate(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("replaces the application and increments its version", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		a.Stage = registry.StageVerifying
		a.Waiting = []string{"otp", "approval"}
		a.State = json.RawMessage(`{"step":2}`)
		a.UpdatedAt = at(time.Hour + time.Nanosecond)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		require.EqualValues(t, 2, a.Version, "Update sets the caller's version")
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, a, got)

		a.Waiting = nil
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		got, err = s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.EqualValues(t, 3, got.Version)
		require.Empty(t, got.Waiting, "an emptied waiting list stays empty")
	})

	t.Run("replaces the participant record", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := newParticipant("1000001@hcx", at(0))
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
		p = p.Clone()
		p.ParticipantName = "Renamed Hospital"
		p.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		p.LinkedRegistryCodes = nil
		p.Status = hcxonboard.StatusActive
		p.PrimaryEmail = "new@renamed.example"
		p.Address = nil
		p.UpdatedAt = at(time.Hour)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
		got, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireParticipant(t, p, got)

		for _, q := range []registry.Query{
			{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleProvider))}},
			{Filters: map[string]registry.Condition{registry.FieldLinkedCodes: registry.Eq("HFR-1000001@hcx")}},
			{Filters: map[string]registry.Condition{registry.FieldEmail: registry.Eq("admin@1000001@hcx.example")}},
		} {
			hits, err := s.SearchParticipants(ctx, q)
			require.NoError(t, err)
			require.Empty(t, hits, "search still finds the replaced values of %v", q.Filters)
		}
		hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{
			registry.FieldRoles:  registry.Eq(string(hcxonboard.RolePayer)),
			registry.FieldStatus: registry.Eq(string(hcxonboard.StatusActive)),
		}})
		require.NoError(t, err)
		require.Equal(t, []string{"1000001@hcx"}, codes(hits))
	})

	t.Run("keeps the roles and linked codes searchable through updates", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := newParticipant("1000001@hcx", at(0))
		p.LinkedRegistryCodes = []string{"HFR-1", "ROHINI-1"}
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
		find := func(field, value string) []string {
			t.Helper()
			hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{field: registry.Eq(value)}})
			require.NoError(t, err)
			return codes(hits)
		}
		update := func(change func(p *hcxonboard.Participant)) {
			t.Helper()
			p = p.Clone()
			change(p)
			require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
			got, err := s.Participant(ctx, p.ParticipantCode)
			require.NoError(t, err)
			requireParticipant(t, p, got)
		}
		me := []string{"1000001@hcx"}

		update(func(p *hcxonboard.Participant) { p.Status = hcxonboard.StatusActive }) // the lists as stored
		require.Equal(t, me, find(registry.FieldRoles, string(hcxonboard.RoleHospital)))
		require.Equal(t, me, find(registry.FieldLinkedCodes, "ROHINI-1"))

		update(func(p *hcxonboard.Participant) { // the same values in another order
			p.Roles = []hcxonboard.Role{p.Roles[1], p.Roles[0]}
			p.LinkedRegistryCodes = []string{"ROHINI-1", "HFR-1"}
		})
		require.Equal(t, me, find(registry.FieldRoles, string(hcxonboard.RoleProvider)))
		require.Equal(t, me, find(registry.FieldLinkedCodes, "HFR-1"))

		update(func(p *hcxonboard.Participant) { p.LinkedRegistryCodes = []string{"ROHINI-1"} }) // one dropped
		require.Empty(t, find(registry.FieldLinkedCodes, "HFR-1"))
		require.Equal(t, me, find(registry.FieldLinkedCodes, "ROHINI-1"))

		update(func(p *hcxonboard.Participant) { p.Roles = append(p.Roles, hcxonboard.RolePayer) }) // one added
		require.Equal(t, me, find(registry.FieldRoles, string(hcxonboard.RolePayer)))
		require.Equal(t, me, find(registry.FieldRoles, string(hcxonboard.RoleHospital)))

		update(func(p *hcxonboard.Participant) { p.LinkedRegistryCodes = []string{"ROHINI-1", "ROHINI-1"} }) // a value twice
		require.Equal(t, me, find(registry.FieldLinkedCodes, "ROHINI-1"), "found once")
		update(func(p *hcxonboard.Participant) { p.LinkedRegistryCodes = []string{"ROHINI-1"} }) // once again
		require.Equal(t, me, find(registry.FieldLinkedCodes, "ROHINI-1"))
		update(func(p *hcxonboard.Participant) { p.LinkedRegistryCodes = nil }) // none
		require.Empty(t, find(registry.FieldLinkedCodes, "ROHINI-1"))
		hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{
			registry.FieldLinkedCodes: registry.Neq("ROHINI-1"), registry.FieldRoles: registry.Contains("PAY"),
		}})
		require.NoError(t, err)
		require.Equal(t, me, codes(hits), "neq and contains after the lists changed")
	})

	t.Run("attaches a participant to an application that had none", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "key-1", "", at(0)), nil)
		a.ParticipantCode = "1000001@hcx"
		p := newParticipant("1000001@hcx", at(time.Minute))
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Participant: p}))
		got, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireParticipant(t, p, got)
	})

	t.Run("a stale version is ErrVersionConflict and changes nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := newParticipant("1000001@hcx", at(0))
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
		stale := a.Clone()
		a.Stage = registry.StageVerifying
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))

		stale.Stage = registry.StageRejected
		p2 := p.Clone()
		p2.ParticipantName = "stale write"
		e := registry.Chain(lastEvent(t, s, "app-1"), event("app-1", "reject", "submitted", "rejected", at(time.Hour)))
		err := s.Update(ctx, registry.Write{Application: stale, Participant: p2, Events: e})
		require.ErrorIs(t, err, registry.ErrVersionConflict)
		require.EqualValues(t, 1, stale.Version, "a failed Update leaves the version alone")

		requireStored(t, s, a, p, 1)
	})

	t.Run("a version from the future is ErrVersionConflict", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "key-1", "", at(0)), nil)
		a.Version = 7
		require.ErrorIs(t, s.Update(ctx, registry.Write{Application: a}), registry.ErrVersionConflict)
	})

	t.Run("rejections", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			change func(s registry.Store, a *registry.Application) registry.Write
			want   error // nil: any error
		}{
			{"changing the idempotency key", func(_ registry.Store, a *registry.Application) registry.Write {
				a.Key = "key-changed"
				return registry.Write{Application: a}
			}, nil},
			{"dropping the idempotency key", func(_ registry.Store, a *registry.Application) registry.Write {
				a.Key = ""
				return registry.Write{Application: a}
			}, nil},
			{"moving the application to another participant", func(_ registry.Store, a *registry.Application) registry.Write {
				a.ParticipantCode = "1000009@hcx"
				return registry.Write{Application: a, Participant: newParticipant("1000009@hcx", at(0))}
			}, nil},
			{"an invalid write", func(_ registry.Store, a *registry.Application) registry.Write {
				a.Stage = ""
				return registry.Write{Application: a}
			}, nil},
			{"an event of another application", func(_ registry.Store, a *registry.Application) registry.Write {
				return registry.Write{Application: a, Events: registry.Chain(&registry.Event{Seq: 1}, event("app-2", "note", "", "", at(time.Hour)))}
			}, nil},
			// PostgreSQL cannot keep a NUL in a record, and the SQL stores
			// kept bytes that are not UTF-8 as U+FFFD, where the memory
			// store kept them as given.
			{"putting a NUL into a clean participant record", func(_ registry.Store, a *registry.Application) registry.Write {
				p := newParticipant("1000001@hcx", at(0))
				p.Address.District = "Pu\x00ne"
				return registry.Write{Application: a, Participant: p}
			}, nil},
			{"putting bytes that are not UTF-8 into a clean participant record", func(_ registry.Store, a *registry.Application) registry.Write {
				p := newParticipant("1000001@hcx", at(0))
				p.EndpointURL = "https://\xff.example/hcx"
				return registry.Write{Application: a, Participant: p}
			}, nil},
			{"reusing event number 1", func(_ registry.Store, a *registry.Application) registry.Write {
				return registry.Write{Application: a, Events: submitted("app-1", at(time.Hour))}
			}, registry.ErrConflict},
			{"skipping event number 2", func(s registry.Store, a *registry.Application) registry.Write {
				e := registry.Chain(&registry.Event{Seq: 2}, event("app-1", "note", "", "", at(time.Hour)))
				return registry.Write{Application: a, Events: e}
			}, registry.ErrConflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				p := newParticipant("1000001@hcx", at(0))
				a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
				want := a.Clone()
				w := tt.change(s, a.Clone())
				w.Application.Waiting = []string{"changed"}
				err := s.Update(ctx, w)
				require.Error(t, err)
				if tt.want != nil {
					require.ErrorIs(t, err, tt.want)
				}
				got, err := s.Application(ctx, "app-1")
				require.NoError(t, err)
				requireApp(t, want, got)
				gotP, err := s.Participant(ctx, "1000001@hcx")
				require.NoError(t, err)
				requireParticipant(t, p, gotP)
				requireNoParticipant(t, s, "1000009@hcx")
				events, err := s.Events(ctx, "app-1")
				require.NoError(t, err)
				require.Len(t, events, 1)
			})
		}
	})

	t.Run("taking the code of another application's participant is ErrConflict", func(t *testing.T) {
		t.Parallel()
		hijacker := func() *hcxonboard.Participant {
			p := newParticipant("1000001@hcx", at(time.Hour))
			p.ParticipantName = "Hijacker"
			return p
		}
		tests := []struct {
			name        string
			participant *hcxonboard.Participant // carried by the write
		}{
			{"with a participant record in the write", hijacker()},
			{"without a participant record in the write", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				owner := newParticipant("1000001@hcx", at(0))
				seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), owner)
				b := seed(t, s, newApp("app-2", "key-2", "", at(0)), nil)
				b.ParticipantCode = "1000001@hcx"
				e := registry.Chain(lastEvent(t, s, "app-2"), event("app-2", "register", "submitted", "verifying", at(time.Hour)))
				err := s.Update(ctx, registry.Write{Application: b, Participant: tt.participant, Events: e})
				require.ErrorIs(t, err, registry.ErrConflict)
				require.EqualValues(t, 1, b.Version, "a failed Update leaves the version alone")

				got, err := s.Participant(ctx, "1000001@hcx")
				require.NoError(t, err)
				requireParticipant(t, owner, got)
				gotB, err := s.Application(ctx, "app-2")
				require.NoError(t, err)
				require.EqualValues(t, 1, gotB.Version)
				require.Empty(t, gotB.ParticipantCode)
				events, err := s.Events(ctx, "app-2")
				require.NoError(t, err)
				require.Len(t, events, 1, "no event of the refused write is stored")
				list, err := s.ListApplications(ctx, registry.ApplicationFilter{ParticipantCode: "1000001@hcx"})
				require.NoError(t, err)
				require.Equal(t, []string{"app-1"}, ids(list), "the code still belongs to app-1 alone")
			})
		}
	})

	t.Run("an application may take a free code without a participant record", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		b := seed(t, s, newApp("app-2", "key-2", "", at(0)), nil)
		b.ParticipantCode = "1000002@hcx"
		require.NoError(t, s.Update(ctx, registry.Write{Application: b}))
		got, err := s.Application(ctx, "app-2")
		require.NoError(t, err)
		require.Equal(t, "1000002@hcx", got.ParticipantCode)
		requireNoParticipant(t, s, "1000002@hcx")

		// The code is app-2's now, participant record or not: another
		// application cannot take it, nor then write a participant for it.
		c := seed(t, s, newApp("app-3", "key-3", "", at(0)), nil)
		c.ParticipantCode = "1000002@hcx"
		require.ErrorIs(t, s.Update(ctx, registry.Write{Application: c}), registry.ErrConflict)
		require.ErrorIs(t, s.Create(ctx, registry.Write{Application: newApp("app-5", "key-5", "1000002@hcx", at(0))}), registry.ErrConflict)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{ParticipantCode: "1000002@hcx"})
		require.NoError(t, err)
		require.Equal(t, []string{"app-2"}, ids(list))
	})
}

func testAtomicity(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("a Create that fails on its participant stores no application, key or event", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
		a := newApp("app-2", "key-2", "1000001@hcx", at(time.Minute))
		err := s.Create(ctx, registry.Write{Application: a, Participant: newParticipant("1000001@hcx", at(time.Minute)), Events: submitted("app-2", at(time.Minute))})
		require.ErrorIs(t, err, registry.ErrConflict)
		requireNoApp(t, s, "app-2")
		_, err = s.ApplicationByKey(ctx, "key-2")
		require.ErrorIs(t, err, registry.ErrNotFound)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{"app-1"}, ids(list))

		// The id, key and participant code are all still free.
		seed(t, s, newApp("app-2", "key-2", "1000002@hcx", at(time.Minute)), newParticipant("1000002@hcx", at(time.Minute)))
	})

	t.Run("a Create that fails on its events stores no application, key or participant", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		e := registry.Chain(nil, event("app-1", "submit", "", "submitted", at(0)), event("app-1", "note", "", "", at(time.Second)))
		e[1].Seq = 1
		err := s.Create(ctx, registry.Write{Application: newApp("app-1", "key-1", "1000001@hcx", at(0)), Participant: newParticipant("1000001@hcx", at(0)), Events: e})
		require.ErrorIs(t, err, registry.ErrConflict)
		requireNoApp(t, s, "app-1")
		requireNoParticipant(t, s, "1000001@hcx")
		_, err = s.ApplicationByKey(ctx, "key-1")
		require.ErrorIs(t, err, registry.ErrNotFound)
		hits, err := s.SearchParticipants(ctx, registry.Query{})
		require.NoError(t, err)
		require.Empty(t, hits)
		seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), newParticipant("1000001@hcx", at(0)))
	})

	t.Run("an Update that fails on its events keeps the old application and participant", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		p := newParticipant("1000001@hcx", at(0))
		a := seed(t, s, newApp("app-1", "key-1", "1000001@hcx", at(0)), p)
		want := a.Clone()
		a.Stage, a.Waiting = registry.StageDetails, nil
		p2 := p.Clone()
		p2.Roles = []hcxonboard.Role{hcxonboard.RolePayer}
		p2.ParticipantName = "Half-written"
		e := registry.Chain(lastEvent(t, s, "app-1"), event("app-1", "verify", "submitted", "details", at(time.Hour)), event("app-1", "note", "", "", at(time.Hour)))
		e[1].Seq = 2
		require.ErrorIs(t, s.Update(ctx, registry.Write{Application: a, Participant: p2, Events: e}), registry.ErrConflict)

		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, want, got)
		gotP, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireParticipant(t, p, gotP)
		hits, err := s.SearchParticipants(ctx, registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq("payer")}})
		require.NoError(t, err)
		require.Empty(t, hits)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{Waiting: "review"})
		require.NoError(t, err)
		require.Equal(t, []string{"app-1"}, ids(list))
		events, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, events, 1)
	})
}

func testAudit(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("events of several writes form one verifiable chain with exact times", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var all []registry.Event
		first := registry.Chain(nil,
			event("app-1", "submit", "", "submitted", at(0)),
			event("app-1", "check", "submitted", "submitted", at(1)), // one nanosecond later
		)
		all = append(all, first...)
		a := newApp("app-1", "key-1", "", at(0))
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Events: first}))

		utc := time.Date(2025, 3, 14, 23, 59, 59, 999999999, time.UTC)
		local := time.Date(2031, 12, 31, 8, 0, 0, 1, time.FixedZone("", -7*3600))
		steps := [][]registry.Event{
			{event("app-1", "verify", "submitted", "verifying", utc), {ApplicationID: "app-1", Time: local, Actor: "reviewer@operator", Action: "approve", From: "verifying", To: "details", Reason: "documents match; HFR 'IN2710000123' — ✓"}},
			{event("app-1", "credentials", "details", "credentials", at(48*time.Hour))},
		}
		for _, step := range steps {
			prev := all[len(all)-1]
			chained := registry.Chain(&prev, step...)
			require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: chained}))
			all = append(all, chained...)
		}
		got, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, got, 5)
		requireEvents(t, all, got)
	})

	t.Run("an Update without events leaves the trail alone", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, newApp("app-1", "key-1", "", at(0)), nil)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		got, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		requireEvents(t, submitted("app-1", at(0)), got)
	})

	t.Run("each application has its own trail", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, newApp("app-1", "", "", at(0)), nil)
		b := seed(t, s, newApp("app-2", "", "", at(time.Second)), nil)
		e := registry.Chain(lastEvent(t, s, "app-2"), event("app-2", "verify", "submitted", "verifying", at(time.Minute)))
		require.NoError(t, s.Update(ctx, registry.Write{Application: b, Events: e}))

		one, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		requireEvents(t, submitted("app-1", at(0)), one)
		two, err := s.Events(ctx, "app-2")
		require.NoError(t, err)
		requireEvents(t, append(submitted("app-2", at(time.Second)), e...), two)
	})

	t.Run("seals are kept, so sealed checkpoints verify after a round trip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		key := sealKey()
		first := registry.Chain(nil,
			event("app-1", "submit", "", "submitted", at(0)),
			event("app-1", "check", "submitted", "verifying", at(time.Second)))
		require.NoError(t, registry.SealEvent(&first[1], key))
		a := newApp("app-1", "key-1", "", at(0))
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Events: first}))

		second := registry.Chain(&first[1], event("app-1", "verify", "verifying", "details", at(time.Hour)))
		require.NoError(t, registry.SealEvent(&second[0], key))
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: second}))

		got, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		requireEvents(t, append(first, second...), got)
		require.Empty(t, got[0].Seal)
		require.Equal(t, first[1].Seal, got[1].Seal)
		require.Equal(t, second[0].Seal, got[2].Seal)
		require.NoError(t, registry.VerifySealedChain(got, key.Public()))

		// An unsealed event appended after the checkpoint leaves the trail
		// unsealed.
		third := registry.Chain(&got[2], event("app-1", "note", "", "", at(2*time.Hour)))
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: third}))
		got, err = s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.NoError(t, registry.VerifyChain(got))
		var ce *registry.ChainError
		require.ErrorAs(t, registry.VerifySealedChain(got, key.Public()), &ce)
		require.EqualValues(t, 4, ce.Seq)
	})

	t.Run("request ids are kept, so their chain verifies after a round trip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		submit := event("app-1", "submit", "", "submitted", at(0))
		submit.RequestID = "0f6e2a9c-5b1d-4c3e-9a7f-2d8b6c4e1a30"
		first := registry.Chain(nil, submit, event("app-1", "check", "submitted", "verifying", at(time.Second)))
		a := newApp("app-1", "key-1", "", at(0))
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Events: first}))
		approve := event("app-1", "approve", "verifying", "details", at(time.Hour))
		approve.RequestID = "req-2"
		second := registry.Chain(&first[1], approve)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Events: second}))

		got, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		requireEvents(t, append(first, second...), got)
		require.Equal(t, []string{submit.RequestID, "", "req-2"}, []string{got[0].RequestID, got[1].RequestID, got[2].RequestID})
	})

	// An event edited after it was hashed — its reason, or its request id —
	// comes back as stored and fails VerifyChain at its sequence number.
	for _, edit := range []struct {
		name string
		set  func(e *registry.Event, v string)
		get  func(e registry.Event) string
	}{
		{"reason", func(e *registry.Event, v string) { e.Reason = v }, func(e registry.Event) string { return e.Reason }},
		{"request id", func(e *registry.Event, v string) { e.RequestID = v }, func(e registry.Event) string { return e.RequestID }},
	} {
		t.Run("an event whose "+edit.name+" was edited after hashing fails VerifyChain after a round trip", func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			e := submitted("app-1", at(0))
			edit.set(&e[0], "original")
			e = registry.Chain(nil, e...)
			edit.set(&e[0], "edited after hashing")
			require.NoError(t, s.Create(ctx, registry.Write{Application: newApp("app-1", "", "", at(0)), Events: e}))
			got, err := s.Events(ctx, "app-1")
			require.NoError(t, err)
			require.Equal(t, "edited after hashing", edit.get(got[0]))
			var chainErr *registry.ChainError
			require.ErrorAs(t, registry.VerifyChain(got), &chainErr)
			require.EqualValues(t, 1, chainErr.Seq)
		})
	}
}
