package document

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The pixel cap of an image document.
//
// A browser that shows an image allocates memory for every pixel its
// header declares, about 4 bytes each, before it decodes a byte of pixel
// data; a PNG or JPEG of a few kilobytes can declare 60,000×60,000 pixels
// (14 GB), and the staff console shows image documents inline to every
// reviewer who opens the application. 50 megapixels (some 200 MB once
// decoded) is room for what a hospital sends: an A4 page scanned at 600
// dpi (4,961×7,016, 35 megapixels), an A3 page at 400 dpi (4,677×6,614,
// 31 megapixels) and the full-resolution photos of today's 48 and 50
// megapixel phone cameras (8,160×6,120). 20,000 pixels a side bounds a
// strip that browsers and viewers draw badly, 33 inches at 600 dpi.
const (
	// MaxImagePixels is the most pixels (width times height) an image
	// document may have: 50 megapixels.
	MaxImagePixels = 50_000_000
	// MaxImageSide is the most pixels an image document may have across
	// or down: 20,000.
	MaxImageSide = 20_000
)

// imageSize reads an image's size in pixels from its bytes as Accept
// streams them, never decoding pixel data and holding a few bytes: a PNG's
// width and height are the first eight bytes of its IHDR chunk, which
// must come first (bytes 16 to 23 of the file); a JPEG's are in its frame
// header (SOF), found by walking its segments from SOI by their lengths
// and finding each marker as libjpeg's next_marker (jdmarker.c) finds it,
// so that the size read is the one a browser allocates for: bytes other
// than FF where a marker belongs are discarded (libjpeg warns of them),
// FF fill bytes before a marker code are swallowed, and FF 00 (a stuffed
// zero) is discarded too and the search goes on. The file must start
// with SOI (FF D8), as libjpeg's first_marker wants. The JPEG's further
// images are found and read as furtherImages says.
// Its Write never fails; refusal asks what it has found so far.
type imageSize struct {
	name    string // "PNG" or "JPEG", for messages
	jpeg    bool
	off     int     // PNG: bytes seen, up to 24
	st      jpegAt  // JPEG: what the next byte is
	marker  byte    // JPEG: the segment being read
	n       int     // bytes gathered into hdr
	hdr     [8]byte // PNG: IHDR's width and height; JPEG: a length, or a frame header's start
	skip    int     // JPEG: bytes of a segment left to skip
	w, h    uint32
	known   bool // w and h are read
	damaged bool // the header is malformed: no size can be read from it
	// lenient: a segment length under 2 skips nothing, as libjpeg takes an
	// APPn or COM segment's, not damage (for the images a JPEG holds after
	// its first, which are not refused for damage).
	lenient bool
	more    *furtherImages // JPEG: the images the file holds after its first
}

// jpegAt is where in a JPEG's segment structure the next byte falls.
type jpegAt uint8

const (
	jpegSOI0   jpegAt = iota // FF of SOI
	jpegSOI1                 // D8 of SOI
	jpegFF                   // the search for the FF of a marker: other bytes are discarded
	jpegMarker               // after an FF: the marker's code, FF fill, or 00 (stuffed, discarded)
	jpegLength               // the segment's 2-byte length, which counts itself
	jpegFrame                // a frame header's precision, height, width
	jpegSkip                 // the rest of a segment
)

// newImageSize returns the reader of the size of a mediaType, or nil for
// one without pixels (PDF).
func newImageSize(mediaType string) *imageSize {
	switch mediaType {
	case PNG:
		return &imageSize{name: "PNG"}
	case JPEG:
		return &imageSize{name: "JPEG", jpeg: true, more: &furtherImages{}}
	}
	return nil
}

func (s *imageSize) settled() bool { return s.known || s.damaged }

func (s *imageSize) Write(p []byte) (int, error) {
	n := len(p)
	if s.jpeg {
		s.jpegBytes(p)
		s.more.scan(p)
	} else {
		s.pngBytes(p)
	}
	return n, nil
}

func (s *imageSize) pngBytes(p []byte) {
	for _, c := range p {
		if s.settled() {
			return
		}
		if s.off >= 16 {
			s.hdr[s.off-16] = c
		}
		if s.off++; s.off == 24 {
			s.w, s.h = be32(s.hdr[0:4]), be32(s.hdr[4:8])
			s.known = true
		}
	}
}

// isSOF reports a start-of-frame marker: C0 to CF but DHT (C4), JPG (C8)
// and DAC (CC).
func isSOF(m byte) bool { return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc }

func (s *imageSize) jpegBytes(p []byte) {
	for len(p) > 0 && !s.settled() {
		if s.st == jpegSkip {
			k := min(s.skip, len(p))
			s.skip -= k
			p = p[k:]
			if s.skip == 0 {
				s.st = jpegFF
			}
			continue
		}
		c := p[0]
		p = p[1:]
		switch s.st {
		case jpegSOI0:
			s.damaged = c != 0xff
			s.st = jpegSOI1
		case jpegSOI1:
			s.damaged = c != 0xd8
			s.st = jpegFF
		case jpegFF:
			// As libjpeg's next_marker: bytes other than FF where a marker
			// belongs are stray, discarded in search of the next FF. A
			// file of them to its end holds no SOF, and is refused as cut
			// short.
			if c == 0xff {
				s.st = jpegMarker
			}
		case jpegMarker:
			switch {
			case c == 0xff: // fill
			case c == 0x00: // a stuffed zero (FF 00): discarded, the search goes on
				s.st = jpegFF
			case c == 0x01 || c >= 0xd0 && c <= 0xd7: // TEM, RSTn: no segment
				s.st = jpegFF
			case c == 0xd8 || c == 0xd9 || c == 0xda:
				// A second SOI, the end of the image or its scan before
				// the frame header: libjpeg stops there without a size.
				s.damaged = true
			default:
				s.marker, s.n, s.st = c, 0, jpegLength
			}
		case jpegLength:
			s.hdr[s.n] = c
			if s.n++; s.n < 2 {
				break
			}
			length := int(s.hdr[0])<<8 | int(s.hdr[1])
			switch {
			case isSOF(s.marker):
				// Length, precision, height, width, component count and at
				// least one component of 3 bytes.
				s.damaged = length < 11
				s.n, s.st = 0, jpegFrame
			case length < 2 && s.lenient: // libjpeg skips nothing
				s.st = jpegFF
			case length < 2:
				s.damaged = true
			case length == 2:
				s.st = jpegFF
			default:
				s.skip, s.st = length-2, jpegSkip
			}
		case jpegFrame:
			s.hdr[s.n] = c
			if s.n++; s.n == 5 { // precision, then height and width
				s.h, s.w = uint32(s.hdr[1])<<8|uint32(s.hdr[2]), uint32(s.hdr[3])<<8|uint32(s.hdr[4])
				s.known = true
			}
		}
	}
}

// furtherImages finds the images a JPEG holds besides its first and
// reads their sizes. Browsers decode more than the first image: an HDR
// gain map (Ultra HDR, ISO 21496-1, Apple's) is a second JPEG that
// Multi-Picture (APP2 "MPF") or XMP metadata locates by offset, after
// the first image's end or inside one of its segments, and the browser
// allocates for its pixels as for the first image's. So every SOI
// followed by a marker (FF D8 FF) after the file's own starts a walk of
// its segments to its frame header, finding markers as the first image's
// walk finds them, as libjpeg does (stray bytes and stuffed zeros
// discarded, fill swallowed); a walk that meets damage is dropped, since
// such bytes may be no image at all. A walk that skips a segment is kept
// only as the offset at which it resumes, one per offset, in a ring as
// long as the longest segment; so the work stays linear in the file's
// size however many walks there are.
type furtherImages struct {
	pos    int64       // bytes seen
	prev   [2]byte     // the two bytes before pos
	active []imageSize // walks reading markers and headers byte by byte
	wake   []bool      // wake[o%len(wake)]: a skipping walk resumes at offset o; made when first needed
	w, h   uint32      // the first further image over the cap
	over   bool
}

// wakeRing is longer than the most bytes a walk skips at once (a
// segment's length, at most 65535, counts its own two bytes).
const wakeRing = 1 << 17

func (f *furtherImages) scan(p []byte) {
	for _, c := range p {
		at := f.pos
		f.pos++
		if f.over {
			return
		}
		if f.wake != nil && f.wake[at%wakeRing] {
			f.wake[at%wakeRing] = false
			f.add(imageSize{name: "JPEG", jpeg: true, lenient: true, st: jpegFF})
		}
		if len(f.active) > 0 {
			f.step(c, at)
		}
		if c == 0xff && f.prev == [2]byte{0xff, 0xd8} && at > 2 {
			// An SOI, then the FF of a marker, after the file's own.
			f.add(imageSize{name: "JPEG", jpeg: true, lenient: true, st: jpegMarker})
		}
		f.prev = [2]byte{f.prev[1], c}
	}
}

// add starts a walk unless an identical one is under way.
func (f *furtherImages) add(w imageSize) {
	if !slices.Contains(f.active, w) {
		f.active = append(f.active, w)
	}
}

// step gives byte c, at offset at, to every active walk.
func (f *furtherImages) step(c byte, at int64) {
	b := [1]byte{c}
	kept := f.active[:0]
	for _, w := range f.active {
		w.jpegBytes(b[:])
		switch {
		case w.known:
			if !withinCap(w.w, w.h) && w.w != 0 && w.h != 0 {
				f.w, f.h, f.over = w.w, w.h, true
			}
		case w.damaged:
		case w.st == jpegSkip:
			if f.wake == nil {
				f.wake = make([]bool, wakeRing)
			}
			f.wake[(at+1+int64(w.skip))%wakeRing] = true
		default:
			if !slices.Contains(kept, w) {
				kept = append(kept, w)
			}
		}
	}
	clear(f.active[len(kept):])
	f.active = kept
}

// withinCap reports whether w×h pixels are within MaxImageSide and
// MaxImagePixels.
func withinCap(w, h uint32) bool {
	return w <= MaxImageSide && h <= MaxImageSide && uint64(w)*uint64(h) <= MaxImagePixels
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// refusal is the refusal of what has been read, or nil: an image whose
// size is over the cap (ErrTooManyPixels), or declares 0 pixels across or
// down, or whose header is malformed (ErrUnsupportedType). At the end of
// the content (end set), a size not yet read is a header cut short.
func (s *imageSize) refusal(p *Policy, end bool) error {
	orPDF := ""
	if slices.Contains(p.types, PDF) {
		orPDF = ", or upload it as a PDF"
	}
	switch {
	case s.damaged || end && !s.known:
		return reject(ErrUnsupportedType, "the "+s.name+" file is damaged or cut short: its size in pixels cannot be read; scan or save the document again"+orPDF)
	case !s.known:
		return nil
	case s.w == 0 || s.h == 0:
		return reject(ErrUnsupportedType, fmt.Sprintf("the %s file says the image is %s×%s pixels, so it is damaged; scan or save the document again%s",
			s.name, thousands(uint64(s.w)), thousands(uint64(s.h)), orPDF))
	case !withinCap(s.w, s.h):
		return reject(ErrTooManyPixels, fmt.Sprintf("the image is %s×%s pixels, more than an image may have: at most %s pixels across or down, and %d megapixels in all; scan the document again at a lower resolution, such as 300 dpi%s",
			thousands(uint64(s.w)), thousands(uint64(s.h)), thousands(MaxImageSide), MaxImagePixels/1_000_000, orPDF))
	}
	if m := s.more; m != nil && m.over {
		return reject(ErrTooManyPixels, fmt.Sprintf("the file holds, besides its image, another image (such as an HDR gain map or a second picture) of %s×%s pixels, more than an image may have: at most %s pixels across or down, and %d megapixels in all; save the document again as a plain JPEG at a lower resolution, such as a 300 dpi scan%s",
			thousands(uint64(m.w)), thousands(uint64(m.h)), thousands(MaxImageSide), MaxImagePixels/1_000_000, orPDF))
	}
	return nil
}

// thousands writes n with commas between thousands: 60,000.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
