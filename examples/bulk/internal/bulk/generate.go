package bulk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// DefaultRows is how many hospitals the generator lists unless told.
const DefaultRows = 10_000

// InstanceCode is the demo HCX instance: participant codes end in
// "@hcxdemo", the schemes' codes too.
const InstanceCode = "hcxdemo"

// SchemeName is the scheme every generated hospital is empanelled with;
// each state's health agency runs it there and approves its hospitals.
const SchemeName = "AB PM-JAY"

// Kind is what the generator meant a row to be, and so how the engine
// should take it.
type Kind string

// The kinds of generated rows. The first three are the bulk of the list;
// the rest are the deliberately awkward or bad rows every real list has.
const (
	KindHFR        Kind = "hfr"        // ABDM facility with an HFR id: waits on HFR's OTP to its manager
	KindRohini     Kind = "rohini"     // ROHINI id, GSTIN and licence: verified outright
	KindEmpanelled Kind = "empanelled" // neither id: waits on the scheme's approval

	KindHFRUnknown       Kind = "hfr_unknown"       // well-formed HFR id HFR does not know
	KindHFRDraft         Kind = "hfr_draft"         // HFR holds the facility only as a Draft
	KindHFRMalformed     Kind = "hfr_malformed"     // HFR id of the wrong shape
	KindBadMobile        Kind = "bad_mobile"        // a landline given as the mobile
	KindRohiniUnknown    Kind = "rohini_unknown"    // well-formed ROHINI id ROHINI does not know
	KindRohiniSuspended  Kind = "rohini_suspended"  // ROHINI lists the hospital as Suspended: staff review
	KindRohiniCheckDigit Kind = "rohini_checkdigit" // ROHINI id with a wrong GS1 check digit
	KindBadGSTIN         Kind = "bad_gstin"         // GSTIN with a wrong check character
	KindExpiredLicence   Kind = "expired_licence"   // empanelled hospital whose licence has lapsed
)

// Outcome buckets, as the summary counts them.
const (
	OutcomeReady    = "ready"
	OutcomeOTP      = "waiting_otp"
	OutcomeApproval = "waiting_approval"
	OutcomeReview   = "waiting_review_or_retry"
	OutcomeRejected = "rejected"
	OutcomeOther    = "other"
)

// Expect is what the engine should make of a row of kind k: its outcome
// bucket and, for a rejection, the requirement that decides it.
func (k Kind) Expect() (outcome string, decisive verifier.RequirementID) {
	switch k {
	case KindHFR:
		return OutcomeOTP, ""
	case KindRohini:
		return OutcomeReady, ""
	case KindEmpanelled:
		return OutcomeApproval, ""
	case KindRohiniSuspended, KindHFRDraft: // a Draft facility waits for HFR (guideline option 2.1)
		return OutcomeReview, ""
	case KindHFRUnknown:
		return OutcomeRejected, verifier.ReqHFRLookup
	case KindHFRMalformed:
		return OutcomeRejected, verifier.ReqHFRID
	case KindBadMobile:
		return OutcomeRejected, verifier.ReqMobile
	case KindRohiniUnknown:
		return OutcomeRejected, verifier.ReqRohiniVerification
	case KindRohiniCheckDigit:
		return OutcomeRejected, verifier.ReqRohiniID
	case KindBadGSTIN:
		return OutcomeRejected, verifier.ReqGSTIN
	case KindExpiredLicence:
		return OutcomeRejected, verifier.ReqFacilityDetails
	}
	return OutcomeOther, ""
}

// Refused reports whether the engine refuses a row of kind k on its face
// — its offline checks find it invalid — so that nothing is stored for
// it. The other rejected kinds need a registry's answer (HFR or ROHINI
// does not know the hospital) and are stored as rejected applications.
func (k Kind) Refused() bool {
	switch k {
	case KindHFRMalformed, KindBadMobile, KindRohiniCheckDigit, KindBadGSTIN, KindExpiredLicence:
		return true
	}
	return false
}

// rare are the awkward kinds, with how many of every 10,000 rows they
// make up (at least one each in a list of 100 rows or more).
var rare = []struct {
	kind     Kind
	per10000 int
}{
	{KindHFRUnknown, 40}, {KindHFRDraft, 25}, {KindHFRMalformed, 25}, {KindBadMobile, 20},
	{KindRohiniUnknown, 40}, {KindRohiniSuspended, 40}, {KindRohiniCheckDigit, 25}, {KindBadGSTIN, 40},
	{KindExpiredLicence, 25},
}

// Shares of the ordinary rows, in percent.
const (
	shareHFR    = 45
	shareRohini = 30
)

// Generated is a row and what the generator meant it to be.
type Generated struct {
	Row
	Kind Kind
}

// GenerateOptions configure Generate.
type GenerateOptions struct {
	Rows int   // how many hospitals; DefaultRows when 0
	Seed int64 // the same seed gives the same list
	// Now dates the licences: valid ones run one to four years past Now's
	// year, lapsed ones ended before it. Default time.Now.
	Now time.Time
}

// Generate makes a demo empanelment list: realistic hospitals spread over
// twenty states, about 45% with an HFR id, 30% with a ROHINI id (and a
// GSTIN), the rest known to neither (empanelled only), plus about 2.8%
// deliberately awkward rows (see the Kind constants). Ids are unique and
// well formed except where a Kind says otherwise. The output depends only
// on the options (and, for the licence dates, on Now's year).
func Generate(opts GenerateOptions) ([]Generated, error) {
	n := opts.Rows
	switch {
	case n == 0:
		n = DefaultRows
	case n < 0 || n > MaxRows:
		return nil, fmt.Errorf("rows %d is outside 1..%d", n, MaxRows)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	g := &generator{
		rnd:    rand.New(rand.NewPCG(uint64(opts.Seed), 0x9e3779b97f4a7c15)),
		year:   now.Year(),
		hfrIDs: make(map[string]bool, n),
		rohIDs: make(map[string]bool, n),
	}
	for _, s := range states {
		g.totalWeight += s.weight
	}

	kinds := make([]Kind, 0, n)
	for _, r := range rare {
		c := n * r.per10000 / 10_000
		if c == 0 && n >= 100 {
			c = 1
		}
		kinds = append(kinds, slices.Repeat([]Kind{r.kind}, c)...)
	}
	ordinary := n - len(kinds)
	hfr := ordinary * shareHFR / 100
	roh := ordinary * shareRohini / 100
	kinds = append(kinds, slices.Repeat([]Kind{KindHFR}, hfr)...)
	kinds = append(kinds, slices.Repeat([]Kind{KindRohini}, roh)...)
	kinds = append(kinds, slices.Repeat([]Kind{KindEmpanelled}, ordinary-hfr-roh)...)
	g.rnd.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })

	out := make([]Generated, n)
	for i, k := range kinds {
		out[i] = Generated{Row: g.row(i+1, k), Kind: k}
		out[i].Line = i + 2 // after the header
	}
	if g.err != nil {
		return nil, fmt.Errorf("generate: %w", g.err)
	}
	return out, nil
}

type generator struct {
	rnd            *rand.Rand
	year           int
	totalWeight    int
	hfrIDs, rohIDs map[string]bool
	// err is the first failure of a check-digit helper. They cannot fail
	// on the digits the generator makes, but a failure is reported, not
	// hidden.
	err error
}

func (g *generator) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func (g *generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rnd.IntN(10))
	}
	return string(b)
}

func (g *generator) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + g.rnd.IntN(26))
	}
	return string(b)
}

func (g *generator) state() *state {
	w := g.rnd.IntN(g.totalWeight)
	for i := range states {
		if w < states[i].weight {
			return &states[i]
		}
		w -= states[i].weight
	}
	return &states[len(states)-1]
}

func (g *generator) row(seq int, k Kind) Row {
	st := g.state()
	d := st.cities[g.rnd.IntN(len(st.cities))]
	public := g.rnd.IntN(100) < 12
	var name string
	if public {
		name = g.pick(publicKinds) + ", " + d.name
	} else {
		name = g.pick(hospitalNames) + " " + g.pick(hospitalKinds)
	}
	owner := "P"
	if public {
		owner = "G"
	}
	domain := slug(name)
	if public {
		domain = slug(d.name) + "-" + strings.ToLower(st.abbr) + "-health"
	}
	domain += ".example"
	first, last := g.pick(firstNames), g.pick(lastNames)
	admin := first + " " + last
	if g.rnd.IntN(3) == 0 {
		admin = "Dr. " + admin
	}

	r := Row{
		Key:               fmt.Sprintf("hosp-%06d", seq),
		HospitalName:      name,
		LicenceNumber:     fmt.Sprintf("%s/%s/%d/%s", st.abbr, strings.ToUpper(firstLetters(d.name, 3)), g.year-1-g.rnd.IntN(12), g.digits(4)),
		LicenceValidUntil: fmt.Sprintf("%d-%s", g.year+1+g.rnd.IntN(4), g.pick([]string{"03-31", "06-30", "09-30", "12-31"})),
		Address:           fmt.Sprintf("%d, %s", 1+g.rnd.IntN(250), g.pick(streets)),
		District:          d.name,
		State:             st.name,
		Pincode:           d.pin + g.digits(3),
		Email:             g.pick(mailboxes) + "@" + domain,
		Mobile:            g.mobile(true),
		AdminName:         admin,
		AdminEmail:        strings.ToLower(first+"."+last) + "@" + domain,
		AdminMobile:       g.mobile(false),
		Scheme:            SchemeName,
		PayerCode:         fmt.Sprintf("spon_sha%s_%s0001@%s", strings.ToLower(st.abbr), st.lgd, InstanceCode),
		PayerName:         st.agency,
		EmpanelmentID:     fmt.Sprintf("HOSP%s%s%06d", st.lgd, owner, seq),
	}
	sum := sha256.Sum256([]byte(r.EmpanelmentID + "/" + r.HospitalName))
	r.ProofURI = "https://docs.sha-" + strings.ToLower(st.abbr) + ".example/empanelment/" + r.EmpanelmentID + ".pdf"
	r.ProofSHA256 = hex.EncodeToString(sum[:])

	switch k {
	case KindHFR, KindHFRUnknown, KindHFRDraft, KindBadMobile:
		r.HFRID = g.hfrID(st)
	case KindHFRMalformed:
		good := g.hfrID(st)
		switch g.rnd.IntN(3) {
		case 0:
			r.HFRID = good[:4] + "-" + good[4:] // a hyphen typed in
		case 1:
			r.HFRID = good[:len(good)-1] // a digit short
		default:
			r.HFRID = "HF" + good[2:] // wrong prefix
		}
	case KindRohini, KindRohiniUnknown, KindRohiniSuspended, KindBadGSTIN:
		r.RohiniID = g.rohiniID()
		r.GSTIN = g.gstin(st, name, false)
	case KindRohiniCheckDigit:
		good := g.rohiniID()
		r.RohiniID = good[:12] + string('0'+(good[12]-'0'+1+byte(g.rnd.IntN(9)))%10)
		r.GSTIN = g.gstin(st, name, false)
	case KindExpiredLicence:
		r.LicenceValidUntil = fmt.Sprintf("%d-03-31", g.year-1-g.rnd.IntN(3))
	}
	switch k {
	case KindBadGSTIN:
		r.GSTIN = g.gstin(st, name, true)
	case KindBadMobile:
		r.Mobile = "0" + g.pick([]string{"22", "44", "33", "11", "40", "20"}) + " " + g.digits(4) + " " + g.digits(4)
	case KindHFRUnknown, KindRohiniUnknown:
		r.DemoRegistry = DemoAbsent
	case KindHFRDraft:
		r.DemoRegistry = DemoDraft
	case KindRohiniSuspended:
		r.DemoRegistry = DemoSuspended
	}
	return r
}

// mobile is an Indian mobile number, written the ways people write them.
func (g *generator) mobile(varied bool) string {
	m := string(byte('6'+g.rnd.IntN(4))) + g.digits(9)
	if !varied {
		return m
	}
	switch g.rnd.IntN(4) {
	case 0:
		return "+91 " + m[:5] + " " + m[5:]
	case 1:
		return m[:5] + " " + m[5:]
	default:
		return m
	}
}

// hfrID is a new facility id: IN, the state's LGD code, eight digits.
func (g *generator) hfrID(st *state) string {
	for {
		id := "IN" + st.lgd + "1" + g.digits(7)
		if !g.hfrIDs[id] {
			g.hfrIDs[id] = true
			return id
		}
	}
}

// rohiniID is a new ROHINI id: 890, nine digits, the GS1 check digit.
func (g *generator) rohiniID() string {
	for {
		first := rohini.Prefix + "0" + g.digits(8)
		c, err := rohini.CheckDigit(first)
		if err != nil {
			g.fail(err)
			return first
		}
		id := first + string(c)
		if !g.rohIDs[id] {
			g.rohIDs[id] = true
			return id
		}
	}
}

// gstin is a regular taxpayer's GSTIN in the state: GST state code, a PAN
// (entity letter C, F or T and the name's initial), the registration
// count, Z, and the check character — or a wrong one when bad.
func (g *generator) gstin(st *state, name string, bad bool) string {
	initial := strings.ToUpper(firstLetters(name, 1))
	if initial == "" {
		initial = "H"
	}
	pan := g.letters(3) + g.pick([]string{"C", "F", "T"}) + initial + g.digits(4) + g.letters(1)
	first := st.gst + pan + string(byte('1'+g.rnd.IntN(3))) + "Z"
	c, err := verifier.GSTINCheckChar(first)
	if err != nil {
		g.fail(err)
		return first
	}
	if bad {
		const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		i := strings.IndexByte(alphabet, c)
		c = alphabet[(i+1+g.rnd.IntN(35))%36]
	}
	return first + string(c)
}

// slug is a lower-case DNS label from a name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// firstLetters returns the first n ASCII letters of s (fewer if s has
// fewer).
func firstLetters(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == n {
			break
		}
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
