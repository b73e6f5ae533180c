package registry

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
)

// NotActiveError is the ErrNotActive of participant code, whose status is
// status ("" when there is no such participant), for a store to answer a
// write that requires it to be Active (Write.RequireActive).
func NotActiveError(code string, status hcxonboard.Status) error {
	if status == "" {
		return fmt.Errorf("%w: participant %q does not exist", ErrNotActive, clipName(code))
	}
	return fmt.Errorf("%w: participant %q is %s", ErrNotActive, clipName(code), status)
}

// validate checks what every store requires of a write before touching
// storage.
func (w Write) validate() error {
	a := w.Application
	switch {
	case a == nil:
		return fmt.Errorf("registry: write without an application")
	case a.ID == "":
		return fmt.Errorf("registry: application without an id")
	case a.Stage == "":
		return fmt.Errorf("registry: application %q without a stage", a.ID)
	case !StorableText(a.ID) || !StorableText(a.Key) || !StorableText(a.ParticipantCode):
		return fmt.Errorf("registry: application %q: its id, key and participant code must be UTF-8 without NUL", clipName(a.ID))
	}
	if err := checkLengths("application "+clipName(a.ID), MaxKeyLength,
		namedText{"id", a.ID}, namedText{"key", a.Key}, namedText{"participant code", a.ParticipantCode}); err != nil {
		return err
	}
	for _, k := range a.Waiting {
		if err := checkLengths("application "+clipName(a.ID), MaxKeyLength, namedText{"open task kind", k}); err != nil {
			return err
		}
		if strings.HasPrefix(k, "@") {
			// The SQL stores keep WaitingOn codes beside the kinds, as
			// "@<code>".
			return fmt.Errorf("registry: application %q: open task kind %q begins with @", clipName(a.ID), clipName(k))
		}
	}
	for _, c := range a.WaitingOn {
		if err := checkLengths("application "+clipName(a.ID), MaxKeyLength, namedText{"awaited participant code", c}); err != nil {
			return err
		}
		if c == "" {
			return fmt.Errorf("registry: application %q awaits an empty participant code", clipName(a.ID))
		}
	}
	if err := checkTimes("application "+clipName(a.ID),
		namedTime{"created_at", a.CreatedAt}, namedTime{"updated_at", a.UpdatedAt}, namedTime{"due_at", a.DueAt}); err != nil {
		return err
	}
	if p := w.Participant; p != nil {
		if p.ParticipantCode == "" {
			return fmt.Errorf("registry: participant without a code (application %q)", a.ID)
		}
		if a.ParticipantCode != p.ParticipantCode {
			return fmt.Errorf("registry: participant %q does not belong to application %q", p.ParticipantCode, a.ID)
		}
		fields := []namedText{{"participant_name", p.ParticipantName}, {"primary_email", p.PrimaryEmail},
			{"primary_mobile", p.PrimaryMobile}, {"scheme_code", p.SchemeCode}}
		for _, r := range p.Roles {
			fields = append(fields, namedText{"roles", string(r)})
		}
		for _, c := range p.LinkedRegistryCodes {
			fields = append(fields, namedText{"linked_registry_codes", c})
		}
		if err := checkLengths("participant "+clipName(p.ParticipantCode), MaxIndexedLength, fields...); err != nil {
			return err
		}
		if outsideTimes(p.CreatedAt) {
			return timeError("participant "+clipName(p.ParticipantCode)+" created_at", p.CreatedAt)
		}
		if outsideTimes(p.UpdatedAt) {
			return timeError("participant "+clipName(p.ParticipantCode)+" updated_at", p.UpdatedAt)
		}
	}
	if err := validateClaims(a.ID, a.Claims); err != nil {
		return err
	}
	if len(w.RequireActive) > MaxRequireActive {
		return fmt.Errorf("registry: application %q: a write may require at most %d participants to be Active, not %d",
			clipName(a.ID), MaxRequireActive, len(w.RequireActive))
	}
	for _, code := range w.RequireActive {
		if code == "" || !StorableText(code) || len(code) > MaxKeyLength {
			return fmt.Errorf("registry: application %q: a participant it requires to be Active has no valid code", clipName(a.ID))
		}
	}
	for _, e := range w.Events {
		if e.ApplicationID != a.ID {
			return fmt.Errorf("registry: audit event for application %q written with application %q", e.ApplicationID, a.ID)
		}
		if outsideTimes(e.Time) {
			return timeError(fmt.Sprintf("application %s audit event %d time", clipName(a.ID), e.Seq), e.Time)
		}
	}
	if err := storable(a.ID, w); err != nil {
		return err
	}
	return validateOutbox(a.ID, w.Outbox)
}

// storable refuses a write holding text not every store keeps as given
// (StorableText) in what each write adds anew: the application's stage
// and open task kinds, and its audit events. The memory store would keep
// it and PostgreSQL refuse it with a driver error. The participant record
// is checked against the record it replaces (CheckParticipantText).
func storable(appID string, w Write) error {
	check := func(what string, v any) error {
		if path, ok := storableValue(reflect.ValueOf(v), what); !ok {
			return fmt.Errorf("registry: application %q: %s must be UTF-8 text without NUL", clipName(appID), path)
		}
		return nil
	}
	if err := check("stage", w.Application.Stage); err != nil {
		return err
	}
	if err := check("waiting", w.Application.Waiting); err != nil {
		return err
	}
	if err := check("waiting_on", w.Application.WaitingOn); err != nil {
		return err
	}
	for i, e := range w.Events {
		if err := check(fmt.Sprintf("event %d", i), e); err != nil {
			return err
		}
	}
	return nil
}

// UnstorableText returns the path of the first text in v (a struct, a
// pointer, a slice or a map, walked through) that is not StorableText, as
// "address.district" (fields named as JSON names them) or
// "contacts[1].email", and "" when every text is.
// Callers check what they will write before writing it, to refuse such
// input with their own error.
func UnstorableText(v any) string {
	path, ok := storableValue(reflect.ValueOf(v), "")
	if ok {
		return ""
	}
	return strings.TrimPrefix(path, ".")
}

// storableValue walks v's strings — in structs, pointers, slices, arrays
// and maps, keys included — and reports the first that is not
// StorableText, by its path. The walk builds no path until it finds such
// a string: every engine write walks a whole record, and nearly all are
// storable.
func storableValue(v reflect.Value, path string) (string, bool) {
	if rest, ok := unstorable(v); !ok {
		return path + rest, false
	}
	return "", true
}

// unstorable is storableValue's walk: it answers the path of the first
// text that is not StorableText relative to v ("" for v itself), and false.
func unstorable(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return "", StorableText(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", true
		}
		return unstorable(v.Elem())
	case reflect.Struct:
		for _, f := range textFields(v.Type()) {
			if p, ok := unstorable(v.Field(f.index)); !ok {
				return "." + f.name + p, false
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", true // bytes, stored as such
		}
		for i := range v.Len() {
			if p, ok := unstorable(v.Index(i)); !ok {
				return fmt.Sprintf("[%d]%s", i, p), false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if p, ok := unstorable(it.Key()); !ok {
				return " key" + p, false
			}
			if p, ok := unstorable(it.Value()); !ok {
				return fmt.Sprintf("[%v]%s", it.Key(), p), false
			}
		}
	}
	return "", true
}

// field is an exported struct field a record's JSON carries: its index
// and its JSON name.
type field struct {
	index int
	name  string
}

// fieldsOf caches textFields by type.
var fieldsOf sync.Map // reflect.Type → []field

// textFields returns t's exported fields that JSON carries, named as JSON
// names them (the Go name when the tag gives none).
func textFields(t reflect.Type) []field {
	if fs, ok := fieldsOf.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
			continue
		case name == "":
			name = f.Name
		}
		fs = append(fs, field{i, name})
	}
	fieldsOf.Store(t, fs)
	return fs
}

// The times every store keeps: a time in nanoseconds since 1970 fits an
// int64 (the zero time aside, which every store keeps too). Cursors carry
// such times, and the database stores keep them so.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// namedTime is a time with its field's name, for checkTimes.
type namedTime struct {
	name string
	at   time.Time
}

// checkTimes refuses the first of ts, of what, that is outside the times
// every store keeps.
func checkTimes(what string, ts ...namedTime) error {
	for _, t := range ts {
		if outsideTimes(t.at) {
			return timeError(what+" "+t.name, t.at)
		}
	}
	return nil
}

// outsideTimes reports whether t is a time not every store keeps.
func outsideTimes(t time.Time) bool {
	return !t.IsZero() && (t.Before(minTime) || t.After(maxTime))
}

func timeError(what string, t time.Time) error {
	return fmt.Errorf("registry: %s %s is outside the times every store keeps, %s to %s", what,
		t.UTC().Format(time.RFC3339), minTime.UTC().Format(time.RFC3339), maxTime.UTC().Format(time.RFC3339))
}

// Validate checks a write as every store does before it touches storage;
// stores outside this package call it first.
func (w Write) Validate() error { return w.validate() }

// ValidateCreate is Validate for a write that creates its application
// (Store.Create, a bulk load): its participant record, new, must hold
// only text every store keeps and searches as given (StorableText: UTF-8
// without NUL), or stores would differ — SQLite reads a name only up to a
// NUL and replaces bytes that are not UTF-8, PostgreSQL refuses both. A
// record stored before, holding such text, stays writable (see storable).
func (w Write) ValidateCreate() error {
	if err := w.validate(); err != nil {
		return err
	}
	if len(w.RequireActive) > 0 {
		return fmt.Errorf("registry: application %q: only an update may require participants to be Active", clipName(w.Application.ID))
	}
	return CheckParticipantText(w.Application.ID, w.Participant, nil)
}

// CheckParticipantText refuses a participant record p, written with the
// application appID, that holds text not every store keeps as given
// (StorableText: UTF-8 without NUL) — PostgreSQL refuses a NUL in a
// record, and the SQL stores would keep other bytes as U+FFFD — unless
// stored, the record p replaces (nil for none), holds such text already:
// a record stored before writes were checked stays writable, or a
// participant who planted a NUL could be neither suspended nor
// de-boarded. A nil p passes. Create checks it with stored nil, Update
// inside its transaction with the record as stored.
func CheckParticipantText(appID string, p, stored *hcxonboard.Participant) error {
	if p == nil {
		return nil
	}
	path, ok := storableValue(reflect.ValueOf(*p), "participant")
	if ok {
		return nil
	}
	if stored != nil {
		if _, clean := storableValue(reflect.ValueOf(*stored), ""); !clean {
			return nil
		}
	}
	return fmt.Errorf("registry: application %q: %s must be UTF-8 text without NUL", clipName(appID), path)
}

// Normalize checks f and applies the paging defaults.
func (f ApplicationFilter) Normalize() (ApplicationFilter, error) {
	if err := checkPaging(f.Offset, f.Cursor); err != nil {
		return f, err
	}
	switch {
	case f.Limit < 0 || f.Limit > MaxLimit:
		return f, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, f.Limit, MaxLimit)
	case f.Limit == 0:
		f.Limit = DefaultLimit
	}
	return f, nil
}

// Match reports whether a passes the filter.
func (f ApplicationFilter) Match(a *Application) bool {
	return (f.Stage == "" || a.Stage == f.Stage) &&
		(f.Waiting == "" || a.IsWaiting(f.Waiting)) &&
		(f.WaitingOn == "" || a.IsWaitingOn(f.WaitingOn)) &&
		(f.ParticipantCode == "" || a.ParticipantCode == f.ParticipantCode)
}

// SortApplications orders applications as every store lists them: by
// creation time, then id.
func SortApplications(as []Application) {
	sort.Slice(as, func(i, j int) bool {
		if !as[i].CreatedAt.Equal(as[j].CreatedAt) {
			return as[i].CreatedAt.Before(as[j].CreatedAt)
		}
		return as[i].ID < as[j].ID
	})
}

// StorableText reports whether every store can keep s: UTF-8 without
// NUL. Writes refuse other ids, keys and codes; reads by them find nothing.
func StorableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// The longest text a write may hold where the stores index it, in bytes
// of UTF-8: an application's id, key, participant code and open task
// kinds (MaxKeyLength), and a participant's name, e-mail, mobile, scheme
// code, roles and linked codes (MaxIndexedLength). Every store refuses a
// longer one alike, as PostgreSQL's indexes would (an index entry holds at
// most about 2.7 KB); the engine's own limits are well within them.
const (
	MaxKeyLength     = 256
	MaxIndexedLength = 2048
)

type namedText struct{ name, text string }

// checkLengths refuses a text longer than limit, naming it.
func checkLengths(what string, limit int, texts ...namedText) error {
	for _, t := range texts {
		if len(t.text) > limit {
			return fmt.Errorf("registry: %s: %s is %d bytes long, at most %d are allowed", what, t.name, len(t.text), limit)
		}
	}
	return nil
}
