package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A request under way when the operator is told to stop is answered, and
// what it wrote is kept: the operator waits for it before closing the
// store. Here the client is still sending the body when the signal comes.
func TestShutdownFinishesARequestUnderWay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, _, stop := start(t, "-data", dir)
	body, err := os.ReadFile(filepath.Join(dir, "application-regulator.json"))
	require.NoError(t, err)

	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	half := len(body) / 2
	_, err = conn.Write([]byte("POST /v1/onboarding/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"))
	require.NoError(t, err)
	_, err = conn.Write(body[:half])
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the server is reading the body

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(300 * time.Millisecond) // the shutdown has begun
	_, err = conn.Write(body[half:])
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(15*time.Second)))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the request under way is answered")
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var applied struct {
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&applied))
	require.NotEmpty(t, applied.Application.ID)
	require.NoError(t, <-stopped, "a clean stop")

	// What it wrote is there after a restart on the same directory.
	base, out, _ := start(t, "-data", dir)
	status, got := get(t, base+"/v1/onboarding/staff/applications/"+applied.Application.ID,
		"Authorization", "Bearer "+staffToken(t, out.String()))
	assert.Equal(t, http.StatusOK, status, got)
}
