package storetest

import (
	"reflect"
	"testing"

	"github.com/openhcx/hcxonboard/registry"
)

// capability returns s as the optional capability C (registry.OutboxStore,
// registry.DueLister …), skipping t when s does not implement it: a
// store may leave any of them out, and the engine then does without.
func capability[C any](t *testing.T, s registry.Store) C {
	t.Helper()
	c, ok := s.(C)
	if !ok {
		t.Skipf("%T does not implement %s", s, reflect.TypeFor[C]())
	}
	return c
}
