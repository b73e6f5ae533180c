package document

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard"
)

// DefaultMaxSize is the default size cap of an upload: 10 MiB, room for a
// scanned letter of a few pages.
const DefaultMaxSize = 10 << 20

// MaxMaxSize is the largest cap WithMaxSize accepts. The database store
// holds a document in memory while it writes or reads it.
const MaxMaxSize = 256 << 20

// DefaultTypes are the media types accepted by default: PDF, PNG and JPEG.
var DefaultTypes = []string{PDF, PNG, JPEG}

// Kinds are the document kinds accepted by default: those of the
// application contract.
var Kinds = []string{
	hcxonboard.DocSignatoryLetter, hcxonboard.DocGovernmentApprovalLetter, hcxonboard.DocAddressProof,
	hcxonboard.DocFacilityLicence, hcxonboard.DocEmpanelmentProof, hcxonboard.DocIRDALicence,
}

// maxUploader bounds Document.UploadedBy.
const maxUploader = 256

// Policy is how a store takes an upload: the rules it must pass (size cap,
// media types judged from the bytes, an image's pixel cap, known kinds)
// and the clock and random source that stamp it. Every store of this
// package, and of registry/sqlstore, applies one; a Policy is safe for
// concurrent use.
type Policy struct {
	maxSize int64
	types   []string
	kinds   []string
	now     func() time.Time
	rand    io.Reader
}

// Option configures a Policy.
type Option func(*Policy) error

// WithMaxSize sets the size cap of an upload in bytes (default
// DefaultMaxSize, 10 MiB); it must be between 1 and MaxMaxSize. Put reads
// at most one byte more than the cap.
func WithMaxSize(n int64) Option {
	return func(p *Policy) error {
		if n < 1 || n > MaxMaxSize {
			return fmt.Errorf("document: size cap %d outside 1..%d", n, MaxMaxSize)
		}
		p.maxSize = n
		return nil
	}
}

// WithTypes sets the media types accepted (default DefaultTypes): one or
// more of PDF, PNG and JPEG, the types the package recognises from
// content.
func WithTypes(mediaTypes ...string) Option {
	return func(p *Policy) error {
		if len(mediaTypes) == 0 {
			return errors.New("document: WithTypes with no media type")
		}
		var types []string
		for _, t := range mediaTypes {
			if signatureOf(t) == nil {
				return fmt.Errorf("document: media type %q cannot be recognised from content (want %s, %s or %s)", t, PDF, PNG, JPEG)
			}
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		p.types = types
		return nil
	}
}

// WithKinds sets the document kinds accepted (default Kinds, those of the
// application contract), for operators whose policies require more
// (verifier.DocumentKinds lists them). A kind given twice counts once.
func WithKinds(kinds ...string) Option {
	return func(p *Policy) error {
		if len(kinds) == 0 {
			return errors.New("document: WithKinds with no kind")
		}
		p.kinds = make([]string, 0, len(kinds))
		for _, k := range kinds {
			if !validKind(k) {
				return fmt.Errorf("document: kind %q: want 1 to 64 of a-z, 0-9, '_' and '.'", k)
			}
			if !slices.Contains(p.kinds, k) {
				p.kinds = append(p.kinds, k)
			}
		}
		return nil
	}
}

// WithClock sets the clock that stamps CreatedAt (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(p *Policy) error {
		if now == nil {
			return errors.New("document: WithClock(nil)")
		}
		p.now = now
		return nil
	}
}

// WithRand sets the random source of document ids (default crypto/rand).
// Reads from it are serialised.
func WithRand(r io.Reader) Option {
	return func(p *Policy) error {
		if r == nil {
			return errors.New("document: WithRand(nil)")
		}
		p.rand = &lockedReader{r: r}
		return nil
	}
}

// NewPolicy returns a Policy with the options applied over the defaults.
func NewPolicy(opts ...Option) (*Policy, error) {
	p := &Policy{maxSize: DefaultMaxSize, types: slices.Clone(DefaultTypes), kinds: slices.Clone(Kinds), now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("document: nil option")
		}
		if err := o(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// MaxSize is the policy's size cap in bytes.
func (p *Policy) MaxSize() int64 { return p.maxSize }

// Types are the media types the policy accepts.
func (p *Policy) Types() []string { return slices.Clone(p.types) }

// Kinds returns the document kinds the policy accepts.
func (p *Policy) Kinds() []string { return slices.Clone(p.kinds) }

// Accept applies the policy to an upload: it checks d's metadata (as
// [Store.Put] describes it), reads content — at most MaxSize+1 bytes —
// into dst, judges its media type from its first bytes, reads an image's
// size in pixels from its header (capped by MaxImageSide and
// MaxImagePixels, without decoding a pixel) or the sizes of a PDF's images
// (kept in memory for it), hashes it, and returns the
// document to store, with its ID, MediaType, Size, SHA256 and CreatedAt
// set. A refusal is a *RejectError, returned before the whole content is
// read when the first bytes (or an image's header) settle it; dst then
// holds part of the content, which the caller discards. An error from dst
// or content, or ctx ending, is returned as it is.
func (p *Policy) Accept(ctx context.Context, d Document, content io.Reader, dst io.Writer) (Document, error) {
	declared, expect, err := p.check(&d)
	if err != nil {
		return Document{}, err
	}
	if err := ctx.Err(); err != nil {
		return Document{}, err
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(content, head)
	head = head[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Document{}, fmt.Errorf("document: read the upload: %w", err)
	}
	if n == 0 {
		return Document{}, reject(ErrUnsupportedType, "the file is empty; upload the document as "+p.typeNames())
	}
	sniffed := Sniff(head)
	if sniffed == "" || !slices.Contains(p.types, sniffed) {
		what := looksLike(head)
		if s := signatureOf(sniffed); s != nil {
			what = "a " + s.name
		}
		msg := "the file is not " + p.typeNames()
		if what != "" {
			msg += " (its content looks like " + what + ")"
		}
		return Document{}, reject(ErrUnsupportedType, msg+"; upload the document as "+p.typeNames())
	}
	if declared != "" && declared != sniffed {
		return Document{}, reject(ErrMismatch, fmt.Sprintf("the file was declared as %s but its content is a %s; declare the type the file has, or upload the intended file",
			declared, signatureOf(sniffed).name))
	}

	h := sha256.New()
	// An image's size in pixels is read as its bytes go by, and a bomb
	// refused as soon as its header says so, before the bytes that carry
	// the header are stored. A PDF is kept whole for the scan of its
	// streams (scanPDF), which reads them wherever they start.
	pixels := newImageSize(sniffed)
	var whole *bytes.Buffer
	if sniffed == PDF {
		whole = new(bytes.Buffer)
	}
	write := func(b []byte) error {
		if pixels != nil {
			_, _ = pixels.Write(b)
			if err := pixels.refusal(p, false); err != nil {
				return err
			}
		}
		if whole != nil {
			whole.Write(b)
		}
		h.Write(b)
		if _, err := dst.Write(b); err != nil {
			return fmt.Errorf("document: store the upload: %w", err)
		}
		return nil
	}
	if err := write(head); err != nil {
		return Document{}, err
	}
	size := int64(len(head))
	buf := make([]byte, 32<<10)
	limit := p.maxSize + 1
	for size < limit {
		if err := ctx.Err(); err != nil {
			return Document{}, err
		}
		m, rerr := content.Read(buf[:min(int64(len(buf)), limit-size)])
		if m > 0 {
			if err := write(buf[:m]); err != nil {
				return Document{}, err
			}
			size += int64(m)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return Document{}, fmt.Errorf("document: read the upload: %w", rerr)
		}
	}
	if size > p.maxSize {
		return Document{}, reject(ErrTooLarge, fmt.Sprintf("the file is larger than %s (%d bytes), the most a document may be; upload a smaller file, such as a scan at a lower resolution",
			sizeName(p.maxSize), p.maxSize))
	}
	if pixels != nil {
		if err := pixels.refusal(p, true); err != nil {
			return Document{}, err
		}
	}
	if whole != nil {
		if err := scanPDF(whole.Bytes(), p.maxSize).refusal(p); err != nil {
			return Document{}, err
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if expect.sha256 != "" && expect.sha256 != sum {
		return Document{}, reject(ErrMismatch, "the file's SHA-256 digest is not the one declared; the file changed or was cut short on the way, or the declared digest belongs to another file")
	}
	if expect.size != 0 && expect.size != size {
		return Document{}, reject(ErrMismatch, fmt.Sprintf("the file has %d bytes, not the %d declared; upload it again", size, expect.size))
	}
	id, err := p.newID()
	if err != nil {
		return Document{}, err
	}
	d.ID, d.MediaType, d.Size, d.SHA256 = id, sniffed, size, sum
	d.CreatedAt = p.now().UTC().Round(0)
	return d, nil
}

type expectation struct {
	sha256 string
	size   int64
}

// Check checks the metadata of an upload as Accept does, before any of
// its content is read: a caller may refuse a request at once.
func (p *Policy) Check(d Document) error {
	_, _, err := p.check(&d)
	return err
}

// check checks what the caller of Put gives, returning the declared
// media type ("" when none) and the expected digest and size, and clears
// d's fields the store fills in.
func (p *Policy) check(d *Document) (declared string, expect expectation, err error) {
	switch {
	case !ValidApplicationID(d.ApplicationID):
		return "", expect, reject(ErrInvalid, "the application id is missing or malformed")
	case d.ID != "":
		return "", expect, reject(ErrInvalid, "a document's id is assigned by the store; leave it empty")
	case !d.CreatedAt.IsZero():
		return "", expect, reject(ErrInvalid, "a document's creation time is set by the store; leave it empty")
	case !slices.Contains(p.kinds, d.Kind):
		return "", expect, reject(ErrInvalid, "unknown document kind "+quoteKind(d.Kind)+"; the kinds are "+strings.Join(p.kinds, ", "))
	case !validUploader(d.UploadedBy):
		return "", expect, reject(ErrInvalid, "the uploader is missing or malformed")
	case d.Size < 0:
		return "", expect, reject(ErrInvalid, "a declared size cannot be negative")
	}
	if d.SHA256 != "" {
		if expect.sha256 = NormalizeDigest(d.SHA256); expect.sha256 == "" {
			return "", expect, reject(ErrInvalid, "the declared sha256 is not a SHA-256 digest; give its 64 hex characters")
		}
	}
	expect.size = d.Size
	if d.Size > p.maxSize {
		return "", expect, reject(ErrTooLarge, fmt.Sprintf("the file is declared as %d bytes; a document may be at most %s (%d bytes)", d.Size, sizeName(p.maxSize), p.maxSize))
	}
	if declared, err = normalizeType(d.MediaType); err != nil {
		return "", expect, err
	}
	if declared != "" && !slices.Contains(p.types, declared) {
		return "", expect, reject(ErrUnsupportedType, "the file was declared as "+declared+", which is not accepted; upload the document as "+p.typeNames())
	}
	d.MediaType, d.SHA256, d.Size = "", "", 0
	return declared, expect, nil
}

// normalizeType reads a declared media type: lower case, without
// parameters, aliases resolved. "" and application/octet-stream, which
// browsers send for files they cannot name, declare nothing.
func normalizeType(declared string) (string, error) {
	declared = strings.TrimSpace(declared)
	if declared == "" {
		return "", nil
	}
	t, _, err := mime.ParseMediaType(declared)
	if err != nil {
		return "", reject(ErrMismatch, "the declared media type is malformed; declare application/pdf, image/png or image/jpeg, or none")
	}
	if a, ok := aliases[t]; ok {
		t = a
	}
	if t == "application/octet-stream" {
		return "", nil
	}
	if len(t) > 100 {
		t = t[:100]
	}
	return t, nil
}

// NormalizeDigest returns a SHA-256 digest in lower-case hex, accepting
// either case and an optional "sha256:" prefix, or "" if s is not one.
func NormalizeDigest(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "sha256:") {
		s = s[7:]
	}
	if len(s) != 64 {
		return ""
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(b)
}

func (p *Policy) typeNames() string {
	names := make([]string, len(p.types))
	for i, t := range p.types {
		names[i] = signatureOf(t).name
	}
	switch len(names) {
	case 1:
		return "a " + names[0]
	case 2:
		return "a " + names[0] + " or " + names[1]
	}
	return "a " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// newID returns a time-ordered UUID (version 7) from the policy's clock
// and random source, as the engine makes application ids.
func (p *Policy) newID() (string, error) {
	var id uuid.UUID
	if _, err := io.ReadFull(p.rand, id[6:]); err != nil {
		return "", fmt.Errorf("document: random source: %w", err)
	}
	ms := uint64(p.now().UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = 0x70 | id[6]&0x0f
	id[8] = 0x80 | id[8]&0x3f
	return id.String(), nil
}

func validKind(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func quoteKind(k string) string {
	if len(k) > 64 {
		k = k[:64] + "…"
	}
	return fmt.Sprintf("%q", strings.ToValidUTF8(k, "\uFFFD"))
}

func validUploader(s string) bool {
	if strings.TrimSpace(s) == "" || len(s) > maxUploader || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// lockedReader serialises reads from a source that may not be safe for
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(b)
}
