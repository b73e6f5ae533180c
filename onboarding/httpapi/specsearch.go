package httpapi

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

// SpecSearchRequest is the specification's participant/search body:
// registry.Query's filters, paging and cursor, and the queryString
// operator.
//
// queryString: HCX v0.9 lists it among the search operators without
// defining it. The reference platform's registry (Sunbird RC) hands its
// value to Elasticsearch as a query_string query over the whole record,
// whatever field it is given under. Here it is a free-text search over the
// fields that identify a participant, each through an index the stores
// keep: a participant matches when its participant_name contains the text
// (ignoring case), its participant_code is the text, or its primary_email
// is the text (ignoring case). The text is literal, not Lucene's query
// syntax, so '*', '?' and ':' are refused (400 ERR_INVALID_SEARCH) rather
// than silently matched as characters. It may be given under any
// searchable field, which it does not narrow (as on the reference
// platform), once per search; the search's other conditions still hold.
//
// Under credential.ProfilePlatform (WithProfile) the search and
// participant/read serve only records the platform's participant schema
// (hcx-registry Organisation.json) can hold. The schema requires
// endpoint_url and encryption_cert, which a participant that has not given
// its step-3 details lacks; the platform fills placeholders there, but a
// made-up endpoint or certificate would be taken for the participant's
// own, so this handler writes none: such a participant is left out of the
// search (limit and offset count only the participants served) and its
// read is a 404 ERR_INVALID_PARTICIPANT_CODE saying why. The schema knows
// no role "bsp": it is left out of the record's roles, and a participant
// with no other role is not served either. The other profiles serve every
// participant.
type SpecSearchRequest struct {
	Filters map[string]SpecCondition `json:"filters,omitempty"`
	Limit   int                      `json:"limit,omitempty"`
	Offset  int                      `json:"offset,omitempty"`
	Cursor  string                   `json:"cursor,omitempty"`
}

// SpecCondition is one field's test: registry.Condition's operators, and
// queryString, the free-text search over name, code and e-mail (see the
// package's notes on participant/search).
type SpecCondition struct {
	registry.Condition
	QueryString *string `json:"queryString,omitempty"`
}

// queryStringRefused are the characters of Lucene's query syntax that a
// client would expect to mean something other than themselves.
const queryStringRefused = "*?:"

// split returns the registry query and the queryString text ("" when none
// was given).
func (req SpecSearchRequest) split() (registry.Query, string, error) {
	q := registry.Query{Limit: req.Limit, Offset: req.Offset, Cursor: req.Cursor}
	var text string
	var seen bool
	for field, c := range req.Filters {
		if c.QueryString != nil {
			if !slices.Contains(registry.Fields(), field) {
				return q, "", fmt.Errorf("%w: unknown field %q (searchable: %s)", registry.ErrInvalidQuery,
					clipParam(field), strings.Join(registry.Fields(), ", "))
			}
			if seen {
				return q, "", fmt.Errorf("%w: queryString is given more than once; give it once, with the other conditions beside it", registry.ErrInvalidQuery)
			}
			seen = true
			text = strings.TrimSpace(*c.QueryString)
			switch {
			case text == "":
				return q, "", fmt.Errorf("%w: field %q: queryString is empty", registry.ErrInvalidQuery, field)
			case len(text) > registry.MaxQueryValueLen:
				return q, "", fmt.Errorf("%w: field %q: queryString is %d bytes long, at most %d are allowed",
					registry.ErrInvalidQuery, field, len(text), registry.MaxQueryValueLen)
			case !cleanText(text) || strings.IndexFunc(text, unicode.IsControl) >= 0:
				return q, "", fmt.Errorf("%w: field %q: queryString holds a control character", registry.ErrInvalidQuery, field)
			case strings.ContainsAny(text, queryStringRefused):
				return q, "", fmt.Errorf("%w: field %q: queryString is literal text matched against participant_name (contains), "+
					"participant_code and primary_email (equal); query syntax (%q) is not supported: use the other operators",
					registry.ErrInvalidQuery, field, queryStringRefused)
			}
			if isEmptyCondition(c.Condition) {
				continue // queryString alone: no condition on this field
			}
		}
		if q.Filters == nil {
			q.Filters = map[string]registry.Condition{}
		}
		q.Filters[field] = c.Condition
	}
	return q, text, nil
}

// isEmptyCondition reports whether c sets no operator.
func isEmptyCondition(c registry.Condition) bool {
	return c.Eq == nil && c.Neq == nil && c.Contains == nil && c.NotContains == nil && c.StartsWith == nil &&
		c.NotStartsWith == nil && c.EndsWith == nil && c.NotEndsWith == nil && c.Or == nil &&
		c.Gt == nil && c.Gte == nil && c.Lt == nil && c.Lte == nil && c.Between == nil
}

// platformRoles are the roles the reference platform's participant schema
// knows, spelled as it spells them.
var platformRoles = []string{
	"provider", "payor", "agency.tpa", "agency.regulator", "research", "member.isnp", "agency.sponsor",
	"HIE/HIO.HCX", "provider.hospital", "provider.clinic", "provider.practitioner", "provider.diagnostics",
	"provider.pharmacy",
}

// unserved says why the handler's profile does not serve p, or "" when it
// does: only the platform profile leaves participants out.
func (h *Handler) unserved(p *hcxonboard.Participant) string {
	if h.spec.profile != credential.ProfilePlatform {
		return ""
	}
	switch {
	case strings.TrimSpace(p.EndpointURL) == "" || strings.TrimSpace(p.EncryptionCert) == "":
		return "the participant has not given its endpoint and encryption certificate yet, which the platform profile's records require"
	case len(platformRoleNames(p.Roles)) == 0:
		return "the participant holds no role the platform profile's records know"
	}
	return ""
}

// platformRoleNames are rs as the platform spells them, less those its
// schema does not know.
func platformRoleNames(rs []hcxonboard.Role) []string {
	out := make([]string, 0, len(rs))
	for _, name := range credential.ProfilePlatform.RecordRoles(rs) {
		if slices.Contains(platformRoles, name) {
			out = append(out, name)
		}
	}
	return out
}

// scanPerBranch bounds the participants one branch of a search reads to
// fill a page it cannot ask the store for directly: the deepest offset,
// the largest page and as much again of records left out. Past it the
// search is refused (400) rather than left to read the whole registry.
const scanPerBranch = registry.MaxOffset + 2*registry.MaxLimit

// specParticipants runs a specification search and answers its page and
// the cursor of the next (participantsNow, leaving out what the profile
// does not serve).
func (h *Handler) specParticipants(ctx context.Context, q registry.Query, text string) ([]hcxonboard.Participant, string, error) {
	var unserved func(*hcxonboard.Participant) string
	if h.spec.profile == credential.ProfilePlatform {
		unserved = h.unserved
	}
	return h.participantsNow(ctx, q, text, unserved)
}

// participantsNow runs a search as it stands now and answers its page
// and the cursor of the next (onboarding.Service.SearchPage's): straight
// through the store when it can, else by reading its branches in paging
// order, merging them and leaving out what unserved (nil: nothing)
// names a reason for.
//
// A participant whose announced de-boarding has taken effect is off the
// network — Token and VerifyToken refuse it — though the sweep
// (ProcessDeboardings) may not yet have made it Inactive in the store:
// the search shows it Inactive, and judges the query's conditions on
// that, so that its answers are those the store will give once the sweep
// has run. The store's search leaves such participants out; a branch of
// their own reads them by code and keeps those the query matches now.
func (h *Handler) participantsNow(ctx context.Context, q registry.Query, text string,
	unserved func(*hcxonboard.Participant) string) ([]hcxonboard.Participant, string, error) {
	ended, err := h.svc.EndedDeboardings(ctx)
	if err != nil {
		return nil, "", err
	}
	if text == "" && unserved == nil && len(ended) == 0 {
		page, err := h.svc.SearchPage(ctx, q)
		return page.Items, page.Next, err
	}
	q, err = q.Normalize()
	if err != nil {
		return nil, "", err
	}
	var branches []*branch
	if text == "" {
		branches = []*branch{{q: q}}
	} else {
		branches = textBranches(q, text)
	}
	if len(ended) > 0 {
		for _, b := range branches {
			keep := b.keep
			b.keep = func(p *hcxonboard.Participant) bool { return !ended[p.ParticipantCode] && (keep == nil || keep(p)) }
		}
		branches = append(branches, endedBranches(q, text, ended)...)
	}
	// Pages of at least the default size: an index lookup costs the same
	// for one row or a hundred, and left-out records need reading past.
	chunk := min(max(q.Offset+q.Limit, registry.DefaultLimit), registry.MaxLimit)
	for _, b := range branches {
		b.q.Offset, b.q.Limit, b.next = 0, chunk, q.Cursor
	}
	skip := q.Offset
	out := []hcxonboard.Participant{}
	var last *hcxonboard.Participant
	for len(out) <= q.Limit { // one more than the page: is there a next?
		p, err := h.nextMerged(ctx, branches)
		if err != nil {
			return nil, "", err
		}
		if p == nil {
			break
		}
		if last != nil && last.ParticipantCode == p.ParticipantCode && last.CreatedAt.Equal(p.CreatedAt) {
			continue // found by two branches
		}
		last = p
		if unserved != nil && unserved(p) != "" {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if ended[p.ParticipantCode] {
			p.Status = hcxonboard.StatusInactive
		}
		out = append(out, *p)
	}
	next := ""
	if len(out) > q.Limit {
		// The next page starts after this one's last record, in every
		// branch alike.
		out = out[:q.Limit]
		last := out[q.Limit-1]
		next = registry.EncodeCursor(registry.Position{CreatedAt: last.CreatedAt, Key: last.ParticipantCode})
	}
	return out, next, nil
}

// endedBranches read the participants of ended by code, in or lists the
// registry takes, keeping those q and the queryString text (when given)
// match now, Inactive.
func endedBranches(q registry.Query, text string, ended map[string]bool) []*branch {
	now := registry.Query{Filters: q.Filters}
	var textKeeps []func(*hcxonboard.Participant) bool
	if text != "" {
		for _, b := range textBranches(registry.Query{}, text) {
			textKeeps = append(textKeeps, b.keep)
		}
	}
	keep := func(p *hcxonboard.Participant) bool {
		v := *p
		v.Status = hcxonboard.StatusInactive
		if !now.Match(&v) {
			return false
		}
		return text == "" || slices.ContainsFunc(textKeeps, func(k func(*hcxonboard.Participant) bool) bool { return k(&v) })
	}
	codes := slices.Sorted(maps.Keys(ended))
	var out []*branch
	for part := range slices.Chunk(codes, registry.MaxQueryValues) {
		out = append(out, &branch{
			q:    registry.Query{Filters: map[string]registry.Condition{registry.FieldCode: {Or: part}}},
			keep: keep,
		})
	}
	return out
}

// branch is one store query of a merged search, read page by page by
// cursor, with the test its results must also pass.
type branch struct {
	q       registry.Query
	keep    func(*hcxonboard.Participant) bool
	buf     []hcxonboard.Participant
	next    string // the cursor to read from
	done    bool
	scanned int
}

// textBranches are the three searches a queryString stands for, each with
// the rest of the query's conditions. Where the query already sets the
// operator a branch adds (a second contains on participant_name), the
// branch tests it on what the store answers instead.
func textBranches(q registry.Query, text string) []*branch {
	lower := strings.ToLower(text)
	mk := func(field string, set func(*registry.Condition), keep func(*hcxonboard.Participant) bool) *branch {
		bq := q
		bq.Filters = make(map[string]registry.Condition, len(q.Filters)+1)
		for f, c := range q.Filters {
			bq.Filters[f] = c
		}
		c := bq.Filters[field]
		set(&c)
		bq.Filters[field] = c
		return &branch{q: bq, keep: keep}
	}
	return []*branch{
		mk(registry.FieldName, func(c *registry.Condition) {
			if c.Contains == nil { // else keep tests it
				c.Contains = &text
			}
		}, func(p *hcxonboard.Participant) bool {
			return strings.Contains(strings.ToLower(p.ParticipantName), lower)
		}),
		mk(registry.FieldCode, func(c *registry.Condition) {
			if c.Eq == nil {
				c.Eq = &text
			}
		}, func(p *hcxonboard.Participant) bool { return p.ParticipantCode == text }),
		mk(registry.FieldEmail, func(c *registry.Condition) {
			if c.Eq == nil {
				c.Eq = &lower
			}
		}, func(p *hcxonboard.Participant) bool { return strings.ToLower(p.PrimaryEmail) == lower }),
	}
}

// head returns the branch's next participant, reading the next page when
// its buffer is empty; nil when the branch is done.
func (h *Handler) head(ctx context.Context, b *branch) (*hcxonboard.Participant, error) {
	for len(b.buf) == 0 && !b.done {
		if b.scanned >= h.spec.scanLimit {
			return nil, fmt.Errorf("%w: answering this page would read more than %d participants; narrow the search with more conditions",
				registry.ErrInvalidQuery, h.spec.scanLimit)
		}
		q := b.q
		q.Cursor = b.next
		page, err := h.svc.SearchPage(ctx, q)
		if err != nil {
			return nil, err
		}
		ps := page.Items
		b.scanned += len(ps)
		b.next, b.done = page.Next, page.Next == ""
		for i := range ps {
			if b.keep == nil || b.keep(&ps[i]) {
				b.buf = append(b.buf, ps[i])
			}
		}
	}
	if len(b.buf) == 0 {
		return nil, nil
	}
	return &b.buf[0], nil
}

// nextMerged pops the first participant, in paging order, of all the
// branches; nil when all are done.
func (h *Handler) nextMerged(ctx context.Context, branches []*branch) (*hcxonboard.Participant, error) {
	var first *branch
	var firstP *hcxonboard.Participant
	for _, b := range branches {
		p, err := h.head(ctx, b)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if firstP == nil || (registry.Position{CreatedAt: p.CreatedAt, Key: p.ParticipantCode}).After(firstP.CreatedAt, firstP.ParticipantCode) {
			first, firstP = b, p
		}
	}
	if first == nil {
		return nil, nil
	}
	p := first.buf[0]
	first.buf = first.buf[1:]
	return &p, nil
}

// unservedError is the 404 of a participant the profile does not serve.
func unservedError(why string) error {
	return newError(http.StatusNotFound, CodeInvalidParticipantCode, "%s", why)
}
