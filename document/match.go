package document

import (
	"context"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// Match finds the uploaded document an application's reference stands
// for: the oldest document of the application whose SHA-256 digest is
// the reference's, preferring one of the reference's kind. A reference
// must name an uploaded document: a malformed digest is a *RejectError
// (ErrInvalid); a digest no document of the application has is
// ErrNotFound; a document with the digest but another kind, or another
// media type than a declared one, is a *RejectError (ErrMismatch). The
// reference's URI is not compared: where the applicant says the document
// lives does not change what it is.
func Match(ctx context.Context, s Store, applicationID string, ref hcxonboard.Document) (Document, error) {
	sum := NormalizeDigest(ref.SHA256)
	if sum == "" {
		return Document{}, reject(ErrInvalid, "the reference's sha256 is not a SHA-256 digest; give the 64 hex characters of the uploaded file's digest")
	}
	docs, err := s.List(ctx, applicationID)
	if err != nil {
		return Document{}, err
	}
	kind := strings.TrimSpace(ref.Kind)
	var other *Document
	for i := range docs {
		d := &docs[i]
		if d.SHA256 != sum {
			continue
		}
		if !strings.EqualFold(d.Kind, kind) {
			if other == nil {
				other = d
			}
			continue
		}
		if declared, err := normalizeType(ref.MediaType); err == nil && declared != "" && declared != d.MediaType {
			return Document{}, reject(ErrMismatch, fmt.Sprintf("the document with this digest is a %s, not %s; correct the reference's media_type", signatureName(d.MediaType), declared))
		}
		return *d, nil
	}
	if other != nil {
		return Document{}, reject(ErrMismatch, fmt.Sprintf("the document with this digest was uploaded as %s, not %s; correct the reference's kind or upload the %s", other.Kind, quoteKind(kind), quoteKind(kind)))
	}
	return Document{}, fmt.Errorf("%w: no document of application %q has the digest %s; upload the document before referencing it", ErrNotFound, applicationID, sum)
}

func signatureName(mediaType string) string {
	if s := signatureOf(mediaType); s != nil {
		return s.name
	}
	return mediaType
}
