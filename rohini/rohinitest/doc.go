// Package rohinitest runs a fake ROHINI look-up server in process, for
// tests and for demos where no real endpoint is configured.
//
// The fake speaks the shape [rohini.HTTPLookup] reads by default: GET
// /hospitals/{id}, or POST /hospitals (or /hospitals/{id}, where
// WithMethod("POST") alone sends it) with {"rohini_id": id}, answering one
// JSON object with the [rohini.DefaultFieldNames] members, or 404. It is
// seeded with [DemoHospitals] and can inject faults: latency, failing
// statuses with Retry-After, malformed bodies, and answers about the wrong
// hospital. It needs no testing.TB, so a program can run it too.
package rohinitest
