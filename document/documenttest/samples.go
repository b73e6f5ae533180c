package documenttest

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// PDF returns a PDF-shaped file of exactly n bytes (at least 32): the
// header "%PDF-1.7", a comment padded with seed, and "%%EOF". Different
// seeds give different files, and so different digests.
func PDF(n int, seed string) []byte {
	const head, tail = "%PDF-1.7\n%", "\n%%EOF\n"
	if n < 32 {
		panic(fmt.Sprintf("documenttest: PDF of %d bytes; want at least 32", n))
	}
	b := make([]byte, 0, n)
	b = append(b, head...)
	fill := n - len(head) - len(tail)
	pad := []byte(seed + " ")
	if len(pad) == 1 {
		pad = []byte("x")
	}
	for i := range fill {
		b = append(b, pad[i%len(pad)])
	}
	return append(b, tail...)
}

// PNG returns a valid PNG image of w×h pixels.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, sample(w, h)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// JPEG returns a valid JPEG image of w×h pixels.
func JPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sample(w, h), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNGDeclaring returns a PNG of a few dozen bytes whose header (IHDR)
// declares w×h pixels, 1-bit greyscale: the signature, IHDR, an IDAT with
// one blank row, deflated, and IEND, each chunk with its right CRC. Its
// pixel data is short of what it declares, as a decompression bomb's
// header comes before its data: a decoder allocates for w×h pixels before
// it finds out. It builds headers for pixel caps, never a w×h image.
func PNGDeclaring(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13) // bit depth 1, colour type 0 (grey), deflate, no filter method or interlace
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 1
	pngChunk(&b, "IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(make([]byte, 1+(min(w, 1<<16)+7)/8)); err != nil { // a filter byte and one row (at most 65536 pixels of it)
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	pngChunk(&b, "IDAT", z.Bytes())
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

func pngChunk(b *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(b, binary.BigEndian, crc.Sum32())
}

// JPEGDeclaring returns a small JPEG whose frame header (SOF0) declares
// w×h pixels: JPEG(8, 8) with its frame header's height and width
// rewritten. Its scan holds 8×8 pixels' data, short of what it declares
// when w or h is larger. Like PNGDeclaring, it is for testing pixel caps.
func JPEGDeclaring(w, h uint16) []byte {
	b := JPEG(8, 8)
	// Walk the segments after SOI (FF D8): FF, a marker, a 2-byte length
	// that counts itself, the segment's data.
	for i := 2; i+4 <= len(b) && b[i] == 0xff; {
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xc0 { // SOF0: length, precision, height, width, …
			binary.BigEndian.PutUint16(b[i+5:], h)
			binary.BigEndian.PutUint16(b[i+7:], w)
			return b
		}
		i += 2 + n
	}
	panic("documenttest: JPEG(8, 8) has no SOF0 frame header")
}

func sample(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 0x80, 0xff})
		}
	}
	return img
}

// Digest is the lower-case hex SHA-256 of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
