package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// internalWords are what an API message must never carry: Go
// identifiers (CamelCase with an inner capital, With… options), the
// engine's action names, and package prefixes.
var internalWords = regexp.MustCompile(`\b([A-Z][a-z]+[A-Z][A-Za-z]*|With[A-Z][A-Za-z]*)\b|\b(submit_details|confirm_otp|resend_otp|go_live|otp_failed|report_compromise|rotate_secret|deboard_warning|send_back|step_up_sent|document uploaded|readiness checked)\b|\b(onboarding|registry|httpapi|sqlstore|hcxonboard): `)

// Every error path of the API speaks the API's words: each route is
// called in the states that refuse it, with bodies it refuses, and no
// message names Go identifiers or internal actions.
func TestErrorsSpeakTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifying, vtok := f.submit(f.regulator("Words Regulator"))
	live, _ := f.live("Live Words Regulator")
	liveTok := f.h.ApplicantToken(live.ID)
	bodies := []any{
		json.RawMessage(`{}`),
		json.RawMessage(`{"reason":"x","decision":"approve","otp":"123456","purpose":"details"}`),
		json.RawMessage(`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"not a certificate"}`),
	}
	seen := 0
	for _, rt := range apiRoutes(f.h) {
		if rt.Method == http.MethodGet && strings.Contains(rt.Path, "openapi") {
			continue
		}
		for _, target := range []struct {
			id, tok, task string
		}{
			{verifying.ID, vtok, verifying.OpenTasks()[0].ID},
			{live.ID, liveTok, "review-1"},
			{verifying.ID, vtok, "no-such-task"},
		} {
			path := strings.NewReplacer("{id}", target.id, "{task}", target.task, "{code}", live.Participant.ParticipantCode,
				"{$}", "", "{realm}", "hcx").Replace(rt.Path)
			auth := ""
			switch rt.Auth {
			case "applicant", "applicant-or-participant":
				auth = bearer(target.tok)
			case "staff", "participant-or-staff":
				auth = bearer(staffToken)
			}
			for _, body := range bodies {
				var b any
				if rt.Body {
					b = body
				}
				res := f.do(request{method: rt.Method, path: path, auth: auth, body: b})
				if res.status < 400 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
					continue
				}
				var e struct {
					Error struct{ Message string } `json:"error"`
				}
				if json.Unmarshal(res.body, &e) != nil || e.Error.Message == "" {
					continue
				}
				seen++
				assert.False(t, internalWords.MatchString(e.Error.Message), "%s %s (%d): %q", rt.Method, path, res.status, e.Error.Message)
			}
		}
	}
	assert.Greater(t, seen, 50, "the sweep reached the error paths")
	// The next step is named where the application waits.
	verifying, vtok = f.submit(f.regulator("Next Step Regulator"))
	res := f.do(request{method: http.MethodPut, path: "/v1/onboarding/applications/" + verifying.ID + "/details", auth: bearer(vtok),
		body: json.RawMessage(`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"` + strings.ReplaceAll(validDetails(t).EncryptionCert, "\n", `\n`) + `"}`)})
	assert.Equal(t, http.StatusConflict, res.status)
	msg := res.envelope(t).Error.Message
	assert.Contains(t, msg, "being verified")
	assert.Contains(t, msg, "staff review (task "+verifying.OpenTasks()[0].ID+")")
}
