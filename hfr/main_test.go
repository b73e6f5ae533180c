package hfr_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every client
// is closed, every fake stopped.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
