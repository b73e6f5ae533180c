package onboarding_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// ownDocStore is an operator's own document.Store (an object store, say)
// that takes every kind but has no Policy method: the interface asks for
// none.
type ownDocStore struct{ document.Store }

// WithDocumentReview may name any kind when the document store is the
// operator's own and does not tell the kinds it takes (no Policy method).
func TestDocumentReviewWithAStoreOfOnesOwn(t *testing.T) {
	t.Parallel()
	store := registry.NewMemoryStore()
	dir, err := document.NewDir(t.TempDir(), store, document.WithKinds(append(slices.Clone(document.Kinds), "ethics_approval")...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = dir.Close() })
	w := newWorld(t)
	_, err = onboarding.New(store, onboarding.WithInstanceCode("x"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithDocuments(ownDocStore{dir}), onboarding.WithDocumentReview("ethics_approval"))
	require.NoError(t, err, "the store takes ethics_approval")
}
