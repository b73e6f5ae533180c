package document

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
)

// The images a PDF holds are capped as image documents are.
//
// A browser's PDF viewer decodes every image a page draws: an image
// XObject of 60,000×60,000 pixels whose data is a few kilobytes of
// deflated zeros, or a small JPEG inside the PDF whose frame header
// declares that many, makes it allocate gigabytes, as an image document
// would. So a PDF is read for every size in pixels it declares, without
// rendering anything:
//
//   - every /Width, /Height, /W, /H (an inline image's), /Columns and /Rows
//     followed by a number, wherever it stands: readers differ in what they
//     take for a string, a comment or a stream's end, so the scan does not
//     guess the structure an attacker would fake; a size given by
//     reference ("/Width 12 0 R") is refused, since it cannot be read
//     without resolving the file's objects;
//   - the same in the content of every stream compressed with FlateDecode
//     (content streams hold inline images, object streams dictionaries),
//     inflated within a budget of the PDF's size times pdfInflateRatio;
//   - the frame header of a JPEG (DCTDecode), the SIZ marker of a JPEG
//     2000 codestream (JPXDecode) or the page information of a JBIG2 page
//     (JBIG2Decode) that starts a stream's data, raw or inflated, which the
//     viewer decodes at the size it declares, whatever the image
//     dictionary says.
//
// Each side is capped by MaxImageSide, and the largest width times the
// largest height by MaxImagePixels: the scan does not pair a width with
// its height, which faked structure could mislead, so a PDF whose widest
// image and tallest image are different ones is judged as if they were
// one (an A4 page scanned at 600 dpi, upright or turned, still passes).
// A PDF that is encrypted (its streams cannot be read), or names a filter
// the scan cannot undo (LZW, ASCII85, ASCIIHex, RunLength), is refused.
const pdfInflateRatio = 16

// pdfScan reads the sizes a PDF declares (scan), from the whole file,
// which the caller keeps for it: the streams are read where they start,
// wherever that is.
type pdfScan struct {
	names   pdfNames
	budget  int64 // bytes left to inflate and read, input and output
	limit   int64 // the budget at the start
	spent   bool  // the budget ran out
	jpegW   uint32
	jpegH   uint32
	overJPG bool // an embedded JPEG or JPEG 2000 over the cap: jpegW×jpegH
}

// scanPDF reads the sizes the PDF b declares, inflating within a budget
// of pdfInflateRatio times the size cap (at least 1 MiB).
func scanPDF(b []byte, maxSize int64) *pdfScan {
	limit := pdfInflateRatio * max(maxSize, 1<<20)
	s := &pdfScan{budget: limit, limit: limit}
	s.names.scan(b)
	s.names.flush()
	s.streams(b, true)
	return s
}

// streams reads what starts each stream of b: an embedded JPEG or JPEG
// 2000, and, when top is set, a zlib stream, inflated and read as the
// file is (one level down: an object stream holds no streams).
func (s *pdfScan) streams(b []byte, top bool) {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("stream"))
		if j < 0 {
			return
		}
		at := i + j
		i = at + len("stream")
		if at > 0 && !pdfDelimited(b[at-1]) { // "endstream", or a longer word
			continue
		}
		// The keyword's end of line (readers take CR LF, LF or CR, some
		// after spaces); the data may start with any byte, NUL included.
		k := i
		for k < len(b) && k < i+4 && (b[k] == ' ' || b[k] == '\t') {
			k++
		}
		if k < len(b) && b[k] == '\r' {
			k++
		}
		if k < len(b) && b[k] == '\n' {
			k++
		}
		s.embedded(b[k:])
		if top && !s.spent {
			s.inflate(b[k:])
		}
	}
}

// charge takes n bytes of reading from the budget, and reports whether
// there were enough.
func (s *pdfScan) charge(n int) bool {
	if s.budget -= int64(n); s.budget < 0 {
		s.spent = true
	}
	return !s.spent
}

// embedded reads the size of a JPEG or JPEG 2000 that starts data. The
// bytes walked are charged to the budget: every stream start of a file
// may start a walk to the file's end.
func (s *pdfScan) embedded(data []byte) {
	var w, h uint32
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		j := &imageSize{name: "JPEG", jpeg: true}
		for off := 0; off < len(data) && !j.settled(); off += 4 << 10 {
			chunk := data[off:min(len(data), off+4<<10)]
			if !s.charge(len(chunk)) {
				return
			}
			j.jpegBytes(chunk)
		}
		if !j.known {
			return
		}
		w, h = j.w, j.h
	default:
		if bytes.HasPrefix(data, jp2Signature) && !s.charge(min(len(data), 1<<20)) {
			return // the search for its codestream
		}
		var ok bool
		if w, h, ok = jpxSize(data); !ok {
			if w, h, ok = jbig2Size(data); !ok {
				return
			}
		}
	}
	if !withinCap(w, h) && !s.overJPG {
		s.jpegW, s.jpegH, s.overJPG = w, h, true
	}
}

// jp2Signature starts a JP2 file: its signature box.
var jp2Signature = []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")

// jpxSize reads the size of a JPEG 2000 codestream from its SIZ marker:
// data is the codestream (SOC, then SIZ) or a JP2 file, whose codestream
// comes after its header boxes (the first SOC and SIZ in its first MiB).
func jpxSize(data []byte) (w, h uint32, ok bool) {
	soc := []byte{0xff, 0x4f, 0xff, 0x51}
	at := -1
	switch {
	case bytes.HasPrefix(data, soc):
		at = 0
	case bytes.HasPrefix(data, jp2Signature):
		at = bytes.Index(data[:min(len(data), 1<<20)], soc)
	}
	// SOC, SIZ, Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz.
	if at < 0 || len(data) < at+4+2+2+16 {
		return 0, 0, false
	}
	siz := data[at+8:]
	x, y, xo, yo := be32(siz[0:]), be32(siz[4:]), be32(siz[8:]), be32(siz[12:])
	if xo > x || yo > y {
		return 0, 0, false
	}
	return x - xo, y - yo, true
}

// jbig2Size reads the size of the page of an embedded JBIG2 stream (its
// segments without a file header, as JBIG2Decode takes them) from its
// page information segment (type 48), among its first few segments, each
// found by the data length of the one before. A JBIG2 decoder allocates
// the page it declares, whatever the image dictionary says. A height not
// yet known (0xffffffff: the page grows by stripes) is taken as 0; bytes
// that are no JBIG2 segments give no size.
func jbig2Size(data []byte) (w, h uint32, ok bool) {
	at := 0
	for range 8 {
		if len(data) < at+6 {
			return 0, 0, false
		}
		number := be32(data[at:])
		flags := data[at+4]
		p := at + 6
		count := int(data[at+5] >> 5)
		if count == 7 { // the long form: a 29-bit count, then retention bits
			if len(data) < at+9 {
				return 0, 0, false
			}
			count = int(be32(data[at+5:]) & 0x1fffffff)
			p = at + 9 + (count+8)/8
		}
		size := 4
		switch {
		case number <= 256:
			size = 1
		case number <= 65536:
			size = 2
		}
		p += count * size
		if flags&0x40 != 0 {
			p += 4
		} else {
			p++
		}
		if count > 1<<16 || len(data) < p+4 {
			return 0, 0, false
		}
		length := be32(data[p:])
		p += 4
		if !slices.Contains(jbig2Types, flags&0x3f) {
			return 0, 0, false
		}
		if flags&0x3f == 48 {
			// The page information segment's data is 19 bytes, no more:
			// bytes that only happen to look like segments rarely say so.
			if length != 19 || len(data) < p+8 {
				return 0, 0, false
			}
			w, h = be32(data[p:]), be32(data[p+4:])
			if h == 0xffffffff {
				h = 0
			}
			return w, h, true
		}
		if length == 0xffffffff || int64(length) > int64(len(data)-p) {
			return 0, 0, false
		}
		at = p + int(length)
	}
	return 0, 0, false
}

// jbig2Types are the segment types JBIG2 defines (ITU T.88, 7.3).
var jbig2Types = []byte{0, 4, 6, 7, 16, 20, 22, 23, 36, 38, 39, 40, 42, 43, 48, 49, 50, 51, 52, 53, 62}

// inflate reads the zlib stream that starts data, if one does, as the
// file is read, and its own embedded images, within the budget.
func (s *pdfScan) inflate(data []byte) {
	if len(data) < 2 || data[0]&0x0f != 8 || data[0]>>4 > 7 || (uint16(data[0])<<8|uint16(data[1]))%31 != 0 {
		return
	}
	in := bytes.NewReader(data)
	z, err := zlib.NewReader(in)
	if err != nil {
		return
	}
	defer z.Close()
	var sub pdfNames
	buf := make([]byte, 32<<10)
	var head []byte // the start of the output, for an embedded image
	left := in.Len()
	for {
		n, err := z.Read(buf)
		if len(head) < 1<<20 {
			head = append(head, buf[:min(n, 1<<20-len(head))]...)
		}
		sub.scan(buf[:n])
		used := n + left - in.Len()
		left = in.Len()
		if !s.charge(used) {
			break
		}
		if err != nil {
			break
		}
	}
	sub.flush()
	s.names.merge(&sub)
	s.streams(head, false)
	s.embedded(head)
}

// refusal is the refusal of what the scan found, or nil.
func (s *pdfScan) refusal(p *Policy) error {
	n := &s.names
	limits := fmt.Sprintf("at most %s pixels across or down, and %d megapixels in all", thousands(MaxImageSide), MaxImagePixels/1_000_000)
	orImage := ""
	if slices.Contains(p.types, PNG) || slices.Contains(p.types, JPEG) {
		orImage = ", or upload the page as an image"
	}
	switch {
	case n.encrypted:
		return reject(ErrUnsupportedType, "the PDF is encrypted or password-protected, so its content cannot be checked; save or print it again as a PDF without protection"+orImage)
	case n.oldFilter != "":
		return reject(ErrUnsupportedType, "the PDF uses "+n.oldFilter+" encoding, whose content cannot be checked; save or print it again as a PDF"+orImage)
	case s.spent:
		return reject(ErrTooLarge, fmt.Sprintf("the PDF's compressed content expands to more than %s, or its streams take more than that to check, more than a document may; save or print it again as a PDF, such as a scan at a lower resolution", sizeName(s.limit)))
	case n.byReference:
		return reject(ErrUnsupportedType, "the PDF gives the size of an image by reference, so it cannot be checked; save or print it again as a PDF"+orImage)
	case n.maxW > MaxImageSide:
		return reject(ErrTooManyPixels, fmt.Sprintf("the PDF holds an image %s pixels across, more than an image may have: %s; scan the document again at a lower resolution, such as 300 dpi",
			thousands(n.maxW), limits))
	case n.maxH > MaxImageSide:
		return reject(ErrTooManyPixels, fmt.Sprintf("the PDF holds an image %s pixels down, more than an image may have: %s; scan the document again at a lower resolution, such as 300 dpi",
			thousands(n.maxH), limits))
	case !withinCap(sat32(n.maxW), sat32(n.maxH)):
		return reject(ErrTooManyPixels, fmt.Sprintf("the PDF holds images up to %s pixels across and %s down, judged together as one, more than an image may have: %s; scan the document again at a lower resolution, such as 300 dpi",
			thousands(n.maxW), thousands(n.maxH), limits))
	case s.overJPG:
		return reject(ErrTooManyPixels, fmt.Sprintf("the PDF holds an image of %s×%s pixels, more than an image may have: %s; scan the document again at a lower resolution, such as 300 dpi",
			thousands(uint64(s.jpegW)), thousands(uint64(s.jpegH)), limits))
	}
	return nil
}

func sat32(n uint64) uint32 { return uint32(min(n, 1<<32-1)) }

// pdfNames finds, in bytes as they go by, the names that declare a size
// in pixels and the number that follows each, and the names that make a
// PDF unreadable to the scan. Nothing else of the syntax is followed.
type pdfNames struct {
	st          pdfAt
	name        [16]byte // the name being read, #xx escapes decoded
	nlen        int      // its length; over len(name): a longer name, of no interest
	hex         int      // -1, or the value of the first digit of a #xx escape; -2 after '#'
	key         byte     // 'w' or 'h': the size the number is for; 'W' or 'H': the same from /Width or /Height, which may not be a reference
	num         uint64   // the number read, saturated
	frac        bool     // it had a fraction: rounded up
	maxW, maxH  uint64
	byReference bool
	encrypted   bool
	oldFilter   string
}

type pdfAt uint8

const (
	pdfOther   pdfAt = iota // between tokens of no interest
	pdfName                 // inside a name
	pdfValue                // before the value of a size name: white space and comments
	pdfComment              // a comment before the value
	pdfInt                  // the integer part of the value
	pdfFrac                 // its fraction
	pdfGap1                 // after the value: white space before a generation number
	pdfGen                  // a generation number
	pdfGap2                 // white space before R
	pdfR                    // after R: a delimiter makes it a reference
)

func pdfSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func pdfDelimited(c byte) bool {
	return pdfSpace(c) || bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (n *pdfNames) scan(p []byte) {
	for _, c := range p {
		n.step(c)
	}
}

func (n *pdfNames) step(c byte) {
	switch n.st {
	case pdfName:
		if !pdfDelimited(c) {
			switch {
			case n.hex == -2:
				if n.hex = hexValue(c); n.hex < 0 {
					n.hex = -1
					n.add('#')
					n.add(c)
				}
			case n.hex >= 0:
				if v := hexValue(c); v >= 0 {
					n.add(byte(n.hex<<4 | v))
				} else {
					n.add('#')
					n.add(c)
				}
				n.hex = -1
			case c == '#':
				n.hex = -2
			default:
				n.add(c)
			}
			return
		}
		n.endName()
		if n.st == pdfValue {
			n.step(c)
			return
		}
	case pdfValue:
		switch {
		case pdfSpace(c):
			return
		case c == '%':
			n.st = pdfComment
			return
		case c == '+':
			n.num, n.frac, n.st = 0, false, pdfInt
			return
		case c >= '0' && c <= '9' || c == '.':
			n.num, n.frac, n.st = 0, false, pdfInt
			n.step(c)
			return
		}
	case pdfComment:
		if c == '\r' || c == '\n' {
			n.st = pdfValue
		}
		return
	case pdfInt:
		switch {
		case c >= '0' && c <= '9':
			n.num = min(n.num*10+uint64(c-'0'), 1<<40)
			return
		case c == '.':
			n.st = pdfFrac
			return
		}
		n.afterNumber(c)
		return
	case pdfFrac:
		if c >= '0' && c <= '9' {
			n.frac = n.frac || c != '0'
			return
		}
		n.afterNumber(c)
		return
	case pdfGap1:
		switch {
		case pdfSpace(c):
			return
		case c >= '0' && c <= '9':
			n.st = pdfGen
			return
		}
		n.commit()
	case pdfGen:
		switch {
		case c >= '0' && c <= '9':
			return
		case pdfSpace(c):
			n.st = pdfGap2
			return
		}
		n.commit()
	case pdfGap2:
		switch {
		case pdfSpace(c):
			return
		case c == 'R':
			n.st = pdfR
			return
		}
		n.commit()
	case pdfR:
		if pdfDelimited(c) {
			n.reference()
		} else {
			n.commit()
		}
	}
	n.st = pdfOther
	if c == '/' {
		n.st, n.nlen, n.hex = pdfName, 0, -1
	}
}

func (n *pdfNames) add(c byte) {
	if n.nlen < len(n.name) {
		n.name[n.nlen] = c
	}
	n.nlen++
}

// endName judges the name just read.
func (n *pdfNames) endName() {
	n.st = pdfOther
	if n.hex != -1 { // a # escape cut short
		n.add('#')
	}
	if n.nlen > len(n.name) {
		return
	}
	switch string(n.name[:n.nlen]) {
	case "Width":
		n.key, n.st = 'W', pdfValue
	case "Height":
		n.key, n.st = 'H', pdfValue
	case "W", "Columns":
		n.key, n.st = 'w', pdfValue
	case "H", "Rows":
		n.key, n.st = 'h', pdfValue
	case "Encrypt":
		n.encrypted = true
	case "LZWDecode", "LZW":
		n.oldFilter = "LZW"
	case "ASCII85Decode", "A85":
		n.oldFilter = "ASCII85"
	case "ASCIIHexDecode", "AHx":
		n.oldFilter = "ASCIIHex"
	case "RunLengthDecode", "RL":
		n.oldFilter = "RunLength"
	}
}

// afterNumber ends the number and sees whether a reference follows.
func (n *pdfNames) afterNumber(c byte) {
	if n.frac {
		n.num++
	}
	n.st = pdfGap1
	n.step(c)
}

// commit takes the number read as the size.
func (n *pdfNames) commit() {
	if n.key == 'W' || n.key == 'w' {
		n.maxW = max(n.maxW, n.num)
	} else {
		n.maxH = max(n.maxH, n.num)
	}
}

// reference notes a size given by reference: /Width and /Height only,
// since /W and /H name references in other dictionaries (a font's widths).
func (n *pdfNames) reference() {
	if n.key == 'W' || n.key == 'H' {
		n.byReference = true
	}
}

// flush ends the input: a number at its very end counts.
func (n *pdfNames) flush() {
	switch n.st {
	case pdfName:
		n.endName()
	case pdfInt, pdfFrac:
		if n.frac {
			n.num++
		}
		n.commit()
	case pdfGap1, pdfGen, pdfGap2:
		n.commit()
	case pdfR:
		n.reference()
	}
	n.st = pdfOther
}

func (n *pdfNames) merge(o *pdfNames) {
	n.maxW, n.maxH = max(n.maxW, o.maxW), max(n.maxH, o.maxH)
	n.byReference = n.byReference || o.byReference
	n.encrypted = n.encrypted || o.encrypted
	if n.oldFilter == "" {
		n.oldFilter = o.oldFilter
	}
}
