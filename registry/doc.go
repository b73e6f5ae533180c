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
// one [ErrVersionConflict]. Audit events form a hash chain per application
// (each [Event] carries its predecessor's SHA-256), so [VerifyChain] detects
// an edited or deleted event.
package registry
