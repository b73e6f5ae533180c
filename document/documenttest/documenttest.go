package documenttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/registry"
)

// NewStore returns a fresh, empty document store built with opts, and the
// registry its applications live in, for one subtest; it registers their
// cleanup on t.
type NewStore = func(t *testing.T, opts ...document.Option) (document.Store, registry.Writer)

// Run runs the conformance suite against the stores newStore returns.
// Each subtest calls newStore once and runs in parallel with the others.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	groups := []struct {
		name string
		run  func(*testing.T, NewStore)
	}{
		{"RoundTrip", testRoundTrip},
		{"SizeCap", testSizeCap},
		{"Sniffing", testSniffing},
		{"Pixels", testPixels},
		{"Metadata", testMetadata},
		{"NotFound", testNotFound},
		{"Ids", testIDs},
		{"Order", testOrder},
		{"Concurrency", testConcurrency},
		{"Context", testContext},
		{"Match", testMatch},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newStore)
		})
	}
}

// base is a time in a non-UTC zone with nanoseconds, so that a store that
// rounds, truncates or loses the instant fails the comparisons.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("IST", 5*3600+30*60))

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a store under test with its registry and clock.
type fixture struct {
	t     *testing.T
	s     document.Store
	reg   registry.Writer
	clock *Clock
}

func open(t *testing.T, newStore NewStore, opts ...document.Option) *fixture {
	t.Helper()
	clock := NewClock(base)
	s, reg := newStore(t, append([]document.Option{document.WithClock(clock.Now)}, opts...)...)
	require.NotNil(t, s)
	require.NotNil(t, reg)
	return &fixture{t: t, s: s, reg: reg, clock: clock}
}

// app creates an application in the registry.
func (f *fixture) app(id string) string {
	f.t.Helper()
	err := f.reg.Create(context.Background(), registry.Write{Application: &registry.Application{
		ID: id, Stage: registry.StageSubmitted, CreatedAt: base, UpdatedAt: base,
	}})
	require.NoError(f.t, err, "create application %q", id)
	return id
}

func meta(appID, kind, mediaType string) document.Document {
	return document.Document{ApplicationID: appID, Kind: kind, MediaType: mediaType, UploadedBy: "applicant"}
}

func (f *fixture) put(d document.Document, content []byte) document.Document {
	f.t.Helper()
	got, err := f.s.Put(context.Background(), d, bytes.NewReader(content))
	require.NoError(f.t, err)
	return got
}

// get reads a document and its whole content.
func (f *fixture) get(appID, id string) (document.Document, []byte, error) {
	f.t.Helper()
	d, rc, err := f.s.Get(context.Background(), appID, id)
	if err != nil {
		require.Nil(f.t, rc, "Get returned content with an error")
		return d, nil, err
	}
	defer func() { require.NoError(f.t, rc.Close()) }()
	b, err := io.ReadAll(rc)
	return d, b, err
}

func (f *fixture) list(appID string) []document.Document {
	f.t.Helper()
	docs, err := f.s.List(context.Background(), appID)
	require.NoError(f.t, err)
	return docs
}

// requireReject checks that err is a *document.RejectError for want with
// a message for the uploader.
func requireReject(t *testing.T, err error, want error) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var re *document.RejectError
	require.ErrorAs(t, err, &re, "a refusal is a *document.RejectError")
	require.NotEmpty(t, re.Message)
	require.ErrorIs(t, re.Err, want)
}

func testRoundTrip(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	for _, c := range []struct {
		name, declared, want string
		content              []byte
	}{
		{"a PDF", "application/pdf", document.PDF, PDF(4096, "signatory")},
		{"a PDF declared with parameters in another case", "Application/PDF; name=letter.pdf", document.PDF, PDF(100, "p")},
		{"a PDF declared as application/x-pdf", "application/x-pdf", document.PDF, PDF(100, "x")},
		{"a PDF declared as nothing", "", document.PDF, PDF(100, "n")},
		{"a PDF declared as application/octet-stream", "application/octet-stream", document.PDF, PDF(100, "o")},
		{"a PNG", "image/png", document.PNG, PNG(3, 2)},
		{"a JPEG", "image/jpeg", document.JPEG, JPEG(8, 8)},
		{"a JPEG declared as image/jpg", "image/jpg", document.JPEG, JPEG(2, 2)},
	} {
		t.Run(c.name+" comes back whole with the digest the store computed", func(t *testing.T) {
			t.Parallel()
			f := open(t, newStore)
			app := f.app("app-1")
			stored := f.put(meta(app, hcxonboard.DocSignatoryLetter, c.declared), c.content)

			require.True(t, document.ValidID(stored.ID), "id %q", stored.ID)
			require.Equal(t, app, stored.ApplicationID)
			require.Equal(t, hcxonboard.DocSignatoryLetter, stored.Kind)
			require.Equal(t, c.want, stored.MediaType, "the type sniffed from the bytes")
			require.EqualValues(t, len(c.content), stored.Size)
			require.Equal(t, Digest(c.content), stored.SHA256)
			require.Equal(t, "applicant", stored.UploadedBy)
			require.True(t, stored.CreatedAt.Equal(base), "created at %v, want %v", stored.CreatedAt, base)
			require.Equal(t, time.UTC, stored.CreatedAt.Location())

			got, content, err := f.get(app, stored.ID)
			require.NoError(t, err)
			require.Equal(t, c.content, content)
			requireSame(t, stored, got)

			docs := f.list(app)
			require.Len(t, docs, 1)
			requireSame(t, stored, docs[0])
		})
	}

	t.Run("an expected digest and size are checked", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		content := PDF(500, "digest")

		d := meta(app, hcxonboard.DocAddressProof, document.PDF)
		d.SHA256, d.Size = "SHA256:"+strings.ToUpper(Digest(content)), 500
		stored := f.put(d, content)
		require.Equal(t, Digest(content), stored.SHA256, "stored lower case, without the prefix")

		d.SHA256 = Digest(PDF(500, "another"))
		_, err := f.s.Put(ctx, d, bytes.NewReader(content))
		requireReject(t, err, document.ErrMismatch)

		d.SHA256, d.Size = "", 499
		_, err = f.s.Put(ctx, d, bytes.NewReader(content))
		requireReject(t, err, document.ErrMismatch)

		d.Size = 0
		d.SHA256 = "not a digest"
		_, err = f.s.Put(ctx, d, bytes.NewReader(content))
		requireReject(t, err, document.ErrInvalid)

		require.Len(t, f.list(app), 1, "refused uploads store nothing")
	})

	t.Run("documents of one application are not another's", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		a, b := f.app("app-a"), f.app("app-b")
		da := f.put(meta(a, hcxonboard.DocSignatoryLetter, ""), PDF(100, "a"))
		db := f.put(meta(b, hcxonboard.DocSignatoryLetter, ""), PDF(100, "b"))
		require.NotEqual(t, da.ID, db.ID)

		_, _, err := f.get(b, da.ID)
		require.ErrorIs(t, err, document.ErrNotFound)
		require.ErrorIs(t, f.s.Delete(ctx, b, da.ID), document.ErrNotFound)
		require.Len(t, f.list(a), 1)
		require.Equal(t, db.ID, f.list(b)[0].ID)
	})

	t.Run("a deleted document is gone and the others stay", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		d1 := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, "1"))
		d2 := f.put(meta(app, hcxonboard.DocAddressProof, ""), PNG(1, 1))

		require.NoError(t, f.s.Delete(ctx, app, d1.ID))
		_, _, err := f.get(app, d1.ID)
		require.ErrorIs(t, err, document.ErrNotFound)
		require.ErrorIs(t, f.s.Delete(ctx, app, d1.ID), document.ErrNotFound, "deleting twice")
		docs := f.list(app)
		require.Len(t, docs, 1)
		require.Equal(t, d2.ID, docs[0].ID)
		_, content, err := f.get(app, d2.ID)
		require.NoError(t, err)
		require.Equal(t, PNG(1, 1), content)

		require.NoError(t, f.s.Delete(ctx, app, d2.ID))
		require.Empty(t, f.list(app), "an application whose documents are all deleted lists none")
	})

	t.Run("one content uploaded twice is two documents", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		content := PDF(200, "twice")
		d1 := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), content)
		d2 := f.put(meta(app, hcxonboard.DocAddressProof, ""), content)
		require.NotEqual(t, d1.ID, d2.ID)
		require.Equal(t, d1.SHA256, d2.SHA256)
		require.NoError(t, f.s.Delete(ctx, app, d1.ID))
		_, got, err := f.get(app, d2.ID)
		require.NoError(t, err)
		require.Equal(t, content, got, "deleting one leaves the other's content")
	})
}

// requireSame compares stored metadata, times by instant.
func requireSame(t *testing.T, want, got document.Document) {
	t.Helper()
	require.True(t, want.CreatedAt.Equal(got.CreatedAt), "created at %v, want %v", got.CreatedAt, want.CreatedAt)
	want.CreatedAt, got.CreatedAt = time.Time{}, time.Time{}
	require.Equal(t, want, got)
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is a PDF header followed by filler, forever.
type endless struct{ head []byte }

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = ' '
	}
	return len(p), nil
}

func testSizeCap(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const limit = 4096

	t.Run("a document of the cap is stored, one byte more is refused", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore, document.WithMaxSize(limit))
		app := f.app("app-1")
		stored := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(limit, "cap"))
		require.EqualValues(t, limit, stored.Size)

		_, err := f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, ""), bytes.NewReader(PDF(limit+1, "over")))
		requireReject(t, err, document.ErrTooLarge)
		require.Len(t, f.list(app), 1)
	})

	t.Run("an endless upload is refused after reading at most cap+1 bytes", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore, document.WithMaxSize(limit))
		app := f.app("app-1")
		r := &countingReader{r: &endless{head: []byte("%PDF-1.7\n")}}
		_, err := f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, ""), r)
		requireReject(t, err, document.ErrTooLarge)
		require.LessOrEqual(t, r.n, int64(limit+1))
		require.Empty(t, f.list(app))
	})

	t.Run("a declared size over the cap is refused before reading", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore, document.WithMaxSize(limit))
		app := f.app("app-1")
		d := meta(app, hcxonboard.DocSignatoryLetter, "")
		d.Size = limit + 1
		r := &countingReader{r: bytes.NewReader(PDF(limit+1, "x"))}
		_, err := f.s.Put(ctx, d, r)
		requireReject(t, err, document.ErrTooLarge)
		require.Zero(t, r.n)
	})

	t.Run("the default cap is 10 MiB", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		stored := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(document.DefaultMaxSize, "big"))
		require.EqualValues(t, document.DefaultMaxSize, stored.Size)
		_, content, err := f.get(app, stored.ID)
		require.NoError(t, err)
		require.Equal(t, Digest(PDF(document.DefaultMaxSize, "big")), Digest(content))

		_, err = f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, ""), bytes.NewReader(PDF(document.DefaultMaxSize+1, "big")))
		requireReject(t, err, document.ErrTooLarge)
	})
}

func testSniffing(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	zip := append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), bytes.Repeat([]byte{0}, 100)...)
	for _, c := range []struct {
		name, declared string
		content        []byte
		want           error
	}{
		{"a PNG declared as a PDF", "application/pdf", PNG(2, 2), document.ErrMismatch},
		{"a PDF declared as a PNG", "image/png", PDF(100, "p"), document.ErrMismatch},
		{"a JPEG declared as a PNG", "image/png", JPEG(2, 2), document.ErrMismatch},
		{"HTML", "", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), document.ErrUnsupportedType},
		{"HTML declared as a PDF", "application/pdf", []byte("<html><body>%PDF-1.7</body></html>"), document.ErrUnsupportedType},
		{"HTML declared as HTML", "text/html", []byte("<html><body>hello</body></html>"), document.ErrUnsupportedType},
		{"a PDF declared as HTML", "text/html", PDF(100, "h"), document.ErrUnsupportedType},
		{"SVG", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), document.ErrUnsupportedType},
		{"SVG with an XML declaration, declared as a PNG", "image/png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), document.ErrUnsupportedType},
		{"a ZIP archive", "", zip, document.ErrUnsupportedType},
		{"a ZIP archive declared as a PDF", "application/pdf", zip, document.ErrUnsupportedType},
		{"a GIF", "", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"), document.ErrUnsupportedType},
		{"plain text", "", []byte("this is my signatory letter"), document.ErrUnsupportedType},
		{"a bare %PDF", "", []byte("%PDF"), document.ErrUnsupportedType},
		{"a PDF header cut after the dash", "", []byte("%PDF-"), document.ErrUnsupportedType},
		{"a PDF header cut in the version", "", []byte("%PDF-1."), document.ErrUnsupportedType},
		{"a PDF header with no version", "", []byte("%PDF-x.y\n%%EOF\n"), document.ErrUnsupportedType},
		{"a PDF after leading bytes", "", append([]byte("\n\n"), PDF(100, "lead")...), document.ErrUnsupportedType},
		{"a PNG signature without its IHDR", "", []byte("\x89PNG\r\n\x1a\n"), document.ErrUnsupportedType},
		{"a JPEG cut after its SOI", "", []byte{0xff, 0xd8}, document.ErrUnsupportedType},
		{"an empty file", "", nil, document.ErrUnsupportedType},
		{"a malformed declared type", "application/", PDF(100, "m"), document.ErrMismatch},
	} {
		t.Run(c.name+" is refused", func(t *testing.T) {
			t.Parallel()
			f := open(t, newStore)
			app := f.app("app-1")
			_, err := f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, c.declared), bytes.NewReader(c.content))
			requireReject(t, err, c.want)
			require.Empty(t, f.list(app), "a refused upload stores nothing")
		})
	}

	t.Run("a type left out of the allow-list is refused", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore, document.WithTypes(document.PDF))
		app := f.app("app-1")
		_, err := f.s.Put(ctx, meta(app, hcxonboard.DocAddressProof, ""), bytes.NewReader(PNG(2, 2)))
		requireReject(t, err, document.ErrUnsupportedType)
		_, err = f.s.Put(ctx, meta(app, hcxonboard.DocAddressProof, "image/jpeg"), bytes.NewReader(JPEG(2, 2)))
		requireReject(t, err, document.ErrUnsupportedType)
		f.put(meta(app, hcxonboard.DocAddressProof, ""), PDF(100, "ok"))
	})

	t.Run("content of a refused type is refused from its first bytes", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		r := &countingReader{r: io.MultiReader(strings.NewReader("<html>"), &endless{})}
		_, err := f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, ""), r)
		requireReject(t, err, document.ErrUnsupportedType)
		require.Less(t, r.n, int64(1024))
	})
}

func testPixels(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	jpg := JPEG(8, 8)
	for _, c := range []struct {
		name    string
		content []byte
		want    error
	}{
		{"a PNG of a few bytes declaring 60000×60000 pixels", PNGDeclaring(60000, 60000), document.ErrTooManyPixels},
		{"a PNG a pixel over the side cap", PNGDeclaring(document.MaxImageSide+1, 1), document.ErrTooManyPixels},
		{"a JPEG declaring 65535×65535 pixels", JPEGDeclaring(65535, 65535), document.ErrTooManyPixels},
		{"a PNG 0 pixels wide", PNGDeclaring(0, 1), document.ErrUnsupportedType},
		{"a JPEG 0 pixels high", JPEGDeclaring(1, 0), document.ErrUnsupportedType},
		{"a PNG cut inside its IHDR", PNG(2, 2)[:20], document.ErrUnsupportedType},
		{"a JPEG cut before its frame header", jpg[:20], document.ErrUnsupportedType},
	} {
		t.Run(c.name+" is refused", func(t *testing.T) {
			t.Parallel()
			f := open(t, newStore)
			app := f.app("app-1")
			_, err := f.s.Put(ctx, meta(app, hcxonboard.DocFacilityLicence, ""), bytes.NewReader(c.content))
			requireReject(t, err, c.want)
			require.Empty(t, f.list(app), "a refused upload stores nothing")
		})
	}

	t.Run("images within the cap are stored", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		for _, b := range [][]byte{
			PNGDeclaring(document.MaxImageSide, document.MaxImagePixels/document.MaxImageSide),
			PNGDeclaring(4961, 7016), // an A4 page at 600 dpi
			JPEGDeclaring(8160, 6120),
		} {
			f.put(meta(app, hcxonboard.DocFacilityLicence, ""), b)
		}
		require.Len(t, f.list(app), 3)
	})
}

func testMetadata(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		change func(*document.Document)
	}{
		{"an unknown kind", func(d *document.Document) { d.Kind = "selfie" }},
		{"no kind", func(d *document.Document) { d.Kind = "" }},
		{"no uploader", func(d *document.Document) { d.UploadedBy = "" }},
		{"an uploader with a control character", func(d *document.Document) { d.UploadedBy = "staff:1\nstaff:2" }},
		{"an id set by the caller", func(d *document.Document) { d.ID = "0195b7a6-0000-7000-8000-000000000000" }},
		{"a creation time set by the caller", func(d *document.Document) { d.CreatedAt = base }},
		{"a negative size", func(d *document.Document) { d.Size = -1 }},
		{"no application", func(d *document.Document) { d.ApplicationID = "" }},
	} {
		t.Run(c.name+" is refused", func(t *testing.T) {
			t.Parallel()
			f := open(t, newStore)
			app := f.app("app-1")
			d := meta(app, hcxonboard.DocSignatoryLetter, "")
			c.change(&d)
			_, err := f.s.Put(ctx, d, bytes.NewReader(PDF(100, "meta")))
			requireReject(t, err, document.ErrInvalid)
			require.Empty(t, f.list(app))
		})
	}

	t.Run("every kind of the contract is accepted, and those WithKinds adds", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore, document.WithKinds(append(document.Kinds, "pan_card")...))
		app := f.app("app-1")
		for _, k := range append(document.Kinds, "pan_card") {
			f.put(meta(app, k, ""), PDF(100, k))
		}
		require.Len(t, f.list(app), len(document.Kinds)+1)
	})
}

func testNotFound(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	const unknownID = "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0b"

	t.Run("a document for an application that does not exist is refused", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		_, err := f.s.Put(ctx, meta("no-such-app", hcxonboard.DocSignatoryLetter, ""), bytes.NewReader(PDF(100, "x")))
		require.ErrorIs(t, err, document.ErrNotFound)
		_, err = f.s.List(ctx, "no-such-app")
		require.ErrorIs(t, err, document.ErrNotFound)
		f.app("no-such-app")
		require.Empty(t, f.list("no-such-app"), "the refused document was not kept")
	})

	t.Run("an application without documents lists none", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		docs, err := f.s.List(ctx, app)
		require.NoError(t, err)
		require.Empty(t, docs)
	})

	t.Run("unknown documents are not found", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		stored := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, "x"))
		for _, c := range []struct{ app, id string }{
			{app, unknownID},
			{"no-such-app", unknownID},
			{"no-such-app", stored.ID},
			{app, strings.ToUpper(stored.ID)},
			{app, stored.ID + " "},
			{app, ""},
		} {
			_, _, err := f.get(c.app, c.id)
			require.ErrorIs(t, err, document.ErrNotFound, "Get(%q, %q)", c.app, c.id)
			require.ErrorIs(t, f.s.Delete(ctx, c.app, c.id), document.ErrNotFound, "Delete(%q, %q)", c.app, c.id)
		}
		require.Len(t, f.list(app), 1)
	})
}

func testIDs(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("document ids that look like paths are not found", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		stored := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, "x"))
		for _, id := range []string{
			"..", ".", "/", "../" + stored.ID, stored.ID + "/..", "../../../../etc/passwd", "/etc/passwd",
			`..\..\windows`, "%2e%2e%2f" + stored.ID, stored.ID + ".json", stored.ID + ".data",
			"./" + stored.ID, stored.ID + "\x00", "\x00", strings.Repeat("a", 4096),
		} {
			_, _, err := f.get(app, id)
			require.ErrorIs(t, err, document.ErrNotFound, "Get(%q)", id)
			require.ErrorIs(t, f.s.Delete(ctx, app, id), document.ErrNotFound, "Delete(%q)", id)
		}
		require.Len(t, f.list(app), 1, "nothing was deleted")
	})

	t.Run("application ids that look like paths are ordinary ids", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		ids := []string{"..", ".", "../../../../tmp/x", "/etc", "a/b", "a/../b", `a\b`, "C:", " ", "app-1", "app-1/", "ünïcødé ✓",
			strings.Repeat("z", document.MaxApplicationIDLength)}
		var docs []document.Document
		for i, id := range ids {
			f.app(id)
			docs = append(docs, f.put(meta(id, hcxonboard.DocSignatoryLetter, ""), PDF(100, fmt.Sprint(i))))
		}
		for i, id := range ids {
			list := f.list(id)
			require.Len(t, list, 1, "application %q", id)
			require.Equal(t, docs[i].ID, list[0].ID, "application %q", id)
			_, content, err := f.get(id, docs[i].ID)
			require.NoError(t, err)
			require.Equal(t, PDF(100, fmt.Sprint(i)), content)
			for j, other := range ids {
				if j != i {
					_, _, err := f.get(other, docs[i].ID)
					require.ErrorIs(t, err, document.ErrNotFound, "application %q reads %q's document", other, id)
				}
			}
		}
	})

	t.Run("malformed application ids are refused or not found", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		for _, id := range []string{"", "a\x00b", "a\nb", "\xff\xfe", strings.Repeat("z", document.MaxApplicationIDLength+1)} {
			_, err := f.s.Put(ctx, meta(id, hcxonboard.DocSignatoryLetter, ""), bytes.NewReader(PDF(100, "x")))
			requireReject(t, err, document.ErrInvalid)
			_, err = f.s.List(ctx, id)
			require.ErrorIs(t, err, document.ErrNotFound, "List(%q)", id)
			_, _, err = f.get(id, "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0b")
			require.ErrorIs(t, err, document.ErrNotFound, "Get(%q)", id)
			require.ErrorIs(t, f.s.Delete(ctx, id, "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0b"), document.ErrNotFound)
		}
	})
}

func testOrder(t *testing.T, newStore NewStore) {
	t.Run("documents list oldest first", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		// Uploaded out of time order: a clock set back, as after a
		// replica with a slower clock.
		offsets := []time.Duration{3 * time.Second, time.Second, 5 * time.Second, 2 * time.Second, 4 * time.Second}
		byOffset := map[time.Duration]string{}
		for i, off := range offsets {
			f.clock.Set(base.Add(off))
			d := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, fmt.Sprint(i)))
			require.True(t, d.CreatedAt.Equal(base.Add(off)))
			byOffset[off] = d.ID
		}
		docs := f.list(app)
		require.Len(t, docs, len(offsets))
		for i, d := range docs {
			require.Equal(t, byOffset[time.Duration(i+1)*time.Second], d.ID, "position %d", i)
			require.True(t, d.CreatedAt.Equal(base.Add(time.Duration(i+1)*time.Second)))
		}
	})

	t.Run("documents of one instant list by id", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		var ids []string
		for i := range 6 {
			ids = append(ids, f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, fmt.Sprint(i))).ID)
		}
		docs := f.list(app)
		require.Len(t, docs, 6)
		for i := 1; i < len(docs); i++ {
			require.Less(t, docs[i-1].ID, docs[i].ID)
		}
		require.ElementsMatch(t, ids, idsOf(docs))
	})
}

func idsOf(docs []document.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func testConcurrency(t *testing.T, newStore NewStore) {
	t.Run("concurrent puts to several applications all land, once each", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		apps := []string{f.app("app-1"), f.app("app-2"), f.app("app-3")}
		const n = 24
		contents := make([][]byte, n)
		stored := make([]document.Document, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			contents[i] = PDF(2048+i, fmt.Sprint("concurrent ", i))
			wg.Go(func() {
				<-start
				stored[i], errs[i] = f.s.Put(context.Background(), meta(apps[i%len(apps)], hcxonboard.DocSignatoryLetter, ""), bytes.NewReader(contents[i]))
			})
		}
		close(start)
		wg.Wait()
		seen := map[string]bool{}
		for i, err := range errs {
			require.NoError(t, err, "put %d", i)
			require.False(t, seen[stored[i].ID], "id %s given twice", stored[i].ID)
			seen[stored[i].ID] = true
		}
		for a, app := range apps {
			docs := f.list(app)
			require.Len(t, docs, n/len(apps), "application %s", app)
			for _, d := range docs {
				var i int
				for i = range stored {
					if stored[i].ID == d.ID {
						break
					}
				}
				require.Equal(t, a, i%len(apps), "document %s listed under %s", d.ID, app)
				require.Equal(t, Digest(contents[i]), d.SHA256)
			}
		}
		// Concurrent reads of every document.
		var rg sync.WaitGroup
		for i := range n {
			rg.Go(func() {
				_, rc, err := f.s.Get(context.Background(), apps[i%len(apps)], stored[i].ID)
				if !assert.NoError(t, err) {
					return
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				assert.NoError(t, err)
				assert.Equal(t, Digest(contents[i]), Digest(b))
			})
		}
		rg.Wait()
	})

	t.Run("concurrent deletes of one document: exactly one succeeds", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		d := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, "x"))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = f.s.Delete(context.Background(), app, d.ID) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, document.ErrNotFound)
			}
		}
		require.Equal(t, 1, ok)
		require.Empty(t, f.list(app))
	})
}

func testContext(t *testing.T, newStore NewStore) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	t.Run("a cancelled context fails every call and stores nothing", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		d := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), PDF(100, "x"))

		_, err := f.s.Put(cancelled, meta(app, hcxonboard.DocAddressProof, ""), bytes.NewReader(PDF(100, "y")))
		require.ErrorIs(t, err, context.Canceled)
		_, rc, err := f.s.Get(cancelled, app, d.ID)
		require.ErrorIs(t, err, context.Canceled)
		require.Nil(t, rc)
		_, err = f.s.List(cancelled, app)
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, f.s.Delete(cancelled, app, d.ID), context.Canceled)

		docs := f.list(app)
		require.Len(t, docs, 1)
		require.Equal(t, d.ID, docs[0].ID)
	})

	t.Run("a context ending while the upload is read stores nothing", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app := f.app("app-1")
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancelAfter{r: bytes.NewReader(PDF(1<<20, "slow")), after: 64 << 10, cancel: cancel}
		_, err := f.s.Put(ctx, meta(app, hcxonboard.DocSignatoryLetter, ""), r)
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, f.list(app))
	})
}

// cancelAfter cancels a context once after bytes have been read.
type cancelAfter struct {
	r      io.Reader
	after  int
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	if c.n >= c.after {
		c.cancel()
	}
	return n, err
}

func testMatch(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	t.Run("a reference matches the uploaded document with its digest", func(t *testing.T) {
		t.Parallel()
		f := open(t, newStore)
		app, other := f.app("app-1"), f.app("app-2")
		letter := PDF(300, "letter")
		proof := PNG(4, 4)
		dl := f.put(meta(app, hcxonboard.DocSignatoryLetter, ""), letter)
		dp := f.put(meta(app, hcxonboard.DocAddressProof, ""), proof)
		f.put(meta(other, hcxonboard.DocGovernmentApprovalLetter, ""), PDF(300, "elsewhere"))

		got, err := document.Match(ctx, f.s, app, dl.Reference("https://files.example/letter.pdf"))
		require.NoError(t, err)
		require.Equal(t, dl.ID, got.ID)

		ref := hcxonboard.Document{Kind: " " + strings.ToUpper(hcxonboard.DocAddressProof), URI: "https://elsewhere.example/x",
			SHA256: "sha256:" + strings.ToUpper(Digest(proof)), MediaType: "image/png"}
		got, err = document.Match(ctx, f.s, app, ref)
		require.NoError(t, err)
		require.Equal(t, dp.ID, got.ID, "kind in any case, digest with a prefix in upper case, any uri")

		_, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocAddressProof, SHA256: Digest(letter)})
		requireReject(t, err, document.ErrMismatch)

		_, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocSignatoryLetter, SHA256: Digest(letter), MediaType: "image/png"})
		requireReject(t, err, document.ErrMismatch)

		_, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocGovernmentApprovalLetter, SHA256: Digest(PDF(300, "elsewhere"))})
		require.ErrorIs(t, err, document.ErrNotFound, "another application's document is not this one's")

		_, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocSignatoryLetter, SHA256: "abc"})
		requireReject(t, err, document.ErrInvalid)

		_, err = document.Match(ctx, f.s, "no-such-app", dl.Reference(""))
		require.ErrorIs(t, err, document.ErrNotFound)

		// The same bytes under a second kind: each reference finds its own.
		d2 := f.put(meta(app, hcxonboard.DocGovernmentApprovalLetter, ""), letter)
		got, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocGovernmentApprovalLetter, SHA256: Digest(letter)})
		require.NoError(t, err)
		require.Equal(t, d2.ID, got.ID)

		require.NoError(t, f.s.Delete(ctx, app, dl.ID))
		_, err = document.Match(ctx, f.s, app, dl.Reference(""))
		requireReject(t, err, document.ErrMismatch) // only the approval letter has the bytes now
		_, err = document.Match(ctx, f.s, app, hcxonboard.Document{Kind: hcxonboard.DocSignatoryLetter, SHA256: Digest(PDF(300, "never"))})
		require.ErrorIs(t, err, document.ErrNotFound)
		require.False(t, errors.As(err, new(*document.RejectError)))
	})
}
