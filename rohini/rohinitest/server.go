package rohinitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/openhcx/hcxonboard/rohini"
)

// Server is a fake ROHINI look-up endpoint. It embeds the running
// [httptest.Server] (URL, Close, Client). All methods are safe for
// concurrent use, also while requests are being served.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	hospitals map[string]rohini.Hospital
	requests  int
	latency   time.Duration
	failCode  int
	failLeft  int
	failAfter string
	malformed bool
	mismatch  bool

	headerName, headerValue string

	done      chan struct{} // closed by Close: ends injected latency
	closeOnce sync.Once
}

type config struct {
	hospitals   []rohini.Hospital
	headerName  string
	headerValue string
}

// Option configures [NewServer].
type Option func(*config)

// WithHospitals seeds the server with hs instead of [DemoHospitals].
func WithHospitals(hs ...rohini.Hospital) Option {
	return func(c *config) { c.hospitals = append([]rohini.Hospital{}, hs...) }
}

// WithRequiredHeader makes the server answer 401 to any request whose
// header name does not carry value, as an API-key check would. The
// [Server.Lookup] it hands out sends the header. An empty name is ignored.
func WithRequiredHeader(name, value string) Option {
	return func(c *config) { c.headerName, c.headerValue = name, value }
}

// NewServer starts a fake look-up server; Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{hospitals: DemoHospitals()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Server{
		hospitals:   make(map[string]rohini.Hospital, len(cfg.hospitals)),
		headerName:  cfg.headerName,
		headerValue: cfg.headerValue,
		done:        make(chan struct{}),
	}
	for _, h := range cfg.hospitals {
		s.hospitals[h.ID] = h
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hospitals/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.answer(w, r.PathValue("id"))
	})
	mux.HandleFunc("POST /hospitals", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := bodyID(w, r); ok {
			s.answer(w, id)
		}
	})
	// rohini.HTTPLookup with WithMethod("POST") alone keeps DefaultPath:
	// the id comes in the path and in the body, which must agree.
	mux.HandleFunc("POST /hospitals/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := bodyID(w, r)
		if !ok {
			return
		}
		if id != r.PathValue("id") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the ids of the path and of the body differ"})
			return
		}
		s.answer(w, id)
	})
	s.Server = httptest.NewServer(s.faults(mux))
	return s
}

// bodyID reads the id of a POST look-up, {"rohini_id": id}, or answers 400.
func bodyID(w http.ResponseWriter, r *http.Request) (string, bool) {
	var body struct {
		ID string `json:"rohini_id"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil || body.ID == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `body must be {"rohini_id": "..."}`})
		return "", false
	}
	return body.ID, true
}

// faults counts every request and applies the configured faults before the
// request reaches the routes.
func (s *Server) faults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		latency := s.latency
		var code int
		var after string
		if s.failLeft > 0 {
			s.failLeft--
			code, after = s.failCode, s.failAfter
		}
		name, want := s.headerName, s.headerValue
		s.mu.Unlock()

		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.done:
				t.Stop()
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "server closing"})
				return
			}
		}
		if name != "" && r.Header.Get(name) != want {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong " + name})
			return
		}
		if code != 0 {
			if after != "" {
				w.Header().Set("Retry-After", after)
			}
			writeJSON(w, code, map[string]string{"error": "injected fault"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) answer(w http.ResponseWriter, id string) {
	s.mu.Lock()
	h, ok := s.hospitals[id]
	malformed, mismatch := s.malformed, s.mismatch
	s.mu.Unlock()
	if malformed {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"rohini_id": "`+id+`", "hospital_name": `) // cut off mid-document
		return
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "hospital not found"})
		return
	}
	if mismatch {
		h.ID = otherID(h.ID)
	}
	writeJSON(w, http.StatusOK, encode(h))
}

// otherID returns a valid id that differs from id.
func otherID(id string) string {
	if id != "8900000000005" {
		return "8900000000005"
	}
	return "8901234567890"
}

// encode renders h with the default field names; a date without a time of
// day is written as 2006-01-02.
func encode(h rohini.Hospital) map[string]string {
	f := rohini.DefaultFieldNames()
	m := map[string]string{f.ID: h.ID, f.Name: h.Name}
	for k, v := range map[string]string{
		f.Address: h.Address, f.District: h.District, f.State: h.State,
		f.Pincode: h.Pincode, f.Status: h.Status,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if !h.ValidUntil.IsZero() {
		if h.ValidUntil.Equal(h.ValidUntil.Truncate(24 * time.Hour)) {
			m[f.ValidUntil] = h.ValidUntil.UTC().Format(time.DateOnly)
		} else {
			m[f.ValidUntil] = h.ValidUntil.Format(time.RFC3339Nano)
		}
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Close shuts the server down, ending any injected latency at once (the
// requests it holds are answered 503), so that Close never waits out a
// delay for a client that does not give up. Close is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	s.Server.Close()
}

// Lookup returns an [rohini.HTTPLookup] wired to this server (its client,
// and the required header if any); opts are applied after that wiring.
func (s *Server) Lookup(opts ...rohini.HTTPOption) (*rohini.HTTPLookup, error) {
	base := []rohini.HTTPOption{rohini.WithHTTPClient(s.Client())}
	if s.headerName != "" {
		base = append(base, rohini.WithHeader(s.headerName, s.headerValue))
	}
	return rohini.NewHTTPLookup(s.URL, append(base, opts...)...)
}

// Add stores h (replacing any hospital with the same id). The id is stored
// as given, so a test can also serve records a real registry should not.
func (s *Server) Add(h rohini.Hospital) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hospitals[h.ID] = h
}

// Requests returns how many requests the server has received, faults and
// rejected requests included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// SetLatency delays every answer by d (0 turns it off). A request whose
// client gives up is abandoned at once, and Close ends every delay.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// FailNext answers the next n requests with HTTP status (200–599) and, unless
// retryAfter is empty, a Retry-After header carrying it verbatim (seconds
// or an HTTP date). n <= 0 clears a pending fault.
func (s *Server) FailNext(status, n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 || status < 200 || status > 599 {
		s.failLeft, s.failCode, s.failAfter = 0, 0, ""
		return
	}
	s.failCode, s.failLeft, s.failAfter = status, n, retryAfter
}

// SetMalformed makes every look-up answer 200 with a truncated JSON body.
func (s *Server) SetMalformed(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformed = on
}

// SetMismatch makes the server answer a known hospital with a record
// carrying a different id, as a misbehaving endpoint might.
func (s *Server) SetMismatch(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mismatch = on
}
