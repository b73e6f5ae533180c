package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
)

// readinessFile is what the operator's demo writes into its data
// directory for the readiness checks (examples/operator:
// demoReadinessFile); without it the operator runs with -readiness off.
const readinessFile = "demo-readiness.json"

// readinessManifest is readinessFile. File names are relative to the
// data directory.
type readinessManifest struct {
	DemoOnly      string `json:"demo_only"`
	Mode          string `json:"mode"`
	Issuer        string `json:"issuer"`
	KeyID         string `json:"kid"`
	JWKSPath      string `json:"jwks_path"`
	EndpointHost  string `json:"endpoint_host"`
	CA            string `json:"ca"`
	TLS           string `json:"tls"`
	EncryptionKey string `json:"encryption_key"`
	SigningKey    string `json:"signing_key"`
}

// endpoints are the sample participants' HCX endpoints, as far as the
// readiness checks see them: one TLS server on loopback, in this process,
// serving each participant's readiness handler (package
// readiness/participant) under /p/<n>, so that participant n registers
// endpoint_url https://<endpoint host>:<port>/p/<n>. DEMO ONLY: a real
// participant serves the handler on its own public endpoint.
type endpoints struct {
	manifest readinessManifest
	keys     participant.Keys      // the private keys of details.json's certificates
	operator participant.KeySource // the operator's published readiness keys
	srv      *http.Server
	port     int

	mu       sync.Mutex
	handlers map[int]*participant.Handler
}

// startEndpoints reads the operator's readiness material from dir and
// its published keys from the operator, and starts the endpoints' server.
// It returns nil, nil when the operator checks no readiness.
func startEndpoints(ctx context.Context, dir string, api *client) (*endpoints, error) {
	manifest := filepath.Join(dir, readinessFile)
	b, err := os.ReadFile(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("readiness: %w", operatorFileError(manifest, err))
	}
	e := &endpoints{handlers: map[int]*participant.Handler{}}
	if err := jsonStrict(b, &e.manifest); err != nil {
		return nil, fmt.Errorf("readiness: %w", operatorFileError(manifest, err))
	}
	m := e.manifest
	if m.Issuer == "" || m.JWKSPath == "" || m.EndpointHost == "" {
		return nil, fmt.Errorf("%s names no issuer, key set or endpoint host: start the operator afresh", readinessFile)
	}
	read := func(name string) ([]byte, error) {
		if name == "" || filepath.Base(name) != name {
			return nil, fmt.Errorf("%s: %q is not a file of the data directory", readinessFile, name)
		}
		return readOperatorFile(filepath.Join(dir, name))
	}
	enc, err := read(m.EncryptionKey)
	if err != nil {
		return nil, err
	}
	sig, err := read(m.SigningKey)
	if err != nil {
		return nil, err
	}
	if e.keys, err = participant.KeysFromPEM(enc, sig); err != nil {
		return nil, err
	}

	// The operator's readiness keys, as it publishes them. A real
	// participant's handler fetches them itself, over https
	// (participant.RemoteKeys); the demo operator speaks plain http on
	// loopback, so the set is fetched here once and handed over.
	var raw json.RawMessage
	if err := api.call(ctx, http.MethodGet, m.JWKSPath, "", nil, &raw); err != nil {
		return nil, fmt.Errorf("the operator's readiness keys (%s): %w", m.JWKSPath, err)
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the operator's readiness keys (%s): %w", m.JWKSPath, err)
	}
	if _, ok := set.LookupKeyID(m.KeyID); !ok {
		// The data directory was written by another operator (the seed
		// in it keeps the key across restarts): its samples are not this
		// operator's.
		return nil, fmt.Errorf("the operator at %s does not publish readiness key %q, which %s names: "+
			"%s holds another operator's samples; give the -data of the operator at %s (its banner prints the walkthrough's command with it)",
			api.base, m.KeyID, filepath.Join(dir, readinessFile), dir, api.base)
	}
	e.operator = participant.StaticKeys(set)

	pair, err := read(m.TLS)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(pair, pair)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.TLS, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("the participants' endpoint: %w", err)
	}
	e.port = ln.Addr().(*net.TCPAddr).Port
	mux := http.NewServeMux()
	mux.HandleFunc("/p/{n}"+readiness.Path, e.serve)
	e.srv = &http.Server{
		Handler:           mux,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = e.srv.ServeTLS(ln, "", "") }()
	return e, nil
}

// serve hands a challenge to the handler of participant n.
func (e *endpoints) serve(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	e.mu.Lock()
	h := e.handlers[n]
	e.mu.Unlock()
	if err != nil || h == nil {
		http.NotFound(w, r)
		return
	}
	h.ServeHTTP(w, r)
}

// add serves a readiness handler for the participant with code, with the
// demo participants' keys, trusting the operator's published keys, and
// returns the endpoint_url to register.
func (e *endpoints) add(code string) (string, error) {
	h, err := participant.NewHandler(
		participant.WithParticipant(code, e.keys),
		participant.WithOperator(e.manifest.Issuer, e.operator),
	)
	if err != nil {
		return "", fmt.Errorf("readiness handler: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(e.handlers) + 1
	e.handlers[n] = h
	return fmt.Sprintf("https://%s/p/%d", net.JoinHostPort(e.manifest.EndpointHost, strconv.Itoa(e.port)), n), nil
}

// close stops the server.
func (e *endpoints) close() {
	if e != nil && e.srv != nil {
		_ = e.srv.Close()
	}
}
