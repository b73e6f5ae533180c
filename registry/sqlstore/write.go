package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Create stores a new application as version 1 with its participant, its
// claims, its first audit events and its outbox messages, atomically.
func (s *Store) Create(ctx context.Context, w registry.Write) error {
	if err := w.ValidateCreate(); err != nil {
		return err
	}
	a := w.Application
	if a.Version != 0 {
		return fmt.Errorf("registry: create: application %q has version %d, want 0", a.ID, a.Version)
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	row, p, events, err := encodeWrite(w)
	if err != nil {
		return err
	}
	outbox, err := encodeOutbox(w.Outbox)
	if err != nil {
		return err
	}
	err = s.claiming(ctx, a, func() error {
		if err := s.create(ctx, a, row, p, events, outbox); err != nil {
			// Uniqueness violations and misnumbered events arrive wrapped.
			if constraintOf(err) != constraintNone {
				return s.createConflict(ctx, a, w.Participant, outbox, err)
			}
			var conflict *seqConflict
			if errors.As(err, &conflict) {
				return conflict.err
			}
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.Version = 1
	return nil
}

// create runs one attempt of a Create.
func (s *Store) create(ctx context.Context, a *registry.Application, row applicationRow, p *participantRow, events []eventRow, outbox []outboxRow) error {
	if s.dialect == Postgres && checkSeq(a.ID, 0, events) == nil {
		return s.pgCreate(ctx, a, row, p, events, outbox)
	}
	// SQLite, and a Create whose events are misnumbered: the steps one by
	// one, so that the first conflict in the reference order is the one
	// reported.
	return s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		if _, err := t.exec(ctx, s.stmts.insertApplication,
			a.ID, row.key, a.ParticipantCode, string(a.Stage), row.waiting, row.created, row.updated, row.state, row.claims, row.due, row.waitingOn); err != nil {
			return fail(ctx, err, "create application %q", a.ID)
		}
		if err := s.insertWaiting(ctx, t, a.ID, row.kinds, string(a.Stage), row.created); err != nil {
			return fail(ctx, err, "create application %q", a.ID)
		}
		if p != nil {
			if err := s.putParticipant(ctx, t, p, false); err != nil {
				return fail(ctx, err, "store participant %q", p.p.ParticipantCode)
			}
		}
		if err := s.replaceClaims(ctx, t, a.ID, nil, a.Claims); err != nil {
			return fail(ctx, err, "store the claims of application %q", a.ID)
		}
		if err := s.appendEvents(ctx, t, a.ID, 0, events); err != nil {
			return fail(ctx, err, "append audit events to application %q", a.ID)
		}
		return s.insertOutbox(ctx, t, a.ID, outbox)
	})
}

// pgCreate runs PostgreSQL's one-statement Create.
func (s *Store) pgCreate(ctx context.Context, a *registry.Application, row applicationRow, p *participantRow, events []eventRow, outbox []outboxRow) error {
	args := []any{a.ID, row.key, a.ParticipantCode, string(a.Stage), row.waiting, row.created, row.updated, row.state, row.kinds}
	if p != nil {
		args = append(args, p.columns()...)
		roles, rolesLower := p.list(valueRole)
		linked, linkedLower := p.list(valueLinkedCode)
		args = append(args, roles, rolesLower, linked, linkedLower)
	} else {
		args = append(args, "", "", "", "", "", "", "", "", "", "", "", "", int64(0), int64(0), "{}",
			[]string(nil), []string(nil), []string(nil), []string(nil))
	}
	var ifsc, ifscLower []string
	if p != nil {
		ifsc, ifscLower = p.list(valueIFSC)
	}
	n := len(events)
	seq, ns := make([]int64, n), make([]int64, n)
	actor, action, from, to, reason, prev, hash, seal := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	requestID := make([]string, n)
	for i, e := range events {
		seq[i], ns[i], actor[i], action[i], from[i], to[i], reason[i], prev[i], hash[i], seal[i] = e.Seq, e.timeNS, e.Actor, e.Action, e.From, e.To, e.Reason, e.PrevHash, e.Hash, e.Seal
		requestID[i] = e.RequestID
	}
	args = append(args, seq, ns, actor, action, from, to, reason, prev, hash, p != nil, row.claims, sortedClaims(a.Claims), seal)
	m := len(outbox)
	oid, okind, oto, opayload, ocreated, onext := make([]string, m), make([]string, m), make([]string, m), make([][]byte, m), make([]int64, m), make([]int64, m)
	oowner, ountil := make([]string, m), make([]int64, m)
	for i, r := range outbox {
		oid[i], okind[i], oto[i], opayload[i], ocreated[i], onext[i] = r.id, r.kind, r.to, r.payload, r.created, r.next
		oowner[i], ountil[i] = r.owner, r.until
	}
	args = append(args, oid, okind, oto, opayload, ocreated, onext, int64(zeroTime), requestID, row.due, oowner, ountil, row.waitingOn,
		ifsc, ifscLower)
	if _, err := s.stmts.createAll.ExecContext(ctx, args...); err != nil {
		return fail(ctx, err, "create application %q", a.ID)
	}
	return nil
}

// codeTaken is a write refused a participant code another application
// holds (the unique index applications_participant).
func codeTaken(code string) error {
	return fmt.Errorf("%w: participant code %q is another application's", registry.ErrConflict, code)
}

// createConflict reports a Create that broke a uniqueness constraint. The
// reference store checks the application id, then the key, then the
// participant code, and reports the first that is taken; a database
// reports whichever constraint it checked first, so unless that was the
// id, the stored rows decide.
func (s *Store) createConflict(ctx context.Context, a *registry.Application, p *hcxonboard.Participant, outbox []outboxRow, cause error) error {
	idTaken := fmt.Errorf("%w: application %q exists", registry.ErrConflict, a.ID)
	if constraintOf(cause) == constraintApplicationID {
		return idTaken
	}
	taken := func(st *sql.Stmt, v string) bool {
		var n int
		if err := st.QueryRowContext(ctx, v).Scan(&n); err != nil {
			return false
		}
		return n > 0
	}
	switch {
	case taken(s.stmts.applicationExists, a.ID):
		return idTaken
	case a.Key != "" && taken(s.stmts.keyExists, a.Key):
		return fmt.Errorf("%w: %q", registry.ErrDuplicateKey, a.Key)
	case p != nil && taken(s.stmts.participantExists, p.ParticipantCode):
		return fmt.Errorf("%w: participant %q exists", registry.ErrConflict, p.ParticipantCode)
	case constraintOf(cause) == constraintCode,
		a.ParticipantCode != "" && taken(s.stmts.codeHeld, a.ParticipantCode):
		// PostgreSQL's one-statement Create may meet a taken claim or
		// message id before the code.
		return codeTaken(a.ParticipantCode)
	case constraintOf(cause) == constraintClaim:
		return errClaimTaken
	case constraintOf(cause) == constraintOutbox:
		return s.outboxConflict(ctx, a, outbox, cause)
	}
	return fmt.Errorf("%w: application %q: %w", registry.ErrConflict, a.ID, cause)
}

// Update replaces the application at its expected version, upserts its
// participant, replaces its claims and appends its events and outbox
// messages, in one transaction.
func (s *Store) Update(ctx context.Context, w registry.Write) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	a := w.Application
	row, p, events, err := encodeWrite(w)
	if err != nil {
		return err
	}
	outbox, err := encodeOutbox(w.Outbox)
	if err != nil {
		return err
	}
	if err := s.claiming(ctx, a, func() error { return s.update(ctx, a, row, p, events, outbox, w.RequireActive) }); err != nil {
		return err
	}
	a.Version++
	return nil
}

// update runs one attempt of an Update.
func (s *Store) update(ctx context.Context, a *registry.Application, row applicationRow, p *participantRow, events []eventRow, outbox []outboxRow, required []string) error {
	return s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		var (
			version    int64
			key        sql.NullString
			code       string
			oldWaiting string
			oldOn      string
			oldClaims  string
			oldStage   string
			oldCreated int64
			lastSeq    int64
		)
		err := t.queryRow(ctx, s.stmts.lockApplication, a.ID).Scan(&version, &key, &code, &oldWaiting, &oldOn, &oldClaims, &oldStage, &oldCreated, &lastSeq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: application %q", registry.ErrNotFound, a.ID)
		case err != nil:
			return fail(ctx, err, "read application %q", a.ID)
		case version != a.Version:
			return fmt.Errorf("%w: application %q is at version %d, not %d", registry.ErrVersionConflict, a.ID, version, a.Version)
		case key.String != a.Key:
			return fmt.Errorf("registry: update: the idempotency key of application %q cannot change", a.ID)
		case code != "" && a.ParticipantCode != code:
			return fmt.Errorf("registry: update: application %q belongs to participant %q", a.ID, code)
		}
		if code == "" && a.ParticipantCode != "" {
			// The application takes a code now: it must not be another
			// application's participant, whether or not this write
			// carries the participant record, nor another application's
			// code. Both come before the participants the write requires
			// Active, as in the reference order; the unique indexes
			// decide a race.
			held := func(st *sql.Stmt) (bool, error) {
				var n int
				if err := t.queryRow(ctx, st, a.ParticipantCode).Scan(&n); err != nil {
					return false, fail(ctx, err, "read participant %q", a.ParticipantCode)
				}
				return n > 0, nil
			}
			if taken, err := held(s.stmts.participantExists); err != nil || taken {
				return cmp.Or(err, fmt.Errorf("%w: participant %q exists", registry.ErrConflict, a.ParticipantCode))
			}
			if taken, err := held(s.stmts.codeHeld); err != nil || taken {
				return cmp.Or(err, codeTaken(a.ParticipantCode))
			}
		}
		if err := s.requireActive(ctx, t, required); err != nil {
			return err
		}
		if p != nil && registry.UnstorableText(p.p) != "" {
			if err := s.checkParticipantText(ctx, t, a.ID, p.p); err != nil {
				return err
			}
		}

		res, err := t.exec(ctx, s.stmts.updateApplication,
			a.ID, a.Version, a.ParticipantCode, string(a.Stage), row.waiting, row.created, row.updated, row.state, row.claims, row.due, row.waitingOn)
		if constraintOf(err) == constraintCode {
			return codeTaken(a.ParticipantCode)
		}
		if err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		} else if n != 1 {
			return fmt.Errorf("%w: application %q changed while being updated", registry.ErrVersionConflict, a.ID)
		}
		moved := oldStage != string(a.Stage) || oldCreated != row.created
		if err := s.replaceWaiting(ctx, t, a.ID, oldWaiting, oldOn, row.kinds, moved, string(a.Stage), row.created); err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		}
		if p != nil {
			// A participant the application already had is replaced; one
			// it attaches now must be new.
			if err := s.putParticipant(ctx, t, p, code != ""); err != nil {
				if constraintOf(err) != constraintNone {
					return fmt.Errorf("%w: participant %q exists", registry.ErrConflict, p.p.ParticipantCode)
				}
				return fail(ctx, err, "store participant %q", p.p.ParticipantCode)
			}
		}
		old, err := decodeList(oldClaims, "claims")
		if err != nil {
			return fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
		}
		if err := s.replaceClaims(ctx, t, a.ID, old, a.Claims); err != nil {
			if constraintOf(err) == constraintClaim {
				return errClaimTaken
			}
			return fail(ctx, err, "store the claims of application %q", a.ID)
		}
		if err := s.appendEvents(ctx, t, a.ID, lastSeq, events); err != nil {
			var conflict *seqConflict
			if errors.As(err, &conflict) {
				return conflict.err
			}
			if constraintOf(err) != constraintNone {
				return fmt.Errorf("%w: audit events of application %q were appended concurrently", registry.ErrConflict, a.ID)
			}
			return fail(ctx, err, "append audit events to application %q", a.ID)
		}
		return s.insertOutbox(ctx, t, a.ID, outbox)
	})
}

// checkParticipantText refuses a participant record holding text not
// every store keeps, unless the record it replaces, read in the write's
// transaction, holds such text already (registry.CheckParticipantText).
func (s *Store) checkParticipantText(ctx context.Context, t *wtx, appID string, p *hcxonboard.Participant) error {
	var record []byte
	var created, updated int64
	err := t.queryRow(ctx, s.stmts.selectParticipant, p.ParticipantCode).Scan(&record, &created, &updated)
	var stored *hcxonboard.Participant
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fail(ctx, err, "read participant %q", p.ParticipantCode)
	default:
		if stored, err = decodeParticipant(record, created, updated); err != nil {
			return err
		}
	}
	return registry.CheckParticipantText(appID, p, stored)
}

// requireActive fails with registry.ErrNotActive unless each participant
// of codes is Active, read inside the write's transaction: on PostgreSQL
// its row is held FOR SHARE until the write ends, so that a change of its
// status waits for the write, or the write reads the change.
func (s *Store) requireActive(ctx context.Context, t *wtx, codes []string) error {
	for _, code := range codes {
		var status string
		err := t.queryRow(ctx, s.stmts.participantStatus, code).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return registry.NotActiveError(code, "")
		case err != nil:
			return fail(ctx, err, "read the status of participant %q", code)
		case status != string(hcxonboard.StatusActive):
			return registry.NotActiveError(code, hcxonboard.Status(status))
		}
	}
	return nil
}

// encodeWrite encodes the rows of a write: its application, its
// participant (nil without one) and its events.
func encodeWrite(w registry.Write) (applicationRow, *participantRow, []eventRow, error) {
	row, err := encodeApplication(w.Application)
	if err != nil {
		return row, nil, nil, err
	}
	var p *participantRow
	if w.Participant != nil {
		if p, err = encodeParticipantRow(w.Participant); err != nil {
			return row, nil, nil, err
		}
	}
	events, err := encodeEvents(w.Events)
	return row, p, events, err
}

// applicationRow holds an application's encoded columns.
type applicationRow struct {
	key              any // nil for no key
	waiting          string
	waitingOn        string   // the awaited participant codes as a JSON array
	kinds            []string // application_waiting's kinds: the distinct open task kinds, then "@" and each awaited code
	claims           string   // the claims as a JSON array
	created, updated int64
	due              any // nil for no due time, else UnixNano
	state            []byte
}

func encodeApplication(a *registry.Application) (applicationRow, error) {
	var r applicationRow
	var err error
	if a.Key != "" {
		r.key = a.Key
	}
	if r.waiting, err = encodeList(a.Waiting); err != nil {
		return r, fmt.Errorf("sqlstore: application %q: encode waiting: %w", a.ID, err)
	}
	if r.claims, err = encodeList(a.Claims); err != nil {
		return r, fmt.Errorf("sqlstore: application %q: encode claims: %w", a.ID, err)
	}
	if r.waitingOn, err = encodeList(a.WaitingOn); err != nil {
		return r, fmt.Errorf("sqlstore: application %q: encode waiting_on: %w", a.ID, err)
	}
	r.kinds = waitingKinds(a.Waiting, a.WaitingOn)
	if r.created, err = encodeTime(a.CreatedAt, "application created_at"); err != nil {
		return r, err
	}
	if r.updated, err = encodeTime(a.UpdatedAt, "application updated_at"); err != nil {
		return r, err
	}
	if !a.DueAt.IsZero() {
		due, err := encodeTime(a.DueAt, "application due_at")
		if err != nil {
			return r, err
		}
		r.due = due
	}
	if len(a.State) > 0 {
		r.state = a.State
	}
	return r, nil
}

// awaitedPrefix marks, in application_waiting's kind column, the row of
// a participant code the application awaits (registry.Application
// WaitingOn): "@<code>". No open task kind begins with it (registry
// writes refuse one that does), so the queue's (kind, stage, created_at,
// application_id) index serves a listing by awaited participant as it
// serves one by kind.
const awaitedPrefix = "@"

// waitingKinds returns the kind column values of an application's
// application_waiting rows: its distinct open task kinds, then its
// distinct awaited participant codes, each prefixed with awaitedPrefix.
func waitingKinds(waiting, waitingOn []string) []string {
	out := distinct(waiting)
	for _, c := range distinct(waitingOn) {
		out = append(out, awaitedPrefix+c)
	}
	return out
}

// distinct returns the distinct strings of ss, in their first order.
func distinct(ss []string) []string {
	var out []string
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// insertWaiting adds the application's task rows of kinds, each with the
// application's stage and created_at (the queue's filter and order).
func (s *Store) insertWaiting(ctx context.Context, t *wtx, appID string, kinds []string, stage string, created int64) error {
	for _, kind := range kinds {
		if _, err := t.exec(ctx, s.stmts.insertWaiting, appID, kind, stage, created); err != nil {
			return err
		}
	}
	return nil
}

// replaceWaiting changes an application's application_waiting rows from
// those of its stored waiting and waiting_on columns (JSON) to kinds
// (waitingKinds), deleting and inserting only
// what differs; the table is keyed by kind first, so rows are found by
// their whole key. When the application moved (its stage or created_at
// changed), the rows it keeps take the new stage and created_at.
func (s *Store) replaceWaiting(ctx context.Context, t *wtx, appID, oldWaiting, oldOn string, kinds []string, moved bool, stage string, created int64) error {
	oldKinds, err := decodeList(oldWaiting, "waiting")
	if err != nil {
		return fmt.Errorf("application %q: %w", appID, err)
	}
	oldCodes, err := decodeList(oldOn, "waiting_on")
	if err != nil {
		return fmt.Errorf("application %q: %w", appID, err)
	}
	old := waitingKinds(oldKinds, oldCodes)
	was := make(map[string]bool, len(old))
	for _, k := range old {
		was[k] = true
	}
	is := make(map[string]bool, len(kinds))
	var added []string
	for _, k := range kinds {
		is[k] = true
		switch {
		case !was[k]:
			added = append(added, k)
		case moved:
			if _, err := t.exec(ctx, s.stmts.syncWaiting, appID, k, stage, created); err != nil {
				return err
			}
		}
	}
	for k := range was {
		if !is[k] {
			if _, err := t.exec(ctx, s.stmts.deleteWaiting, appID, k); err != nil {
				return err
			}
		}
	}
	return s.insertWaiting(ctx, t, appID, added, stage, created)
}

// participantRow holds a participant's encoded columns.
type participantRow struct {
	p                *hcxonboard.Participant
	record           string
	created, updated int64
}

func encodeParticipantRow(p *hcxonboard.Participant) (*participantRow, error) {
	record, err := encodeParticipant(p)
	if err != nil {
		return nil, err
	}
	r := &participantRow{p: p, record: string(record)}
	if r.created, err = encodeTime(p.CreatedAt, "participant created_at"); err != nil {
		return nil, err
	}
	if r.updated, err = encodeTime(p.UpdatedAt, "participant updated_at"); err != nil {
		return nil, err
	}
	return r, nil
}

// columns returns the values of participantColumns, in order.
func (r *participantRow) columns() []any {
	p := r.p
	return []any{p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
		lower(p.ParticipantCode), lower(p.ParticipantName), lower(string(p.Status)), lower(p.PrimaryEmail), lower(p.PrimaryMobile), lower(p.SchemeCode),
		r.created, r.updated, r.record}
}

// list returns the values of one of the participant's lists (field
// valueRole, valueLinkedCode or valueIFSC), in order, and their
// lower-cased copies.
func (r *participantRow) list(field string) (values, lowered []string) {
	switch field {
	case valueRole:
		values = roleStrings(r.p.Roles)
	case valueLinkedCode:
		values = r.p.LinkedRegistryCodes
	case valueIFSC:
		values = ifscList(r.p.PaymentDetails)
	}
	lowered = make([]string, len(values))
	for i, v := range values {
		lowered[i] = lower(v)
	}
	return values, lowered
}

// putParticipant inserts a participant or, with replace, inserts or
// replaces it, with its role, linked-code and IFSC rows. A replacement changes
// only the rows of values it adds or drops: most updates change a
// participant's status, not its lists.
func (s *Store) putParticipant(ctx context.Context, t *wtx, r *participantRow, replace bool) error {
	code := r.p.ParticipantCode
	values := r.values()
	st := s.stmts.insertParticipant
	var stale []listValue
	inserts := true
	if replace {
		st = s.stmts.upsertParticipant
		old, found, err := s.storedValues(ctx, t, code)
		if err != nil {
			return err
		}
		values, stale = diffValues(old, values)
		inserts = !found
	}
	res, err := t.exec(ctx, st, r.columns()...)
	if err != nil {
		return err
	}
	if inserts && s.dialect == SQLite {
		// The trigram indexes' rows, written here rather than by a
		// trigger: a statement that fires one opens a statement journal,
		// and FTS5 then flushes its pending terms to a segment of their
		// own at each such statement instead of once at the commit.
		rowid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, s.stmts.insertNameIndex, rowid, lower(r.p.ParticipantName)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, s.stmts.insertContactIndex, rowid, lower(r.p.ParticipantCode), lower(r.p.PrimaryEmail), lower(r.p.PrimaryMobile)); err != nil {
			return err
		}
	}
	for _, v := range stale {
		if _, err := t.exec(ctx, s.stmts.deleteValue, v.field, v.value, code); err != nil {
			return err
		}
	}
	per := len(s.stmts.insertValues)
	if s.dialect == SQLite {
		// One row a statement: a statement of several rows opens a
		// statement journal (it could fail half-way), which costs more
		// than the statements it saves in the same process.
		per = 1
	}
	for len(values) > 0 {
		n := min(len(values), per)
		args := make([]any, 0, 4*n)
		for _, v := range values[:n] {
			args = append(args, v.field, v.value, code, lower(v.value))
		}
		if _, err := t.exec(ctx, s.stmts.insertValues[n-1], args...); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}

// listValue is one row of participant_values, less its participant.
type listValue struct{ field, value string }

// values returns the participant's roles, linked codes and IFSC as rows.
func (r *participantRow) values() []listValue {
	return listValues(roleStrings(r.p.Roles), r.p.LinkedRegistryCodes, ifscList(r.p.PaymentDetails))
}

func listValues(roles, linked, ifsc []string) []listValue {
	out := make([]listValue, 0, len(roles)+len(linked)+len(ifsc))
	for _, role := range roles {
		out = append(out, listValue{valueRole, role})
	}
	for _, c := range linked {
		out = append(out, listValue{valueLinkedCode, c})
	}
	for _, c := range ifsc {
		out = append(out, listValue{valueIFSC, c})
	}
	return out
}

// ifscList is the IFSC of payment details as a list: none without payment
// details or with a UPI ID, so that nothing is written for them.
func ifscList(pd *hcxonboard.PaymentDetails) []string {
	if pd == nil || pd.IFSCCode == "" {
		return nil
	}
	return []string{pd.IFSCCode}
}

// storedValues returns the list rows of the participant as stored, read
// from its record, and whether there is such a participant.
func (s *Store) storedValues(ctx context.Context, t *wtx, code string) ([]listValue, bool, error) {
	var record []byte
	var created, updated int64
	err := t.queryRow(ctx, s.stmts.selectParticipant, code).Scan(&record, &created, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	var lists struct {
		Roles   []string `json:"roles"`
		Linked  []string `json:"linked_registry_codes"`
		Payment *struct {
			IFSC string `json:"ifsc_code"`
		} `json:"payment_details"`
	}
	if err := json.Unmarshal(record, &lists); err != nil {
		return nil, true, fmt.Errorf("decode the stored record of participant %q: %w", code, err)
	}
	var ifsc []string
	if lists.Payment != nil {
		ifsc = ifscList(&hcxonboard.PaymentDetails{IFSCCode: lists.Payment.IFSC})
	}
	return listValues(lists.Roles, lists.Linked, ifsc), true, nil
}

// diffValues returns the rows of want that old lacks and those of old
// that want lacks, each once, in their lists' order.
func diffValues(old, want []listValue) (added, dropped []listValue) {
	only := func(vs, other []listValue) []listValue {
		var out []listValue
		for _, v := range vs {
			if !slices.Contains(other, v) && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	return only(want, old), only(old, want)
}

// eventRow is an audit event with its time encoded.
type eventRow struct {
	registry.Event
	timeNS int64
}

func encodeEvents(events []registry.Event) ([]eventRow, error) {
	out := make([]eventRow, len(events))
	for i, e := range events {
		n, err := encodeTime(e.Time, fmt.Sprintf("audit event %d time", e.Seq))
		if err != nil {
			return nil, err
		}
		out[i] = eventRow{Event: e, timeNS: n}
	}
	return out, nil
}

// seqConflict is an event numbered out of turn; it carries the
// registry.ErrConflict to report.
type seqConflict struct{ err error }

func (e *seqConflict) Error() string { return e.err.Error() }

// checkSeq requires events to be numbered lastSeq+1, lastSeq+2 …
func checkSeq(appID string, lastSeq int64, events []eventRow) error {
	next := lastSeq + 1
	for _, e := range events {
		if e.Seq != next {
			return &seqConflict{fmt.Errorf("%w: audit event %d of application %q, expected %d", registry.ErrConflict, e.Seq, appID, next)}
		}
		next++
	}
	return nil
}

// appendEvents stores events after the application's event lastSeq.
func (s *Store) appendEvents(ctx context.Context, t *wtx, appID string, lastSeq int64, events []eventRow) error {
	if err := checkSeq(appID, lastSeq, events); err != nil {
		return err
	}
	for _, e := range events {
		if _, err := t.exec(ctx, s.stmts.insertEvent,
			appID, e.Seq, e.timeNS, e.Actor, e.Action, e.From, e.To, e.Reason, e.PrevHash, e.Hash, e.Seal, e.RequestID); err != nil {
			return err
		}
	}
	return nil
}
