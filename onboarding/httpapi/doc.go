// Package httpapi serves the onboarding engine (package onboarding) over
// HTTP: a JSON API for applicants, participants and operator staff, a
// server-rendered review console for staff under /console/, and an
// OpenAPI 3 document at /openapi.json built from the same route table the
// mux is given, so the two cannot drift apart. A request schema requires
// only what the server cannot do without (a type both read and answered
// has a request schema of its own, "…Input", and an amendment a merge
// patch schema, "…Patch") and reads every spelling the server reads; an
// answer writes a list or a map with nothing in it as [] or {}, never
// null. Every operation carries an example, and a test drives every route
// through kin-openapi's request and response validation.
//
//	svc, _ := onboarding.New(store, onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(n),
//		onboarding.WithOTPKey(otpKey)) // a secret kept outside the database
//	staff, _ := httpapi.StaffTokens(map[string]string{"asha": os.Getenv("STAFF_TOKEN_ASHA")})
//	h, _ := httpapi.New(svc, httpapi.WithStaffAuth(staff), httpapi.WithApplicantKey(key))
//	http.ListenAndServe(addr, h)
//
// # Routes
//
// The applicant (the applicant token, see below):
//
//	POST /v1/onboarding/applications                                 apply: the application JSON (strict); 201 with applicant_token
//	GET  /v1/onboarding/applications/{id}                            status, requirements, tasks
//	POST /v1/onboarding/applications/{id}/tasks/{task}/otp           {"otp": "123456"}
//	POST /v1/onboarding/applications/{id}/tasks/{task}/otp/resend    a new code
//	PUT  /v1/onboarding/applications/{id}/details                    step 3: endpoint_url, encryption_cert, …
//	POST /v1/onboarding/applications/{id}/credentials                step 4: participant code and secret, once
//	POST /v1/onboarding/applications/{id}/withdraw                   {"reason"}
//	POST /v1/onboarding/applications/{id}/deboard                    voluntary de-boarding, {"reason"}
//	POST /v1/onboarding/applications/{id}/appeal                     appeal an announced de-boarding
//	POST /v1/onboarding/applications/{id}/compromise                 report a leaked secret
//	POST /v1/onboarding/applications/{id}/documents?kind=…           upload a document: the raw file, Content-Type its type; 201
//	GET  /v1/onboarding/applications/{id}/documents                  the documents held (metadata, never content)
//
// Participants and everyone:
//
//	POST /v1/onboarding/credentials/rotate     participant code + live secret → a new secret
//	POST /v1/onboarding/token                  participant code + secret → access token
//	GET  /v1/onboarding/jwks                   the token verification keys
//	POST /v1/onboarding/participants/search    registry search {filters, limit, offset|cursor}: access token or staff
//	GET  /openapi.json                         the OpenAPI document
//
// Operator staff (a staff credential):
//
//	GET  /v1/onboarding/staff/applications                          the queue (?stage, waiting, participant_code, limit, offset|cursor)
//	GET  /v1/onboarding/staff/applications/{id}                     one application
//	GET  /v1/onboarding/staff/applications/{id}/events              the audit trail and its chain check (?limit, cursor)
//	GET  /v1/onboarding/staff/applications/{id}/documents           the documents held
//	GET  /v1/onboarding/staff/applications/{id}/documents/{doc}     one document's content (audited; read it before approving its review)
//	POST /v1/onboarding/staff/applications/{id}/tasks/{task}/decision  {"decision": "approve"|"reject", "reason", "seen"}
//	POST /v1/onboarding/staff/applications/{id}/recheck             the online checks again
//	POST /v1/onboarding/staff/applications/{id}/go-live             step 5, with the checklist (and "details_seen")
//	POST /v1/onboarding/staff/applications/{id}/credentials         a new secret for a live participant whose secrets expired or were revoked
//	POST /v1/onboarding/staff/applications/{id}/suspend             {"reason"}
//	POST /v1/onboarding/staff/applications/{id}/reinstate           {"reason"}
//	POST /v1/onboarding/staff/applications/{id}/deboard             {"initiator", "reason"}
//	GET  /v1/onboarding/staff/certificates/expiring                 ?within_days=30, limit, cursor
//	GET  /v1/onboarding/staff/outbox                                the dead letters, oldest first (?limit, cursor)
//	POST /v1/onboarding/staff/outbox/retry                          {"id"}: send a dead letter again (reviewer)
//	POST /v1/onboarding/staff/deboardings/process                   announced de-boardings that are due
//
// # Pages
//
// Every listing and search answers a page and, when more follow, "next":
// an opaque cursor that the same request takes as cursor (in the search
// body, or as ?cursor=) for the page after. Paging by cursor costs the
// same on every page; an offset (search and the queue) is bounded by
// registry.MaxOffset, and past it the answer is a 400 naming the cursor.
// The staff queue's default view — what waits on staff: a review, a
// payer's approval, an expired certificate, a failed readiness check, and
// an application past step 3 waiting for its go-live (waiting=go-live
// alone; no task marks that wait, so it is the credentials stage) — is
// the console's default queue too. It merges several kinds of wait and
// takes an offset only while offset plus limit stays within
// registry.MaxLimit. A
// payer's approval requests (?limit, cursor) page by application, the
// expiring certificates by participant, dead letters by message, an audit
// trail by event (the console's application page too).
//
// # Deciding on what was shown
//
// An application's tasks carry a fingerprint of what each asks a person
// to judge (its message, findings, document), and the application one of
// its step-3 details (details_fingerprint, certificate expiries
// included). A decision that sends the task's as seen, and a go-live that
// sends the details' as details_seen, is refused (409) when they changed
// since — a recheck rewrote the findings, the participant moved its
// endpoint — so that a person settles only what they saw. The console
// always sends them; over the API they are optional.
//
// Handler.Routes lists them at run time, with the console's.
//
// # Who may call what
//
// Staff routes need an operator staff credential: WithStaffAuth takes any
// check, and StaffTokens builds one for bearer tokens compared in constant
// time. A request without an Authorization header is answered 401, one
// with a refused credential 403, both ERR_ACCESS_DENIED. A participant's
// access token that is no longer good (expired, forged, void after a
// compromise report) is 401, so that clients fetch a new one, as the
// reference platform's gateway answers; a good token of a participant that
// may not act now (suspended, de-boarded) is 403.
//
// Routes that act on an application need the applicant token that apply
// answered: "Authorization: Bearer hcxapp_…". It is an HMAC of the
// application id under the handler's applicant key (WithApplicantKey), so
// it is stored nowhere, replicas sharing the key agree on it, and knowing
// an application id is not enough: ids appear in the staff console, the
// audit trail and the approval request sent to an empanelling payer, none
// of whom should act as the applicant. The token expires
// WithApplicantTokenTTL after it was issued unless used (use renews it);
// treat it like a password. A repeat of apply (same application_id, same
// document) answers the token again — the same one within a day of the
// submission, later a fresh one of the current generation — so a client
// whose answer was lost, or whose token expired, gets back to its
// application. The application_id is thus the submitter's to keep:
// staff views leave it out, and it should be hard to guess (a UUID).
//
// The registry search needs a participant access token (from
// /v1/onboarding/token, checked with onboarding.Service.VerifyToken) or a
// staff credential: participant records carry e-mail addresses and mobile
// numbers. Secret rotation authenticates with the live secret itself.
// Every registry answer — this search, the specification's
// participant/search and participant/read, the console's participant
// list — says what is true now: a participant whose announced de-boarding
// has taken effect, though the sweep (ProcessDeboardings, or the
// scheduler) has not yet made it Inactive in the store, is shown
// Inactive, and a search's conditions are judged on that (status Active
// leaves it out, status Inactive finds it), as Token refuses it and its
// certificate URLs stop answering at that moment.
//
// participant/read (POST with participant_code, or GET
// …/participant/read/{code}) answers the record at the top level, as the
// specification's read does, and in the search envelope
// {"timestamp", "participants": [record]}, as the reference platform's
// does (SpecReadResponse).
//
// The specification's participant/update (SpecUpdateRequest) is how a
// live participant's own software changes its record: its endpoint, its
// certificates and its payment_details (a UPI ID, {"upi_id"}, or an
// account, {"account_number", "ifsc_code"}; one of the two, as the
// reference platform's schema has it with oneOf, checked by
// hcxonboard.NormalizePaymentDetails). A member left out keeps the
// registered value; payment_details given replaces it, and given as null
// or {} removes it; a refused one is ERR_INVALID_PARTICIPANT_DETAILS
// (400) naming the member (payment_details.ifsc_code …), never its value.
// The record's other members may come along, as a client that read its
// record sends it back: each must be as the record has it, or the update
// is refused naming the member.
// The records of participant/search and participant/read carry
// payment_details, when registered, under every profile.
//
// A live participant's own application (its details and step-up code,
// readiness, appeal, compromise report, leaving) takes its access token,
// or its participant code and live secret as HTTP Basic
// ("Authorization: Basic base64(code:secret)"). The second is how a
// suspended participant, which gets no access token (other gateways
// check only a token's signature, and would let it transact), registers
// the certificates that end a suspension for an expired one, appeals or
// reports a compromise (onboarding.Service.CheckSecret). It opens that
// participant's application only; a de-boarded participant's opens
// nothing, and every refused code and secret gets the one 401.
//
// # Errors
//
// Every error is the HCX envelope
//
//	{"timestamp": 1767225600000, "error": {"code": "ERR_INVALID_OTP", "message": "…"}}
//
// — but on the Keycloak token route (/auth/realms/{realm}/protocol/
// openid-connect/token), which answers as Keycloak does, in OAuth 2.0's
// shape (OAuthError):
//
//	{"error": "invalid_grant", "error_description": "…"}
//
// with the same status and words, so that an OAuth client library reads
// its error code — with a code mapped from the engine's sentinel errors
// by errors.Is and errors.As (see the Code constants): too many new codes
// ERR_MAXIMUM_OTP_REGENERATE (429), refused step-3 details
// ERR_INVALID_PARTICIPANT_DETAILS or, for a certificate,
// ERR_INVALID_CERTIFICATE (400), an action the application's position does
// not allow ERR_INVALID_ONBOARD_STATUS (409). Bodies are read strictly: a
// body that is not one JSON object in UTF-8 (null, an array, trailing
// data), an unknown field — names match exactly, case included — a field
// given twice is ERR_INVALID_PAYLOAD (400), with a message naming the
// field. A body that says it is something else than JSON — a
// Content-Type other than application/json or a "+json" type such as
// application/merge-patch+json (parameters such as charset aside), or,
// on the token routes, than their form, application/x-www-form-urlencoded
// — is refused 415 ERR_INVALID_PAYLOAD naming the type to send, as is
// one declared in a charset other than UTF-8. A body without a
// Content-Type is read as what the route takes: JSON, or the token
// routes' form. A route that takes no body refuses one that says
// anything (400; no body, null or {} is none). A body over the limit
// (WithMaxBodyBytes) is answered 413. A NUL byte or invalid UTF-8 in the
// path or a query parameter is a 400, as is a search over the registry's
// bounds (registry.MaxQueryValues, registry.MaxQueryValueLen). So is a
// query parameter the route does not take (a misspelt ?limt=5), or one
// given twice: the message names it and the parameters the route takes;
// a parameter given empty counts as not given. A query that cannot be
// read whole (a ';' between parameters, a malformed %-escape) is a 400
// too, as is an Authorization, Content-Type, Origin or Referer header
// given more than once. The specification's
// routes (participant/…, the Keycloak-style routes, the certificates)
// define no query parameters: they ignore those a client adds of its own,
// such as a cache-buster on a certificate URL, which change nothing, and
// refuse one named like a member of their body (participant_code,
// filters, limit …), which they read from the body only.
//
// A refused credential or one-time code has one answer whatever was
// wrong, so that no answer is an oracle: every refusal of a participant
// code and secret (unknown code, malformed, wrong, revoked or expired
// secret, a participant not Active) is the same 401 ERR_ACCESS_DENIED, and
// every refusal of a one-time code (wrong, malformed, expired, locked, an
// unknown or settled task) the same 400 ERR_INVALID_OTP. Why is logged. A method a path does not
// serve is 405 with an Allow header. Faults of the server are logged
// (WithLogger) and answered INTERNAL_SERVER_ERROR without detail.
//
// Answers carrying a secret (provisioning, rotation) or a token are sent
// once and marked Cache-Control: no-store, like every API answer.
//
// # Request ids and logs
//
// Every answer carries an X-Request-Id header: the caller's own when it
// sent a well-formed one (up to onboarding.MaxRequestIDLength printable
// ASCII characters, no spaces), else a fresh one. The id travels in the
// request's context (onboarding.WithRequestID) into every audit event the
// request causes, where the audit API and the console show it, and into
// the request's log record: one per request, "http request", with the
// method, the route pattern (never the raw path), the status, the duration
// and the request_id.
//
// # The review console
//
// /console/ is a server-rendered console (html/template, no JavaScript)
// for operator staff: the queue of applications waiting on a review or a
// payer's approval; one application with its requirements, outcomes,
// documents, tasks and audit trail (with the hash chain's check);
// approve or reject with a reason; participant search; go-live,
// suspension, reinstatement and de-boarding forms; and the dead letters
// at /console/outbox (kind, masked recipient, attempts, last error,
// when written), each with a Retry button that posts to
// /console/outbox/retry and needs the reviewer role, as the staff API's
// retry does. Staff log in with the same credential the API takes,
// presented as a bearer token to the WithStaffAuth check; the session
// lives in the Handler's memory (an HttpOnly, SameSite=Strict cookie:
// __Host-hcx_console — Secure, Path=/, no Domain, which neither plain http
// nor a sibling host can plant — under TLS, with an https
// WithConsoleOrigin and on a loopback host, which browsers treat as a
// secure context; hcx_console scoped to /console/ only over plain http
// elsewhere, where no cookie is safe from the network) and ends after
// WithSessionTTL, or at the first
// request after the staff credential it was opened with stops passing the
// check (StaffTokenSet.Revoke): revoking a credential ends its sessions. Every form post must
// come from the console's origin (Origin, or Referer) and carry the
// session's CSRF token; the login form uses a double-submit cookie. A
// form post with a field its form does not have, or one given twice, is
// refused (400) and changes nothing.
// E-mail addresses and mobile numbers are shown masked.
//
// The documents held for an application (onboarding.WithDocuments) are
// listed on its page, images shown inline; each is served at
// /console/applications/{id}/documents/{doc} for the browser's own viewer,
// with its stored type, Content-Disposition inline, a
// Content-Security-Policy that loads and runs nothing in a sandbox,
// X-Content-Type-Options: nosniff and Cache-Control: private, no-store;
// staff using the API read it, served the same way, at
// GET /v1/onboarding/staff/applications/{id}/documents/{doc}. Each serving
// is audited (view_document), and a document review is approved only by a
// reviewer it was served to: otherwise the decision answers 409 naming
// the document to open.
package httpapi
