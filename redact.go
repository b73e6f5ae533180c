package hcxonboard

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// emailPattern and mobilePattern find e-mail addresses and Indian mobile
// numbers in free text,
// such as a mail server's "550 <address> rejected". An address is as wide
// as the addresses the notifiers send to: a local part of any characters
// but spaces, brackets, quotes and the separators ,;:@ (so o'brien,
// a/b and jörg.müller), and a domain of two or more labels of letters,
// digits and hyphens in any script (so what follows it — "&mobile=…" —
// is read on its own).
// A number is ten digits starting 6–9, optionally after +91, 0091, 91 or
// 0, its groups apart by up to two of space, hyphen, dot or parenthesis —
// a space of any width and a dash of any kind (the no-break spaces, thin
// spaces and en dashes of text copied from a page or a PDF) as well as
// ASCII's.
// A number glued to letters or other digits (an HFR ID, a ROHINI ID) is
// not a mobile number.
//
// An HPR number — a health professional's, 14 digits written
// 12-3456-1234-4321 (a dash of any kind), with spaces of any width, or
// run together — is masked as a mobile number is, keeping its last four
// digits; it is found only standing alone, not inside a longer run of
// digits, letters or hyphens.
var (
	emailPattern  = regexp.MustCompile(`[^\s<>()\[\]",;:@]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	mobilePattern = regexp.MustCompile(`(?:(?:\+|00)?91[\s\p{Zs}\p{Pd}.]?|0)?\(?[6-9](?:[\s\p{Zs}\p{Pd}.()]{0,2}[0-9]){9}`)
	hprPattern    = regexp.MustCompile(`[0-9]{2}\p{Pd}[0-9]{4}\p{Pd}[0-9]{4}\p{Pd}[0-9]{4}|[0-9]{2}\p{Zs}[0-9]{4}\p{Zs}[0-9]{4}\p{Zs}[0-9]{4}|[0-9]{14}`)
)

// hprNumbers finds the HPR numbers standing alone in s.
func hprNumbers(s string) [][]int {
	var out [][]int
	for _, m := range hprPattern.FindAllStringIndex(s, -1) {
		if m[0] > 0 && (isAlnum(s[m[0]-1]) || s[m[0]-1] == '-') || m[1] < len(s) && (isAlnum(s[m[1]]) || s[m[1]] == '-') {
			continue
		}
		out = append(out, m)
	}
	return out
}

// RedactText masks the e-mail addresses and mobile numbers in s with
// MaskEmail and MaskMobile. It is for text the library did not write
// itself — an error from a mail server, a registry or a Notifier — before
// it reaches a log. Its time is linear in the length of s: addresses are
// found in one pass, and numbers, which are short, by searches that never
// go back over text already passed.
func RedactText(s string) string {
	type span struct {
		start, end int
		email      bool
	}
	var spans []span
	emails := emailPattern.FindAllStringIndex(s, -1)
	// An HPR number in an address (12345612344321@hpr.abdm, or ahead of
	// its local part) is masked with the address.
	hprs := hprNumbers(s)
	e := 0
	hprs = slices.DeleteFunc(hprs, func(h []int) bool { // both in order: one pass
		for e < len(emails) && emails[e][1] <= h[0] {
			e++
		}
		return e < len(emails) && emails[e][0] < h[1]
	})
	for _, h := range hprs {
		spans = append(spans, span{h[0], h[1], false})
	}
	next := 0  // the next address, in order
	nextH := 0 // the next HPR number, in order
	for pos := 0; pos < len(s); {
		l := mobilePattern.FindStringIndex(s[pos:])
		if l == nil {
			break
		}
		start, end := pos+l[0], pos+l[1]
		for nextH < len(hprs) && hprs[nextH][1] <= start {
			nextH++
		}
		if nextH < len(hprs) && hprs[nextH][0] < end {
			// Part of an HPR number ("(71-1234-5678…" read from its
			// bracket): masked with it.
			pos = max(hprs[nextH][1], start+1)
			continue
		}
		for next < len(emails) && emails[next][1] <= start {
			next++
		}
		if next < len(emails) && emails[next][0] <= start {
			// Part of an address (9876543210@…): masked with it.
			pos = max(emails[next][1], start+1)
			continue
		}
		// A number inside a longer run of digits or letters is an
		// identifier, not a mobile number. The search goes on from where
		// a number could start inside the candidate, after a separator
		// ("(+91) 98…" is first read from its "91"), else from its end.
		if s[start] != '+' && (start > 0 && isAlnum(s[start-1]) || end < len(s) && isAlnum(s[end])) {
			pos = end
			for p := start + 1; p < end; p++ {
				if !isAlnum(s[p-1]) && isAlnum(s[p]) {
					pos = p
					break
				}
			}
			continue
		}
		if next < len(emails) && emails[next][0] < end {
			// A number that runs into an address ("98765 43210/ravi@…",
			// the address's local part taking the last group): the
			// number is masked whole, and the address from its end.
			emails[next][0] = end
		}
		spans = append(spans, span{start, end, false})
		pos = end
	}
	for _, e := range emails {
		if e[0] < e[1] && strings.Contains(s[e[0]:e[1]], "@") {
			spans = append(spans, span{e[0], e[1], true})
		}
	}
	if spans == nil {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := make([]byte, 0, len(s))
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue // inside one masked already; never the case, but never a panic
		}
		out = append(out, s[last:sp.start]...)
		if sp.email {
			out = append(out, MaskEmail(s[sp.start:sp.end])...)
		} else {
			out = append(out, MaskMobile(s[sp.start:sp.end])...)
		}
		last = sp.end
	}
	return string(append(out, s[last:]...))
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// RedactingHandler wraps a slog.Handler so that every string it logs —
// the message and each string attribute, in groups too — passes through
// RedactText first; so do errors, lists of strings and any other value
// whose printed form carries an address or a number (such a value is
// logged as its masked text). The onboarding engine and the registry adapters wrap
// the loggers they are given with it, so an error text that carries an
// address is masked wherever it came from.
func RedactingHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(redacting); ok {
		return h
	}
	return redacting{h}
}

type redacting struct{ next slog.Handler }

func (r redacting) Enabled(ctx context.Context, l slog.Level) bool { return r.next.Enabled(ctx, l) }

func (r redacting) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, RedactText(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r redacting) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return redacting{r.next.WithAttrs(red)}
}

func (r redacting) WithGroup(name string) slog.Handler { return redacting{r.next.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactText(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]any, len(g))
		for i, x := range g {
			red[i] = redactAttr(x)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, RedactText(x.Error()))
		case []string:
			red := make([]string, len(x))
			for i, s := range x {
				red[i] = RedactText(s)
			}
			return slog.Any(a.Key, red)
		}
		// Any other value (an address type, a map, a struct) is written
		// out by the handler as text or JSON, contacts included: one that
		// prints with a contact is logged as its masked text, one that
		// does not keeps its shape.
		// One that carries payment details is logged as its text too,
		// where they print masked (PaymentDetails.String).
		if s := fmt.Sprintf("%+v", v.Any()); RedactText(s) != s || carriesPayment(reflect.ValueOf(v.Any()), 0) {
			return slog.String(a.Key, RedactText(s))
		}
		return slog.Attr{Key: a.Key, Value: v}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

var paymentType = reflect.TypeFor[PaymentDetails]()

// maxPaymentDepth bounds how deep carriesPayment looks into a value, and
// so a cycle of pointers.
const maxPaymentDepth = 8

// carriesPayment reports whether v holds payment details that are not
// empty — a Participant's, or ones in a struct, slice or map of values.
func carriesPayment(v reflect.Value, depth int) bool {
	if !v.IsValid() || depth > maxPaymentDepth || !mayCarryPayment(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && carriesPayment(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == paymentType {
			for i := range v.NumField() {
				if v.Field(i).String() != "" {
					return true
				}
			}
			return false
		}
		for i := range v.NumField() {
			if carriesPayment(v.Field(i), depth+1) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if carriesPayment(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if carriesPayment(it.Value(), depth+1) {
				return true
			}
		}
	}
	return false
}

// mayCarry caches mayCarryPayment by type.
var mayCarry sync.Map // reflect.Type → bool

// mayCarryPayment reports whether a value of type t can hold a
// PaymentDetails: an interface can hold anything.
func mayCarryPayment(t reflect.Type) bool {
	if c, ok := mayCarry.Load(t); ok {
		return c.(bool)
	}
	c := typeCarriesPayment(t, map[reflect.Type]bool{})
	mayCarry.Store(t, c)
	return c
}

func typeCarriesPayment(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == paymentType {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return typeCarriesPayment(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if typeCarriesPayment(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}
