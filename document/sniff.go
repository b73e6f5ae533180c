package document

import (
	"bytes"
	"net/http"
	"strings"
)

// The media types the package recognises from content.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// sniffLen is how many leading bytes sniffing reads: enough for the
// longest signature below (PNG's, with its IHDR chunk header).
const sniffLen = 16

// signature recognises one media type from the first bytes of a file.
type signature struct {
	mediaType string
	name      string // for messages
	ext       string
	match     func(head []byte) bool
}

// signatures are checked in order. Each wants more than a bare magic
// number, so that a file cut short in its header is refused.
var signatures = [...]signature{
	// "%PDF-" and a version, "1.7" or "2.0" (ISO 32000).
	{PDF, "PDF", ".pdf", func(h []byte) bool {
		return len(h) >= 8 && bytes.HasPrefix(h, []byte("%PDF-")) && isDigit(h[5]) && h[6] == '.' && isDigit(h[7])
	}},
	// The 8-byte PNG signature, then the IHDR chunk, 13 bytes long, which
	// must come first.
	{PNG, "PNG", ".png", func(h []byte) bool {
		return len(h) >= 16 && bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"))
	}},
	// SOI (FF D8), then the first segment's marker: FF, any further FF
	// fill bytes (which libjpeg swallows), and a marker code (APP0 JFIF,
	// APP1 Exif, DQT, …). Fill that runs past the bytes sniffed is left to
	// the walk to the frame header (imageSize). Stray bytes or a stuffed
	// zero (FF 00) before the first marker, which libjpeg would discard,
	// are not taken for a JPEG here.
	{JPEG, "JPEG", ".jpg", func(h []byte) bool {
		if len(h) < 4 || h[0] != 0xff || h[1] != 0xd8 || h[2] != 0xff {
			return false
		}
		i := 3
		for i < len(h) && h[i] == 0xff {
			i++
		}
		if i == len(h) {
			return len(h) >= sniffLen
		}
		return h[i] >= 0xc0
	}},
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Sniff returns the media type of content judged from its first bytes —
// PDF, PNG or JPEG — or "" when it is none of them, whatever a file name
// or a declared type says.
func Sniff(head []byte) string {
	for _, s := range signatures {
		if s.match(head) {
			return s.mediaType
		}
	}
	return ""
}

func signatureOf(mediaType string) *signature {
	for i := range signatures {
		if signatures[i].mediaType == mediaType {
			return &signatures[i]
		}
	}
	return nil
}

func extension(mediaType string) string {
	if s := signatureOf(mediaType); s != nil {
		return s.ext
	}
	return ""
}

// aliases are declared types that mean one of the sniffed ones.
var aliases = map[string]string{
	"application/x-pdf": PDF,
	"image/jpg":         JPEG,
	"image/pjpeg":       JPEG,
	"image/x-png":       PNG,
}

// looksLike describes what content that matched no signature seems to be,
// for the uploader: "HTML", "a ZIP archive", … or "".
func looksLike(head []byte) string {
	if len(head) == 0 {
		return ""
	}
	t := http.DetectContentType(head)
	t, _, _ = strings.Cut(t, ";")
	switch {
	case t == PDF:
		return "a PDF whose header is damaged or cut short"
	case t == PNG:
		return "a PNG whose header is damaged or cut short"
	case t == JPEG:
		return "a JPEG whose header is damaged or cut short"
	case t == "text/html":
		return "HTML"
	case t == "text/xml" || t == "image/svg+xml":
		return "XML or SVG"
	case t == "application/zip" || t == "application/x-gzip" || t == "application/x-rar-compressed":
		return "an archive"
	case strings.HasPrefix(t, "text/"):
		return "text"
	case strings.HasPrefix(t, "image/"):
		return "a " + strings.ToUpper(strings.TrimPrefix(t, "image/")) + " image"
	}
	return ""
}
