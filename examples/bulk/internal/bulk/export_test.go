package bulk

import "io"

// ReadRowsWithin is ReadRows reading at most maxBytes, for tests of the
// size cap without a file of MaxFileBytes.
func ReadRowsWithin(r io.Reader, maxBytes int64) ([]Row, error) { return readRows(r, maxBytes) }
