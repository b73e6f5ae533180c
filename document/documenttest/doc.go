// Package documenttest is the conformance suite every [document.Store]
// runs, with sample files for tests.
//
// A store's own test calls [Run] with a constructor that returns a fresh,
// empty store built with the options it is given, and the registry whose
// applications the store knows, registering their cleanup on t:
//
//	func TestConformance(t *testing.T) {
//		documenttest.Run(t, func(t *testing.T, opts ...document.Option) (document.Store, registry.Writer) {
//			reg := registry.NewMemoryStore()
//			d, err := document.NewDir(t.TempDir(), reg, opts...)
//			require.NoError(t, err)
//			t.Cleanup(func() { d.Close() })
//			return d, reg
//		})
//	}
//
// The samples: [PDF], [PNG] and [JPEG] make valid files; [PNGDeclaring]
// and [JPEGDeclaring] make small ones whose headers declare any size in
// pixels, for pixel caps.
//
// The suite checks the contract the document package documents:
//
//   - round trips: content comes back byte for byte, with the media type
//     judged from the bytes, the size, the SHA-256 the store computed, the
//     uploader and the creation time exact to the nanosecond (in UTC);
//     declared types with parameters, in any case, or as aliases, and an
//     expected digest or size the uploader gives;
//   - the size cap: a document of exactly the cap is stored, one byte more
//     is ErrTooLarge, an endless upload is refused after at most cap+1
//     bytes, and the default cap is 10 MiB;
//   - sniffing: a PNG declared as a PDF (and the like) is ErrMismatch;
//     HTML, SVG, ZIP, GIF, text, an empty file and cut-short PDF, PNG and
//     JPEG headers are ErrUnsupportedType whatever is declared, and types
//     left out of the allow-list are refused from the first bytes;
//   - pixels: a PNG or JPEG of a few bytes whose header declares more than
//     document.MaxImageSide pixels a side or document.MaxImagePixels in
//     all is ErrTooManyPixels; one declaring 0 pixels across or down, or
//     cut short before its size, is ErrUnsupportedType; an image of exactly
//     the cap is stored;
//   - metadata: unknown kinds, a missing or malformed uploader, an id or
//     creation time set by the caller are ErrInvalid;
//   - not found: a document for an application that does not exist,
//     listing it, another application's document, a deleted one, unknown
//     ids;
//   - ids: document ids that look like paths are never found; application
//     ids that look like paths ("..", "a/../b", "/etc") are ordinary ids,
//     kept apart; malformed ones are refused;
//   - order: oldest first, then by id;
//   - concurrency: 24 concurrent puts to three applications all land once
//     with distinct ids; of concurrent deletes of one document one wins;
//   - a cancelled context fails every call, and one ending during an
//     upload stores nothing;
//   - [document.Match] against the store.
//
// Every refusal must be a [*document.RejectError] and store nothing.
// Every subtest runs in parallel on its own store.
package documenttest
