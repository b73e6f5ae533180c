// Package document holds the documents an application's reviewers must
// read — the authorised signatory's letter, the government approval
// letter, the address proof, the empanelment proof — as uploaded bytes the
// operator keeps, instead of a URI and a digest nobody opens.
//
// A [Store] is four calls, context first: Put, Get, List and Delete. Two
// implementations pass one conformance suite (document/documenttest):
// [Dir], a directory of the filesystem for an operator on one machine,
// and sqlstore.Documents in registry/sqlstore, where documents are rows
// beside their application in SQLite or PostgreSQL, so that replicas share
// them and a document can neither outlive nor miss its application.
//
// # Uploads
//
// Every store applies a [Policy] to what it is given, so the rules are
// the same whatever keeps the bytes:
//
//   - size: at most [DefaultMaxSize] (10 MiB) unless [WithMaxSize] says
//     otherwise; at most one byte more than the cap is read, and a larger
//     upload is [ErrTooLarge];
//   - type: judged from the first bytes, never from a file name or the
//     declared type: a PDF ("%PDF-" and a version), a PNG (its signature
//     and IHDR chunk) or a JPEG (SOI, then a segment marker after any FF
//     fill bytes) by default ([WithTypes] narrows the list). Anything
//     else — HTML, SVG, archives, a header cut short — is
//     [ErrUnsupportedType];
//   - pixels: a PNG or a JPEG must declare its width and height — in its
//     IHDR chunk, or in the frame header (SOF) found by walking its
//     segments from SOI — and be at most [MaxImageSide] (20,000) pixels
//     across or down and [MaxImagePixels] (50 megapixels) in all, else
//     [ErrTooManyPixels]; a size of 0, a header cut short before the size,
//     or a JPEG whose segments do not lead to its frame header (an end of
//     the file, a scan or an end of image first) is [ErrUnsupportedType].
//     The walk finds each marker as libjpeg, which browsers decode JPEGs
//     with, finds it: stray bytes where a marker belongs and stuffed zeros
//     (FF 00) are discarded and FF fill bytes before a marker code
//     swallowed, so that an odd scanner's file a browser shows is
//     accepted, and the size read is the one the browser reads. A browser
//     allocates for the declared size before it decodes a pixel, and the
//     staff console shows images inline: a file of a few kilobytes that
//     declares 60,000×60,000 pixels would cost every reviewer's browser
//     gigabytes. The size is read as the bytes stream by, a few bytes held
//     and no pixel decoded, and an image over the cap is refused as soon
//     as its header is read. A JPEG may hold further images that browsers
//     decode too — an HDR gain map or a second picture, which
//     Multi-Picture or XMP metadata locates anywhere in the file — so
//     every SOI and marker (FF D8 FF) in it starts a walk, the same, to
//     that image's frame header, and a further image over the cap is
//     [ErrTooManyPixels] as well;
//   - a PDF's images: a browser's PDF viewer decodes the images a page
//     draws, so the sizes a PDF declares are capped the same: every
//     /Width, /Height (/W and /H of inline images, /Columns and /Rows)
//     followed by a number, wherever it stands in the file or in a
//     FlateDecode stream (content and object streams, inflated within
//     16 times the size cap), and the frame header of a JPEG, JPEG 2000
//     or JBIG2 page that starts a stream's data. The scan follows no structure an
//     upload could fake, so it judges the widest and the tallest image
//     together. An encrypted PDF, one that names a filter the scan cannot
//     undo (LZW, ASCII85, ASCIIHex, RunLength) or gives an image's size by
//     reference is [ErrUnsupportedType]; one whose streams expand beyond
//     the budget is [ErrTooLarge]. The PDF is held in memory for the scan,
//     at most the size cap;
//   - declared type: if the uploader names one (application/octet-stream
//     names none), it must be the type found, else [ErrMismatch]; so must
//     an expected SHA-256 or size the uploader gives;
//   - digest: the SHA-256 is computed by the store from the bytes it keeps;
//   - metadata: a known kind (the application contract's, [Kinds], or
//     [WithKinds]), an uploader (the authenticated actor) and an
//     application id are required ([ErrInvalid]); the store assigns the id
//     (a time-ordered UUID) and the creation time.
//
// A refusal is a [*RejectError]: its Message tells the uploader what is
// wrong and what to do, and names no path or host, so an HTTP layer can
// answer 422 with it. A document for an application that does not exist
// is [ErrNotFound], as is any id a store did not make: document ids are
// checked against their form ([ValidID]) before any look-up, and
// application ids never become file names, so no id can reach outside a
// store.
//
// # Reading
//
// Get returns the metadata and the content; reading the content to its end
// checks it against the stored digest and size ([ErrCorrupt]). List
// returns an application's documents oldest first. Content should be
// served with the stored media type (never one sniffed again by a
// browser), X-Content-Type-Options: nosniff, a Content-Disposition built
// from [Document.FileName], and a Content-Security-Policy that runs
// nothing.
//
// # References
//
// An application still lists its documents as references (kind, URI,
// SHA-256, media type). [Match] finds the uploaded document a reference
// stands for by its digest and checks its kind, so that a reference must
// name a document the operator holds; [Document.Reference] makes the
// reference for an uploaded document.
package document
