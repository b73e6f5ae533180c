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
// table; operators extend or trim a policy with [Policy.With] and
// [Policy.Without] and install it with [WithPolicy].
//
// # Outcomes and the verdict
//
// Every requirement ends in one [Outcome]: satisfied, missing, invalid
// (given but wrong: a GSTIN check character, a ROHINI check digit, an
// expired licence, a facility HFR does not know) or pending (not settled
// by looking at the application: an OTP, a registry look-up, a payer's or
// a person's decision; [Result.Task] says which). The [Report]'s
// [Verdict] is invalid if any requirement is invalid, else incomplete if
// any is missing, else ready — pending requirements are the onboarding
// workflow's work, not the applicant's.
//
// # Offline and online
//
// [New] without options is the participant's own pre-validation: every
// format rule (GSTIN, ROHINI ID, HFR and HPR IDs, IRDA numbers, mobile,
// e-mail, licence validity, document references) and the sandbox
// certificate's structure, time window and roles; its signature needs a
// trust list ([WithSandboxVerifier]). The operator adds registries through
// small interfaces that the project's adapters satisfy:
// [FacilityRegistry] and [ProfessionalRegistry] (*hfr.Client),
// [RohiniLookup] (every rohini.Lookup) and [PayerDirectory] (the keys
// payers sign empanelment proofs with). What a registry says can make a
// requirement invalid (no such facility, a Draft facility); a registry
// that cannot be reached never does — the requirement stays pending with
// task retry and the cause.
//
// The validators are exported for forms and tools: [ValidateGSTIN],
// [NormalizeGSTIN], [ValidateHFRID], [NormalizeHPRID],
// [ValidateIRDARegistration], [NormalizeMobile], [ValidateEmail]. Their
// errors are [*RuleError]s wrapping a sentinel such as [ErrInvalidGSTIN];
// mobile numbers and e-mail addresses in errors and messages are masked.
package verifier
