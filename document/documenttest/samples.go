package documenttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
