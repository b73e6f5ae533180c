package verifier

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/openhcx/hcxonboard"
)

// nameWords are the spellings NormalizeName makes one: abbreviations and
// variants common in Indian facility and company names.
var nameWords = map[string]string{
	"hosp": "hospital", "hospl": "hospital", "hsptl": "hospital", "hosptl": "hospital",
	"hosps": "hospitals",
	"pvt":   "private", "prv": "private",
	"ltd": "limited", "ld": "limited",
	"dr": "doctor", "drs": "doctors",
	"st": "saint", "mt": "mount",
	"co": "company", "corp": "corporation", "corpn": "corporation", "inc": "incorporated",
	"intl": "international", "natl": "national",
	"med": "medical", "mem": "memorial", "inst": "institute", "univ": "university",
	"ctr": "centre", "cntr": "centre", "center": "centre", "centers": "centres",
	"govt": "government", "dept": "department",
	"assn": "association", "assoc": "association", "soc": "society",
	"lab": "laboratory", "labs": "laboratories",
	"specialty": "speciality", "spl": "speciality", "splty": "speciality", "specialities": "speciality", "specialties": "speciality",
	"multispecialty": "multispeciality", "superspecialty": "superspeciality",
	"sri": "sri", "shri": "sri", "shree": "sri", "sree": "sri", "shrii": "sri",
	"smt": "smt", "shrimati": "smt",
}

// legalForms end a company's name and are left out when names are
// compared: "Sunrise Hospital Pvt Ltd" is the Sunrise Hospital that HFR
// may list without them.
var legalForms = map[string]bool{"private": true, "limited": true, "llp": true, "incorporated": true, "opc": true, "plc": true}

// honorifics open a person's name and are left out when people's names are
// compared.
var honorifics = map[string]bool{
	"doctor": true, "prof": true, "professor": true, "mr": true, "mrs": true, "ms": true, "miss": true,
	"smt": true, "sri": true, "kumari": true, "km": true, "mx": true,
}

// NormalizeName returns the form in which names are compared: Unicode
// NFC (canonically equivalent spellings alike); lower case;
// punctuation and spacing reduced to single spaces (apostrophes dropped,
// so "Children's" is "childrens"); "&" read as "and"; a run of single
// letters joined ("A.B.C." is "abc"); common abbreviations and variants
// spelled out (hosp → hospital, pvt → private, ltd → limited, the P of
// "(P) Ltd" → private, limited liability partnership → llp, one person
// company → opc, dr → doctor,
// st → saint, co → company, ctr and center → centre, lab → laboratory,
// specialty → speciality, shri and shree → sri, …); "multi speciality"
// written as one word; every "the" left out; and a leading "M/s" or
// "Messrs" left out.
func NormalizeName(s string) string {
	return strings.Join(nameTokens(s), " ")
}

// SameName reports whether a and b name the same organisation: equal after
// NormalizeName, with a legal form at the end (private limited, limited,
// LLP, …) left out of both. An empty name matches nothing, nor does one
// holding a text-direction override (U+202A–U+202E, U+2066–U+2069), which
// shows in another order than it is compared. Anything else differs: a
// difference from a registry's or a payer's record is for a person to
// judge, and the checks comparing them make it a review, never a refusal.
// A participant sandbox certificate is another matter: its
// participant_name must name the applicant (see CertifiedName), else the
// certificate is refused as another's.
func SameName(a, b string) bool {
	if hasOverride(a) || hasOverride(b) {
		return false
	}
	ta, tb := trimLegalForm(nameTokens(a)), trimLegalForm(nameTokens(b))
	return len(ta) > 0 && slices.Equal(ta, tb)
}

// CertifiedName reports whether name, the participant_name of a
// participant sandbox certificate, names app's applicant: the same name
// (SameName) or, for an application as provider.practitioner, the same
// person — titles such as Dr. aside and the names in any order, as HPR's
// name for the professional is compared — since the certificate of a
// practitioner names a person.
func CertifiedName(app *hcxonboard.Application, name string) bool {
	if app == nil {
		return false
	}
	if SameName(name, app.ParticipantName) {
		return true
	}
	return slices.Contains(app.Roles, hcxonboard.RolePractitioner) && samePersonName(name, app.ParticipantName)
}

// hasOverride reports whether s holds a text-direction override.
func hasOverride(s string) bool {
	return strings.ContainsFunc(s, directionOverride)
}

// samePersonName reports whether a and b name the same person: SameName's
// normalisation, titles at the start (Dr., Prof., Mr., Smt., Shri, …) left
// out, and the words in any order, since registries and people order given
// names and surnames differently.
func samePersonName(a, b string) bool {
	if hasOverride(a) || hasOverride(b) {
		return false
	}
	ta, tb := personTokens(a), personTokens(b)
	return len(ta) > 0 && slices.Equal(ta, tb)
}

func personTokens(s string) []string {
	t := nameTokens(s)
	for len(t) > 1 && honorifics[t[0]] {
		t = t[1:]
	}
	slices.Sort(t)
	return t
}

func trimLegalForm(t []string) []string {
	for len(t) > 1 && legalForms[t[len(t)-1]] {
		t = t[:len(t)-1]
	}
	return t
}

// nameTokens splits s into normalised words (see NormalizeName).
func nameTokens(s string) []string {
	if !norm.NFC.IsNormalString(s) {
		// One text, one name: é precomposed or as e and a combining
		// accent (as some systems and PDFs write it) compare alike.
		s = norm.NFC.String(s)
	}
	s = withoutMS(s)
	var raw []string
	var word []rune
	flush := func() {
		if len(word) > 0 {
			raw = append(raw, string(word))
			word = word[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			word = append(word, unicode.ToLower(r))
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`':
			// Joined: "Children's" is "childrens".
		case r == '&':
			flush()
			raw = append(raw, "and")
		default:
			flush()
		}
	}
	flush()

	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if as, n := legalPhrase(raw[i:]); n > 0 {
			out = append(out, as)
			i += n - 1
			continue
		}
		w := raw[i]
		// A run of single letters is one word: "A B C Hospital" is "abc hospital".
		if isSingleLetter(w) && i+1 < len(raw) && isSingleLetter(raw[i+1]) {
			var b strings.Builder
			for i < len(raw) && isSingleLetter(raw[i]) {
				b.WriteString(raw[i])
				i++
			}
			i--
			w = b.String()
		}
		if v, ok := nameWords[w]; ok {
			w = v
		}
		// "(P) Ltd" and "P. Ltd." are Private Limited: a "p" means
		// private only right before limited.
		if w == "p" && i+1 < len(raw) && spelledOut(raw[i+1]) == "limited" {
			w = "private"
		}
		if w == "the" {
			continue
		}
		// "multi speciality" and "super speciality" are written as one word.
		if (w == "multi" || w == "super") && i+1 < len(raw) {
			if spelledOut(raw[i+1]) == "speciality" {
				out = append(out, w+"speciality")
				i++
				continue
			}
		}
		out = append(out, w)
	}
	for len(out) > 1 && out[0] == "messrs" {
		out = out[1:] // "Messrs Sunrise Hospital", as "M/s" above
	}
	return out
}

// withoutMS is s without the "M/s" (Messrs, a firm's "Messieurs") that
// opens many Indian firms' names as letters, GST certificates and
// registries write them, and that no registry's name for the firm needs.
// Initials M and S ("M.S. Ramaiah") are not it: the slash is. The word
// "Messrs" is left out with the words (see nameTokens).
func withoutMS(s string) string {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	if len(t) > 3 && strings.EqualFold(t[:3], "m/s") {
		if r, _ := utf8.DecodeRuneInString(t[3:]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return t[3:]
		}
	}
	return s
}

// legalPhrases are legal forms spelled out in words, and the initials
// they are written with.
var legalPhrases = [...]struct {
	words []string
	as    string
}{
	{[]string{"limited", "liability", "partnership"}, "llp"},
	{[]string{"one", "person", "company"}, "opc"},
}

// legalPhrase reports whether words start with a legal form spelled out
// ("Limited Liability Partnership"): its initials and how many words it
// takes, else 0.
func legalPhrase(words []string) (string, int) {
	for _, p := range legalPhrases {
		if len(words) < len(p.words) {
			continue
		}
		same := true
		for j, w := range p.words {
			same = same && spelledOut(words[j]) == w
		}
		if same {
			return p.as, len(p.words)
		}
	}
	return "", 0
}

// spelledOut is the word w with its abbreviation spelled out (nameWords).
func spelledOut(w string) string {
	if v, ok := nameWords[w]; ok {
		return v
	}
	return w
}

func isSingleLetter(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n == 1
}

// pincodeOf returns the digits of an Indian PIN code written with or
// without spaces or hyphens of any width or kind ("560 034"), or "" when
// s is no PIN code.
func pincodeOf(s string) string {
	var b [6]byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(b) {
				return ""
			}
			b[n] = c
			n++
		case c == ' ' || c == '-':
		case wideSeparator(s[i:]) > 0:
			i += wideSeparator(s[i:]) - 1
		default:
			return ""
		}
	}
	if n != 6 || b[0] == '0' {
		return ""
	}
	return string(b[:])
}
