// Package sqlstore is a [registry.Store] in a SQL database: SQLite, the
// embedded default (one file, no server), and PostgreSQL, for production,
// where several operator replicas share one registry. Both pass the
// conformance suite in registry/storetest.
//
// # Opening
//
// [OpenSQLite] takes a file path and creates the file if need be:
//
//	s, err := sqlstore.OpenSQLite(ctx, "/var/lib/hcx/registry.db")
//
// Its connections run in WAL mode (readers never wait for the writer),
// with synchronous=FULL (a write that returned is on disk), foreign keys
// on, transactions that take the write lock when they begin, and a busy
// timeout ([WithBusyTimeout], default 5s) for waiting on another process.
// Within a process, reads run in parallel and writes queue for SQLite's
// single writer; whoever takes the write slot runs every queued write in
// one transaction and commits once for all (group commit). A write that
// fails is rolled back alone (the batch runs again without it, each write
// under a savepoint of its own); every write
// returns after the commit that holds it, so concurrent writers share the
// cost of a commit without weakening it. A write leaves the queue when its
// context ends; one that has started runs to its end. The writes run on
// one connection the Store keeps for them, with every statement prepared
// on it, outside database/sql's transactions, whose bookkeeping would cost
// about as much as SQLite's work on a write's short statements. In-memory SQLite (":memory:", "file:"
// URIs) is not supported: every pooled connection would open a database of
// its own and nothing would persist. Use registry.NewMemoryStore for a
// store in memory, or a file under a temporary directory in tests.
//
// [OpenPostgres] takes a connection string in URL or keyword/value form,
// as pgx and libpq accept them:
//
//	postgres://hcx:secret@db.internal:5432/registry?sslmode=verify-full
//	host=db.internal port=5432 dbname=registry user=hcx sslmode=verify-full
//
// A search_path parameter (…&search_path=hcx) puts the tables in a schema
// of their own. The pool holds at most 10 connections by default
// ([WithMaxOpenConns]).
//
// On PostgreSQL a write is a statement the server runs to its end: when
// the write's context ends while the statement is under way, the call
// returns the context's error, but the server may have committed the
// write all the same (it has no way to tell the client, which stopped
// listening). Such an error does not say that nothing was written: read
// the application back, or create it again with the same idempotency key
// (Application.Key): [registry.ErrDuplicateKey] then says the first
// write landed.
//
// [New] wraps a *sql.DB the caller opened and owns, for callers that tune
// their own pool; [Store.Close] then leaves that pool open.
//
// # Migrations
//
// The schema ships inside the binary as numbered files per dialect,
// migrations/<dialect>/NNNN_name.sql. Opening a Store applies, in one
// transaction, those whose number is above the highest recorded in the
// table schema_migrations, recording each. The transaction holds the
// database's migration lock (BEGIN IMMEDIATE on SQLite, a transaction-level
// advisory lock on PostgreSQL), so processes that open one database at the
// same time apply each migration exactly once, and opening an up-to-date
// database changes nothing. A database migrated by a newer program (a
// recorded number this program does not know) is refused with
// [ErrSchemaTooNew]. Data a migration cannot take as it is (version 12:
// two applications holding one participant code, which older versions
// let happen) is [ErrMigrationBlocked], naming the rows and how to mend
// them, with nothing changed.
//
// # Storage
//
// Applications, participants and audit events each have a table; an
// application's open task kinds and the participants it awaits, and a
// participant's roles and linked registry codes (together), have tables
// of their own so that searches on them use indexes. The awaited
// participants (schema version 16) are rows of application_waiting, of
// kind "@" and the code, which no open task kind can be (a write holding
// a kind that begins with "@" is refused), beside a copy of their list in
// the application row (waiting_on; waiting keeps the kinds alone);
// applications stored before await the payers their engine state's open
// approval tasks are addressed to. An application's claimed identities are kept in
// application_claims, keyed by the claim alone, beside a copy of its list
// in the application row (schema version 4; applications stored before
// hold no claims until an update gives them theirs). Those two are keyed the way searches read them, by
// (kind, application) and by (field, value, participant), and need no
// index besides: the store knows the old values of a row it changes from
// the application's or participant's own record. Participants are
// indexed by code, status, e-mail,
// mobile, roles, linked codes and the IFSC of their payment details (a
// row of participant_values under payment_details.ifsc_code), and by
// creation time for ordered paging;
// applications by id, idempotency key, participant code, stage and
// creation time. The participant code index is unique where a code is set
// (schema version 12): a code is one application's, whichever replica
// writes, with or without the participant's record in the write. Every index is paid for on every write (on SQLite, a
// b-tree page written to the WAL at each commit), so there is none that no
// search uses or that selects too much to help: scheme_code, shared by
// many participants, is searched without one. The whole participant record
// is kept as JSON beside the searchable columns, so a field added to
// [hcxonboard.Participant] needs no migration.
//
// Outbox messages (schema version 7) are rows of the table outbox, keyed
// by their ID and inserted by the write that carries them, in its
// transaction (on PostgreSQL, within Create's one statement); a message ID
// stored already fails the write with [registry.ErrConflict]. A claim is
// one UPDATE … RETURNING: on PostgreSQL it picks due rows FOR UPDATE SKIP
// LOCKED, so claimers on several replicas take different messages without
// waiting for each other, and on SQLite it runs in the single writer's
// transaction; either way a message is leased to one owner at a time. The
// index outbox_due (state, next_attempt_at, created_at, id) serves the
// claim in its order and the depth count; the lease columns carry no
// index, so leasing a row rewrites no index entry. A staff retry of a
// dead message records its time in retried_at (schema version 19;
// messages stored before read as never retried). The retention purge
// deletes a batch of sent messages in one DELETE, finding them through
// outbox_due's range of sent messages due before the cut-off (a message is
// sent once due), and each by its key; on PostgreSQL it skips rows
// another purge holds (FOR UPDATE SKIP LOCKED). It needs no index of its
// own, and no migration.
//
// Times are stored as UnixNano integers, which is exactly what an audit
// event's hash covers, so events come back verifiable. An event's seal is
// kept as given (schema version 5; events stored before have none), and
// so is its request id (schema version 10; likewise). They come back in
// UTC; the zero time is kept as such; other times must lie between the
// years 1678 and 2262 (writes outside are refused).
//
// # Scale
//
// Schema version 8 serves every query shape from an index at a million
// participants: the staff queue from application_waiting's (kind,
// created_at) and (kind, stage, created_at) indexes — and, from schema
// version 16, a payer's approval requests from the same indexes (an
// application keeps a row of kind "@<code>" for each participant it
// awaits, [registry.ApplicationFilter] WaitingOn) —, names from a trigram
// index (FTS5 on SQLite, pg_trgm on PostgreSQL; see [Store.NameIndex]),
// certificate expiries from expression indexes
// ([Store.CertificatesExpiring]). A search leads from its rarest indexed
// condition while that is cheaper than reading a page in order, and every
// listing pages by cursor ([Store.SearchParticipantsPage],
// [Store.ListApplicationsPage]). [Store.Load] is the bulk path. README.md
// lists what each query reads, the tests that check the plans, and the
// growth measurements of internal/growth.
//
// # Semantics
//
// Every statement is parameterised; the only names that enter SQL text
// come from fixed tables in this package. Search follows
// [registry.Query.Match] exactly: contains and startsWith compare
// strings.ToLower of both sides (the store keeps lower-cased copies of the
// searchable columns, computed in Go, so that no database collation or
// locale changes the result) with LIKE, wildcards in the value escaped.
// Results are ordered by creation time, then participant code, bytewise.
//
// Update reads the application (FOR UPDATE on PostgreSQL), checks its
// version, and replaces it with UPDATE … WHERE id = $1 AND version = $2,
// in one transaction with the participant upsert and the events; of two
// updates from one version exactly one wins and the other gets
// [registry.ErrVersionConflict].
//
// A claim is taken by inserting its row into application_claims within the
// write, so the table's primary key, not a read in Go, decides between two
// writes claiming one identity, whichever Stores or processes they come
// from; the loser's write stores nothing (on SQLite it is rolled back
// alone and the rest of its batch commits; on PostgreSQL its
// transaction, or its one-statement Create, fails whole). The holder is
// then read and reported as a [*registry.ClaimError]; should it have let
// the claim go in between, the write is tried again. An Update deletes the
// rows of the claims it drops and inserts those it adds, in byte order, so
// that two PostgreSQL writes taking overlapping claims queue rather than
// deadlock.
//
// Uniqueness violations (SQLite's
// constraint result codes, PostgreSQL's SQLSTATE 23505 and the constraint
// it names) become [registry.ErrDuplicateKey] for a taken idempotency key
// and [registry.ErrConflict] for a taken application id, participant code
// or event number, in the order [registry.MemoryStore] checks them.
// PostgreSQL runs a Create as one statement (one round trip).
package sqlstore
