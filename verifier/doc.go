// Package verifier carries the verification table of the HCX production
// onboarding guideline (step 2, "Registration on HCX") as data, and checks
// applications against it.
//
// # Categories and policies
//
// Who an applicant is decides what it must show. [Categorize] places an
// application in one or more of the guideline's rows — payer,
// state_scheme, corporate_sponsor, tpa, isnp, abdm_provider,
// abdm_practitioner, rohini_provider, empanelled_provider, regulator, bsp
// — from its roles and the identifiers it offers: a provider with an HFR
// facility ID is abdm_provider, else with a ROHINI ID rohini_provider,
// else empanelled_provider; provider.practitioner with an HPR ID is
// abdm_practitioner; agency.sponsor splits by sponsor_kind. An application
// whose roles span several rows gets every row's [Policy].
//
// A Policy is a list of [Requirement]s, each with a stable
// [RequirementID] and a [Check]. [DefaultPolicies] is the guideline's
// table; every part of it can be changed (see "Extending").
//
// A category whose policy does not ask for the registered e-mail
// (registered_email) may leave primary_email out; one given all the same
// must be an address, or the report holds registered_email invalid, since
// the registry publishes it and the operator writes to it.
//
// # NHCX role codes
//
// NHCX registers participants under numeric role codes. They decode
// ([hcxonboard.ParseRole], JSON numbers or strings) to the HCX roles they
// stand for, and the built-in resolver places those:
//
//	10001 PROVIDER          provider          abdm_provider, rohini_provider or empanelled_provider (by identifiers)
//	10002 PAYER             payer             payer
//	10003 AGENCY_TPA        agency.tpa        tpa
//	10004 AGENCY_REGULATOR  agency.regulator  regulator
//	10005 RESEARCH          research          regulator (case by case)
//	10006 MEMBER_ISNP       member.isnp       isnp
//	10007 AGENCY_SPONSOR    agency.sponsor    state_scheme or corporate_sponsor (by sponsor_kind)
//	10008 HIE_HIO_HCX       HIE/HIO.HCX       regulator (case by case)
//	10009 EUA               bsp               bsp
//
// EUA, an end-user application such as a personal health record app, is
// the beneficiary-facing role the HCX specification calls bsp, and is
// checked as one. An operator that treats research, HIE/HIO.HCX or EUA
// differently gives them a category of their own.
//
// # Extending
//
// Any HCX operator embeds the guideline's rules and adapts them to its own
// onboarding policy, through options of [New]; bad wiring is an error from
// New. From the smallest change to the largest:
//
//   - A requirement added, replaced or dropped in one category: take
//     DefaultPolicies()[c], use [Policy.With] and [Policy.Without], and
//     install it with [WithPolicy]. A replaced requirement keeps its ID, so
//     the onboarding engine and every tool read it as before. Checks for
//     common needs: [DocumentRequirement] (a document of a kind, which
//     the onboarding engine holds before it relies on it; its check is
//     [RequireDocument]) and
//     [RequireReview] (staff decide: pending review). Any func of type
//     [Check] will do.
//   - A category of the operator's own: [WithPolicy] with a new name (a
//     lower-case word, such as "research"). Reports list it after the
//     built-in categories. A policy alone places nobody in it: add a
//     resolver rule.
//   - Who falls into which category: [WithResolver] with a [Resolver].
//     Wrap the built-in rule rather than copy it: a [ByRole] that answers
//     for the roles it cares about and hands every other role to
//     [ResolveRole], or a [ResolverFunc] that calls [Categorize] and adds
//     to what it returns. A category without a policy, no category at
//     all, or a resolver error the package does not know, leaves
//     case_review pending review.
//   - Code for a role rather than policy data: [WithRoleVerifier] runs any
//     [Verifier] (a [VerifierFunc], or another Checker) for the
//     applications with that role, after the policies. Its results join
//     the same report by requirement ID, the worse outcome winning, so it
//     can tighten a built-in requirement but never loosen one.
//   - The whole policy as data: a [PolicyFile] (JSON, "version": 1: the
//     categories, their requirement IDs and which check of this package
//     decides each, and the roles an operator category takes), read with
//     [ParsePolicyFile] and installed with [WithPolicyFile]. Operators
//     publish its [PolicyFile.Complete] form, and applicants check their
//     application against it before they apply (examples/prevalidate
//     -policy). [CheckNames] lists the checks a file may name.
//   - Whole verification: any [Verifier] given to the onboarding engine.
//
// Requirement IDs an operator adds are as stable a contract as the
// built-in ones: reports, the onboarding engine's tasks and applicants'
// tools all match on them. The engine keeps identity_dispute, amendment
// and certificate_expired for tasks of its own and refuses a verifier
// that uses them. The engine opens a task for each pending
// result by its [TaskKind] — review for a person — whatever category it
// came from.
//
// # Outcomes and the verdict
//
// Every requirement ends in one [Outcome]: satisfied, missing, invalid
// (given but wrong: a GSTIN check character, a ROHINI check digit, an
// expired licence, a facility HFR does not know) or pending (not settled
// by looking at the application: an OTP, a registry look-up, a payer's or
// a person's decision; [Result.Task] says which: [TaskOTP], [TaskHFROTP],
// [TaskHPRAuth], [TaskApproval], [TaskReview], [TaskRetry] or
// [TaskAwaitRegistry]). The [Report]'s
// [Verdict] is invalid if any requirement is invalid, else incomplete if
// any is missing, else ready — pending requirements are the onboarding
// workflow's work, not the applicant's.
//
// # Offline and online
//
// [New] without options is the participant's own pre-validation: every
// format rule (GSTIN, ROHINI ID, HFR and HPR IDs, IRDA numbers, mobile,
// e-mail, licence validity, document references) and the sandbox
// certificate's structure, time window, roles and binding to the applicant
// (a participant certificate's sub must be the application's
// sandbox_participant_code, which is missing when not given); its
// signature needs a trust list ([WithSandboxVerifier]). The operator adds
// registries through small interfaces that the project's adapters satisfy:
// [FacilityRegistry], [ProfessionalRegistry] and [ProfessionalAuth]
// (*hfr.Client), [RohiniLookup] (every rohini.Lookup) and [PayerDirectory]
// (the keys payers sign empanelment proofs with). What a registry says can
// make a requirement invalid (no such facility, an expired ROHINI
// registration); a registry that cannot be reached never does — the
// requirement stays pending with task retry and the cause.
//
// # Evidence that belongs to the applicant
//
// An online check does not stop at "the registry knows this ID": it
// compares what the registry holds with what the application says, one
// [Finding] per field, the applicant's value beside the registry's. A
// field that does not match never satisfies a requirement: it is pending
// review (task review) with the findings, for a person to judge; every
// field matching is satisfied. Names are compared with [SameName] (case,
// punctuation, spacing, common abbreviations and legal forms do not
// count), pincodes by their digits. The findings per check:
//
//   - hfr_lookup (source "hfr"): status (one of WithHFRStatuses, default
//     Approved, Verified, Active), facility_type (fits every provider role
//     applied for, by the table of DefaultFacilityTypes and
//     WithFacilityTypes), name, pincode. A facility still in HFR's own
//     process (WithHFRPipelineStatuses, default Draft, Submitted, Created,
//     Saved) is not refused: hfr_lookup is pending with task
//     await_registry — the application waits and is checked again, and
//     goes on once HFR has verified the facility.
//   - hpr_check (source "hpr"): hpr_id (when the registry echoes it),
//     name (participant_name or system_admin.name, as a person's name:
//     titles and word order do not count), registration (a council
//     registration not past its renewal date; a due date in a shape that
//     cannot be read does not count as active), council_verified, active
//     and application_status (when HPR sends them: a record HPR holds as
//     not active, or an application status other than Approved or
//     Verified, goes to review), and by default auth_methods. By default the professional must prove to be
//     the HPR ID's holder through HPR's own authentication: a professional
//     HPR knows leaves hpr_check pending with task hpr_auth, whatever the
//     comparison found; the workflow runs [ProfessionalAuth] with the
//     applicant and decides hpr_check with [ConfirmProfessional] on the
//     authenticated profile (invalid if it is another professional, review
//     on any difference, else satisfied). [WithHPRAPIOnly] settles it from
//     the look-up instead.
//   - rohini_verification (source "rohini"): name, pincode, and status and
//     valid_until when ROHINI gives them; an expired registration is
//     invalid. A match shows that the details are ROHINI's, as the
//     guideline asks ("lookup or manual verification by ROHINI admin"),
//     not that the applicant acts for the hospital: ROHINI holds no
//     contact to send a code to, as HFR holds its facility manager's, and
//     IIB's lists are public. The claim on the ROHINI id stops a second
//     participant, and the onboarding engine's WithIdentityDisputes
//     routes the hospital's own later claim to staff. An operator who
//     wants a person to confirm each ROHINI hospital first adds a
//     requirement that waits on review to the policy ([Policy.With], as
//     in the example of [WithPolicy]).
//   - payer_approval (source "payer"), from a payer-signed proof: payer,
//     empanelment_id, valid_until and status of the contract, the
//     facility's hfr_id, rohini_id, facility_licence, pincode and name as
//     the proof names them, and scheme. A proof must name this facility
//     (see [EmpanelmentProofType]): one naming another facility, or none,
//     is invalid — as is one naming an HFR or ROHINI id the application
//     does not give — and so is one whose contract has ended or is not
//     active; a proof whose name alone differs goes to review. A verified
//     proof's single-use key is in [Result.Claims], "empanelment:<iss>|<jti>"
//     (or "empanelment:<iss>|<sub>" without a jti); [EmpanelmentProofClaim]
//     gives it for a proof whose signature could not be checked, for a
//     workflow to consume once the payer approved. An empanelment ID without
//     a proof leaves empanelment_proof and payer_approval pending the
//     payer's confirmation (task approval).
//
// A participant sandbox certificate whose signature was verified backs one
// participant: its single-use key is in [Result.Claims] of
// sandbox_certificate, [SandboxClaim] ("sandbox:<iss>|<jti>"). A solution
// certificate, which many participants rely on, has none.
//
// The validators are exported for forms and tools: [ValidateGSTIN],
// [NormalizeGSTIN], [ValidateHFRID], [NormalizeHPRID],
// [ValidateIRDARegistration], [NormalizeMobile], [ValidateEmail], and the
// name comparison [SameName] with [NormalizeName]. Their
// errors are [*RuleError]s wrapping a sentinel such as [ErrInvalidGSTIN];
// mobile numbers, e-mail addresses and malformed HPR IDs in errors and
// messages are masked.
package verifier
