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
// SQLite runs everywhere; PostgreSQL where HCX_TEST_POSTGRES_DSN names a
// server (a fresh schema per test), and a missing server fails the tests
// where HCX_REQUIRE_SERVICES is set.
package crashtest
