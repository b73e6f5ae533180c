package document_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		head []byte
		want string
	}{
		{"PDF 1.7", []byte("%PDF-1.7\n"), document.PDF},
		{"PDF 2.0", []byte("%PDF-2.0"), document.PDF},
		{"PNG", documenttest.PNG(1, 1), document.PNG},
		{"JPEG", documenttest.JPEG(1, 1), document.JPEG},
		{"JPEG with Exif", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 0}, document.JPEG},
		{"PDF cut short", []byte("%PDF-1"), ""},
		{"PDF in lower case", []byte("%pdf-1.7"), ""},
		{"PNG signature alone", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"PNG with another first chunk", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIDAT"), ""},
		{"JPEG SOI and fill", []byte{0xff, 0xd8, 0xff, 0xff}, ""},
		{"JPEG with fill bytes after its SOI", []byte{0xff, 0xd8, 0xff, 0xff, 0xff, 0xe0, 0, 16}, document.JPEG},
		{"JPEG SOI and fill past the sniffed bytes", append([]byte{0xff, 0xd8}, bytes.Repeat([]byte{0xff}, 14)...), document.JPEG},
		{"JPEG SOI, fill and a stuffed zero", []byte{0xff, 0xd8, 0xff, 0xff, 0x00, 0xff, 0xe0}, ""},
		{"HTML", []byte("<html>"), ""},
		{"nothing", nil, ""},
	} {
		require.Equal(t, c.want, document.Sniff(c.head), c.name)
	}
}

func TestNewPolicyOptions(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	require.EqualValues(t, 10<<20, p.MaxSize())
	require.Equal(t, []string{document.PDF, document.PNG, document.JPEG}, p.Types())

	p, err = document.NewPolicy(document.WithMaxSize(1), document.WithTypes(document.PNG, document.PNG))
	require.NoError(t, err)
	require.EqualValues(t, 1, p.MaxSize())
	require.Equal(t, []string{document.PNG}, p.Types())

	for name, o := range map[string]document.Option{
		"a zero cap":             document.WithMaxSize(0),
		"a cap over the maximum": document.WithMaxSize(document.MaxMaxSize + 1),
		"no types":               document.WithTypes(),
		"an unsniffable type":    document.WithTypes("image/svg+xml"),
		"a parameterised type":   document.WithTypes("application/pdf; x=y"),
		"no kinds":               document.WithKinds(),
		"a kind with a slash":    document.WithKinds("a/b"),
		"a nil clock":            document.WithClock(nil),
		"a nil random source":    document.WithRand(nil),
		"a nil option":           nil,
	} {
		_, err := document.NewPolicy(o)
		require.Error(t, err, name)
	}
}

func TestAcceptStampsFromInjectedSources(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("IST", 5*3600+30*60))
	p, err := document.NewPolicy(document.WithClock(func() time.Time { return at }),
		document.WithRand(bytes.NewReader(bytes.Repeat([]byte{0xab}, 10))))
	require.NoError(t, err)
	var dst bytes.Buffer
	content := documenttest.PDF(100, "x")
	d, err := p.Accept(context.Background(), document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "staff:7"},
		iotest.OneByteReader(bytes.NewReader(content)), &dst)
	require.NoError(t, err)
	require.Equal(t, content, dst.Bytes(), "every byte written to dst, read a byte at a time")
	require.Equal(t, "019592cc-3dd5-7bab-abab-abababababab", d.ID, "UUIDv7: the clock's millisecond, then the random bytes")
	require.True(t, document.ValidID(d.ID))
	require.True(t, d.CreatedAt.Equal(at))
	require.Equal(t, time.UTC, d.CreatedAt.Location())

	_, err = p.Accept(context.Background(), document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "staff:7"},
		bytes.NewReader(content), &dst)
	require.Error(t, err, "the random source ran dry")
	require.False(t, errors.As(err, new(*document.RejectError)), "not the uploader's fault")
}

func TestAcceptPassesReadAndWriteErrorsThrough(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	meta := document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant"}

	_, err = p.Accept(context.Background(), meta, iotest.ErrReader(io.ErrClosedPipe), io.Discard)
	require.ErrorIs(t, err, io.ErrClosedPipe)
	require.False(t, errors.As(err, new(*document.RejectError)))

	_, err = p.Accept(context.Background(), meta, bytes.NewReader(documenttest.PDF(100, "x")), failingWriter{})
	require.ErrorIs(t, err, io.ErrShortWrite)
	require.False(t, errors.As(err, new(*document.RejectError)))
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestRejectMessagesAreForTheUploader(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy(document.WithMaxSize(1 << 20))
	require.NoError(t, err)
	meta := func(declared string) document.Document {
		return document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, MediaType: declared, UploadedBy: "applicant"}
	}
	for _, c := range []struct {
		meta    document.Document
		content []byte
		want    error
		says    string
	}{
		{meta("application/pdf"), documenttest.PNG(1, 1), document.ErrMismatch, "declared as application/pdf but its content is a PNG"},
		{meta(""), []byte("<!doctype html><p>"), document.ErrUnsupportedType, "looks like HTML"},
		{meta(""), []byte("%PDF-"), document.ErrUnsupportedType, "header is damaged or cut short"},
		{meta(""), nil, document.ErrUnsupportedType, "the file is empty"},
		{meta(""), documenttest.PDF(1<<20+1, "x"), document.ErrTooLarge, "larger than 1 MiB"},
		{meta("text/html"), documenttest.PDF(100, "x"), document.ErrUnsupportedType, "text/html, which is not accepted"},
		{document.Document{ApplicationID: "a", Kind: "selfie", UploadedBy: "x"}, documenttest.PDF(100, "x"), document.ErrInvalid, `unknown document kind "selfie"`},
	} {
		_, err := p.Accept(context.Background(), c.meta, bytes.NewReader(c.content), io.Discard)
		require.ErrorIs(t, err, c.want)
		var re *document.RejectError
		require.ErrorAs(t, err, &re)
		require.Contains(t, re.Message, c.says)
		require.Contains(t, re.Message, ";", "says what to do: %s", re.Message)
		require.Equal(t, "document: "+re.Message, err.Error())
		require.NotContains(t, re.Message, "/tmp")
	}
}

func TestCheckNeedsNoContent(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	require.NoError(t, p.Check(document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant", MediaType: "image/png"}))
	require.ErrorIs(t, p.Check(document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant", MediaType: "text/html"}),
		document.ErrUnsupportedType)
	require.ErrorIs(t, p.Check(document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant", Size: 11 << 20}),
		document.ErrTooLarge)
}

func TestNormalizeDigest(t *testing.T) {
	t.Parallel()
	sum := documenttest.Digest([]byte("x"))
	require.Equal(t, sum, document.NormalizeDigest(sum))
	require.Equal(t, sum, document.NormalizeDigest(" sha256:"+strings.ToUpper(sum)+"\n"))
	require.Equal(t, sum, document.NormalizeDigest("SHA256:"+sum))
	for _, bad := range []string{"", "sha256:", sum[:63], sum + "0", "g" + sum[1:], "sha1:" + sum} {
		require.Empty(t, document.NormalizeDigest(bad), bad)
	}
}

func TestValidIDs(t *testing.T) {
	t.Parallel()
	require.True(t, document.ValidID("0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0b"))
	for _, id := range []string{"", "0195B7A6-1C2D-7E3F-8A4B-5C6D7E8F9A0B", "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0", "0195b7a6x1c2d-7e3f-8a4b-5c6d7e8f9a0b",
		"../../../../../../../../../etc/passwd", "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0g"} {
		require.False(t, document.ValidID(id), id)
	}
	require.True(t, document.ValidApplicationID("../x"))
	require.True(t, document.ValidApplicationID("ünï"))
	for _, id := range []string{"", "a\x00", "a\tb", "\xff", "a\u0085b", strings.Repeat("a", 257)} {
		require.False(t, document.ValidApplicationID(id), "%q", id)
	}
}

func TestFileNameAndReference(t *testing.T) {
	t.Parallel()
	d := document.Document{ID: "0195b7a6-1c2d-7e3f-8a4b-5c6d7e8f9a0b", Kind: hcxonboard.DocSignatoryLetter, MediaType: document.PDF, SHA256: "ab", Size: 3}
	require.Equal(t, "authorized_signatory_letter-0195b7a6.pdf", d.FileName())
	d.Kind, d.MediaType = "x\"; filename=evil.html\r\n", document.JPEG
	require.Equal(t, "xfilenameevilhtml-0195b7a6.jpg", d.FileName())
	require.Equal(t, "document-unknown", document.Document{ID: "../x"}.FileName())
	require.Equal(t, hcxonboard.Document{Kind: d.Kind, URI: "https://x.example/d", SHA256: "ab", MediaType: document.JPEG},
		d.Reference("https://x.example/d"))
}

// A kind given twice to WithKinds counts once.
func TestWithKindsCountsAKindOnce(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy(document.WithKinds("a", "b", "a"))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, p.Kinds())
}
