// Package rohini checks ROHINI hospital ids and looks hospitals up.
//
// ROHINI (Registry of Hospitals in the Network of Insurance) is kept by the
// Insurance Information Bureau of India (IIB). Every hospital in an insurer's
// or TPA's network has a ROHINI id: a 13-digit GS1 Global Location Number
// with the GS1 India prefix 890 and a GS1 mod-10 check digit. The HCX
// onboarding guideline verifies a hospital outside ABDM by "lookup or manual
// verification by ROHINI admin".
//
// [Validate] checks an id offline and [Normalize] cleans typed input first.
//
// IIB publishes no public look-up API, so [Lookup] is an extension point with
// three implementations:
//
//   - [HTTPLookup]: a JSON look-up endpoint the operator has access to
//     (bilateral or self-hosted); path, method and field names are options.
//   - [Directory]: an in-memory index of an IIB CSV or JSON extract.
//   - [Manual]: always answers [ErrManualReview], so a person checks the id.
//
// All three validate the id first: a malformed id is [ErrInvalidID] and no
// request is made. Errors wrap one of [ErrInvalidID], [ErrNotFound],
// [ErrUnavailable] or [ErrManualReview]; branch with errors.Is.
//
// Package [github.com/openhcx/hcxonboard/rohini/rohinitest] has a fake
// look-up server for tests and demos.
package rohini
