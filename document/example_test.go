package document_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/registry"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "documents")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The registry the applications live in; the engine creates them.
	reg := registry.NewMemoryStore()
	if err := reg.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}}); err != nil {
		log.Fatal(err)
	}
	clock := func() time.Time { return time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC) }
	docs, err := document.NewDir(dir, reg, document.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	defer docs.Close()

	letter := []byte("%PDF-1.7\n% the authorised signatory's letter\n%%EOF\n")
	stored, err := docs.Put(ctx, document.Document{
		ApplicationID: "app-1",
		Kind:          hcxonboard.DocSignatoryLetter,
		MediaType:     "application/pdf", // as the uploader declared it
		UploadedBy:    "applicant",
	}, bytes.NewReader(letter))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(stored.Kind, stored.MediaType, stored.Size, stored.SHA256[:16], stored.CreatedAt.Format(time.RFC3339))

	// A PNG declared as a PDF is refused, with a message for the uploader.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	_, err = docs.Put(ctx, document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocAddressProof,
		MediaType: "application/pdf", UploadedBy: "applicant"}, bytes.NewReader(png))
	var re *document.RejectError
	if errors.As(err, &re) && errors.Is(err, document.ErrMismatch) {
		fmt.Println("422:", re.Message)
	}

	// The application's reference must name the uploaded bytes.
	ref := stored.Reference("https://operator.example/applications/app-1/documents/" + stored.ID)
	found, err := document.Match(ctx, docs, "app-1", ref)
	if err != nil {
		log.Fatal(err)
	}
	_, content, err := docs.Get(ctx, "app-1", found.ID)
	if err != nil {
		log.Fatal(err)
	}
	defer content.Close()
	b, err := io.ReadAll(content) // checked against the digest at the end
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(found.ID == stored.ID, bytes.Equal(b, letter))
	// Output:
	// authorized_signatory_letter application/pdf 51 c9bcacd9547810a4 2025-03-14T09:00:00Z
	// 422: the file was declared as application/pdf but its content is a PNG; declare the type the file has, or upload the intended file
	// true true
}
