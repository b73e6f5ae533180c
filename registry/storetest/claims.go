package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// holderOf returns the id of the application holding claim, "" when none
// does. It reads every application's Claims and, when s is a
// registry.ClaimReader, checks that ApplicationByClaim agrees.
func holderOf(t *testing.T, s registry.Store, claim string) string {
	t.Helper()
	ctx := context.Background()
	var holders []string
	for offset := 0; ; offset += registry.MaxLimit {
		page, err := s.ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit, Offset: offset})
		require.NoError(t, err)
		for _, a := range page {
			if slices.Contains(a.Claims, claim) {
				holders = append(holders, a.ID)
			}
		}
		if len(page) < registry.MaxLimit {
			break
		}
	}
	require.LessOrEqual(t, len(holders), 1, "claim %q is held by %v", claim, holders)
	want := ""
	if len(holders) == 1 {
		want = holders[0]
	}
	if cr, ok := s.(registry.ClaimReader); ok {
		a, err := cr.ApplicationByClaim(ctx, claim)
		if want == "" {
			require.ErrorIs(t, err, registry.ErrNotFound, "claim %q is held by no application", claim)
		} else {
			require.NoError(t, err, "claim %q", claim)
			require.Equal(t, want, a.ID, "ApplicationByClaim(%q)", claim)
			require.Contains(t, a.Claims, claim)
		}
	}
	return want
}

// requireClaimError checks that err is a *registry.ClaimError with the
// given fields, matching registry.ErrClaimed.
func requireClaimError(t *testing.T, err error, claim, appID, code string) {
	t.Helper()
	require.ErrorIs(t, err, registry.ErrClaimed)
	var ce *registry.ClaimError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, registry.ClaimError{Claim: claim, ApplicationID: appID, ParticipantCode: code}, *ce)
}

// claiming returns a with the given claims.
func claiming(a *registry.Application, claims ...string) *registry.Application {
	a.Claims = claims
	return a
}

func testClaims(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("claims are stored in order and every read returns them", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, claiming(newApp("app-1", "key-1", "1000001@hcx", at(0)), "rohini:8900080336704", "hfr:IN2910000123", "sandbox:iss|jti-1"),
			newParticipant("1000001@hcx", at(0)))
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, a, got)
		require.Equal(t, []string{"rohini:8900080336704", "hfr:IN2910000123", "sandbox:iss|jti-1"}, got.Claims)
		byKey, err := s.ApplicationByKey(ctx, "key-1")
		require.NoError(t, err)
		requireApp(t, a, byKey)
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		requireApp(t, a, &list[0])
		for _, c := range a.Claims {
			require.Equal(t, "app-1", holderOf(t, s, c))
		}
		require.Empty(t, holderOf(t, s, "hfr:IN2910000999"))
	})

	t.Run("ApplicationByClaim of a claim no one holds is ErrNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		cr, ok := s.(registry.ClaimReader)
		if !ok {
			t.Skip("the store is not a registry.ClaimReader")
		}
		seed(t, s, claiming(newApp("app-1", "", "", at(0)), "hfr:A"), nil)
		for _, c := range []string{"", "hfr:B", "HFR:A", "hfr:a", "hfr:A ", "hfr:\x00", "hfr:\xff", strings.Repeat("x", registry.MaxClaimLength+1)} {
			_, err := cr.ApplicationByClaim(ctx, c)
			require.ErrorIs(t, err, registry.ErrNotFound, "claim %q", c)
		}
	})

	t.Run("claims are compared byte for byte", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		claims := []string{"hfr:ABC", "hfr:abc", "hfr:ABC ", "hfr:Ä", "hfr:ä", "hfr:a\u0308"}
		for i, c := range claims {
			seed(t, s, claiming(newApp(fmt.Sprintf("app-%d", i), "", "", at(time.Duration(i))), c), nil)
		}
		for i, c := range claims {
			require.Equal(t, fmt.Sprintf("app-%d", i), holderOf(t, s, c), "claim %q", c)
		}
	})

	t.Run("a Create claiming a held identity is a ClaimError and stores nothing", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name       string
			holderCode string // the holder's participant code, "" for none
		}{
			{"holder with a participant", "1000001@hcx"},
			{"holder without a participant", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				var holderP *hcxonboard.Participant
				if tt.holderCode != "" {
					holderP = newParticipant(tt.holderCode, at(0))
				}
				first := seed(t, s, claiming(newApp("app-1", "key-1", tt.holderCode, at(0)), "hfr:A", "rohini:B"), holderP)

				a := claiming(newApp("app-2", "key-2", "1000002@hcx", at(time.Minute)), "hpr:C", "rohini:B", "hfr:A")
				err := s.Create(ctx, registry.Write{Application: a, Participant: newParticipant("1000002@hcx", at(time.Minute)), Events: submitted("app-2", at(time.Minute))})
				requireClaimError(t, err, "rohini:B", "app-1", tt.holderCode)
				require.EqualValues(t, 0, a.Version, "a failed Create leaves the version alone")

				requireNoApp(t, s, "app-2")
				_, err = s.ApplicationByKey(ctx, "key-2")
				require.ErrorIs(t, err, registry.ErrNotFound)
				requireNoParticipant(t, s, "1000002@hcx")
				got, err := s.Application(ctx, "app-1")
				require.NoError(t, err)
				requireApp(t, first, got)
				require.Equal(t, "app-1", holderOf(t, s, "hfr:A"))
				require.Equal(t, "app-1", holderOf(t, s, "rohini:B"))
				require.Empty(t, holderOf(t, s, "hpr:C"), "the refused write's free claim is not stored")

				// Without the held claims the same write goes through.
				a.Claims = []string{"hpr:C"}
				require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: newParticipant("1000002@hcx", at(time.Minute)), Events: submitted("app-2", at(time.Minute))}))
				require.Equal(t, "app-2", holderOf(t, s, "hpr:C"))
			})
		}
	})

	t.Run("an Update claiming a held identity is a ClaimError and changes nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		seed(t, s, claiming(newApp("app-1", "key-1", "1000001@hcx", at(0)), "hfr:A"), newParticipant("1000001@hcx", at(0)))
		p := newParticipant("1000002@hcx", at(0))
		b := seed(t, s, claiming(newApp("app-2", "key-2", "1000002@hcx", at(0)), "hfr:B", "rohini:B"), p)
		want := b.Clone()

		b.Stage, b.Waiting = registry.StageVerifying, []string{"otp"}
		b.Claims = []string{"rohini:B", "hpr:Z", "hfr:A"} // drops hfr:B, adds hpr:Z, takes app-1's hfr:A
		p2 := p.Clone()
		p2.ParticipantName = "refused write"
		e := registry.Chain(lastEvent(t, s, "app-2"), event("app-2", "verify", "submitted", "verifying", at(time.Hour)))
		err := s.Update(ctx, registry.Write{Application: b, Participant: p2, Events: e})
		requireClaimError(t, err, "hfr:A", "app-1", "1000001@hcx")
		require.EqualValues(t, 1, b.Version, "a failed Update leaves the version alone")

		requireStored(t, s, want, p, 1)
		require.Equal(t, "app-1", holderOf(t, s, "hfr:A"))
		require.Equal(t, "app-2", holderOf(t, s, "hfr:B"), "a claim the refused write dropped is still held")
		require.Equal(t, "app-2", holderOf(t, s, "rohini:B"))
		require.Empty(t, holderOf(t, s, "hpr:Z"), "a claim the refused write added is not stored")
	})

	t.Run("an Update keeps, reorders, adds and frees its own claims", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, claiming(newApp("app-1", "key-1", "", at(0)), "hfr:A", "rohini:B"), nil)
		update := func(claims ...string) {
			t.Helper()
			a.Claims = claims
			require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
			got, err := s.Application(ctx, "app-1")
			require.NoError(t, err)
			requireApp(t, a, got)
		}

		update("hfr:A", "rohini:B") // the same claims again
		update("rohini:B", "hfr:A", "hpr:C")
		require.Equal(t, "app-1", holderOf(t, s, "hpr:C"))
		update("hpr:C") // drops two
		require.Empty(t, holderOf(t, s, "hfr:A"))
		require.Empty(t, holderOf(t, s, "rohini:B"))

		// What app-1 dropped, another application may take, by Create or
		// by Update.
		seed(t, s, claiming(newApp("app-2", "key-2", "", at(0)), "hfr:A"), nil)
		c := seed(t, s, newApp("app-3", "key-3", "", at(0)), nil)
		c.Claims = []string{"rohini:B"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: c}))
		require.Equal(t, "app-2", holderOf(t, s, "hfr:A"))
		require.Equal(t, "app-3", holderOf(t, s, "rohini:B"))

		update() // drops all
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Empty(t, got.Claims)
		require.Empty(t, holderOf(t, s, "hpr:C"))
		update("hpr:C") // and takes one back
		require.Equal(t, "app-1", holderOf(t, s, "hpr:C"))
	})

	t.Run("two applications may swap claims only one write at a time", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := seed(t, s, claiming(newApp("app-1", "", "", at(0)), "hfr:A"), nil)
		b := seed(t, s, claiming(newApp("app-2", "", "", at(0)), "hfr:B"), nil)
		a.Claims = []string{"hfr:B"}
		requireClaimError(t, s.Update(ctx, registry.Write{Application: a}), "hfr:B", "app-2", "")
		a.Claims = nil
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		b.Claims = []string{"hfr:A"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: b}))
		a.Claims = []string{"hfr:B"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		require.Equal(t, "app-1", holderOf(t, s, "hfr:B"))
		require.Equal(t, "app-2", holderOf(t, s, "hfr:A"))
	})

	t.Run("a failed Update leaves the claims alone", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			write func(s registry.Store, a *registry.Application) registry.Write
			want  error
		}{
			{"a stale version", func(s registry.Store, a *registry.Application) registry.Write {
				a.Version--
				return registry.Write{Application: a}
			}, registry.ErrVersionConflict},
			{"a misnumbered event", func(s registry.Store, a *registry.Application) registry.Write {
				return registry.Write{Application: a, Events: submitted("app-1", at(time.Hour))}
			}, registry.ErrConflict},
			{"taking another application's participant code", func(s registry.Store, a *registry.Application) registry.Write {
				a.ParticipantCode = "1000009@hcx"
				return registry.Write{Application: a}
			}, registry.ErrConflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				seed(t, s, newApp("app-9", "key-9", "1000009@hcx", at(0)), newParticipant("1000009@hcx", at(0)))
				a := seed(t, s, claiming(newApp("app-1", "key-1", "", at(0)), "hfr:A", "rohini:B"), nil)
				a.Claims = []string{"hfr:A", "hpr:C"}
				require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
				want := a.Clone()

				w := tt.write(s, a.Clone())
				w.Application.Claims = []string{"rohini:B", "hpr:D"} // frees hfr:A and hpr:C, takes two free ones
				require.ErrorIs(t, s.Update(ctx, w), tt.want)

				got, err := s.Application(ctx, "app-1")
				require.NoError(t, err)
				requireApp(t, want, got)
				require.Equal(t, "app-1", holderOf(t, s, "hfr:A"))
				require.Equal(t, "app-1", holderOf(t, s, "hpr:C"))
				require.Empty(t, holderOf(t, s, "rohini:B"))
				require.Empty(t, holderOf(t, s, "hpr:D"))
				events, err := s.Events(ctx, "app-1")
				require.NoError(t, err)
				require.Len(t, events, 1)
			})
		}
	})

	t.Run("the reference order of conflicts", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			write func() registry.Write
			want  error
		}{
			{"taken key and claim: the key decides", func() registry.Write {
				return registry.Write{Application: claiming(newApp("app-2", "key-1", "", at(0)), "hfr:A")}
			}, registry.ErrDuplicateKey},
			{"taken participant code and claim: the code decides", func() registry.Write {
				return registry.Write{Application: claiming(newApp("app-2", "key-2", "1000001@hcx", at(0)), "hfr:A"), Participant: newParticipant("1000001@hcx", at(0))}
			}, registry.ErrConflict},
			{"participant code another application holds, without a record, and claim: the code decides", func() registry.Write {
				return registry.Write{Application: claiming(newApp("app-2", "key-2", "1000001@hcx", at(0)), "hfr:A")}
			}, registry.ErrConflict},
			{"taken claim and misnumbered events: the claim decides", func() registry.Write {
				e := submitted("app-2", at(0))
				e[0].Seq = 2
				return registry.Write{Application: claiming(newApp("app-2", "key-2", "", at(0)), "hfr:A"), Events: e}
			}, registry.ErrClaimed},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				seed(t, s, claiming(newApp("app-1", "key-1", "1000001@hcx", at(0)), "hfr:A"), newParticipant("1000001@hcx", at(0)))
				err := s.Create(ctx, tt.write())
				require.ErrorIs(t, err, tt.want)
				if !errors.Is(tt.want, registry.ErrClaimed) {
					require.NotErrorIs(t, err, registry.ErrClaimed)
				}
				requireNoApp(t, s, "app-2")
				require.Equal(t, "app-1", holderOf(t, s, "hfr:A"))
			})
		}

		t.Run("on Update, a taken claim before misnumbered events", func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			seed(t, s, claiming(newApp("app-1", "key-1", "", at(0)), "hfr:A"), nil)
			b := seed(t, s, newApp("app-2", "key-2", "", at(0)), nil)
			b.Claims = []string{"hfr:A"}
			requireClaimError(t, s.Update(ctx, registry.Write{Application: b, Events: submitted("app-2", at(time.Hour))}), "hfr:A", "app-1", "")
		})
	})

	t.Run("invalid claims are refused before anything is stored", func(t *testing.T) {
		t.Parallel()
		many := make([]string, registry.MaxClaims+1)
		for i := range many {
			many[i] = fmt.Sprintf("hfr:%d", i)
		}
		tests := []struct {
			name   string
			claims []string
		}{
			{"an empty claim", []string{"hfr:A", ""}},
			{"a claim twice", []string{"hfr:A", "rohini:B", "hfr:A"}},
			{"too many claims", many},
			{"a claim too long", []string{"hfr:" + strings.Repeat("9", registry.MaxClaimLength-3)}},
			{"a NUL byte", []string{"hfr:A\x00B"}},
			{"invalid UTF-8", []string{"hfr:\xc3\x28"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				s := newStore(t)
				err := s.Create(ctx, registry.Write{Application: claiming(newApp("app-1", "key-1", "", at(0)), tt.claims...), Events: submitted("app-1", at(0))})
				require.Error(t, err)
				require.NotErrorIs(t, err, registry.ErrClaimed)
				requireNoApp(t, s, "app-1")

				b := seed(t, s, claiming(newApp("app-2", "key-2", "", at(0)), "hpr:Z"), nil)
				want := b.Clone()
				b.Claims = tt.claims
				err = s.Update(ctx, registry.Write{Application: b})
				require.Error(t, err)
				require.NotErrorIs(t, err, registry.ErrClaimed)
				got, err := s.Application(ctx, "app-2")
				require.NoError(t, err)
				requireApp(t, want, got)
				require.Empty(t, holderOf(t, s, "hfr:A"))
			})
		}
	})

	t.Run("the most and the longest claims are stored exactly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		claims := make([]string, registry.MaxClaims)
		for i := range claims {
			head := fmt.Sprintf("idp:%02d:", i)
			claims[i] = head + strings.Repeat("ü", (registry.MaxClaimLength-len(head))/2)
			claims[i] += strings.Repeat("9", registry.MaxClaimLength-len(claims[i]))
			require.Len(t, claims[i], registry.MaxClaimLength)
		}
		a := seed(t, s, claiming(newApp("app-1", "", "", at(0)), claims...), nil)
		got, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireApp(t, a, got)
		for _, c := range claims {
			require.Equal(t, "app-1", holderOf(t, s, c))
		}
	})
}

func testClaimRaces(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const n = 16

	t.Run("16 creates claiming one identity store one application", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		errs := race(n, func(i int) error {
			id := fmt.Sprintf("app-%02d", i)
			code := fmt.Sprintf("10000%02d@hcx", i)
			a := claiming(newApp(id, "key-"+id, code, at(0)), fmt.Sprintf("own:%02d", i), "hfr:IN2910000123")
			return s.Create(ctx, registry.Write{Application: a, Participant: newParticipant(code, at(0)), Events: submitted(id, at(0))})
		})
		requireOneClaimWinner(t, s, errs, "hfr:IN2910000123")
		winner := holderOf(t, s, "hfr:IN2910000123")
		list, err := s.ListApplications(ctx, registry.ApplicationFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{winner}, ids(list), "only the winner is stored")
		hits, err := s.SearchParticipants(ctx, registry.Query{})
		require.NoError(t, err)
		require.Equal(t, []string{list[0].ParticipantCode}, codes(hits), "only the winner's participant is stored")
		for i := range n {
			want := ""
			if fmt.Sprintf("app-%02d", i) == winner {
				want = winner
			}
			require.Equal(t, want, holderOf(t, s, fmt.Sprintf("own:%02d", i)), "a loser's other claim is not stored")
		}
	})

	t.Run("16 updates claiming one identity give it to one application", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		apps := make([]*registry.Application, n)
		prev := make([]*registry.Event, n)
		for i := range apps {
			apps[i] = seed(t, s, newApp(fmt.Sprintf("app-%02d", i), "", "", at(0)), nil)
			prev[i] = lastEvent(t, s, apps[i].ID)
		}
		errs := race(n, func(i int) error {
			a := apps[i].Clone()
			a.Claims = []string{"rohini:8900080336704"}
			e := registry.Chain(prev[i], event(a.ID, "claim", "", "", at(time.Hour)))
			return s.Update(ctx, registry.Write{Application: a, Events: e})
		})
		requireOneClaimWinner(t, s, errs, "rohini:8900080336704")
		for i, err := range errs {
			got, gerr := s.Application(ctx, apps[i].ID)
			require.NoError(t, gerr)
			events, gerr := s.Events(ctx, apps[i].ID)
			require.NoError(t, gerr)
			if err == nil {
				require.EqualValues(t, 2, got.Version)
				require.Len(t, events, 2)
			} else {
				require.EqualValues(t, 1, got.Version, "a loser is not updated")
				require.Empty(t, got.Claims)
				require.Len(t, events, 1, "a loser's event is not stored")
			}
		}
	})
}

// requireOneClaimWinner checks that exactly one of errs is nil and every
// other a *registry.ClaimError for claim naming the winner, which holds it.
func requireOneClaimWinner(t *testing.T, s registry.Store, errs []error, claim string) {
	t.Helper()
	ok, claimed, others := tally(errs, registry.ErrClaimed)
	require.Empty(t, others)
	require.Equal(t, 1, ok, "winners")
	require.Equal(t, len(errs)-1, claimed, "losers")
	winner := holderOf(t, s, claim)
	require.NotEmpty(t, winner)
	got, err := s.Application(context.Background(), winner)
	require.NoError(t, err)
	for i, err := range errs {
		if err != nil {
			requireClaimError(t, err, claim, winner, got.ParticipantCode)
		} else {
			require.Equal(t, fmt.Sprintf("app-%02d", i), winner, "the winner holds the claim")
		}
	}
}
