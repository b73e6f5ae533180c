package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowBody gives its bytes a chunk at a time, a pause between chunks, as
// a facility on a slow uplink sends a scanned document.
type slowBody struct {
	r     io.Reader
	pause time.Duration
}

func (s *slowBody) Read(p []byte) (int, error) {
	time.Sleep(s.pause)
	if len(p) > 64 {
		p = p[:64]
	}
	return s.r.Read(p)
}

// A document upload may take longer than the server's read and write
// timeouts, which bound every other request: a slow uplink must not cut
// a scan off half-way. Other requests keep the short bounds.
func TestSlowUploadOutlastsTheServerTimeouts(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, "read")
	})
	srv := httptest.NewUnstartedServer(allowSlowUploads(echo, 10*time.Second))
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()

	post := func(path string) (int, error) {
		body := &slowBody{r: bytes.NewReader(make([]byte, 64*12)), pause: 80 * time.Millisecond} // about a second
		req, err := http.NewRequest(http.MethodPost, srv.URL+path, body)
		require.NoError(t, err)
		req.ContentLength = 64 * 12
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, err = io.ReadAll(res.Body)
		return res.StatusCode, err
	}
	status, err := post("/v1/onboarding/applications/01234567-89ab/documents")
	require.NoError(t, err, "the upload is read to its end and answered")
	assert.Equal(t, http.StatusOK, status)

	// Another route keeps the server's timeouts: the connection is cut,
	// or the body cannot be read to its end.
	status, err = post("/v1/onboarding/applications")
	if err == nil {
		assert.NotEqual(t, http.StatusOK, status, "another route keeps the server's timeouts")
	}
}
