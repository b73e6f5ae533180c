// Package registry holds participant records, onboarding applications and
// their audit trail, behind a [Store] that is split by concern so callers
// take the narrowest piece: [Participants], [Applications], [AuditLog] and
// the [Writer] that changes all three in one atomic write.
//
// Three stores implement it: [NewMemoryStore] (tests, demos), and the
// database/sql stores for SQLite (the embedded default) and PostgreSQL
// (production, shared by several operator replicas) in package
// registry/sqlstore. The conformance suite in registry/storetest runs
// against each of them.
//
// Writes use optimistic concurrency: an [Application] carries a Version,
// and [Writer.Update] succeeds only when the stored version still equals it,
// so two replicas racing on one application produce exactly one winner and
// one [ErrVersionConflict].
//
// # Audit trail
//
// Audit events form a hash chain per application (each [Event] carries its
// predecessor's SHA-256), so [VerifyChain] detects an event edited or
// deleted on its own. The chain is unkeyed, though: whoever can write the
// store can edit an event, compute every hash after it again, and
// VerifyChain passes. So the operator seals checkpoints: [SealEvent] signs
// an event's hash with the operator's key (Ed25519, ECDSA P-256 or RSA of
// at least 2048 bits), which the store never holds, and whoever writes
// seals the last event of every write (the onboarding engine, given the
// operator's key), a checkpoint per write. [VerifySealedChain] checks the chain and,
// against the operator's public keys (retired ones included, for
// checkpoints sealed before a rotation), that every seal verifies and that
// the trail ends in one. Editing, inserting or removing any event then
// breaks the seal of the checkpoint after it, and appending events needs
// the key. It cannot detect a trail cut back to an earlier checkpoint,
// which ends in a valid seal (compare the trail's length or last hash with
// a copy kept elsewhere), nor events written by someone who holds the key.
// Events stored before seals existed have none; their trail passes once a
// sealed event is appended, since its seal covers them too.
//
// A trail only grows, for as long as its participant stays registered.
// [EventPager], which every store here implements, reads a page of it by
// sequence number from an index, at the cost of the page rather than of
// the trail.
//
// # Claimed identities
//
// An application claims the registry identities it stands for
// ([Application].Claims: an HFR facility, an HPR professional, a ROHINI
// hospital, an IRDA registration, a single-use sandbox certificate), and
// each claim is held by at most one application. The store enforces this
// inside the write that claims it, with a key on the claim in its own
// storage (a primary key in the SQL stores), never by a read before the
// write: of two writes claiming one identity, from two goroutines, two
// Stores or two replicas on one database, exactly one wins, and the other
// fails whole with a [*ClaimError] naming the holding application and its
// participant. An Update replaces the set, so the engine frees a claim by
// dropping it (on rejection, withdrawal, de-boarding). Claims are compared
// byte for byte; [Write] refuses empty or duplicate claims, more than
// [MaxClaims], longer than [MaxClaimLength] bytes, NUL bytes and invalid
// UTF-8. [ClaimReader], which every store here implements, finds the
// holder of a claim. Applications written before a store knew claims (the
// SQL stores before schema version 4) hold none until an Update gives
// them theirs.
//
// [StandingReader], which every store here implements too, reads what the
// check of a participant's access token needs on every call — the
// participant's status and its application's state — in one read.
//
// # Outbox
//
// A message to the outside world (a one-time code, an approval request, a
// go-live broadcast, a de-boarding warning) is written with the state
// change that calls for it: [Write].Outbox holds [OutboxMessage]s that the
// store inserts, pending, in the same transaction, so a write that fails
// stores none of them and a committed one stores all, and a crash between
// the write and the send loses nothing. Each message's ID is unique in the
// store (a write reusing one fails whole with [ErrConflict]) and is the
// idempotency key transports pass on; the payload is opaque, at most
// [MaxOutboxPayload] bytes, and a write carries at most
// [MaxOutboxMessages].
//
// [OutboxStore], an optional capability every store here implements, is
// the dispatcher's side: ClaimOutbox leases due messages to one owner for
// a while, oldest due first; CompleteOutbox and FailOutbox, which only the
// lease holder may call, mark a message sent, or count the failed attempt
// and make it due again later or dead; RetryOutbox sends a dead message
// back, recording when (RetriedAt); ListOutbox pages through messages by
// keyset for staff, and OutboxDepth counts pending and dead ones for
// metrics. [OutboxReader], likewise optional and implemented here, reads
// one message by its ID, as a staff retry names it. A lease keeps
// other dispatchers away until it ends, also on other replicas sharing
// the database; a dispatcher that dies leaves its messages to be claimed
// again when their leases end, so delivery is at least once.
// [OutboxPurger], optional and implemented here, deletes sent messages
// past their retention in bounded batches; pending and dead messages are
// never deleted.
package registry
