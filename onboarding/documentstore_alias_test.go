package onboarding_test

import (
	"context"
	"testing"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// TestDocumentStoreNamesTheEnginesStore holds the documents issue's name,
// DocumentStore, to the store WithDocuments takes: the directory store is
// one and the engine accepts it, while a nil one is still refused.
func TestDocumentStoreNamesTheEnginesStore(t *testing.T) {
	reg := registry.NewMemoryStore()
	dir, err := document.NewDir(t.TempDir(), reg)
	if err != nil {
		t.Fatal(err)
	}
	newService := func(store onboarding.DocumentStore) error {
		_, err := onboarding.New(reg, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(otpKey),
			onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })),
			onboarding.WithDocuments(store))
		return err
	}
	if err := newService(dir); err != nil {
		t.Fatalf("New with a DocumentStore: %v", err)
	}
	if err := newService(nil); err == nil {
		t.Fatal("New with a nil DocumentStore: no error")
	}
}
