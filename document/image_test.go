package document_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // image.DecodeConfig cross-checks the samples and accepted images
	_ "image/png"
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
)

func accept(t testing.TB, p *document.Policy, content io.Reader) (document.Document, error) {
	t.Helper()
	return p.Accept(context.Background(), document.Document{ApplicationID: "a", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant"},
		content, io.Discard)
}

// The samples declare what they say, as the standard library reads them.
func TestImageSamplesDeclareTheirSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		b    []byte
		w, h int
	}{
		{documenttest.PNGDeclaring(60000, 60000), 60000, 60000},
		{documenttest.PNGDeclaring(3, 2), 3, 2},
		{documenttest.JPEGDeclaring(65535, 65535), 65535, 65535},
		{documenttest.JPEGDeclaring(8160, 6120), 8160, 6120},
	} {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(c.b))
		require.NoError(t, err)
		require.Equal(t, [2]int{c.w, c.h}, [2]int{cfg.Width, cfg.Height})
	}
	require.Less(t, len(documenttest.PNGDeclaring(60000, 60000)), 200, "a bomb is small")
}

// withAPP1 returns jpg with an APP1 segment of n data bytes after its SOI,
// as a camera puts its Exif data before the frame header.
func withAPP1(jpg []byte, n int) []byte {
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(n+2))
	seg = append(seg, bytes.Repeat([]byte{0xff}, n)...) // bytes that look like markers, to be skipped
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// sofAt returns the offset of the first SOF marker of a JPEG the package's
// samples make (after SOI, segments with lengths).
func sofAt(t testing.TB, b []byte) int {
	t.Helper()
	for i := 2; i+4 <= len(b); {
		require.Equal(t, byte(0xff), b[i])
		if m := b[i+1]; m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc {
			return i
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatal("no SOF")
	return 0
}

func TestAcceptCapsImagePixels(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	jpg := documenttest.JPEG(8, 8)
	sof := sofAt(t, jpg)

	for name, content := range map[string][]byte{
		"a small PNG":                               documenttest.PNG(3, 2),
		"a small JPEG":                              jpg,
		"a PNG of exactly the cap":                  documenttest.PNGDeclaring(document.MaxImageSide, document.MaxImagePixels/document.MaxImageSide),
		"a PNG of the side cap by 1":                documenttest.PNGDeclaring(document.MaxImageSide, 1),
		"a 600-dpi A4 scan's PNG":                   documenttest.PNGDeclaring(4961, 7016),
		"a 50-megapixel phone photo":                documenttest.JPEGDeclaring(8160, 6120),
		"a JPEG with 60 KB of Exif before its SOF":  withAPP1(jpg, 60000),
		"a JPEG with fill bytes before its markers": append(append(append([]byte{}, jpg[:sof]...), 0xff, 0xff), jpg[sof:]...),
		"a JPEG with a byte where a marker belongs": append(append(append([]byte{}, jpg[:sof]...), 0x00), jpg[sof:]...),
	} {
		d, err := accept(t, p, bytes.NewReader(content))
		require.NoError(t, err, name)
		require.EqualValues(t, len(content), d.Size, name)
		// Byte by byte: the header is read across writes.
		_, err = accept(t, p, iotest.OneByteReader(bytes.NewReader(content)))
		require.NoError(t, err, name+", read a byte at a time")
	}

	soiThen := func(segs ...byte) []byte { return append([]byte{0xff, 0xd8}, segs...) }
	for _, c := range []struct {
		name    string
		content []byte
		want    error
		says    string
	}{
		{"a 60000×60000 PNG of a few bytes", documenttest.PNGDeclaring(60000, 60000), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"a PNG a pixel wider than the side cap", documenttest.PNGDeclaring(document.MaxImageSide+1, 1), document.ErrTooManyPixels, "20,001×1 pixels"},
		{"a PNG a pixel taller than the side cap", documenttest.PNGDeclaring(1, document.MaxImageSide+1), document.ErrTooManyPixels, "1×20,001 pixels"},
		{"a PNG a row over the pixel cap", documenttest.PNGDeclaring(document.MaxImageSide, document.MaxImagePixels/document.MaxImageSide+1), document.ErrTooManyPixels, "20,000×2,501 pixels"},
		{"a square PNG over the pixel cap, its sides under", documenttest.PNGDeclaring(7072, 7072), document.ErrTooManyPixels, "50 megapixels"},
		{"a PNG of the largest sizes its header holds", documenttest.PNGDeclaring(math.MaxUint32, math.MaxUint32), document.ErrTooManyPixels, "4,294,967,295×4,294,967,295 pixels"},
		{"a PNG 0 pixels wide", documenttest.PNGDeclaring(0, 100), document.ErrUnsupportedType, "0×100 pixels"},
		{"a PNG 0 pixels high", documenttest.PNGDeclaring(100, 0), document.ErrUnsupportedType, "100×0 pixels"},
		{"a PNG cut inside its IHDR", documenttest.PNG(3, 2)[:20], document.ErrUnsupportedType, "damaged or cut short"},
		{"a 65535×65535 JPEG", documenttest.JPEGDeclaring(65535, 65535), document.ErrTooManyPixels, "the image is 65,535×65,535 pixels"},
		{"a JPEG 0 pixels high", documenttest.JPEGDeclaring(8, 0), document.ErrUnsupportedType, "8×0 pixels"},
		{"a JPEG cut before its SOF", jpg[:sof], document.ErrUnsupportedType, "damaged or cut short"},
		{"a JPEG cut inside its SOF", jpg[:sof+6], document.ErrUnsupportedType, "damaged or cut short"},
		{"a JPEG cut inside an APP1 segment", withAPP1(jpg, 60000)[:30000], document.ErrUnsupportedType, "damaged or cut short"},
		{"a JPEG that ends before its SOF", soiThen(0xff, 0xe0, 0, 4, 'J', 'F', 0xff, 0xd9), document.ErrUnsupportedType, "damaged or cut short"},
		{"a JPEG with a scan before its SOF", soiThen(0xff, 0xda, 0, 2, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0), document.ErrUnsupportedType, "damaged"},
		{"a JPEG whose SOF is too short to hold a size", soiThen(0xff, 0xc0, 0, 5, 8, 0, 8, 0xff, 0xd9), document.ErrUnsupportedType, "damaged"},
		{"a JPEG whose segment length is less than 2", soiThen(0xff, 0xe0, 0, 1, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0), document.ErrUnsupportedType, "damaged"},
	} {
		for _, r := range []io.Reader{bytes.NewReader(c.content), iotest.OneByteReader(bytes.NewReader(c.content))} {
			_, err := accept(t, p, r)
			require.ErrorIs(t, err, c.want, c.name)
			var re *document.RejectError
			require.ErrorAs(t, err, &re, c.name)
			require.Contains(t, re.Message, c.says, c.name)
			require.Contains(t, re.Message, "; ", "%s says what to do: %s", c.name, re.Message)
			require.Contains(t, re.Message, "or upload it as a PDF", c.name)
			if c.want == document.ErrTooManyPixels {
				require.Contains(t, re.Message, "lower resolution", c.name)
				require.Contains(t, re.Message, "20,000 pixels", c.name)
				require.NotErrorIs(t, err, document.ErrTooLarge, "a pixel cap is not the size cap (413)")
			}
		}
	}
}

func TestImageRefusalSuggestsOnlyAcceptedTypes(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy(document.WithTypes(document.PNG, document.JPEG))
	require.NoError(t, err)
	_, err = accept(t, p, bytes.NewReader(documenttest.PNGDeclaring(60000, 60000)))
	var re *document.RejectError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, document.ErrTooManyPixels)
	require.NotContains(t, re.Message, "PDF")
	require.Contains(t, re.Message, "lower resolution")
}

// A bomb is refused once its header is read, not after the whole upload.
func TestImageOverTheCapIsRefusedFromItsHeader(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	for name, head := range map[string][]byte{
		"PNG":  documenttest.PNGDeclaring(60000, 60000)[:24],
		"JPEG": documenttest.JPEGDeclaring(65535, 65535)[:sofAt(t, documenttest.JPEG(8, 8))+9],
	} {
		r := &counting{r: io.MultiReader(bytes.NewReader(head), zeros{})}
		_, err := accept(t, p, r)
		require.ErrorIs(t, err, document.ErrTooManyPixels, name)
		require.LessOrEqual(t, r.n, int64(64<<10), "%s: read %d bytes of an endless upload", name, r.n)
	}
}

type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// requireSettled checks what Accept answered for content: nothing but an
// acceptance or a *RejectError, and, for an accepted image, a size the
// standard library's decoder reads as within the cap (or cannot read).
func requireSettled(t *testing.T, content []byte, d document.Document, err error) {
	t.Helper()
	if err != nil {
		var re *document.RejectError
		require.ErrorAs(t, err, &re, "%x", content)
		return
	}
	if d.MediaType == document.PDF {
		return
	}
	if cfg, _, derr := image.DecodeConfig(bytes.NewReader(content)); derr == nil {
		require.True(t, cfg.Width > 0 && cfg.Height > 0 && cfg.Width <= document.MaxImageSide && cfg.Height <= document.MaxImageSide &&
			int64(cfg.Width)*int64(cfg.Height) <= document.MaxImagePixels, "accepted %d×%d: %x", cfg.Width, cfg.Height, content)
	}
}

// Every truncation of an image is settled without a panic: refused until
// its size in pixels is read, then judged by it.
func TestAcceptImageTruncations(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	jpg := documenttest.JPEG(8, 8)
	jpgSize := sofAt(t, jpg) + 9 // FF Cn, length, precision, height, width
	for _, c := range []struct {
		name    string
		content []byte
		size    int   // bytes up to the end of the size in pixels
		over    error // for a prefix that holds it: nil or ErrTooManyPixels
	}{
		{"PNG", documenttest.PNG(3, 2), 24, nil},
		{"a PNG bomb", documenttest.PNGDeclaring(60000, 60000), 24, document.ErrTooManyPixels},
		{"JPEG", jpg, jpgSize, nil},
		{"a JPEG bomb", documenttest.JPEGDeclaring(65535, 65535), jpgSize, document.ErrTooManyPixels},
		{"a JPEG with Exif", withAPP1(jpg, 300), jpgSize + 304, nil},
	} {
		for n := 0; n <= len(c.content); n++ {
			prefix := c.content[:n]
			d, err := accept(t, p, bytes.NewReader(prefix))
			requireSettled(t, prefix, d, err)
			switch {
			case n < c.size:
				var re *document.RejectError
				require.ErrorAs(t, err, &re, "%s cut to %d bytes", c.name, n)
				require.ErrorIs(t, err, document.ErrUnsupportedType, "%s cut to %d bytes", c.name, n)
			case c.over != nil:
				require.ErrorIs(t, err, c.over, "%s cut to %d bytes", c.name, n)
			default:
				require.NoError(t, err, "%s cut to %d bytes: the size is read, the rest is not decoded", c.name, n)
			}
		}
	}
}

// Images with bytes changed at random in their first few hundred bytes
// are settled without a panic, and none accepted declares more than the
// cap as the standard library reads it.
func TestAcceptMutatedImages(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	seeds := [][]byte{documenttest.PNG(3, 2), documenttest.JPEG(8, 8), withAPP1(documenttest.JPEG(8, 8), 40),
		documenttest.PNGDeclaring(7000, 7000), documenttest.JPEGDeclaring(7100, 7100)}
	interesting := []byte{0x00, 0x01, 0x02, 0x0b, 0x10, 0x4e, 0x75, 0xc0, 0xc2, 0xc4, 0xd8, 0xd9, 0xda, 0xe1, 0xfe, 0xff}
	for i := range 3000 {
		b := bytes.Clone(seeds[i%len(seeds)])
		for range 1 + rng.IntN(4) {
			at := rng.IntN(min(len(b), 300))
			if rng.IntN(2) == 0 {
				b[at] = interesting[rng.IntN(len(interesting))]
			} else {
				b[at] = byte(rng.Uint32())
			}
		}
		if rng.IntN(4) == 0 {
			b = b[:rng.IntN(len(b)+1)]
		}
		d, err := accept(t, p, bytes.NewReader(b))
		requireSettled(t, b, d, err)
	}
}

func FuzzAcceptImage(f *testing.F) {
	for _, s := range [][]byte{documenttest.PNG(3, 2), documenttest.JPEG(8, 8), documenttest.PNGDeclaring(60000, 60000),
		documenttest.JPEGDeclaring(65535, 65535), withAPP1(documenttest.JPEG(2, 2), 10), {0xff, 0xd8, 0xff, 0xc0, 0, 11, 8},
		withFillAfterSOI(documenttest.JPEG(2, 2), 3), withStrayBeforeSOF(f, documenttest.JPEG(2, 2), []byte{0x12, 0xff, 0x00, 0x34}),
		pdfWith(imageXObject(30, 20), contentWithInlineImage(20000, 3)), pdfWith(stream("/Filter /DCTDecode", documenttest.JPEG(2, 2))),
		pdfWith(stream("/Filter /JPXDecode", jpxDeclaring(3, 2)), "<< /Width 1 0 R /H#65ight 2.5 >>")} {
		f.Add(s)
	}
	p, err := document.NewPolicy()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := accept(t, p, bytes.NewReader(b))
		requireSettled(t, b, d, err)
		if err == nil {
			return
		}
		if errors.Is(err, document.ErrTooManyPixels) {
			require.Contains(t, err.Error(), "pixels", fmt.Sprintf("%x", b))
		}
	})
}

// mpfWith returns primary followed by second, as a Multi-Picture (MPO,
// Ultra HDR gain map) file stores its further images after the first
// one's end.
func mpfWith(primary, second []byte) []byte {
	return append(append([]byte{}, primary...), second...)
}

// inAPP returns jpg with an APP15 segment after its SOI that holds
// inner: a decoder that follows a Multi-Picture offset reads an image
// wherever the file says it is, inside a segment too.
func inAPP(jpg, inner []byte) []byte {
	seg := []byte{0xff, 0xef, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(inner)+2))
	seg = append(seg, inner...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// withJunkBeforeSOF returns jpg with n stray bytes before its SOF, which
// libjpeg skips (with a warning) in search of the next marker.
func withJunkBeforeSOF(t testing.TB, jpg []byte, n int) []byte {
	sof := sofAt(t, jpg)
	return append(append(append([]byte{}, jpg[:sof]...), make([]byte, n)...), jpg[sof:]...)
}

// A JPEG holds further images that browsers decode: the second picture
// of a Multi-Picture file, or an HDR gain map that Multi-Picture or XMP
// metadata locates anywhere in the file. A small first image does not
// let a huge one through behind it; small further images, as in phone
// photos with gain maps, previews and Exif thumbnails, are accepted.
func TestAcceptCapsEveryImageAJPEGHolds(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	small := documenttest.JPEG(8, 8)
	bomb := documenttest.JPEGDeclaring(60000, 60000)

	for name, content := range map[string][]byte{
		"a photo and its quarter-size gain map": mpfWith(documenttest.JPEGDeclaring(8160, 6120), documenttest.JPEGDeclaring(2040, 1530)),
		"a JPEG with a thumbnail in a segment":  inAPP(documenttest.JPEG(64, 48), small),
		"a Multi-Picture file of two photos":    mpfWith(documenttest.JPEGDeclaring(8160, 6120), documenttest.JPEGDeclaring(8160, 6120)),
		"a JPEG whose segment holds FF D8 FF":   inAPP(small, []byte{0xff, 0xd8, 0xff, 0x00, 0x12, 0x34}),
	} {
		_, err := accept(t, p, bytes.NewReader(content))
		require.NoError(t, err, name)
		_, err = accept(t, p, iotest.OneByteReader(bytes.NewReader(content)))
		require.NoError(t, err, name+", read a byte at a time")
	}

	for name, content := range map[string][]byte{
		"a small JPEG followed by a bomb":                mpfWith(small, bomb),
		"a small JPEG followed by junk and a bomb":       mpfWith(append(bytes.Clone(small), 0, 0, 0), bomb),
		"a small JPEG with a bomb in a segment":          inAPP(small, bomb),
		"a bomb with junk before its SOF after an image": mpfWith(small, withJunkBeforeSOF(t, bomb, 3)),
	} {
		for _, r := range []io.Reader{bytes.NewReader(content), iotest.OneByteReader(bytes.NewReader(content))} {
			_, err := accept(t, p, r)
			require.ErrorIs(t, err, document.ErrTooManyPixels, name)
			var re *document.RejectError
			require.ErrorAs(t, err, &re, name)
			require.Contains(t, re.Message, "60,000×60,000 pixels", name)
			require.Contains(t, re.Message, "another image", name)
			require.Contains(t, re.Message, "lower resolution", name)
		}
	}
}

// withFillAfterSOI returns jpg with n more FF fill bytes before its first
// marker (FF D8 FF FF … FF DB), which libjpeg and image/jpeg swallow.
func withFillAfterSOI(jpg []byte, n int) []byte {
	return append(append(append([]byte{}, jpg[:2]...), bytes.Repeat([]byte{0xff}, n)...), jpg[2:]...)
}

// withStrayBeforeSOF returns jpg with stray bytes between the segment
// before its SOF and the SOF, which libjpeg discards (with a warning) in
// search of the next marker, as image/jpeg does.
func withStrayBeforeSOF(t testing.TB, jpg, stray []byte) []byte {
	sof := sofAt(t, jpg)
	return append(append(append([]byte{}, jpg[:sof]...), stray...), jpg[sof:]...)
}

// A JPEG is walked to the frame header libjpeg finds (next_marker in its
// jdmarker.c): bytes that are not FF where a marker belongs are discarded,
// as is FF 00 (a stuffed zero), and FF fill bytes before a marker code are
// swallowed, after the SOI as after any segment. So the odd scanner's
// image that browsers show is accepted, and a bomb behind such bytes is
// found all the same.
func TestAcceptJPEGStrayAndFillBytesAsLibjpeg(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	jpg := documenttest.JPEG(24, 16)
	bomb := documenttest.JPEGDeclaring(60000, 60000)
	stray := []byte{0x12, 0x34, 0xff, 0x00, 0x56, 0x00}
	// FF FF 00: fill, then a stuffed zero, which libjpeg discards too;
	// image/jpeg takes the 00 for a marker and fails ("unknown marker"),
	// so no cross-check.
	fillStuffed := []byte{0x12, 0xff, 0xff, 0x00, 0x34}

	for name, c := range map[string]struct {
		content []byte
		w, h    int // as image/jpeg reads them; 0 if it cannot
	}{
		"fill bytes after the SOI":                 {withFillAfterSOI(jpg, 1), 24, 16},
		"fill bytes after the SOI past the sniff":  {withFillAfterSOI(jpg, 40), 24, 16},
		"stray bytes between two segments":         {withStrayBeforeSOF(t, jpg, []byte("scanner")), 24, 16},
		"stray bytes and stuffed zeros":            {withStrayBeforeSOF(t, jpg, stray), 24, 16},
		"fill after the SOI, stray before the SOF": {withFillAfterSOI(withStrayBeforeSOF(t, jpg, stray), 2), 24, 16},
		"fill before a stuffed zero":               {withStrayBeforeSOF(t, jpg, fillStuffed), 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if c.w != 0 {
				cfg, _, err := image.DecodeConfig(bytes.NewReader(c.content))
				require.NoError(t, err, "image/jpeg reads it")
				require.Equal(t, [2]int{c.w, c.h}, [2]int{cfg.Width, cfg.Height})
			}
			for _, r := range []io.Reader{bytes.NewReader(c.content), iotest.OneByteReader(bytes.NewReader(c.content))} {
				d, err := accept(t, p, r)
				require.NoError(t, err)
				require.Equal(t, document.JPEG, d.MediaType)
				require.EqualValues(t, len(c.content), d.Size)
			}
		})
	}

	for _, c := range []struct {
		name    string
		content []byte
		want    error
		says    string
	}{
		{"a bomb behind fill bytes after the SOI", withFillAfterSOI(bomb, 3), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"a bomb behind fill bytes past the sniff", withFillAfterSOI(bomb, 40), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"a bomb behind stray bytes", withStrayBeforeSOF(t, bomb, []byte("scanner")), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"a bomb behind stray bytes and stuffed zeros", withFillAfterSOI(withStrayBeforeSOF(t, bomb, stray), 2), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"a bomb behind fill before a stuffed zero", withStrayBeforeSOF(t, bomb, fillStuffed), document.ErrTooManyPixels, "the image is 60,000×60,000 pixels"},
		{"stray bytes to the end, no SOF", append(bytes.Clone(jpg[:sofAt(t, jpg)]), bytes.Repeat([]byte{0x12, 0xff, 0x00}, 1000)...), document.ErrUnsupportedType, "damaged or cut short"},
		{"fill bytes to the end, no SOF", append(bytes.Clone(jpg[:sofAt(t, jpg)]), bytes.Repeat([]byte{0xff}, 1000)...), document.ErrUnsupportedType, "damaged or cut short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.want == document.ErrTooManyPixels && !bytes.Contains(c.content, []byte{0xff, 0xff, 0x00}) {
				cfg, _, err := image.DecodeConfig(bytes.NewReader(c.content))
				require.NoError(t, err, "image/jpeg reads it")
				require.Equal(t, [2]int{60000, 60000}, [2]int{cfg.Width, cfg.Height})
			}
			for _, r := range []io.Reader{bytes.NewReader(c.content), iotest.OneByteReader(bytes.NewReader(c.content))} {
				_, err := accept(t, p, r)
				require.ErrorIs(t, err, c.want)
				var re *document.RejectError
				require.ErrorAs(t, err, &re)
				require.Contains(t, re.Message, c.says)
			}
		})
	}
}

// Nothing of an image over the cap reaches the store but the bytes read
// to tell its type: it is refused from its header before the bytes that
// carry the header are written.
func TestAcceptWritesNothingOfARefusedImage(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"PNG":  documenttest.PNGDeclaring(60000, 60000),
		"JPEG": documenttest.JPEGDeclaring(60000, 60000),
	} {
		var dst bytes.Buffer
		_, err := p.Accept(t.Context(), document.Document{ApplicationID: "a", Kind: "address_proof", UploadedBy: "applicant"}, bytes.NewReader(b), &dst)
		require.ErrorIs(t, err, document.ErrTooManyPixels, name)
		require.LessOrEqual(t, dst.Len(), 16, "%s: %d bytes written to the store", name, dst.Len())
	}
}
