// Package hcxonboard carries the production-onboarding rules of India's
// Health Claims Exchange (HCX), so that an HCX operator backend can import
// them and a participant can check its own application before it applies.
//
// The guideline takes a participant that holds a sandbox certificate to the
// live network in five steps:
//
//  1. Validate the sandbox certificate: issued by a sandbox operator this HCX
//     trusts, for the roles applied for, within its validity
//     ([github.com/openhcx/hcxonboard/onboarding/sandbox]).
//  2. Register on the HCX: verify who the participant is according to its
//     role — documents, IRDA numbers, HFR, HPR and ROHINI look-ups, an OTP to
//     the system admin or to the manager HFR has on record, the empanelling
//     payer's approval, or a manual review
//     ([github.com/openhcx/hcxonboard/verifier],
//     [github.com/openhcx/hcxonboard/hfr],
//     [github.com/openhcx/hcxonboard/rohini]).
//  3. Gather details: endpoint URL, encryption and signing certificates,
//     contacts.
//  4. Provision production credentials: the participant code and a secret
//     shown exactly once ([github.com/openhcx/hcxonboard/onboarding/credential]).
//  5. Go live: activate the participant after the go-live checklist.
//
// The workflow engine that runs these steps is
// [github.com/openhcx/hcxonboard/onboarding]; participant records live in a
// [github.com/openhcx/hcxonboard/registry.Store].
//
// This root package holds the shared vocabulary: [Role], [Application]
// (the application JSON contract), [Participant] (a registry record with the
// specification's field names, its optional payment_details a
// [PaymentDetails] that [NormalizePaymentDetails] checks: a UPI ID, or an
// account number with its IFSC), [Status] and the sentinel errors; and
// what every package needs to keep personal data out of logs
// ([MaskEmail], [MaskMobile], [MaskAccountNumber], [MaskUPIID],
// [RedactText], [RedactingHandler]).
//
// # Packages
//
// The rules, and the registries they consult:
//   - [github.com/openhcx/hcxonboard/verifier]: the guideline's
//     verification table as data, one policy per category, and the checks.
//   - [github.com/openhcx/hcxonboard/hfr]: the ABDM registries (HFR, HPR)
//     and the facility manager's OTP; [github.com/openhcx/hcxonboard/hfr/hfrtest]
//     fakes them in process.
//   - [github.com/openhcx/hcxonboard/rohini]: ROHINI ids and look-ups;
//     [github.com/openhcx/hcxonboard/rohini/rohinitest] fakes the look-up.
//
// The operator's engine and what it stands on:
//   - [github.com/openhcx/hcxonboard/onboarding]: the workflow engine of
//     the five steps; [github.com/openhcx/hcxonboard/onboarding/sandbox]
//     (sandbox certificates and trust lists),
//     [github.com/openhcx/hcxonboard/onboarding/credential] (production
//     credentials), [github.com/openhcx/hcxonboard/onboarding/httpapi] (the
//     HTTP API and staff console) and
//     [github.com/openhcx/hcxonboard/onboarding/metrics] (Prometheus metrics).
//   - [github.com/openhcx/hcxonboard/registry]: participant records and
//     applications; [github.com/openhcx/hcxonboard/registry/sqlstore] keeps
//     them in SQLite or PostgreSQL,
//     [github.com/openhcx/hcxonboard/registry/storetest] is the conformance
//     suite every store runs and
//     [github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest] opens
//     throw-away SQL stores for tests.
//   - [github.com/openhcx/hcxonboard/document]: uploaded documents, sniffed
//     and capped; [github.com/openhcx/hcxonboard/document/documenttest] is
//     the conformance suite of its stores.
//   - [github.com/openhcx/hcxonboard/safefetch]: the one way a URL that
//     came from outside is fetched (https, public addresses, capped).
//   - [github.com/openhcx/hcxonboard/notify]: what the message transports
//     share; [github.com/openhcx/hcxonboard/notify/email],
//     [github.com/openhcx/hcxonboard/notify/sms],
//     [github.com/openhcx/hcxonboard/notify/webhook] and
//     [github.com/openhcx/hcxonboard/notify/route] (a transport per address).
//   - [github.com/openhcx/hcxonboard/readiness]: proof that a participant's
//     endpoint and keys work before go-live;
//     [github.com/openhcx/hcxonboard/readiness/participant] is the
//     participant's side and
//     [github.com/openhcx/hcxonboard/readiness/readinesstest] runs it in
//     tests.
//
// Programs under examples: prevalidate (a participant checks its own
// application offline), operator, bulk, readiness and walkthrough.
package hcxonboard
