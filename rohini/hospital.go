package rohini

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hospital is what a look-up knows about a ROHINI-registered hospital.
// Look-ups report; they do not judge: a Status other than active, or a
// ValidUntil in the past, is for the caller to weigh.
type Hospital struct {
	// ID is the hospital's 13-digit ROHINI id.
	ID string `json:"rohini_id"`
	// Name is the registered hospital name.
	Name string `json:"hospital_name"`

	Address  string `json:"address,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state,omitempty"`
	Pincode  string `json:"pincode,omitempty"`

	// Status is the registry's status word as given (e.g. "Active").
	Status string `json:"status,omitempty"`
	// ValidUntil is the last day of the registration's validity; zero when
	// the source does not say. A date without a time of day is read as
	// midnight UTC at the start of that day, so treat the registration as
	// valid through the whole day (in India's time zone).
	ValidUntil time.Time `json:"valid_until,omitzero"`
}

// Lookup finds a hospital by ROHINI id. Implementations validate the id
// first (a malformed id is [ErrInvalidID] and nothing is asked), and return
// errors wrapping [ErrNotFound], [ErrUnavailable] or [ErrManualReview].
type Lookup interface {
	Hospital(ctx context.Context, id string) (Hospital, error)
}

var (
	_ Lookup = (*HTTPLookup)(nil)
	_ Lookup = (*Directory)(nil)
	_ Lookup = Manual{}
)

// Manual is the look-up of last resort: IIB publishes no API, so a ROHINI
// administrator confirms the hospital by hand. Every well-formed id gets an
// error wrapping [ErrManualReview]; a malformed one gets [ErrInvalidID].
type Manual struct{}

// Hospital validates id and then reports that a manual review is needed.
func (Manual) Hospital(_ context.Context, id string) (Hospital, error) {
	if err := Validate(id); err != nil {
		return Hospital{}, err
	}
	return Hospital{}, fmt.Errorf("%w: hospital %s has to be confirmed by hand (no automated look-up is configured)", ErrManualReview, id)
}

// FieldNames maps the names used by a data source to [Hospital] fields:
// JSON member names for [HTTPLookup] and [LoadJSON], column headers for
// [LoadCSV]. For JSON a name may be a dotted path into nested objects, with
// numbers indexing arrays ("data.hospital.rohiniId", "results.0.id").
// Names match whatever their case when nothing matches exactly, as CSV
// headers do.
//
// An empty name keeps the default from [DefaultFieldNames]; "-" says the
// source has no such field. ID cannot be "-".
type FieldNames struct {
	ID, Name, Address, District, State, Pincode, Status, ValidUntil string
}

// DefaultFieldNames returns the names an IIB-style extract uses and the
// fake in package rohinitest serves: rohini_id, hospital_name, address,
// district, state, pincode, status, valid_until.
func DefaultFieldNames() FieldNames {
	return FieldNames{
		ID:         "rohini_id",
		Name:       "hospital_name",
		Address:    "address",
		District:   "district",
		State:      "state",
		Pincode:    "pincode",
		Status:     "status",
		ValidUntil: "valid_until",
	}
}

// field indexes the Hospital fields in a fixed order shared by the loaders.
type field int

const (
	fID field = iota
	fName
	fAddress
	fDistrict
	fState
	fPincode
	fStatus
	fValidUntil
	numFields
)

var fieldLabels = [numFields]string{"ID", "Name", "Address", "District", "State", "Pincode", "Status", "ValidUntil"}

func (f FieldNames) list() [numFields]string {
	return [numFields]string{f.ID, f.Name, f.Address, f.District, f.State, f.Pincode, f.Status, f.ValidUntil}
}

// resolve merges f over the defaults, checks it and reports which names the
// caller set explicitly.
func (f FieldNames) resolve() (names [numFields]string, explicit [numFields]bool, err error) {
	names = DefaultFieldNames().list()
	given := f.list()
	for i, n := range given {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		names[i], explicit[i] = n, true
	}
	if names[fID] == "-" {
		return names, explicit, fmt.Errorf("rohini: field names: ID cannot be \"-\": every source must carry the id")
	}
	seen := make(map[string]string, numFields)
	for i, n := range names {
		if n == "-" {
			continue
		}
		if other, dup := seen[n]; dup {
			return names, explicit, fmt.Errorf("rohini: field names: %q is used for both %s and %s", n, other, fieldLabels[i])
		}
		seen[n] = fieldLabels[i]
	}
	return names, explicit, nil
}

// setField stores a source value into h; only ValidUntil can fail.
func setField(h *Hospital, f field, v string, layouts []string) error {
	switch f {
	case fID:
		h.ID = v
	case fName:
		h.Name = v
	case fAddress:
		h.Address = v
	case fDistrict:
		h.District = v
	case fState:
		h.State = v
	case fPincode:
		h.Pincode = v
	case fStatus:
		h.Status = v
	case fValidUntil:
		if v == "" {
			return nil
		}
		t, err := parseDate(v, layouts)
		if err != nil {
			return err
		}
		h.ValidUntil = t
	}
	return nil
}

var defaultDateLayouts = []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04",
	time.DateTime, "02-01-2006", "02/01/2006", "02.01.2006", "02-Jan-2006"}

// DefaultDateLayouts returns the layouts tried, in order, to read a validity
// date: 2006-01-02, RFC 3339, a date and time without a zone
// (2006-01-02T15:04:05, with or without a fraction of a second, or
// 2006-01-02T15:04, as Java's LocalDateTime writes them, or 2006-01-02
// 15:04:05, as databases and spreadsheets export them; read as UTC, as a
// date alone is), and the day-first 02-01-2006, 02/01/2006, 02.01.2006 and
// 02-Jan-2006 that Indian extracts use. No two of them match the same text.
func DefaultDateLayouts() []string { return append([]string(nil), defaultDateLayouts...) }

func parseDate(v string, layouts []string) (time.Time, error) {
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("valid-until date %q matches none of the layouts %s", clip(v), strings.Join(layouts, ", "))
}

// clip bounds how much of a source value is echoed into an error.
func clip(s string) string {
	if len(s) > maxQuotedID {
		return s[:maxQuotedID] + "…"
	}
	return s
}

// looksLikeSpreadsheetNumber spots an id a spreadsheet has turned into a
// number, such as 8.90008E+12, the commonest way an extract gets damaged.
func looksLikeSpreadsheetNumber(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return true
}

// jsonPath is a parsed dotted path.
type jsonPath []string

func parsePaths(names [numFields]string) [numFields]jsonPath {
	var p [numFields]jsonPath
	for i, n := range names {
		if n != "-" {
			p[i] = strings.Split(n, ".")
		}
	}
	return p
}

// lookupPath walks a decoded JSON value (objects as map[string]any, arrays
// as []any, numbers as json.Number) and returns the scalar at path as text.
// found is false when any step is missing.
func lookupPath(v any, path jsonPath) (s string, found bool, err error) {
	for _, step := range path {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[step]
			if !ok {
				next, ok, err = memberFold(node, step)
				if err != nil {
					return "", true, fmt.Errorf("%q: %w", strings.Join(path, "."), err)
				}
				if !ok {
					return "", false, nil
				}
			}
			v = next
		case []any:
			i, convErr := strconv.Atoi(step)
			if convErr != nil || i < 0 || i >= len(node) {
				return "", false, nil
			}
			v = node[i]
		default:
			return "", false, nil
		}
	}
	switch x := v.(type) {
	case nil:
		return "", true, nil
	case string:
		return strings.TrimSpace(x), true, nil
	case json.Number:
		return x.String(), true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case map[string]any:
		return "", true, fmt.Errorf("%q is an object, want a string or number", strings.Join(path, "."))
	case []any:
		return "", true, fmt.Errorf("%q is an array, want a string or number", strings.Join(path, "."))
	default:
		return "", true, fmt.Errorf("%q has unexpected type %T", strings.Join(path, "."), v)
	}
}

// memberFold finds the member whose name equals name but for case, as
// encoding/json matches a struct field and as CSV headers are matched: a
// source that writes "ROHINI_ID" or "Hospital_Name" is read with the
// default names. Two such members (with no exact match) are ambiguous.
func memberFold(node map[string]any, name string) (v any, found bool, err error) {
	var hit string
	for k, x := range node {
		if !strings.EqualFold(k, name) {
			continue
		}
		if found {
			a, b := min(hit, k), max(hit, k)
			return nil, false, fmt.Errorf("members %q and %q differ only in case", clip(a), clip(b))
		}
		hit, v, found = k, x, true
	}
	return v, found, nil
}

// hospitalFromJSON maps a decoded JSON value to a Hospital. idFound is false
// when the id is absent, which callers treat differently from a bad value.
func hospitalFromJSON(v any, paths [numFields]jsonPath, layouts []string) (h Hospital, idFound bool, err error) {
	for f := range numFields {
		if paths[f] == nil {
			continue
		}
		s, found, err := lookupPath(v, paths[f])
		if err != nil {
			return Hospital{}, false, err
		}
		if f == fID {
			idFound = found && s != ""
		}
		if err := setField(&h, f, s, layouts); err != nil {
			return Hospital{}, idFound, err
		}
	}
	return h, idFound, nil
}
