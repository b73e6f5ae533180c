package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// internalWords are what an API message must never carry: Go
// identifiers (CamelCase with an inner capital, With… options, Type.Field),
// the engine's action and stage names (and its "from → to"), and package
// prefixes.
var internalWords = regexp.MustCompile(`→|\bis verifying\b|\b[A-Z][a-z]+\.[A-Z][A-Za-z]*\b|\b([A-Z][a-z]+[A-Z][A-Za-z]*|With[A-Z][A-Za-z]*)\b|\b(submit_details|confirm_otp|resend_otp|go_live|otp_failed|report_compromise|rotate_secret|deboard_warning|send_back|step_up_sent|document uploaded|readiness checked)\b|\b(onboarding|registry|httpapi|sqlstore|hcxonboard): `)

// Every error path of the API speaks the API's words: each route is
// called by each kind of caller (none, a stranger, the applicant, the
// participant by access token and by code and secret, staff) on
// applications in every position — being verified, waiting for details,
// for credentials, live, suspended, de-boarded, rejected, withdrawn,
// unknown — with bodies it refuses and bodies made of its own fields. No
// message names Go identifiers, internal actions or stage names, and an
// action that does not fit where the application stands names the next
// step, unless the participant is already live.
func TestErrorsSpeakTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	targets := wordsTargets(t, f)
	fixed := []string{
		`{}`,
		`{"reason":"x","decision":"approve","otp":"123456","purpose":"details"}`,
		`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"not a certificate"}`,
	}
	seen, outOfOrder := 0, 0
	for _, rt := range apiRoutes(f.h) {
		if rt.Method == http.MethodGet && strings.Contains(rt.Path, "openapi") {
			continue
		}
		for _, target := range targets {
			path := strings.NewReplacer("{id}", target.id, "{task}", target.task, "{code}", target.code,
				"{$}", "", "{realm}", "hcx").Replace(rt.Path)
			auths := map[string]string{"none": "", "stranger": "Bearer not-a-token", "staff": bearer(staffToken)}
			for k, v := range target.auths {
				auths[k] = v
			}
			paths := []string{path}
			if rt.Method == http.MethodGet {
				for _, q := range []string{"offset=20000", "limit=5000", "cursor=not-a-cursor", "stage=nope", "waiting=nope", "within=nope"} {
					paths = append(paths, path+"?"+q)
				}
			}
			bodies := []string{""}
			if rt.Body {
				bodies = append(append([]string(nil), fixed...), ownFieldBodies(t, rt.Fields, target)...)
			}
			// Callers in one order: a call that succeeds moves the
			// application on (a suspension, a de-boarding) for the next.
			for _, caller := range slices.Sorted(maps.Keys(auths)) {
				auth := auths[caller]
				for _, call := range wordsCalls(paths, bodies) {
					path, body := call[0], call[1]
					var b any
					if body != "" {
						b = json.RawMessage(body)
					}
					res := f.do(request{method: rt.Method, path: path, auth: auth, body: b})
					if res.status < 400 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
						continue
					}
					var e struct {
						Error struct{ Code, Message string } `json:"error"`
					}
					if json.Unmarshal(res.body, &e) != nil || e.Error.Message == "" {
						continue
					}
					seen++
					where := fmt.Sprintf("%s %s as %s on the %s application, body %s (%d)", rt.Method, path, caller, target.name, body, res.status)
					assert.False(t, internalWords.MatchString(e.Error.Message), "%s: %q", where, e.Error.Message)
					if e.Error.Code == httpapi.CodeInvalidOnboardStatus && strings.Contains(e.Error.Message, ": the application is ") &&
						!strings.Contains(e.Error.Message, "the application is live (Active)") {
						outOfOrder++
						assert.Regexp(t, nextStepRoute, e.Error.Message, "%s: no next step", where)
					}
				}
			}
		}
	}
	assert.Greater(t, seen, 1000, "the sweep reached the error paths")
	assert.Greater(t, outOfOrder, 100, "the sweep reached actions that do not fit")
	// The next step is named where the application waits.
	verifying, vtok := f.submit(f.regulator("Next Step Regulator"))
	res := f.do(request{method: http.MethodPut, path: "/v1/onboarding/applications/" + verifying.ID + "/details", auth: bearer(vtok),
		body: json.RawMessage(`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"` + strings.ReplaceAll(validDetails(t).EncryptionCert, "\n", `\n`) + `"}`)})
	assert.Equal(t, http.StatusConflict, res.status)
	msg := res.envelope(t).Error.Message
	assert.Contains(t, msg, "being verified")
	assert.Contains(t, msg, "staff review (task "+verifying.OpenTasks()[0].ID+")")
}

// nextStepRoute is what a caller does next: a route named with the
// application's own id, or a new application's; or what the application
// waits on.
var nextStepRoute = regexp.MustCompile(`(POST|PUT|PATCH|GET) /v1/onboarding/[a-z/-]*applications(/[0-9a-z-]{8,}|[^/]|$)|waits on `)

// wordsTarget is an application in one position, with the credentials
// its callers hold.
type wordsTarget struct {
	name, id, task, code string
	auths                map[string]string // caller → Authorization
}

// wordsTargets are applications in every position the API knows.
func wordsTargets(t *testing.T, f *fixture) []wordsTarget {
	t.Helper()
	ctx := context.Background()
	basic := func(code, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(code+":"+secret))
	}
	var out []wordsTarget
	ver, vtok := f.submit(f.regulator("Words Verifying Regulator"))
	out = append(out, wordsTarget{"verifying", ver.ID, ver.OpenTasks()[0].ID, "", map[string]string{"applicant": bearer(vtok)}})
	payer, ptok := f.submit(f.payer())
	otp := ""
	for _, tk := range payer.OpenTasks() {
		if tk.Kind == onboarding.KindOTP {
			otp = tk.ID
		}
	}
	out = append(out, wordsTarget{"otp-waiting", payer.ID, otp, "", map[string]string{"applicant": bearer(ptok)}})
	det, dtok := f.submit(f.regulator("Words Details Regulator"))
	det = f.approveReview(det)
	out = append(out, wordsTarget{"details", det.ID, "review-1", "", map[string]string{"applicant": bearer(dtok)}})
	prov, psecret := f.provisioned("Words Credentials Regulator")
	out = append(out, wordsTarget{"credentials", prov.ID, "review-1", prov.Participant.ParticipantCode,
		map[string]string{"applicant": bearer(f.h.ApplicantToken(prov.ID)), "basic": basic(prov.Participant.ParticipantCode, psecret)}})
	rej, rtok := f.submit(f.regulator("Words Rejected Regulator"))
	_, err := f.svc.Decide(ctx, rej.ID, rej.OpenTasks()[0].ID, onboarding.Decision{Reviewer: "staff:asha", Reason: "not a regulator"})
	require.NoError(t, err)
	out = append(out, wordsTarget{"rejected", rej.ID, "review-1", "", map[string]string{"applicant": bearer(rtok)}})
	wd, wtok := f.submit(f.regulator("Words Withdrawn Regulator"))
	_, err = f.svc.Withdraw(ctx, wd.ID, "applicant", "filed by mistake")
	require.NoError(t, err)
	out = append(out, wordsTarget{"withdrawn", wd.ID, "review-1", "", map[string]string{"applicant": bearer(wtok)}})
	for _, pos := range []string{"live", "suspended", "de-boarded"} {
		a, secret := f.live("Words " + pos + " Regulator")
		code := a.Participant.ParticipantCode
		tok, err := f.svc.Token(ctx, code, secret)
		require.NoError(t, err)
		switch pos {
		case "suspended":
			_, err = f.svc.Suspend(ctx, a.ID, "staff:asha", "unpaid dues")
		case "de-boarded":
			_, err = f.svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:asha", Reason: "leaving"})
		}
		require.NoError(t, err)
		out = append(out, wordsTarget{pos, a.ID, "review-1", code, map[string]string{"applicant": bearer(f.h.ApplicantToken(a.ID)),
			"participant": bearer(tok.Value), "basic": basic(code, secret)}})
	}
	out = append(out, wordsTarget{"unknown", "no-such-application", "otp-1", "nobody@hcx", nil})
	return out
}

// ownFieldBodies are bodies of a route's own fields (fields), with values
// that pass its decoding and reach the engine: approving and rejecting,
// each initiator and step-up purpose, good and refused details.
func ownFieldBodies(t *testing.T, fields []string, target wordsTarget) []string {
	t.Helper()
	sets := []map[string]any{
		{"reason": "x", "decision": "approve", "otp": "123456", "purpose": "details", "initiator": "voluntary", "code": "123456",
			"endpoint_url": "https://hcx.participant.example/v0.9", "encryption_cert": validDetails(t).EncryptionCert,
			"participant_code": target.code, "secret": "wrong", "id": "1", "pilot_completed": true, "staff_trained": true,
			"decisions":        []map[string]string{{"application_id": target.id, "task_id": target.task, "decision": "approve"}},
			"participant_name": "Renamed", "grant_type": "password", "username": target.code, "password": "wrong"},
		{"reason": "x", "decision": "reject", "purpose": "deboard", "initiator": "hcx", "step_up_code": "123456", "offset": 10001,
			"decisions": []map[string]string{{"application_id": target.id, "task_id": target.task, "decision": "reject", "reason": "no"}}},
		{"reason": "x", "initiator": "regulator", "endpoint_url": "http://10.0.0.1/x", "encryption_cert": "https://certs.example/c.pem",
			"limit": 5000, "cursor": "not-a-cursor"},
	}
	var out []string
	for _, set := range sets {
		m := map[string]any{}
		for _, name := range fields {
			if v, ok := set[name]; ok {
				m[name] = v
			}
		}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

// wordsCalls pairs each path with each body.
func wordsCalls(paths, bodies []string) [][2]string {
	var out [][2]string
	for _, p := range paths {
		for _, b := range bodies {
			out = append(out, [2]string{p, b})
		}
	}
	return out
}
