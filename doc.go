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
// This root package holds only the shared vocabulary: [Role], [Application]
// (the application JSON contract), [Participant] (a registry record with the
// specification's field names), [Status] and the sentinel errors.
package hcxonboard
