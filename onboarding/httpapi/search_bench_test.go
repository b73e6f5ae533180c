package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// BenchmarkSearchOverHTTP serves participant search over real HTTP at 16
// concurrent connections from one registry of 20,000 participants — a
// SQLite file, and a PostgreSQL schema where HCX_TEST_POSTGRES_DSN names a
// server —
// through the API (the caller's credential checked on every request: a
// participant's access token, whose participant is read to see it is
// still Active and its credentials not reported compromised, or a staff
// credential; the body decoded and bounded; the answer in the API's shape)
// and through a bare net/http handler that decodes the same body, runs
// the same store query and encodes the participants. Rounds alternate
// between the two, so both see the same machine; it reports the requests
// per second of each and the API's as a share of the bare handler's.
//
//	go test -run '^$' -bench SearchOverHTTP ./onboarding/httpapi
func BenchmarkSearchOverHTTP(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchSearchOverHTTP(b, sqlstoretest.SQLite(b), nil) })
	b.Run("postgres", func(b *testing.B) {
		dsn := sqlstoretest.FreshSchema(b, sqlstoretest.PostgresDSN(b))
		store, err := sqlstore.OpenPostgres(context.Background(), dsn)
		require.NoError(b, err)
		b.Cleanup(func() { _ = store.Close() })
		// Statistics for the rows just loaded, as autovacuum would gather
		// them before long, so that the planner sees the registry's size.
		analyze := func() {
			db, err := sql.Open("pgx", dsn)
			require.NoError(b, err)
			defer db.Close()
			_, err = db.Exec("ANALYZE applications, participants, participant_values")
			require.NoError(b, err)
		}
		benchSearchOverHTTP(b, store, analyze)
	})
}

// benchSearchOverHTTP runs the benchmark on store, calling loaded (when
// not nil) once its participants are stored.
func benchSearchOverHTTP(b *testing.B, store *sqlstore.Store, loaded func()) {
	const (
		n     = 20000
		conns = 16
		round = 512 // requests per round, on each server
	)
	ctx := context.Background()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ws := make([]registry.Write, 0, n)
	for i := range n {
		code := fmt.Sprintf("1%07d@hcx", i)
		role := hcxonboard.RoleHospital
		if i%50 == 0 {
			role = hcxonboard.RolePayer
		}
		at := created.Add(time.Duration(i) * time.Minute)
		ws = append(ws, registry.Write{
			Application: &registry.Application{ID: "app-" + code, ParticipantCode: code, Stage: registry.StageLive, CreatedAt: at, UpdatedAt: at},
			Participant: &hcxonboard.Participant{ParticipantCode: code, ParticipantName: fmt.Sprintf("Sanjivani Hospital %06d", i),
				Roles: []hcxonboard.Role{hcxonboard.RoleProvider, role}, PrimaryEmail: fmt.Sprintf("admin%d@facility.example.in", i),
				PrimaryMobile: fmt.Sprintf("9%09d", i), Status: hcxonboard.StatusActive, EndpointURL: fmt.Sprintf("https://hcx.facility%d.example.in/v0.9", i),
				EncryptionCert: "https://certs.example.in/encryption.pem", LinkedRegistryCodes: []string{fmt.Sprintf("IN%010d", i)},
				Address: &hcxonboard.Address{District: "Pune", State: "Maharashtra", Pincode: "411001"}, CreatedAt: at, UpdatedAt: at},
		})
	}
	require.NoError(b, store.Load(ctx, ws))
	if loaded != nil {
		loaded()
	}

	// A participant onboarded through the engine into the same registry,
	// with a real access token.
	f := newFixtureOn(b, store, nil)
	a, secret := f.live("Search Bench Regulator")
	tok, err := f.svc.Token(ctx, a.Participant.ParticipantCode, secret)
	require.NoError(b, err)
	auths := []struct{ name, header string }{
		{"participant token", "Bearer " + tok.Value},
		{"staff credential", "Bearer " + staffToken},
	}

	api := httptest.NewServer(f.h)
	b.Cleanup(api.Close)
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q registry.Query
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ps, err := store.SearchParticipants(r.Context(), q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"participants": ps})
	}))
	b.Cleanup(bare.Close)

	queries := map[string]func(i int) registry.Query{
		"by code": func(i int) registry.Query {
			return registry.Query{Filters: map[string]registry.Condition{registry.FieldCode: registry.Eq(fmt.Sprintf("1%07d@hcx", (i*7919)%n))}}
		},
		"by role and status, page of 10": func(int) registry.Query {
			return registry.Query{Filters: map[string]registry.Condition{
				registry.FieldRoles: registry.Eq(string(hcxonboard.RolePayer)), registry.FieldStatus: registry.Eq(string(hcxonboard.StatusActive))}, Limit: 10}
		},
	}
	for name, query := range queries {
		bodies := make([][]byte, round)
		for i := range bodies {
			bodies[i], err = json.Marshal(query(i))
			require.NoError(b, err)
		}
		for _, a := range auths {
			auth := a.header
			b.Run(name+", "+a.name, func(b *testing.B) {
				apiClient, bareClient := newClient(conns), newClient(conns)
				apiURL := api.URL + "/v1/onboarding/participants/search"
				// Both answer, and answer the same participants.
				require.Equal(b, searchOnce(b, apiClient, apiURL, auth, bodies[1]), searchOnce(b, bareClient, bare.URL, "", bodies[1]))
				var apiTime, bareTime time.Duration
				reqs := 0
				for i := 0; b.Loop(); i++ {
					if i%2 == 0 {
						apiTime += burst(b, apiClient, apiURL, auth, bodies, conns)
						bareTime += burst(b, bareClient, bare.URL, "", bodies, conns)
					} else {
						bareTime += burst(b, bareClient, bare.URL, "", bodies, conns)
						apiTime += burst(b, apiClient, apiURL, auth, bodies, conns)
					}
					reqs += round
				}
				apiRate, bareRate := float64(reqs)/apiTime.Seconds(), float64(reqs)/bareTime.Seconds()
				b.ReportMetric(apiRate, "api-req/s")
				b.ReportMetric(bareRate, "bare-req/s")
				b.ReportMetric(100*apiRate/bareRate, "api/bare-%")
			})
		}
	}
}

func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
}

// burst sends every body once from conns workers, each on its own kept-alive
// connection, and returns the wall time.
func burst(b *testing.B, c *http.Client, url, auth string, bodies [][]byte, conns int) time.Duration {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		fail error
	)
	next := make(chan []byte, len(bodies))
	for _, body := range bodies {
		next <- body
	}
	close(next)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for body := range next {
				if err := post(c, url, auth, body, nil); err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if fail != nil {
		b.Fatal(fail)
	}
	return d
}

// searchOnce returns the participant codes a search answers.
func searchOnce(b *testing.B, c *http.Client, url, auth string, body []byte) []string {
	var out struct {
		Participants []hcxonboard.Participant `json:"participants"`
	}
	require.NoError(b, post(c, url, auth, body, &out))
	codes := make([]string, len(out.Participants))
	for i, p := range out.Participants {
		codes[i] = p.ParticipantCode
	}
	require.NotEmpty(b, codes)
	return codes
}

func post(c *http.Client, url, auth string, body []byte, out any) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", res.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
