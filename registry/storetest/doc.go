// Package storetest is the conformance suite every [registry.Store] runs.
//
// A store's own test calls [Run] with a constructor that returns a fresh,
// empty store for each subtest and registers its cleanup on the t it is
// given:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) registry.Store {
//			s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "registry.db"))
//			require.NoError(t, err)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite checks the contract the registry package documents, with
// [registry.MemoryStore] as the reference implementation:
//
//   - Create and Update: versions (Create stores version 1, Update
//     increments), replaced fields, participant upserts, the write's
//     validation, and that a store keeps its own copy of what it is given;
//   - the sentinel errors: [registry.ErrNotFound] from every reader and from
//     Update, [registry.ErrVersionConflict] for a stale version,
//     [registry.ErrDuplicateKey] for a taken idempotency key and
//     [registry.ErrConflict] for a taken application id, participant code or
//     audit sequence number;
//   - claimed identities: claims come back in order from every read, a
//     claim held by another application fails Create and Update with a
//     [registry.ClaimError] naming the holder and storing nothing, an
//     Update re-claims, reorders, adds and frees its own claims, a failed
//     write (claim, version or event conflict) leaves the claims alone,
//     invalid claims are refused, [registry.ClaimReader] agrees with the
//     applications' Claims, and of 16 creates or 16 updates racing for
//     one identity exactly one wins;
//   - atomicity: a write that fails leaves nothing behind;
//   - times: every time comes back as the instant written, in UTC and
//     without a monotonic clock reading, whatever zone it was written in;
//   - the audit trail: events come back in order, chained, with their times
//     exact to the nanosecond and their seals, so [registry.VerifyChain]
//     and, for a trail ending in a sealed event,
//     [registry.VerifySealedChain] pass;
//   - paging the audit trail, when the store is a [registry.EventPager]:
//     the events after a sequence number are exactly that stretch of the
//     trail, so pages of any size from 1 to [registry.MaxEventsLimit]
//     together are a trail of 250 events, in order; past the end, on an
//     empty trail and for another application nothing is answered, an
//     unknown application is [registry.ErrNotFound];
//   - search: every operator of [registry.Condition] on scalar and list
//     fields, case folding, LIKE wildcards taken literally, gt/lt on times,
//     ordering by creation time then code, and limit/offset paging through
//     2,500 participants, each expectation cross-checked against
//     [registry.Query.Match];
//   - ListApplications by stage and open task, with paging;
//   - concurrency: of several updates from one version exactly one wins, 16
//     writers retrying on conflict lose no update, and racing creates with
//     one key or one participant code produce one winner;
//   - a cancelled context fails every call and writes nothing;
//   - the outbox, when the store is a [registry.OutboxStore]: messages are
//     stored with the Create or Update that carries them and with none
//     that fails (version, claim, event or message id conflict, invalid
//     messages), a claim leases due messages earliest due first and skips
//     leased ones until their lease ends, only the lease holder completes
//     or fails a message, failures count attempts and reschedule or go
//     dead, dead messages are retried, a message is read by its id in
//     every state (when the store is also a [registry.OutboxReader]),
//     listing pages by keyset and filters by state and application, and
//     16 claimers racing never lease one message to two owners.
//
// Every subtest runs in parallel on its own store, so a store that shares a
// database between instances must isolate them (a fresh file, schema or
// database per call of the constructor).
package storetest
