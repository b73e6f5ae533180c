package rohini

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

type directoryConfig struct {
	source      sourceConfig
	skipInvalid bool
}

type directoryOption func(*directoryConfig) error

func (o directoryOption) applyDirectory(c *directoryConfig) error { return o(c) }

// SkipInvalidRows makes the loaders skip a row whose id or date is bad
// instead of failing; [Directory.Skipped] lists what was skipped. Syntax
// errors, missing columns and duplicate ids still fail the load.
func SkipInvalidRows() DirectoryOption {
	return directoryOption(func(c *directoryConfig) error {
		c.skipInvalid = true
		return nil
	})
}

// RowError is a bad row of an extract. It wraps [ErrInvalidExtract] and the
// cause ([ErrInvalidID] for a bad id).
type RowError struct {
	// Line is the CSV line the record starts on; 0 for JSON.
	Line int
	// Entry is the 1-based position in the JSON array; 0 for CSV.
	Entry int
	Err   error
}

func (e *RowError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Line == 0 {
		where = fmt.Sprintf("entry %d", e.Entry)
	}
	return fmt.Sprintf("%v: %s: %s", ErrInvalidExtract, where, strings.TrimPrefix(e.Err.Error(), "rohini: "))
}

// Unwrap returns ErrInvalidExtract and the cause.
func (e *RowError) Unwrap() []error { return []error{ErrInvalidExtract, e.Err} }

// Directory is an in-memory index of hospitals loaded from an IIB extract.
// It is read-only once loaded and safe for concurrent use.
type Directory struct {
	// Hospitals are kept in fixed-size chunks so that loading never copies
	// what it already holds: a growing slice of 100,000 records would copy
	// several times its final size.
	chunks  [][]Hospital
	n       int
	index   map[string]int32
	skipped []*RowError
}

const (
	chunkShift = 12
	chunkSize  = 1 << chunkShift
)

func (d *Directory) at(i int32) *Hospital { return &d.chunks[i>>chunkShift][i&(chunkSize-1)] }

func (d *Directory) push(h Hospital) int32 {
	if d.n%chunkSize == 0 {
		d.chunks = append(d.chunks, make([]Hospital, 0, chunkSize))
	}
	last := len(d.chunks) - 1
	d.chunks[last] = append(d.chunks[last], h)
	d.n++
	return int32(d.n - 1)
}

// Hospital validates id and finds it in the directory. The look-up is in
// memory and does not consult ctx. A nil or zero Directory is empty.
func (d *Directory) Hospital(_ context.Context, id string) (Hospital, error) {
	if err := Validate(id); err != nil {
		return Hospital{}, err
	}
	if d == nil {
		d = &Directory{}
	}
	i, ok := d.index[id]
	if !ok {
		return Hospital{}, fmt.Errorf("%w: %s is not among the %d hospitals of the directory", ErrNotFound, id, d.n)
	}
	return *d.at(i), nil
}

// Len returns the number of hospitals loaded.
func (d *Directory) Len() int {
	if d == nil {
		return 0
	}
	return d.n
}

// Skipped returns the rows left out under [SkipInvalidRows], in file order.
func (d *Directory) Skipped() []*RowError {
	if d == nil {
		return nil
	}
	return append([]*RowError(nil), d.skipped...)
}

// builder accumulates rows and enforces the rules shared by both formats.
type builder struct {
	d         *Directory
	firstLine []int32 // where each hospital came from, to name both lines of a duplicate
	skip      bool
	layouts   []string
}

func newBuilder(cfg directoryConfig) *builder {
	layouts := cfg.source.layouts
	if layouts == nil {
		layouts = defaultDateLayouts
	}
	return &builder{
		d:       &Directory{index: make(map[string]int32)},
		skip:    cfg.skipInvalid,
		layouts: layouts,
	}
}

// add takes a mapped row. rowErr is a problem found while mapping it.
// pos is the line (CSV) or entry (JSON).
func (b *builder) add(h Hospital, rowErr error, pos int, isJSON bool) error {
	mk := func(err error) *RowError {
		if isJSON {
			return &RowError{Entry: pos, Err: err}
		}
		return &RowError{Line: pos, Err: err}
	}
	if rowErr == nil {
		raw := h.ID
		h.ID = Normalize(raw)
		if err := Validate(h.ID); err != nil {
			if looksLikeSpreadsheetNumber(raw) {
				err = fmt.Errorf("%w (a spreadsheet seems to have turned the id into a number; format the column as text)", err)
			}
			rowErr = err
		}
	}
	if rowErr != nil {
		if b.skip {
			b.d.skipped = append(b.d.skipped, mk(rowErr))
			return nil
		}
		return mk(rowErr)
	}
	if prev, dup := b.d.index[h.ID]; dup {
		what := "line"
		if isJSON {
			what = "entry"
		}
		return mk(fmt.Errorf("duplicate id %s, first seen on %s %d", h.ID, what, b.firstLine[prev]))
	}
	b.d.index[h.ID] = b.d.push(h)
	b.firstLine = append(b.firstLine, int32(pos))
	return nil
}

func loadConfig(opts []DirectoryOption) (directoryConfig, error) {
	var cfg directoryConfig
	for _, o := range opts {
		if o == nil {
			return cfg, errors.New("rohini: nil DirectoryOption")
		}
		if err := o.applyDirectory(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// LoadCSV loads a CSV extract: a header row, then one hospital per row.
// Columns are found by header name, ignoring case and surrounding space
// (defaults in [DefaultFieldNames]; change them with [WithFieldNames]). The
// id and name columns must be present, and so must any column named
// explicitly; other columns may be absent. Column order is free and extra
// columns are ignored, even two of one name; a column that is read must be
// named once. A UTF-8 byte-order mark is tolerated.
//
// Ids are cleaned with [Normalize] and then validated. A bad row fails the
// load with a [*RowError] naming its line, unless [SkipInvalidRows] is
// given; a duplicate id fails the load naming both lines.
func LoadCSV(r io.Reader, opts ...DirectoryOption) (*Directory, error) {
	cfg, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	names, explicit, err := cfg.source.fields.resolve()
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: empty CSV, want a header row", ErrInvalidExtract)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidExtract, err)
	}
	cols, err := csvColumns(head, names, explicit)
	if err != nil {
		return nil, err
	}

	b := newBuilder(cfg)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidExtract, err)
		}
		line, _ := cr.FieldPos(0)
		var h Hospital
		var rowErr error
		for f, c := range cols {
			if c < 0 {
				continue
			}
			if err := setField(&h, field(f), strings.TrimSpace(rec[c]), b.layouts); err != nil {
				rowErr = err
				break
			}
		}
		if err := b.add(h, rowErr, line, false); err != nil {
			return nil, err
		}
	}
	return b.d, nil
}

// csvColumns maps each field to its column index, -1 when absent.
func csvColumns(head []string, names [numFields]string, explicit [numFields]bool) ([numFields]int, error) {
	var cols [numFields]int
	byName := make(map[string]int, len(head))
	dupErr := make(map[string]error) // names given to two columns: ambiguous only if read
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		key := strings.ToLower(strings.TrimSpace(h))
		if key == "" {
			continue
		}
		if j, dup := byName[key]; dup {
			if dupErr[key] == nil {
				dupErr[key] = fmt.Errorf("%w: header names column %q twice (columns %d and %d)", ErrInvalidExtract, clip(h), j+1, i+1)
			}
			continue
		}
		byName[key] = i
	}
	for f, n := range names {
		cols[f] = -1
		if n == "-" {
			continue
		}
		if err := dupErr[strings.ToLower(n)]; err != nil {
			return cols, err
		}
		i, ok := byName[strings.ToLower(n)]
		if ok {
			cols[f] = i
			continue
		}
		if field(f) == fID || field(f) == fName || explicit[f] {
			return cols, fmt.Errorf("%w: header has no %q column for %s (header: %s)", ErrInvalidExtract, n, fieldLabels[f], clip(strings.Join(head, ",")))
		}
	}
	return cols, nil
}

// LoadJSON loads a JSON extract: an array of hospital objects, or an object
// whose "hospitals" member is that array (other members are ignored). Field
// names and dotted paths are set with [WithFieldNames]; numbers are taken
// as written, so a numeric id keeps all 13 digits. A UTF-8 byte-order mark
// is tolerated. Rows are checked as by [LoadCSV], with entries numbered
// from 1.
func LoadJSON(r io.Reader, opts ...DirectoryOption) (*Directory, error) {
	cfg, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	names, _, err := cfg.source.fields.resolve()
	if err != nil {
		return nil, err
	}
	paths := parsePaths(names)
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	b := newBuilder(cfg)

	tok, err := dec.Token()
	if err != nil {
		return nil, jsonSyntax(err)
	}
	switch tok {
	case json.Delim('['):
		if err := loadJSONArray(dec, b, paths, names[fID]); err != nil {
			return nil, err
		}
	case json.Delim('{'):
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, jsonSyntax(err)
			}
			if key != "hospitals" || found {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return nil, jsonSyntax(err)
				}
				continue
			}
			found = true
			if t, err := dec.Token(); err != nil {
				return nil, jsonSyntax(err)
			} else if t != json.Delim('[') {
				return nil, fmt.Errorf("%w: \"hospitals\" is not an array", ErrInvalidExtract)
			}
			if err := loadJSONArray(dec, b, paths, names[fID]); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing brace
			return nil, jsonSyntax(err)
		}
		if !found {
			return nil, fmt.Errorf("%w: object has no \"hospitals\" array", ErrInvalidExtract)
		}
	default:
		return nil, fmt.Errorf("%w: want an array of hospitals or {\"hospitals\": [...]}", ErrInvalidExtract)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the JSON document", ErrInvalidExtract)
	}
	return b.d, nil
}

// loadJSONArray reads array elements up to and including the closing ']'.
func loadJSONArray(dec *json.Decoder, b *builder, paths [numFields]jsonPath, idName string) error {
	for entry := 1; dec.More(); entry++ {
		var v any
		if err := dec.Decode(&v); err != nil {
			return jsonSyntax(err)
		}
		var h Hospital
		var rowErr error
		if _, ok := v.(map[string]any); !ok {
			rowErr = fmt.Errorf("entry is %s, want an object", jsonKind(v))
		} else {
			var idFound bool
			h, idFound, rowErr = hospitalFromJSON(v, paths, b.layouts)
			if rowErr == nil && !idFound {
				rowErr = fmt.Errorf("%w: no id at %q", ErrInvalidID, idName)
			}
		}
		if err := b.add(h, rowErr, entry, true); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return jsonSyntax(err)
	}
	return nil
}

func jsonSyntax(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: JSON: %w", ErrInvalidExtract, err)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%T", v)
	}
}
