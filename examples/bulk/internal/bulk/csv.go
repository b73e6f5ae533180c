package bulk

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the input, so that a wrong file fails clearly instead of
// filling memory.
const (
	// MaxRows is the most hospitals one file may list.
	MaxRows = 500_000
	// MaxField is the longest cell, in bytes.
	MaxField = 1024
	// MaxKey is the longest key, in bytes.
	MaxKey = 128
	// MaxFileBytes is the largest list ReadRows reads: rows are held in
	// memory, and MaxRows rows of the longest cells would not fit. A real
	// list of MaxRows hospitals takes a few hundred MiB.
	MaxFileBytes = 1 << 30
)

// maxRecordBytes bounds what the reader takes in for one record, with the
// comments and blank lines before it: every column at its longest cell,
// quoted, each character a doubled quote, with room to spare. Past it a
// quote was opened and never closed, or a line never ends; without the
// bound the rest of the file would be read into memory as one cell.
var maxRecordBytes = int64(len(Columns)*(2*MaxField+3)) + 64<<10

// errRecordTooLong and errFileTooLarge are what boundedReader answers
// once a record runs past maxRecordBytes, or the file past its size cap.
var (
	errRecordTooLong = errors.New("record too long")
	errFileTooLarge  = errors.New("file too large")
)

// boundedReader reads from r up to limit bytes in all, and never more
// than total; ReadRows moves the limit on after each record.
type boundedReader struct {
	r                  io.Reader
	read, limit, total int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	switch {
	case b.read >= b.total:
		// At the cap: the end of the file, or more than may be read.
		var one [1]byte
		n, err := b.r.Read(one[:])
		b.read += int64(n)
		if n == 0 {
			return 0, err
		}
		return 0, errFileTooLarge
	case b.read >= b.limit:
		return 0, errRecordTooLong
	}
	if n := min(b.limit, b.total) - b.read; int64(len(p)) > n {
		p = p[:n]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// Values of the demo_registry column: how the in-process demo registries
// hold the row's HFR or ROHINI id. Empty means the registry knows the
// hospital and it is in good standing.
const (
	DemoAbsent    = "absent"    // the registry has no such id
	DemoDraft     = "draft"     // HFR holds the facility only as a Draft
	DemoSuspended = "suspended" // ROHINI lists the hospital as Suspended
)

// ErrBadCSV is wrapped by every error about the file's shape: its header,
// a row's field count, quoting, a missing or repeated key. A *CSVError says
// where.
var ErrBadCSV = errors.New("bad CSV")

// CSVError is a problem at a place in the file. Line and Column count from
// 1; Column is the field's position in the record (0 when the problem is
// the whole line) and Name the column's header when known.
type CSVError struct {
	Line, Column int
	Name         string
	Problem      string
}

func (e *CSVError) Error() string {
	var where string
	switch {
	case e.Column > 0 && e.Name != "":
		where = fmt.Sprintf("line %d, column %d (%s)", e.Line, e.Column, e.Name)
	case e.Column > 0:
		where = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	default:
		where = fmt.Sprintf("line %d", e.Line)
	}
	return fmt.Sprintf("%s: %s: %s", ErrBadCSV, where, e.Problem)
}

// Unwrap makes errors.Is(err, ErrBadCSV) hold.
func (e *CSVError) Unwrap() error { return ErrBadCSV }

// Row is one hospital of the list. Line is where its record starts in the
// file; every other field is a column (see Columns), trimmed of
// surrounding space.
type Row struct {
	Line int `json:"line"`

	Key               string `json:"key"`
	HospitalName      string `json:"hospital_name"`
	HFRID             string `json:"hfr_id,omitempty"`
	RohiniID          string `json:"rohini_id,omitempty"`
	GSTIN             string `json:"gstin,omitempty"`
	LicenceNumber     string `json:"licence_number,omitempty"`
	LicenceValidUntil string `json:"licence_valid_until,omitempty"`
	Address           string `json:"address,omitempty"`
	District          string `json:"district,omitempty"`
	State             string `json:"state,omitempty"`
	Pincode           string `json:"pincode,omitempty"`
	Email             string `json:"email,omitempty"`
	Mobile            string `json:"mobile,omitempty"`
	AdminName         string `json:"admin_name,omitempty"`
	AdminEmail        string `json:"admin_email,omitempty"`
	AdminMobile       string `json:"admin_mobile,omitempty"`
	Scheme            string `json:"scheme,omitempty"`
	PayerCode         string `json:"payer_code,omitempty"`
	PayerName         string `json:"payer_name,omitempty"`
	EmpanelmentID     string `json:"empanelment_id,omitempty"`
	ProofURI          string `json:"proof_uri,omitempty"`
	ProofSHA256       string `json:"proof_sha256,omitempty"`
	DemoRegistry      string `json:"demo_registry,omitempty"`
}

// Column describes one CSV column.
type Column struct {
	Name     string
	Required bool
	Doc      string
	field    func(*Row) *string
}

// Columns are the CSV columns, in the order WriteRows writes them. The
// header names them; a reader accepts them in any order and case. Only
// key and hospital_name are required; a column left out is empty for
// every row. A column not listed here is an error, so that a misspelt
// header is not silently ignored.
var Columns = []Column{
	{"key", true, "the row's stable key, unique in the file: it becomes the application_id idempotency key, so a re-run skips rows already onboarded (a rejected row corrected since is submitted again)", func(r *Row) *string { return &r.Key }},
	{"hospital_name", true, "registered name (participant_name)", func(r *Row) *string { return &r.HospitalName }},
	{"hfr_id", false, "HFR facility id: IN + 2-digit state LGD code + 8 digits; makes the hospital an ABDM provider", func(r *Row) *string { return &r.HFRID }},
	{"rohini_id", false, "ROHINI id: 13 digits, 890 prefix, GS1 check digit; used when there is no HFR id", func(r *Row) *string { return &r.RohiniID }},
	{"gstin", false, "GSTIN (required of ROHINI hospitals)", func(r *Row) *string { return &r.GSTIN }},
	{"licence_number", false, "facility licence number", func(r *Row) *string { return &r.LicenceNumber }},
	{"licence_valid_until", false, "licence validity, YYYY-MM-DD", func(r *Row) *string { return &r.LicenceValidUntil }},
	{"address", false, "street address", func(r *Row) *string { return &r.Address }},
	{"district", false, "district", func(r *Row) *string { return &r.District }},
	{"state", false, "state or union territory", func(r *Row) *string { return &r.State }},
	{"pincode", false, "6-digit PIN code", func(r *Row) *string { return &r.Pincode }},
	{"email", false, "the hospital's registered e-mail (primary_email)", func(r *Row) *string { return &r.Email }},
	{"mobile", false, "the hospital's mobile (primary_mobile)", func(r *Row) *string { return &r.Mobile }},
	{"admin_name", false, "system admin / facility manager: name", func(r *Row) *string { return &r.AdminName }},
	{"admin_email", false, "system admin / facility manager: e-mail", func(r *Row) *string { return &r.AdminEmail }},
	{"admin_mobile", false, "system admin / facility manager: mobile", func(r *Row) *string { return &r.AdminMobile }},
	{"scheme", false, "the empanelling scheme's name", func(r *Row) *string { return &r.Scheme }},
	{"payer_code", false, "the scheme's HCX participant code: approval requests go to it", func(r *Row) *string { return &r.PayerCode }},
	{"payer_name", false, "the scheme's administering agency", func(r *Row) *string { return &r.PayerName }},
	{"empanelment_id", false, "the hospital's empanelment id with the scheme", func(r *Row) *string { return &r.EmpanelmentID }},
	{"proof_uri", false, "where the empanelment letter is (an empanelment_proof document)", func(r *Row) *string { return &r.ProofURI }},
	{"proof_sha256", false, "the letter's SHA-256, 64 hex characters", func(r *Row) *string { return &r.ProofSHA256 }},
	{"demo_registry", false, `demo only: how the in-process HFR/ROHINI fakes hold the id: empty (known, in good standing), "absent", "draft" (HFR) or "suspended" (ROHINI)`, func(r *Row) *string { return &r.DemoRegistry }},
}

func columnByName(name string) (Column, bool) {
	for _, c := range Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ReadRows reads a hospital list: a header naming columns from Columns,
// then one hospital per record. Empty lines and lines starting with # are
// skipped; a UTF-8 byte-order mark is ignored; the apostrophe WriteRows
// puts before a cell that starts like a formula is taken off. It checks the file's shape
// — header, field counts, quoting, cell sizes, keys present and unique,
// demo_registry values — and reports each problem as a *CSVError naming
// the line and column: one problem as itself, several (up to 20, read on
// past each broken row) joined, the first found by errors.As. What a cell says about the hospital (a bad
// GSTIN, say) is for the verifier; such rows are read as they are.
func ReadRows(r io.Reader) ([]Row, error) {
	return readRows(r, MaxFileBytes)
}

// readRows is ReadRows reading at most maxBytes of r.
func readRows(r io.Reader, maxBytes int64) ([]Row, error) {
	bounded := &boundedReader{r: r, limit: maxRecordBytes, total: maxBytes}
	br := bufio.NewReader(bounded)
	bom := 0
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		bom, _ = br.Discard(3)
	}
	if b, err := br.Peek(2); err == nil && (string(b) == "\xff\xfe" || string(b) == "\xfe\xff") {
		// The byte-order mark of UTF-16, as a spreadsheet's "Unicode
		// text" is saved: every other byte of the header would be a NUL.
		return nil, &CSVError{Line: 1, Problem: "the list is UTF-16 text, not UTF-8; save it as CSV UTF-8 (comma delimited)"}
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.ReuseRecord = true
	// next lets the reader take one more record, and the lines before it.
	next := func() { bounded.limit = int64(bom) + cr.InputOffset() + maxRecordBytes }
	tooLong := func(after int) error {
		what := "the header"
		if after > 0 {
			what = fmt.Sprintf("the record after line %d", after)
		}
		return &CSVError{Line: after + 1, Problem: fmt.Sprintf("%s runs over %d bytes without ending; "+
			"a quote opened and never closed? a cell holding a quote must be quoted, with the quote doubled", what, maxRecordBytes)}
	}
	tooLarge := func(after int) error {
		return &CSVError{Line: after + 1, Problem: fmt.Sprintf("the list goes on past %d bytes, the most one run reads; split it", maxBytes)}
	}

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &CSVError{Line: 1, Problem: "the file is empty; the first line must be a header naming the columns (" + columnNames() + ")"}
	case errors.Is(err, errFileTooLarge):
		return nil, tooLarge(0)
	case errors.Is(err, errRecordTooLong):
		return nil, tooLong(0)
	case err != nil:
		return nil, parseError(err, nil, 0)
	}
	next()
	line, _ := cr.FieldPos(0)
	last := line // the last line of the record read last
	cols, err := readHeader(header, line)
	if err != nil {
		return nil, err
	}

	var rows []Row
	var problems []error
	seen := make(map[string]int)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errFileTooLarge) {
			problems = append(problems, tooLarge(last))
			break
		}
		if errors.Is(err, errRecordTooLong) {
			problems = append(problems, tooLong(last))
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			problems = append(problems, parseError(err, cols, 0))
			break
		}
		next()
		if err != nil {
			// The record is skipped and the next one read: a list with
			// several broken rows is told of them all in one run.
			problems = append(problems, parseError(err, cols, len(rec)))
			last = pe.Line
			if len(problems) == maxProblems {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		last, _ = cr.FieldPos(len(rec) - 1)
		if len(rows) == MaxRows {
			problems = append(problems, &CSVError{Line: line, Problem: fmt.Sprintf("more than %d rows; split the list", MaxRows)})
			break
		}
		if err := readRow(rec, line, cols, seen, &rows); err != nil {
			problems = append(problems, err)
			if len(problems) == maxProblems {
				break
			}
		}
	}
	switch {
	case len(problems) == 0:
		return rows, nil
	case len(problems) == maxProblems:
		problems = append(problems, fmt.Errorf("%w: stopped after %d problems; fix these and read the list again", ErrBadCSV, maxProblems))
	}
	if len(problems) == 1 {
		return nil, problems[0]
	}
	return nil, errors.Join(problems...)
}

// maxProblems is how many problems ReadRows reports before it stops
// reading.
const maxProblems = 20

// readRow checks one record and appends the row it holds to rows.
func readRow(rec []string, line int, cols []Column, seen map[string]int, rows *[]Row) error {
	row := Row{Line: line}
	for i, v := range rec {
		if len(v) > MaxField {
			return &CSVError{Line: line, Column: i + 1, Name: cols[i].Name, Problem: fmt.Sprintf("cell has %d bytes; at most %d", len(v), MaxField)}
		}
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			// A spreadsheet saved in another encoding (Windows-1252,
			// say): the engine would refuse the row on every run.
			return &CSVError{Line: line, Column: i + 1, Name: cols[i].Name,
				Problem: "cell is not UTF-8 text (or holds a NUL); save the list as CSV UTF-8"}
		}
		*cols[i].field(&row) = strings.TrimSpace(undefuse(strings.TrimSpace(v)))
	}
	if err := checkRow(&row, cols, seen); err != nil {
		return err
	}
	*rows = append(*rows, row)
	return nil
}

func readHeader(header []string, line int) ([]Column, error) {
	cols := make([]Column, len(header))
	at := make(map[string]int, len(header))
	if len(header) == 1 {
		if sep := separator(header[0]); sep != "" {
			return nil, &CSVError{Line: line, Problem: "the header is separated by " + sep + ", not commas; save the list as CSV (comma delimited)"}
		}
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			return nil, &CSVError{Line: line, Column: i + 1, Problem: "empty column name in the header"}
		}
		c, ok := columnByName(name)
		if !ok && (!utf8.ValidString(h) || strings.ContainsRune(h, 0)) {
			return nil, &CSVError{Line: line, Column: i + 1, Problem: "the header is not UTF-8 text (or holds a NUL); save the list as CSV UTF-8"}
		}
		if !ok {
			return nil, &CSVError{Line: line, Column: i + 1, Problem: fmt.Sprintf("unknown column %q in the header; the columns are %s", clip(h), columnNames())}
		}
		if prev, dup := at[name]; dup {
			return nil, &CSVError{Line: line, Column: i + 1, Name: name, Problem: fmt.Sprintf("column %q appears twice in the header (also column %d)", name, prev)}
		}
		at[name] = i + 1
		cols[i] = c
	}
	for _, c := range Columns {
		if _, ok := at[c.Name]; c.Required && !ok {
			return nil, &CSVError{Line: line, Problem: fmt.Sprintf("the header has no %q column, which is required (required: %s)", c.Name, requiredNames())}
		}
	}
	return cols, nil
}

// separator names the separator a one-cell header is written with
// instead of commas, when splitting it there finds a column: a list saved
// as "CSV" where the decimal mark is a comma uses ";", and "text" uses
// tabs. It returns "" for any other header.
func separator(header string) string {
	for _, sep := range []struct{ sep, name string }{{";", `";"`}, {"\t", "tabs"}} {
		if !strings.Contains(header, sep.sep) {
			continue
		}
		for _, part := range strings.Split(header, sep.sep) {
			if _, ok := columnByName(strings.ToLower(strings.TrimSpace(part))); ok {
				return sep.name
			}
		}
	}
	return ""
}

func checkRow(row *Row, cols []Column, seen map[string]int) error {
	keyCol := 0
	for i, c := range cols {
		if c.Name == "key" {
			keyCol = i + 1
		}
	}
	bad := func(col int, problem string) error {
		return &CSVError{Line: row.Line, Column: col, Name: cols[col-1].Name, Problem: problem}
	}
	switch {
	case row.Key == "":
		return bad(keyCol, "empty key; every row needs a key, unique in the file")
	case len(row.Key) > MaxKey:
		return bad(keyCol, fmt.Sprintf("key has %d bytes; at most %d", len(row.Key), MaxKey))
	case !printable(row.Key):
		return bad(keyCol, "key contains a control character or invalid UTF-8")
	}
	if prev, dup := seen[row.Key]; dup {
		return bad(keyCol, fmt.Sprintf("key %q was already used on line %d; keys must be unique", clip(row.Key), prev))
	}
	seen[row.Key] = row.Line
	row.DemoRegistry = strings.ToLower(row.DemoRegistry)
	switch row.DemoRegistry {
	case "", DemoAbsent, DemoDraft, DemoSuspended:
	default:
		for i, c := range cols {
			if c.Name == "demo_registry" {
				return bad(i+1, fmt.Sprintf("demo_registry %q is not one of %q, %q, %q or empty", clip(row.DemoRegistry), DemoAbsent, DemoDraft, DemoSuspended))
			}
		}
	}
	return nil
}

// parseError turns encoding/csv's errors into a *CSVError; fields is
// how many the record has, when the error is about their number.
func parseError(err error, cols []Column, fields int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %v", ErrBadCSV, err)
	}
	e := &CSVError{Line: pe.Line}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		e.Line = pe.StartLine
		e.Problem = fmt.Sprintf("wrong number of fields: %d where the header has %d columns; a cell holding a comma must be quoted", fields, len(cols))
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		e.Problem = fmt.Sprintf("%v at character %d; a cell holding a quote must be quoted, with the quote doubled", pe.Err, pe.Column)
	default:
		e.Problem = fmt.Sprintf("%v at character %d", pe.Err, pe.Column)
	}
	return e
}

// formulaStarts are the characters that make a spreadsheet read a cell as
// a formula (CSV injection): such a cell is written after an apostrophe.
const formulaStarts = "=+-@\t\r"

// defuse returns v as WriteRows writes it: after an apostrophe when it
// starts like a formula, else as it is.
func defuse(v string) string {
	if v != "" && strings.ContainsRune(formulaStarts, rune(v[0])) {
		return "'" + v
	}
	return v
}

// undefuse takes off the apostrophe defuse put before a cell that starts
// like a formula; any other cell is returned as it is.
func undefuse(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune(formulaStarts, rune(v[1])) {
		return v[1:]
	}
	return v
}

// WriteRows writes a header with every column of Columns and the rows. A
// cell that starts like a spreadsheet formula (=, +, -, @) is written
// after an apostrophe, so that a spreadsheet shows it as text instead of
// running it; ReadRows takes the apostrophe off.
func WriteRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(Columns))
	for i, c := range Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for n := range rows {
		for i, c := range Columns {
			rec[i] = defuse(*c.field(&rows[n]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func columnNames() string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func requiredNames() string {
	var names []string
	for _, c := range Columns {
		if c.Required {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// clip shortens text from the file before it goes into a message.
func clip(s string) string {
	const n = 48
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
