package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// A console application page shows every image document inline: the
// browser fetches them all at once when staff open the page. Each must
// be served (200), not lost to the audit write's version races.
func TestConsolePageImagesAllLoad(t *testing.T) {
	for name, newStore := range map[string]func(t *testing.T) registry.Store{
		"memory":     func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"sqlite":     func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
		"postgresql": func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			apps := &engineApps{}
			dir, err := document.NewDir(t.TempDir(), apps)
			require.NoError(t, err)
			t.Cleanup(func() { _ = dir.Close() })
			f := newFixtureOn(t, newStore(t), []onboarding.Option{onboarding.WithDocuments(dir)})
			apps.svc = f.svc
			imagesAllLoad(t, f)
		})
	}
}

func imagesAllLoad(t *testing.T, f *fixture) {
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	a, tok := f.submit(f.bsp(documenttest.PDF(2500, "identity proof")))
	const images = 24
	for i := range images {
		res := f.upload(a.ID, tok, hcxonboard.DocFacilityLicence, "image/png", documenttest.PNG(16+i, 16))
		require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	}
	b := newBrowser(t, srv)
	b.login(staffToken)
	page := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, page.status)
	srcs := regexp.MustCompile(`<img src="(/console/applications/[^"]+/documents/[^"]+)"`).FindAllStringSubmatch(page.body, -1)
	require.Len(t, srcs, images)

	statuses := make([]int, len(srcs))
	var wg sync.WaitGroup
	browserConns := make(chan struct{}, 6) // a browser's connections to one HTTP/1.1 host
	for i, m := range srcs {
		wg.Go(func() {
			browserConns <- struct{}{}
			defer func() { <-browserConns }()
			res, err := b.c.Get(srv.URL + m[1])
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[i] = res.StatusCode
		})
	}
	wg.Wait()
	failed := 0
	for _, st := range statuses {
		if st != http.StatusOK {
			failed++
		}
	}
	require.Zero(t, failed, "images not served on one page view: statuses %v", statuses)
}
