// Package onboarding is the HCX operator's onboarding engine: the
// guideline's five steps as one audited state machine over a
// [registry.Store], with production credentials and de-boarding.
//
// # The flow
//
// An operator backend builds one [Service] with [New] and calls it for every
// step; the Service keeps nothing in memory between calls, so replicas may
// share a store.
//
//  1. [Service.Submit] validates the sandbox certificate (with
//     [WithSandbox]: an invalid, inapplicable or unbound one refuses the
//     application at once with a [*RefusedError], and stores nothing).
//  2. Submit then runs the category's verification ([WithVerifier]):
//     offline first (refused on its face: nothing stored), then online;
//     what a registry refuses rejects the application. Otherwise it
//     registers the participant (status Created, a new participant code,
//     linked_registry_codes such as "IN2910000123@hfr"), and what waits on
//     the outside world becomes a [Task]:
//     - "otp": a 6-digit code to the system admin through the [Notifier] —
//     or, for ABDM facilities, HFR's own OTP to the manager HFR holds
//     ([WithFacilityOTP]), who is also told of the attempt. Codes are stored
//     only as salted HMACs, expire (10 minutes), take 3 wrong tries before
//     the task locks, and 5 new codes a day: [Service.ConfirmOTP],
//     [Service.ResendOTP].
//     - "approval": the empanelling payer confirms an empanelled-only
//     provider ([Service.Decide]); a proof the payer signed settles it at
//     once. The request goes to the payer's participant code
//     (empanelment.payer_code); without one, or when the code is an
//     address of another kind (Broadcast, Staff, a facility's HFR
//     manager, an e-mail or mobile no participant holds as its code), it
//     goes to Staff, who confirm with the payer by other means and decide
//     for it: what the applicant typed never addresses a message.
//     - "review": staff, a regulator or a ROHINI administrator decide
//     ([Service.Decide]).
//     - "retry": a registry was unreachable; [Service.Recheck] runs the
//     online checks again. An outage never rejects an application.
//     - "upload": with [WithDocuments], a document the application
//     references waits until the operator holds it — uploaded
//     ([Service.UploadDocument]) or fetched from its https address with
//     its digest verified — and then, for a kind staff read
//     ([WithDocumentReview]), a "review" reads it. Only a reviewer who
//     was served that document ([Service.RecordDocumentView], which the
//     console and the staff API call as they serve it) may approve the
//     review, else [ErrNotRead] ([WithReadBeforeApproval]). Every document
//     requirement of the application's policies counts, an operator's own
//     (verifier.Requirement.Document) too.
//     When every requirement is settled the application moves to step 3.
//  3. [Service.SubmitDetails] checks the endpoint URL (https, a DNS name,
//     no port unless allowed, not the HCX's own) and the encryption and
//     signing certificates (X.509, RSA of at least 2048 bits, not expired;
//     PEM or an https URL fetched with a size cap), recording their expiry,
//     and the optional payment details — a UPI ID, or an account number
//     with its IFSC ([hcxonboard.NormalizePaymentDetails]) — which go into
//     the participant record's payment_details.
//  4. [Service.Provision] returns the participant code and the production
//     secret, shown once and kept only as a hash; [Service.RotateSecret],
//     [Service.ReportCompromise], [Service.Token], [Service.VerifyToken] and
//     [Service.JWKSHandler] use it.
//  5. [Service.GoLive] activates a provisioned participant once the go-live
//     checklist (pilot, staff training) is confirmed, and broadcasts it.
//
// After go-live: [Service.Suspend] and [Service.Reinstate] (Active ↔
// Blocked; a participant the scheduler suspended for an expired
// certificate, which valid certificates reinstate, staff may suspend too,
// and then only Reinstate ends it: [Application.SuspendedAtExpiry]);
// [Service.Deboard] — voluntary de-boarding is immediate, one
// initiated by a regulator or the HCX is announced and takes effect after
// a notice period ([Service.ProcessDeboardings]; tokens are refused from
// the effective time on, before the sweep) unless the participant wins an
// [Service.Appeal]; [Service.ExpiringCertificates] lists the
// certificates to renew.
//
// # One transition function
//
// Every change goes through one function that looks the move up in a table
// of allowed (position, action) → position edges — a position is the stage
// before go-live and the participant's registry status after it — and
// refuses anything else with a [*TransitionError] naming both ends. It
// writes the application with optimistic concurrency (the version read;
// after a conflict the whole operation is re-applied to the newer record,
// so of fifty racing calls exactly one wins), the participant whose status
// follows the stage, and the audit [registry.Event] in the same store
// write. Events form a hash chain anchored in the application record;
// [Service.VerifyChain] detects an edited, deleted or appended event.
//
// With [WithAuditKey] the last event of every write is sealed with the
// operator's key, so someone who can write to the database but does not
// hold the key cannot rewrite history and recompute the chain unnoticed.
//
// # Proving who the applicant is
//
//   - One identity, one participant: the registry identities an
//     application claims (HFR facility, HPR professional, ROHINI hospital,
//     IRDA registration per register) and its single-use evidence (a
//     participant sandbox certificate, a payer-signed empanelment proof)
//     are claimed inside the registering write (registry.Application
//     Claims), so the database decides the one winner across replicas. A
//     second claim is refused naming the holder's participant code, never
//     its contacts; [WithIdentityDisputes] sends it to a staff review
//     instead, and the disputed identity is not among the participant's
//     linked registry codes until staff approve it. Rejection, withdrawal
//     and de-boarding free identities. A signed proof whose signature could
//     not be checked is consumed when the payer (or staff for it) approves
//     the empanelment.
//   - A registry that answers with the record of another facility than
//     the one asked settles nothing: a person reviews it, and the consented
//     HFR fetch takes nothing from it.
//   - Sandbox certificates are bound: a participant certificate's sub must
//     be the application's sandbox_participant_code and its
//     participant_name the applicant's ([verifier.CertifiedName]: for a
//     practitioner, the same person); a solution certificate backs many
//     participants, recorded as a linked registry code ([Service.RelyingOn]).
//   - Registry evidence is compared field by field; a difference becomes a
//     review carrying the findings; a facility still in HFR's own process
//     waits ("await", [Service.ExpireWaiting]).
//   - The HFR manager's confirmed code is the consent to read the
//     facility's HFR record into the participant, each field with its
//     source; practitioners authenticate through HPR
//     ([WithProfessionalAuth]); the manager may decline ([Service.Decline]).
//
// # People and their decisions
//
// Payers answer the approval requests addressed to them
// ([Service.ApprovalRequests], [Service.AnswerApprovals]); whoever approved
// an application's reviews, in any round, may not take it live
// ([WithFourEyes]); a document review is approved only by a reviewer who
// read the document ([WithReadBeforeApproval]); a
// reviewer can send an application back ([Service.SendBack]) and the
// applicant amend it ([Service.Amend]); a live participant steps up
// ([Service.RequestStepUp]) before moving its endpoint or leaving. An
// application the offline checks refuse is answered with a
// [*RefusedError] and nothing is stored.
//
// # Nothing lost
//
// With a store that keeps an outbox (all three do), every message is
// written in the same store write as the change that causes it, sealed,
// delivered at once and again by [Service.DispatchOutbox] until it is sent
// or becomes a dead letter ([Service.DeadLetters]).
//
// # Scheduled work
//
// Every write works out when the application's next scheduled work falls
// due and stores it (registry.Application.DueAt, indexed by every store):
// certificate-expiry notices at 30, 15 and 5 days and at expiry (staff are
// told and see the participant in the queue; [SchedulePolicy] can suspend
// it), production-secret reminders, idle applications withdrawn with
// notice, announced de-boardings, registry waits run out, and readiness
// re-checked after details change and daily ([WithSchedule]).
// [Service.RunDue] does what is due, reading only the due applications;
// [Service.RunScheduler] runs it periodically, one replica at a time
// through a store lease, and retries the outbox's due messages at each
// pass ([Service.DispatchOutbox], safe beside other dispatchers). Each piece of work is one versioned write that
// also records the notice it sends, so replicas racing send it once.
//
// Secrets, one-time codes and tokens never appear in the store in plain
// text, in the audit trail, in errors or in the log; e-mail addresses and
// mobile numbers are masked in the log, even inside error texts that came
// from elsewhere. A Service refuses to run without [WithOTPKey].
package onboarding
