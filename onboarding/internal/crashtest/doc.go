// Package crashtest holds process-level tests of the engine's
// transactional outbox over the SQL stores and the signed webhook
// transport; it has no API of its own.
//
// The crash test runs an engine in a subprocess (the test binary run
// again) that submits applications and drives them to go-live while a
// webhook Sender delivers their messages to a receiver in the test; the
// test kills the subprocess with SIGKILL at random points, restarts it to
// drain the outbox, and checks that every message of every acknowledged
// transition was received, and none that no committed write produced.
//
// The dispatch test runs two dispatchers, in two subprocesses, on one
// database with many messages pending, and checks that each message is
// received exactly once.
//
// The scheduler test takes participants live, then runs two operator
// processes on one database, each with the engine's scheduler
// (RunScheduler, sharing its lease; or, in a second variant, RunDue in a
// loop with no lease) and its dispatcher, their clocks moved in steps
// past the certificates' 30-, 15- and 5-day notices and their expiry; it
// checks that each notice, per participant, threshold and recipient, is
// received exactly once in the test's window, and every message the
// passes wrote exactly once.
//
// SQLite runs everywhere; PostgreSQL where HCX_TEST_POSTGRES_DSN names a
// server (a fresh schema per test), and a missing server fails the tests
// where HCX_REQUIRE_SERVICES is set.
package crashtest
