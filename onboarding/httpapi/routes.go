package httpapi

import (
	"net/http"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// authKind is what a route asks of its caller.
type authKind int

const (
	authPublic       authKind = iota
	authApplicant             // the applicant token of the {id} in the path
	authOwner                 // the applicant token before go-live, the participant's access token or code and secret (Basic) after
	authStaff                 // an operator staff credential
	authParticipant           // a participant access token, or a staff credential
	authConsole               // a console session (pages)
	authConsoleForm           // a console session and its CSRF token (form posts)
	authConsoleLogin          // the login form's own CSRF check
	authOwnToken              // a participant access token the route checks itself (whose participant it acts for)
)

// param is a query parameter, for the OpenAPI document.
type param struct {
	name, description string
	integer           bool
	max               int // an integer's largest value (0: no bound)
	required          bool
	enum              []string
}

// route is one row of the route table: the mux registers exactly these
// patterns and the OpenAPI document describes exactly these, so the two
// cannot drift apart.
type route struct {
	method, path string
	operation    string // OpenAPI operationId
	tag          string
	summary      string
	auth         authKind
	role         StaffRole // the staff role a staff or console route needs ("" any staff member)
	body         any       // JSON request body type, nil for none
	form         any       // form body type (console posts)
	resp         any       // JSON success body type; nil with html or a raw answer
	unready      any       // JSON body type of a 503 that is not the error envelope (readyz)
	oauth        bool      // errors answer OAuth's {error, error_description} (OAuthError), as Keycloak's token route does
	status       int       // success status
	html         bool
	raw          string // media type of an answer that is neither JSON nor HTML
	redirect     bool   // a console post answering 303 See Other
	query        []param
	extra        []int // error statuses beyond those every route of its kind has
	handle       func(h *Handler, w http.ResponseWriter, r *http.Request, c *reqCtx) error
	media        []string // media types of a raw body: an upload's (not GET), or the answer's (GET)
}

// reqCtx is what the auth step learnt about the caller.
type reqCtx struct {
	staffID string
	session *session
	// owner is the audit actor of an application's owner: "applicant"
	// (its applicant token) or "participant:<code>" (its access token).
	owner string
}

// ownerActor is the audit actor of the application's owner who called.
func (c *reqCtx) ownerActor() string {
	if c == nil || c.owner == "" {
		return actorApplicant
	}
	return c.owner
}

const (
	tagApplicant = "applicant"
	tagStaff     = "staff"
	tagPublic    = "public"
	tagPayer     = "payer"
	tagConsole   = "console"
)

// apiRoutes is the JSON API.
func apiRoutes() []route {
	appPath := "/v1/onboarding/applications/{id}"
	staffApp := "/v1/onboarding/staff/applications/{id}"
	return []route{
		{method: http.MethodPost, path: "/v1/onboarding/applications", operation: "apply", tag: tagApplicant,
			summary: "Submit an application (steps 1 and 2); answers the applicant token", auth: authPublic,
			body: &hcxonboard.Application{}, resp: &ApplyResponse{}, status: http.StatusCreated,
			extra: []int{http.StatusConflict}, handle: (*Handler).apply},
		{method: http.MethodGet, path: appPath, operation: "getApplication", tag: tagApplicant,
			summary: "The application's status, requirements and tasks", auth: authOwner,
			resp: &Application{}, status: http.StatusOK, handle: (*Handler).status},
		{method: http.MethodPost, path: appPath + "/tasks/{task}/otp", operation: "confirmOTP", tag: tagApplicant,
			summary: "Confirm a one-time code for an otp task", auth: authApplicant,
			body: &OTPRequest{}, resp: &Application{}, status: http.StatusOK,
			extra: []int{http.StatusServiceUnavailable}, handle: (*Handler).confirmOTP},
		{method: http.MethodPost, path: appPath + "/tasks/{task}/otp/resend", operation: "resendOTP", tag: tagApplicant,
			summary: "Send a new one-time code for an otp task", auth: authApplicant,
			resp: &Application{}, status: http.StatusOK,
			extra: []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}, handle: (*Handler).resendOTP},
		{method: http.MethodPut, path: appPath + "/details", operation: "submitDetails", tag: tagApplicant,
			summary: "Step 3: endpoint URL, encryption and signing certificates, contacts", auth: authOwner,
			body: &onboarding.Details{}, resp: &Application{}, status: http.StatusOK,
			extra: []int{http.StatusUnprocessableEntity}, handle: (*Handler).details},
		{method: http.MethodPost, path: appPath + "/credentials", operation: "provision", tag: tagApplicant,
			summary: "Step 4: the participant code and production secret, shown exactly once", auth: authApplicant,
			resp: &CredentialsResponse{}, status: http.StatusCreated, handle: (*Handler).provision},
		{method: http.MethodPost, path: appPath + "/decline", operation: "declineOnboarding", tag: tagPublic,
			summary: "The facility manager HFR holds declines the onboarding with the decline code of the intimation", auth: authPublic,
			body: &DeclineRequest{}, resp: &DeclineResponse{}, status: http.StatusOK, handle: (*Handler).decline},
		{method: http.MethodPatch, path: appPath, operation: "amendApplication", tag: tagApplicant,
			summary: "Amend an application sent back (a JSON merge patch of the application); it is verified again", auth: authApplicant,
			body: &hcxonboard.Application{}, resp: &Application{}, status: http.StatusOK,
			extra: []int{http.StatusConflict, http.StatusUnprocessableEntity}, handle: (*Handler).amend},
		{method: http.MethodPost, path: appPath + "/readiness", operation: "checkReadiness", tag: tagApplicant,
			summary: "Run the readiness checks against the registered endpoint and certificates (after step 3); at most once a minute (429 with Retry-After)", auth: authOwner,
			resp: &Application{}, status: http.StatusOK, extra: []int{http.StatusConflict, http.StatusTooManyRequests, http.StatusNotImplemented},
			handle: (*Handler).checkReadiness},
		{method: http.MethodPost, path: appPath + "/step-up", operation: "requestStepUp", tag: tagApplicant,
			summary: "A live participant asks for a step-up code (to its registered admin) before changing its endpoint or certificates, or leaving; as many a day as one-time codes (429 after)", auth: authOwner,
			body: &StepUpRequest{}, resp: &Application{}, status: http.StatusOK, extra: []int{http.StatusConflict, http.StatusTooManyRequests}, handle: (*Handler).requestStepUp},
		{method: http.MethodPost, path: appPath + "/applicant-token", operation: "rotateApplicantToken", tag: tagApplicant,
			summary: "A new applicant token; earlier ones stop working", auth: authApplicant,
			resp: &ApplyResponse{}, status: http.StatusOK, handle: (*Handler).rotateApplicantToken},
		{method: http.MethodPost, path: appPath + "/withdraw", operation: "withdraw", tag: tagApplicant,
			summary: "Withdraw an application that has not gone live", auth: authApplicant,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).withdraw},
		{method: http.MethodPost, path: appPath + "/deboard", operation: "deboardVoluntary", tag: tagApplicant,
			summary: "Leave the network (voluntary de-boarding, at once; step_up_code from POST …/step-up)", auth: authOwner,
			body: &DeboardVoluntaryRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).deboardVoluntary},
		{method: http.MethodPost, path: appPath + "/appeal", operation: "appeal", tag: tagApplicant,
			summary: "Appeal an announced involuntary de-boarding", auth: authOwner,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).appeal},
		{method: http.MethodPost, path: appPath + "/compromise", operation: "reportCompromise", tag: tagApplicant,
			summary: "Report a leaked secret: every secret and earlier token is revoked", auth: authOwner,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).compromise},
		uploadDocumentRoute(appPath),
		listDocumentsRoute(appPath),
		{method: http.MethodPost, path: "/v1/onboarding/credentials/rotate", operation: "rotateSecret", tag: tagPublic,
			summary: "A new secret for the holder of a live one; the old ones overlap for a while", auth: authPublic,
			body: &RotateRequest{}, resp: &CredentialsResponse{}, status: http.StatusCreated,
			extra: []int{http.StatusUnauthorized}, handle: (*Handler).rotate},
		{method: http.MethodPost, path: "/v1/onboarding/token", operation: "token", tag: tagPublic,
			summary: "Exchange a participant code and secret for an access token", auth: authPublic,
			body: &TokenRequest{}, resp: &TokenResponse{}, status: http.StatusOK,
			extra: []int{http.StatusUnauthorized, http.StatusNotImplemented}, handle: (*Handler).token},
		{method: http.MethodGet, path: "/v1/onboarding/jwks", operation: "jwks", tag: tagPublic,
			summary: "The public keys that verify access tokens (JWK set)", auth: authPublic,
			resp: &jwkSet{}, status: http.StatusOK, extra: []int{http.StatusNotModified, http.StatusNotFound}, handle: (*Handler).jwks},
		{method: http.MethodPost, path: "/v1/onboarding/participants/search", operation: "searchParticipants", tag: tagPublic,
			summary: "Search the participant registry (HCX filter semantics); participant access token or staff credential",
			auth:    authParticipant, body: &registry.Query{}, resp: &SearchResponse{}, status: http.StatusOK,
			handle: (*Handler).search},
		{method: http.MethodGet, path: "/v1/onboarding/payer/approvals", operation: "payerApprovals", tag: tagPayer,
			summary: "The approval requests addressed to the calling payer (its access token)", auth: authOwnToken,
			resp: &ApprovalRequestsResponse{}, status: http.StatusOK, extra: []int{http.StatusUnauthorized, http.StatusForbidden},
			query: []param{
				{name: "limit", description: "the requests of at most this many applications (default 100, at most 1000)", integer: true, max: registry.MaxLimit},
				{name: "cursor", description: "the next page: the next of the page before"},
			}, handle: (*Handler).payerApprovals},
		{method: http.MethodPost, path: "/v1/onboarding/payer/approvals", operation: "payerDecide", tag: tagPayer,
			summary: "The calling payer approves or rejects one or many approval requests", auth: authOwnToken,
			body: &ApprovalDecisionsRequest{}, resp: &ApprovalDecisionsResponse{}, status: http.StatusOK,
			extra: []int{http.StatusUnauthorized, http.StatusForbidden}, handle: (*Handler).payerDecide},
		{method: http.MethodGet, path: "/healthz", operation: "healthz", tag: tagPublic,
			summary: "The process serves", auth: authPublic, resp: &HealthResponse{}, status: http.StatusOK,
			handle: (*Handler).healthz},
		{method: http.MethodGet, path: "/readyz", operation: "readyz", tag: tagPublic,
			summary: "This replica takes traffic: the store answers, and the outbox dispatcher and the scheduler, where they run, are alive", auth: authPublic,
			resp: &HealthResponse{}, unready: &HealthResponse{}, status: http.StatusOK,
			handle: (*Handler).readyz},
		{method: http.MethodGet, path: "/openapi.json", operation: "openapi", tag: tagPublic,
			summary: "This document", auth: authPublic, resp: &openAPIDoc{}, status: http.StatusOK,
			handle: (*Handler).openAPI},

		{method: http.MethodGet, path: "/v1/onboarding/staff/applications", operation: "queue", tag: tagStaff,
			summary: "The applications waiting on staff (a review, a payer's approval, an expired certificate, a failed readiness check, a go-live), oldest first; waiting=all or a filter widens it; summaries without certificates; pages by cursor", auth: authStaff,
			resp: &QueueResponse{}, status: http.StatusOK, query: []param{
				{name: "stage", description: "only applications at this stage", enum: stages},
				{name: "waiting", description: "only applications with an open task of this kind; go-live: those past step 3 waiting for credentials and go-live (stage credentials) " +
					"(default: what waits on staff — review, approval, certificate_expired, readiness_failed and go-live, as the console's default queue; all: every application)",
					enum: append([]string{waitingAll, waitingGoLive}, waitingKinds...)},
				{name: "participant_code", description: "only the application of this participant"},
				{name: "limit", description: "at most this many (default 100, at most 1000)", integer: true, max: registry.MaxLimit},
				{name: "offset", description: "skip this many (at most 10000; on a queue of several task kinds, the default among them, offset plus limit at most 1000; page on with cursor)", integer: true},
				{name: "cursor", description: "the next page: the next of the page before (not with offset)"},
			}, handle: (*Handler).queue},
		{method: http.MethodGet, path: staffApp, operation: "staffGetApplication", tag: tagStaff,
			summary: "One application, as staff see it", auth: authStaff,
			resp: &Application{}, status: http.StatusOK, handle: (*Handler).staffApplication},
		{method: http.MethodGet, path: staffApp + "/events", operation: "events", tag: tagStaff,
			summary: "The audit trail, oldest first, and whether its hash chain holds", auth: authStaff,
			resp: &EventsResponse{}, status: http.StatusOK, query: []param{
				{name: "limit", description: "at most this many events (default: the whole trail; at most 1000)", integer: true, max: registry.MaxLimit},
				{name: "cursor", description: "the next page: the next of the page before"},
			}, handle: (*Handler).events},
		staffListDocumentsRoute(staffApp),
		staffDocumentRoute(staffApp),
		{method: http.MethodPost, path: staffApp + "/tasks/{task}/decision", operation: "decide", tag: tagStaff, role: RoleReviewer,
			summary: "Approve or reject an approval or review task", auth: authStaff,
			body: &DecisionRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).decide},
		{method: http.MethodPost, path: staffApp + "/send-back", operation: "sendBack", tag: tagStaff, role: RoleReviewer,
			summary: "Return the application to its applicant, naming what to fix (reason)", auth: authStaff,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).sendBack},
		{method: http.MethodPost, path: staffApp + "/recheck", operation: "recheck", tag: tagStaff, role: RoleReviewer,
			summary: "Run the online checks again (after an outage)", auth: authStaff,
			resp: &Application{}, status: http.StatusOK, handle: (*Handler).recheck},
		{method: http.MethodPost, path: staffApp + "/go-live", operation: "goLive", tag: tagStaff, role: RoleApprover,
			summary: "Step 5: activate a provisioned participant once the checklist is confirmed", auth: authStaff,
			body: &GoLiveRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).goLive},
		{method: http.MethodPost, path: staffApp + "/credentials", operation: "staffProvision", tag: tagStaff, role: RoleApprover,
			summary: "Issue a new production secret to a participant whose secrets expired or were revoked (a compromise report): a live participant cannot authenticate to ask for one itself. Shown exactly once, to hand over on a trusted channel", auth: authStaff,
			resp: &CredentialsResponse{}, status: http.StatusCreated, handle: (*Handler).staffProvision},
		{method: http.MethodPost, path: staffApp + "/suspend", operation: "suspend", tag: tagStaff, role: RoleApprover,
			summary: "Suspend an Active participant (Blocked), or make a suspension at certificate expiry staff's: new certificates no longer end it", auth: authStaff,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).suspend},
		{method: http.MethodPost, path: staffApp + "/reinstate", operation: "reinstate", tag: tagStaff, role: RoleApprover,
			summary: "End a suspension (Active again)", auth: authStaff,
			body: &ReasonRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).reinstate},
		{method: http.MethodPost, path: staffApp + "/deboard", operation: "deboard", tag: tagStaff, role: RoleApprover,
			summary: "De-board a participant: voluntary at once; regulator or hcx after notice", auth: authStaff,
			body: &DeboardRequest{}, resp: &Application{}, status: http.StatusOK, handle: (*Handler).deboardStaff},
		{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring", operation: "expiringCertificates", tag: tagStaff,
			summary: "Certificates that expire within the window, or have", auth: authStaff,
			resp: &ExpiringResponse{}, status: http.StatusOK, query: []param{
				{name: "within_days", description: "the window in days (default 30)", integer: true, max: maxWithinDays},
				{name: "limit", description: "at most this many participants, each with its certificates in the window (default 100, at most 1000)", integer: true, max: registry.MaxLimit},
				{name: "cursor", description: "the next page: the next of the page before"},
			}, handle: (*Handler).expiring},
		{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", operation: "deadLetters", tag: tagStaff,
			summary: "Messages given up on (dead letters), oldest first", auth: authStaff,
			resp: &OutboxResponse{}, status: http.StatusOK, query: []param{
				{name: "limit", description: "at most this many (default 100, at most 1000)", integer: true, max: registry.MaxLimit},
				{name: "cursor", description: "the next page: the next of the page before"},
				{name: "after", description: "the last message id of the page before, instead of the cursor"},
			}, extra: []int{http.StatusNotImplemented}, handle: (*Handler).deadLetters},
		{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", operation: "retryDeadLetter", tag: tagStaff, role: RoleReviewer,
			summary: "Send a dead letter again", auth: authStaff,
			body: &RetryRequest{}, status: http.StatusNoContent, extra: []int{http.StatusNotFound, http.StatusNotImplemented},
			handle: (*Handler).retryDeadLetter},
		{method: http.MethodPost, path: "/v1/onboarding/staff/deboardings/process", operation: "processDeboardings", tag: tagStaff, role: RoleApprover,
			summary: "Make Inactive every participant whose announced de-boarding is due", auth: authStaff,
			resp: &ProcessedResponse{}, status: http.StatusOK, handle: (*Handler).processDeboardings},
	}
}

// consoleRoutes is the staff review console.
func consoleRoutes() []route {
	app := "/console/applications/{id}"
	post := func(path, op, summary string, form any, fn func(*Handler, http.ResponseWriter, *http.Request, *reqCtx) error) route {
		return route{method: http.MethodPost, path: path, operation: op, tag: tagConsole, summary: summary,
			auth: authConsoleForm, form: form, status: http.StatusSeeOther, redirect: true, handle: fn}
	}
	needs := func(role StaffRole, rt route) route { rt.role = role; return rt }
	page := func(path, op, summary string, query []param, fn func(*Handler, http.ResponseWriter, *http.Request, *reqCtx) error) route {
		return route{method: http.MethodGet, path: path, operation: op, tag: tagConsole, summary: summary,
			auth: authConsole, status: http.StatusOK, html: true, query: query, handle: fn}
	}
	return []route{
		{method: http.MethodGet, path: "/console/{$}", operation: "consoleHome", tag: tagConsole,
			summary: "The console: to the queue, or to the login", auth: authPublic, status: http.StatusSeeOther,
			redirect: true, handle: (*Handler).consoleHome},
		{method: http.MethodGet, path: "/console/login", operation: "consoleLoginPage", tag: tagConsole,
			summary: "The staff login form", auth: authPublic, status: http.StatusOK, html: true,
			handle: (*Handler).consoleLoginPage},
		{method: http.MethodPost, path: "/console/login", operation: "consoleLogin", tag: tagConsole,
			summary: "Log in with a staff token", auth: authConsoleLogin, form: &loginForm{},
			status: http.StatusSeeOther, redirect: true, handle: (*Handler).consoleLogin},
		{method: http.MethodGet, path: "/console/static/console.css", operation: "consoleCSS", tag: tagConsole,
			summary: "The console's style sheet", auth: authPublic, status: http.StatusOK,
			handle: (*Handler).consoleCSS},
		post("/console/logout", "consoleLogout", "Log out", &csrfForm{}, (*Handler).consoleLogout),
		page("/console/queue", "consoleQueue", "Applications waiting on staff", []param{
			{name: "waiting", description: "the queue to show (default staff: what waits on staff, as the staff API's queue lists it by default; decide: review and approval; go-live: past step 3)",
				enum: append([]string{queueStaff, "decide", waitingGoLive, "all"}, waitingKinds...)},
			{name: "offset", description: "skip this many", integer: true},
			{name: "cursor", description: "the next page: the Next link of the page before (not with offset)"},
		}, (*Handler).consoleQueue),
		page(app, "consoleApplication", "One application: requirements, documents, tasks, and its audit trail a page at a time", []param{
			{name: "cursor", description: "the audit trail's next page: the Later events link of the page before"},
		}, (*Handler).consoleApplication),
		consoleDocumentRoute(app),
		needs(RoleReviewer, post(app+"/tasks/{task}/decision", "consoleDecide", "Approve or reject a task with a reason", &decisionForm{}, (*Handler).consoleDecide)),
		needs(RoleReviewer, post(app+"/recheck", "consoleRecheck", "Run the online checks again", &csrfForm{}, (*Handler).consoleRecheck)),
		needs(RoleReviewer, post(app+"/readiness", "consoleCheckReadiness", "Check the participant's endpoint and keys now", &csrfForm{}, (*Handler).consoleCheckReadiness)),
		needs(RoleReviewer, post(app+"/send-back", "consoleSendBack", "Send the application back to its applicant, naming what to fix", &reasonForm{}, (*Handler).consoleSendBack)),
		needs(RoleApprover, post(app+"/go-live", "consoleGoLive", "Confirm the go-live checklist and activate", &goLiveForm{}, (*Handler).consoleGoLive)),
		needs(RoleApprover, post(app+"/suspend", "consoleSuspend", "Suspend the participant", &reasonForm{}, (*Handler).consoleSuspend)),
		needs(RoleApprover, post(app+"/reinstate", "consoleReinstate", "End the suspension", &reasonForm{}, (*Handler).consoleReinstate)),
		needs(RoleApprover, post(app+"/deboard", "consoleDeboard", "De-board the participant", &deboardForm{}, (*Handler).consoleDeboard)),
		page("/console/participants", "consoleParticipants", "Participant search", []param{
			{name: "name", description: "participant name contains"},
			{name: "code", description: "participant code starts with"},
			{name: "status", description: "registry status", enum: []string{"Created", "Active", "Inactive", "Blocked"}},
			{name: "role", description: "holds this role"},
			{name: "offset", description: "skip this many", integer: true},
			{name: "cursor", description: "the next page: the Next link of the page before (not with offset)"},
		}, (*Handler).consoleParticipants),
		{method: http.MethodGet, path: "/console/participants/{code}", operation: "consoleParticipant", tag: tagConsole,
			summary: "To the application that registered a participant", auth: authConsole,
			status: http.StatusSeeOther, redirect: true, handle: (*Handler).consoleParticipant},
		page("/console/outbox", "consoleOutbox", "Messages given up on (dead letters), oldest first, each with a Retry button", []param{
			{name: "cursor", description: "the next page: the Next link of the page before"},
		}, (*Handler).consoleOutbox),
		needs(RoleReviewer, post("/console/outbox/retry", "consoleRetryDeadLetter", "Send a dead letter again", &retryForm{}, (*Handler).consoleRetry)),
	}
}

// jwkSet is the shape of a JWK set, for the OpenAPI document.
type jwkSet struct {
	Keys []map[string]any `json:"keys"`
}
