package document

import (
	"context"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Document is a stored document's metadata. The store sets ID, MediaType
// (from the bytes), Size, SHA256 and CreatedAt; the caller of Put gives
// ApplicationID, Kind and UploadedBy.
type Document struct {
	ID            string    `json:"id"`             // assigned by the store, a UUID (see ValidID)
	ApplicationID string    `json:"application_id"` // the registry application it belongs to
	Kind          string    `json:"kind"`           // hcxonboard.DocSignatoryLetter, …
	MediaType     string    `json:"media_type"`     // sniffed from the content: application/pdf, image/png, image/jpeg
	Size          int64     `json:"size"`           // bytes
	SHA256        string    `json:"sha256"`         // 64 lower-case hex characters, computed by the store
	CreatedAt     time.Time `json:"created_at"`     // UTC
	UploadedBy    string    `json:"uploaded_by"`    // the authenticated actor: "applicant", "staff:<id>", …
}

// Reference returns the application's reference to d at uri: what an
// application's documents list holds, with d's kind, digest and media
// type.
func (d Document) Reference(uri string) hcxonboard.Document {
	return hcxonboard.Document{Kind: d.Kind, URI: uri, SHA256: d.SHA256, MediaType: d.MediaType}
}

// FileName is a safe name for d in a Content-Disposition header: its kind,
// the start of its id and the extension of its media type, all ASCII
// letters, digits, '_', '-' and '.'.
func (d Document) FileName() string {
	kind := make([]byte, 0, len(d.Kind))
	for i := 0; i < len(d.Kind) && len(kind) < 64; i++ {
		if c := d.Kind[i]; c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			kind = append(kind, c)
		}
	}
	if len(kind) == 0 {
		kind = append(kind, "document"...)
	}
	id := d.ID
	if !ValidID(id) {
		id = "unknown"
	}
	return string(kind) + "-" + id[:min(8, len(id))] + extension(d.MediaType)
}

// Store keeps the documents of applications. Implementations are safe for
// concurrent use and apply a [Policy] to every Put.
type Store interface {
	// Put reads content under the store's policy and stores it as a
	// document of d.ApplicationID, returning the stored metadata. d gives
	// ApplicationID, Kind and UploadedBy; MediaType, if set, is the
	// uploader's declared type, which must agree with the content's;
	// SHA256 and Size, if set, are what the uploader expects, and must
	// agree too. ID and CreatedAt must be zero. A refused upload is a
	// *RejectError; an application that does not exist is ErrNotFound.
	// Nothing is stored unless Put returns nil.
	Put(ctx context.Context, d Document, content io.Reader) (Document, error)
	// Get returns a document of the application and its content, which
	// the caller must close. A document of another application, or none,
	// is ErrNotFound. The content is checked against the stored digest
	// and size, before Get returns or by the read that reaches its end:
	// a mismatch is ErrCorrupt.
	Get(ctx context.Context, applicationID, id string) (Document, io.ReadCloser, error)
	// List returns an application's documents, oldest first (by
	// CreatedAt, then ID), without content. An application with none
	// has an empty list; one that does not exist is ErrNotFound.
	List(ctx context.Context, applicationID string) ([]Document, error)
	// Delete removes a document of the application; none is ErrNotFound.
	Delete(ctx context.Context, applicationID, id string) error
}

// Applications tells a store without a registry of its own (such as
// [Dir]) whether an application exists. Every registry.Store satisfies it.
type Applications interface {
	Application(ctx context.Context, id string) (*registry.Application, error)
}

// Sentinel errors; match them with errors.Is.
var (
	// ErrNotFound: no such document, or no such application.
	ErrNotFound = errors.New("document: not found")
	// ErrTooLarge: the content is over the policy's size cap, or is a PDF
	// whose compressed streams expand beyond 16 times the cap.
	ErrTooLarge = errors.New("document: too large")
	// ErrTooManyPixels: the content is a PNG or JPEG whose header declares
	// more than MaxImageSide pixels across or down, or more than
	// MaxImagePixels in all, however few bytes it has, or a JPEG that
	// holds a further image (a gain map, a second picture) that does, or a
	// PDF that declares such an image (see the package documentation). It
	// is not ErrTooLarge, which is about the bytes of the upload.
	ErrTooManyPixels = errors.New("document: image has too many pixels")
	// ErrUnsupportedType: the content is not of a media type the policy
	// allows (judged from its bytes, not from what the uploader declared),
	// or is a PNG or JPEG whose size in pixels cannot be read from its
	// header, or is 0, or a PDF whose images cannot be checked (encrypted,
	// an LZW, ASCII85, ASCIIHex or RunLength filter, a size by reference).
	ErrUnsupportedType = errors.New("document: unsupported type")
	// ErrMismatch: the declared media type, expected digest or size, or a
	// reference's kind, disagrees with the content or the stored document.
	ErrMismatch = errors.New("document: mismatch")
	// ErrInvalid: the metadata given to Put is unusable (unknown kind, no
	// uploader, an id set by the caller …).
	ErrInvalid = errors.New("document: invalid metadata")
	// ErrCorrupt: stored content no longer matches its digest or size.
	// It is the operator's problem, never the uploader's.
	ErrCorrupt = errors.New("document: stored content does not match its digest")
)

// RejectError is an upload or reference refused by the rules: Message says
// what is wrong and what to do, fit to show the uploader (an HTTP 422); it
// names no path, host or stored value beyond sizes and media types. Err is
// ErrTooLarge, ErrTooManyPixels, ErrUnsupportedType, ErrMismatch or
// ErrInvalid.
type RejectError struct {
	Err     error
	Message string
}

func (e *RejectError) Error() string { return "document: " + e.Message }
func (e *RejectError) Unwrap() error { return e.Err }

func reject(err error, msg string) *RejectError { return &RejectError{Err: err, Message: msg} }

// MaxApplicationIDLength is the longest application id a store accepts.
const MaxApplicationIDLength = 256

// ValidApplicationID reports whether id can name an application here:
// 1 to MaxApplicationIDLength bytes of UTF-8 without control characters.
// Any such id is safe in every store (the filesystem store never uses it
// as a file name); an application id outside it is never found.
func ValidApplicationID(id string) bool {
	if id == "" || len(id) > MaxApplicationIDLength || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// ValidID reports whether id has the form of a document id the stores
// assign: a UUID in its canonical lower-case form. Stores answer
// ErrNotFound for any other id without looking.
func ValidID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// isNotFound reports an Applications answer that the application does
// not exist.
func isNotFound(err error) bool {
	return errors.Is(err, registry.ErrNotFound) || errors.Is(err, ErrNotFound)
}
