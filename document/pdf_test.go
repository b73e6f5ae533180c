package document_test

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
)

// pdfWith returns a PDF whose objects are objs, each given as the text
// between "N 0 obj" and "endobj" (a stream's data included).
func pdfWith(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	for i, o := range objs {
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// stream returns a stream object of dict and data.
func stream(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

func deflated(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	_, _ = w.Write(b)
	_ = w.Close()
	return z.Bytes()
}

// imageXObject is an image XObject of w×h grey pixels whose data is
// deflated zeros, one row of them: as small as a bomb's.
func imageXObject(w, h int) string {
	return stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h),
		deflated(make([]byte, min(w, 1<<16))))
}

// contentWithInlineImage is a page's content stream, deflated, drawing an
// inline image of w×h pixels.
func contentWithInlineImage(w, h int) string {
	return stream("/Filter /FlateDecode", deflated([]byte(fmt.Sprintf("q 100 0 0 100 0 0 cm BI /W %d /H %d /BPC 8 /CS /G ID \x00\x00\x00 EI Q", w, h))))
}

// jpxDeclaring is a JPEG 2000 codestream whose SIZ marker declares w×h.
func jpxDeclaring(w, h uint32) []byte {
	b := []byte{0xff, 0x4f, 0xff, 0x51, 0, 41, 0, 0}
	for _, v := range []uint32{w, h, 0, 0, w, h, 0, 0} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return append(b, 0, 1, 7, 1, 1)
}

// jbig2Segment is an embedded JBIG2 segment (no file header) of type
// typ, numbered n, on page 1, that refers to no other segment.
func jbig2Segment(n uint32, typ byte, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, n)
	b = append(b, typ, 0, 1)
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// jbig2Page is an embedded JBIG2 stream whose page information segment
// declares w×h pixels.
func jbig2Page(w, h uint32) []byte {
	info := binary.BigEndian.AppendUint32(nil, w)
	info = binary.BigEndian.AppendUint32(info, h)
	info = append(info, make([]byte, 11)...) // resolutions, flags, striping
	return jbig2Segment(1, 48, info)
}

func acceptPDF(t *testing.T, p *document.Policy, b []byte) (document.Document, error) {
	t.Helper()
	require.Equal(t, document.PDF, document.Sniff(b))
	var first error
	var d document.Document
	for i, r := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b))} {
		got, err := accept(t, p, r)
		if i == 0 {
			d, first = got, err
		} else {
			require.Equal(t, first, err, "read a byte at a time")
		}
	}
	return d, first
}

// The images a PDF holds are capped as image documents are: in image
// XObjects, inline in content streams, in object streams, and as JPEG or
// JPEG 2000 data, whatever the image dictionary says.
func TestAcceptCapsTheImagesOfAPDF(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	page := "<< /Type /Page /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"

	for name, b := range map[string][]byte{
		"a text page":             pdfWith("<< /Type /Catalog >>", page, stream("", []byte("BT /F1 12 Tf (Hello) Tj ET"))),
		"an A4 page at 300 dpi":   pdfWith("<< /Type /Catalog >>", page, imageXObject(2480, 3508)),
		"A4 at 600 dpi, turned":   pdfWith("<< /Type /Catalog >>", page, imageXObject(4961, 7016), imageXObject(7016, 4961)),
		"a small inline image":    pdfWith("<< /Type /Catalog >>", page, contentWithInlineImage(300, 200)),
		"a small JPEG":            pdfWith("<< /Type /Catalog >>", page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /DCTDecode", documenttest.JPEG(8, 8))),
		"a small JBIG2 page":      pdfWith("<< /Type /Catalog >>", page, stream("/Subtype /Image /Width 2480 /Height 3508 /Filter /JBIG2Decode", jbig2Page(2480, 3508))),
		"a small JPEG 2000":       pdfWith("<< /Type /Catalog >>", page, stream("/Subtype /Image /Width 640 /Height 480 /Filter /JPXDecode", jpxDeclaring(640, 480))),
		"a font's widths":         pdfWith("<< /Type /Font /Subtype /CIDFontType2 /W 7 0 R /DW 1000 >>", "[ 1 [ 500 600 ] ]"),
		"a real width":            pdfWith(imageXObject(100, 100), "<< /Width 99.0 /Height 12.5 >>"),
		"a border width and mode": pdfWith("<< /Type /Annot /BS << /W 1 >> /H /I >>"),
	} {
		d, err := acceptPDF(t, p, b)
		require.NoError(t, err, name)
		require.Equal(t, document.PDF, d.MediaType, name)
	}

	for _, c := range []struct {
		name string
		b    []byte
		want error
		says string
	}{
		{"an image XObject over the side cap", pdfWith(page, imageXObject(60000, 60000)), document.ErrTooManyPixels, "60,000 pixels across"},
		{"an image XObject over the pixel cap", pdfWith(page, imageXObject(15000, 15000)), document.ErrTooManyPixels, "up to 15,000 pixels across and 15,000 down"},
		{"width and height apart", pdfWith(page, imageXObject(15000, 100), imageXObject(100, 15000)), document.ErrTooManyPixels, "up to 15,000 pixels across and 15,000 down"},
		{"a width with a fraction", pdfWith(page, "<< /Subtype /Image /Width 20000.5 /Height 1 >>"), document.ErrTooManyPixels, "20,001 pixels across"},
		{"a name spelt with escapes", pdfWith(page, "<< /Subtype /Image /W#69dth 60000 /H#65ight 2 >>"), document.ErrTooManyPixels, "60,000 pixels across"},
		{"a comment before the value", pdfWith(page, "<< /Subtype /Image /Width % a comment\n 60000 /Height 2 >>"), document.ErrTooManyPixels, "60,000 pixels across"},
		{"after an unbalanced string", pdfWith(page, "<< /Subtype /Image /Title (ab /Height 60000 >>"), document.ErrTooManyPixels, "60,000 pixels down"},
		{"inside a stream's data", pdfWith(page, stream("", []byte("5 0 obj << /Subtype /Image /Width 60000 /Height 60000 >> endobj"))), document.ErrTooManyPixels, "60,000 pixels"},
		{"an inline image in a deflated content stream", pdfWith(page, contentWithInlineImage(60000, 60000)), document.ErrTooManyPixels, "60,000 pixels"},
		{"an image dictionary in a deflated object stream", pdfWith(page, stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", deflated([]byte("5 0 << /Subtype /Image /Width 30000 /Height 30000 >>")))), document.ErrTooManyPixels, "30,000 pixels"},
		{"a JPEG bomb behind a small image dictionary", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /DCTDecode", documenttest.JPEGDeclaring(60000, 60000))), document.ErrTooManyPixels, "60,000×60,000"},
		{"a deflated JPEG bomb", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter [/FlateDecode /DCTDecode]", deflated(documenttest.JPEGDeclaring(60000, 60000)))), document.ErrTooManyPixels, "60,000×60,000"},
		{"a JPEG 2000 bomb", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /JPXDecode", jpxDeclaring(60000, 60000))), document.ErrTooManyPixels, "60,000×60,000"},
		{"a JP2 file bomb", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /JPXDecode", append([]byte("\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00\x00\x14ftypjp2 \x00\x00\x00\x00jp2 "), jpxDeclaring(60000, 60000)...))), document.ErrTooManyPixels, "60,000×60,000"},
		{"a JBIG2 page over the cap", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /JBIG2Decode", jbig2Page(60000, 60000))), document.ErrTooManyPixels, "60,000×60,000"},
		{"a JBIG2 page after a symbol dictionary", pdfWith(page, stream("/Subtype /Image /Width 8 /Height 8 /Filter /JBIG2Decode", append(jbig2Segment(0, 0, make([]byte, 30)), jbig2Page(30000, 30000)...))), document.ErrTooManyPixels, "30,000×30,000"},
		{"a size by reference", pdfWith(page, "<< /Subtype /Image /Width 7 0 R /Height 8 >>", "60000"), document.ErrUnsupportedType, "by reference"},
		{"an encrypted PDF", pdfWith(page, "<< /Filter /Standard /V 2 /R 3 >>", "trailer << /Encrypt 2 0 R >>"), document.ErrUnsupportedType, "encrypted"},
		{"an ASCII85 content stream", pdfWith(page, stream("/Filter [/ASCII85Decode /FlateDecode]", []byte("Gar8O~>"))), document.ErrUnsupportedType, "ASCII85"},
		{"an LZW inline image", pdfWith(page, stream("", []byte("BI /W 10 /H 10 /F /LZW ID x EI"))), document.ErrUnsupportedType, "LZW"},
	} {
		_, err := acceptPDF(t, p, c.b)
		require.ErrorIs(t, err, c.want, c.name)
		var re *document.RejectError
		require.ErrorAs(t, err, &re, c.name)
		require.Contains(t, re.Message, c.says, c.name)
		require.NotContains(t, re.Message, "%", c.name)
	}
}

// A deflated stream is read to its own end, not to the first "endstream"
// its bytes hold: a stored block with the keyword in it does not end the
// scan before the inline image that a reader, going by /Length, draws.
func TestAcceptReadsADeflatedStreamPastAFakeEnd(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	fake := []byte("\nendstream\nendobj\n")
	hidden := []byte("q BI /W 60000 /H 60000 /BPC 8 /CS /G ID \x00 EI Q")
	var z bytes.Buffer
	z.Write([]byte{0x78, 0x01})
	z.Write([]byte{0x00, byte(len(fake)), 0, ^byte(len(fake)), 0xff}) // a stored block, not the last
	z.Write(fake)
	fw, err := flate.NewWriter(&z, flate.BestCompression)
	require.NoError(t, err)
	_, _ = fw.Write(hidden)
	require.NoError(t, fw.Close())
	z.Write(binary.BigEndian.AppendUint32(nil, adler32.Checksum(append(bytes.Clone(fake), hidden...))))
	require.False(t, bytes.Contains(z.Bytes(), []byte("60000")), "the size is not in the raw bytes")
	r, err := zlib.NewReader(bytes.NewReader(z.Bytes()))
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, append(bytes.Clone(fake), hidden...), out)

	_, err = acceptPDF(t, p, pdfWith(stream("/Filter /FlateDecode", z.Bytes())))
	require.ErrorIs(t, err, document.ErrTooManyPixels)
}

// A PDF whose compressed streams expand beyond the budget is refused, and
// the scan stops there: a deflate bomb costs it no more than the budget.
func TestAcceptBoundsWhatAPDFInflates(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy(document.WithMaxSize(1 << 20))
	require.NoError(t, err)
	// Just past the 16 MiB budget: a larger bomb is read no further.
	bomb := deflated(make([]byte, 17<<20))
	_, err = acceptPDF(t, p, pdfWith(stream("/Filter /FlateDecode", bomb)))
	require.ErrorIs(t, err, document.ErrTooLarge)
	require.Contains(t, err.Error(), "expands to more than 16 MiB")

	// Many streams share the one budget.
	many := strings.Repeat("\nstream\n"+string(deflated(make([]byte, 1<<20))), 20)
	_, err = acceptPDF(t, p, pdfWith(many))
	require.ErrorIs(t, err, document.ErrTooLarge)
	require.Contains(t, err.Error(), "expands to more than 16 MiB")

	_, err = acceptPDF(t, p, pdfWith(stream("/Filter /FlateDecode", deflated(make([]byte, 8<<20)))))
	require.NoError(t, err, "within the budget")
}

// Stream starts that each begin a JPEG walk to the end of the file share
// the budget too: a file of them costs the scan no more than the budget.
func TestAcceptBoundsTheWalksOfAPDF(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy(document.WithMaxSize(1 << 20))
	require.NoError(t, err)
	// JPEG starts whose first segment skips the starts after it, then
	// stray bytes to the end and no frame header: each walk reads every
	// stray byte.
	const n, unit = 4000, len("\nstream\n\xff\xd8\xff\xe0") + 2
	var starts bytes.Buffer
	for i := range n {
		starts.WriteString("\nstream\n\xff\xd8\xff\xe0")
		starts.Write(binary.BigEndian.AppendUint16(nil, uint16((n-i-1)*unit+2)))
	}
	b := pdfWith(starts.String() + strings.Repeat("\x12", 500<<10))
	require.Less(t, len(b), 1<<20)
	_, err = acceptPDF(t, p, b)
	require.ErrorIs(t, err, document.ErrTooLarge)
}

// The budget is spent on what is read: a PDF of many small streams before
// a large one, as a long document is, is accepted.
func TestAcceptManyStreamsOfAPDF(t *testing.T) {
	t.Parallel()
	p, err := document.NewPolicy()
	require.NoError(t, err)
	objs := make([]string, 0, 600)
	for i := range 300 {
		objs = append(objs, contentWithInlineImage(10+i, 10), stream("/Subtype /Image /Width 8 /Height 8 /Filter /DCTDecode", documenttest.JPEG(8, 8)))
	}
	objs = append(objs, stream("/Subtype /Image /Width 2000 /Height 1500 /BitsPerComponent 8 /ColorSpace /DeviceGray", bytes.Repeat([]byte{0x80}, 3<<20)))
	_, err = acceptPDF(t, p, pdfWith(objs...))
	require.NoError(t, err)
}
