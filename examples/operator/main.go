// Command operator is an HCX operator backend in one binary, for trying
// the library out: the onboarding engine over a SQLite file, the HTTP API
// and the staff review console (package onboarding/httpapi), a demo
// sandbox issuer, and in-process fake HFR/HPR and ROHINI registries unless
// real endpoints are configured.
//
//	go run ./examples/operator
//
// It prints the URLs, two staff tokens (once) — a reviewer's and an
// approver's, since the person who approves reviews may not also take the
// participant live — the demo trust list, and one sample application per
// verification category to submit with curl, or to take to Active in one
// go with examples/walkthrough. One-time codes are printed to the console
// and also appended to demo-codes.jsonl in the data directory, for the
// walkthrough: demo behaviour only — a real operator delivers them by
// e-mail or SMS and never logs or stores them.
//
// Messages go through the transactional outbox, which a dispatcher in the
// process retries every -outbox-interval. With no transport configured
// every message is printed to the console, as above. Flags and the
// environment configure real ones, combined by address (notify/route):
// e-mail over SMTP (notify/email), SMS through an HTTP gateway
// (notify/sms), and webhooks to each participant's registered endpoint,
// signed with the operator's token key so that receivers verify them
// with its JWKS at /v1/onboarding/jwks (notify/webhook); every other
// address, and every kind whose transport is not configured, still goes
// to the console.
//
// The engine's scheduler runs in the process (Service.RunScheduler),
// every -schedule-interval: certificate notices 30, 15 and 5 days ahead
// and at expiry, production-secret reminders, idle applications
// withdrawn, announced de-boardings taking effect, registry waits run
// out, readiness re-checked after details change and daily, and the
// outbox's failed messages retried (the outbox dispatcher retries them
// too, every -outbox-interval; a message is leased to one of the two at a
// time). /readyz fails when its passes, or the outbox dispatcher's, stop.
//
// Go-live readiness (package readiness) is required by default
// (-readiness): after step 3, POST /v1/onboarding/applications/{id}/readiness
// (or the console) challenges the participant's endpoint_url at
// /hcx-onboarding/readiness with a challenge the operator signed, and the
// participant must answer it, decrypt a nonce encrypted to its
// encryption_cert and sign one with its signing key; go-live waits on a
// passed report no older than a day. The challenges are signed with a key
// derived from the seed, published at /readiness-jwks.json under issuer
// -instance, and sent through the SSRF-safe fetcher (package safefetch).
//
// DEMO ONLY, for the walkthrough, whose participant endpoints run on
// loopback: endpoint_url may name a port; the host
// participants.hcx-demo.localhost resolves to 127.0.0.1 and is the one
// host the fetcher lets reach a non-public address; and the Checker
// trusts a demo CA made at each start (demo-ca.pem, its key never
// written), whose TLS certificate for that host and key are in
// demo-endpoint-tls.pem. The demo participants' private keys — of the
// encryption and signing certificates in details.json — are in
// demo-participant-encryption-key.pem and demo-participant-signing-key.pem,
// and demo-readiness.json tells the walkthrough where all this is. A real
// operator passes none of these allowances, and never holds a
// participant's private key; the library's defaults refuse all of it.
//
// -profile says how the HCX specification's routes (/v0.9/participant/…)
// write participant records: spec (the default: HCX v0.9, certificates by
// URL), own (this library's, certificates inline), platform (the
// reference HCX platform's: "payor", osid, osOwner) or nhcx (NHA's NHCX:
// numeric role codes, base64 certificates). Access tokens follow it: own
// issues this library's EdDSA tokens; spec, platform and nhcx their RS256
// profile (credential.WithProfile), signed with an RSA key kept in
// <data>/token-rsa.pem.
//
// Prometheus scrapes /metrics (package onboarding/metrics: applications
// by stage, task age, outbox depth, deliveries by transport, registry
// calls, tokens, and the Go runtime); /healthz and /readyz answer load
// balancers.
//
// Flags:
//
//	-addr          listen address (default 127.0.0.1:8080)
//	-data          directory for the key seed, the database, the samples,
//	               uploaded documents and demo-codes.jsonl
//	               (default <temp dir>/hcxonboard-demo); refused unless it
//	               is a directory of the user's that others cannot write
//	-db            SQLite file (default <data>/registry.db)
//	-instance      HCX instance code ending participant codes (default hcx):
//	               letters, digits and inner '-', no '.', not hfr
//	-hfr-gateway   ABDM gateway base URL; with -hfr-registry and -hfr-client-id
//	-hfr-registry  HFR/HPR base URL, version prefix included
//	-hfr-client-id gateway client id; the secret comes from HFR_CLIENT_SECRET
//	-hfr-env       sandbox or production (default sandbox)
//	-rohini-url    ROHINI look-up base URL
//	-policy        onboarding policy file (JSON, verifier.PolicyFile), published
//	               at /policy.json (default: the guideline's)
//	-outbox-interval how often the outbox dispatcher retries (default 10s)
//	-schedule-interval how often the scheduler runs what is due (default 1m,
//	               a second to 8 hours)
//	-schedule-workers how many applications a scheduler pass works on at
//	               once (default 8, 1 to 64)
//	-profile       own, spec (default), platform or nhcx: how the
//	               specification's routes write participant records
//	-readiness     required (default), optional or off: the go-live
//	               readiness checks of participants' endpoints and keys
//	-smtp-host     SMTP server: e-mail is sent, not printed; with -smtp-from
//	-smtp-port     SMTP port (default 587, or 465 with -smtp-security tls)
//	-smtp-from     sender address, e.g. 'HCX Onboarding <onboarding@operator.example>'
//	-smtp-security starttls (default), tls (implicit) or plain (loopback relays only)
//	-smtp-user     SMTP AUTH user; the password comes from SMTP_PASSWORD
//	-staff-email   the review staff's mailbox, for messages to staff
//	-webhooks      messages for participants go to their endpoint_url as
//	               signed webhooks
//	-sms-url       SMS gateway URL template (notify/sms): mobile numbers get SMS;
//	               credentials from SMS_AUTHORIZATION (an Authorization header)
//	               or -sms-user with SMS_PASSWORD (basic authentication)
//	-sms-user      SMS gateway basic-auth user
//	-sms-form      POST the URL's query as a form body
//
// Everything it keeps is in the data directory: the key seed (so a
// restart keeps applicant tokens and codes valid), the database of
// applications and participants (unless -db puts it elsewhere), uploaded
// documents, the demo participants' keys. Stop it and delete the directory to start afresh. Staff
// tokens are new on every start.
//
// SIGINT or SIGTERM shuts it down gracefully; a second one stops it at
// once. Exit status: 0 after a graceful stop (or -h), 2 for a flag or
// setting that cannot work, 1 when the operator fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first signal stops gracefully; the next, from an operator
		// who will not wait for requests under way, stops at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout)
	// -h or -help: the usage is printed, and asking for it is no error.
	if code := exitStatus(err); code != 0 {
		fmt.Fprintln(os.Stderr, "operator:", err)
		stop()
		os.Exit(code) // 2: a bad flag or setting; 1: the operator failed
	}
}

// usage prints what -h shows: what the program is, where its state lives
// and the flags.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, `Usage: go run ./examples/operator [flags]

An HCX operator backend for trying the library: the onboarding API and the
staff console over a SQLite file, a demo sandbox issuer, and in-process fake
HFR/HPR and ROHINI registries unless real ones are configured. It prints the
URLs, two staff tokens (a reviewer's and an approver's), and the sample
applications it wrote, one per verification category.

Messages are printed to this console unless transports are configured
(-smtp-*, -sms-*, -webhooks; secrets in SMTP_PASSWORD, SMS_PASSWORD,
SMS_AUTHORIZATION). Prometheus metrics are at /metrics. The scheduler runs
in the process every -schedule-interval: certificate and secret notices,
idle applications, de-boardings, readiness re-checks.

Go-live waits on the readiness checks (-readiness required): the operator
challenges the participant's endpoint at /hcx-onboarding/readiness, signed
with the key it publishes at /readiness-jwks.json. DEMO ONLY, for the
walkthrough's endpoints on loopback: endpoints may name a port, the host
participants.hcx-demo.localhost reaches 127.0.0.1 with a certificate from a
demo CA, and the demo participants' private keys are written to -data.
-readiness off drops the checks and these allowances.

State lives in -data (the database too, unless -db puts it elsewhere).
It holds the seed of every operator key, so it must be yours alone: a
symbolic link, another user's directory or one others may write is
refused. Stop the operator and delete that directory to start afresh.
Take every sample to Active from another terminal with
  go run ./examples/walkthrough -reviewer-token <…> -approver-token <…>

Flags:
`)
	fs.PrintDefaults()
}
