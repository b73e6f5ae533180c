package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// chromiumPath finds the browser: HCX_TEST_CHROMIUM, else chromium on the
// PATH. Without one the test skips, unless HCX_REQUIRE_SERVICES=1 (CI)
// makes a missing browser a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HCX_TEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("HCX_TEST_CHROMIUM names no browser: %v", err)
		}
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("HCX_REQUIRE_SERVICES") == "1" {
		t.Fatal("browser test: Chromium not found and HCX_REQUIRE_SERVICES=1; install Debian's chromium package or set HCX_TEST_CHROMIUM")
	}
	t.Skip("browser test skipped: Chromium not found; install Debian's chromium package or set HCX_TEST_CHROMIUM")
	return ""
}

// The console is checked at the screen staff most often have.
const screenWidth, screenHeight = 1366, 768

// shots numbers the screenshots of each test, in the order taken.
var shots sync.Map // test name → *atomic.Int32

// lookAt checks the page open in ctx at screenWidth×screenHeight: nothing
// reaches past the right edge of the window (long values wrap). With
// HCX_TEST_ARTIFACTS naming a directory, it also saves a full-page PNG of
// the page there, as <test>/<nn>-<name>.png (CI keeps them as artefacts).
func lookAt(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const w = document.documentElement.clientWidth, out = [];
		for (const el of document.querySelectorAll("body *")) {
			if (el.getBoundingClientRect().right > w + 1) {
				out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : ""));
			}
		}
		return out.slice(0, 10);
	})()`))
	require.NoError(t, err)
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.clientWidth`))
	require.NoError(t, err)
	assert.Equal(t, screenWidth, width, "%s: the window is %d pixels wide", name, width)
	assert.Empty(t, wide, "%s: elements reach past the right edge of a %d-pixel window", name, screenWidth)

	dir := os.Getenv("HCX_TEST_ARTIFACTS")
	if dir == "" {
		return
	}
	n, _ := shots.LoadOrStore(t.Name(), new(atomic.Int32))
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	require.NoError(t, err)
	file := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n.(*atomic.Int32).Add(1), name))
	require.NoError(t, os.WriteFile(file, png, 0o644))
}

// A reviewer, in a real (headless) browser, logs in, opens the queue,
// opens an application that waits on review, approves it with a reason,
// and sees the task settled and the decision in the audit trail.
func TestBrowserReviewerApproves(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	f := newFixture(t)
	srv := httptest.NewServer(f.h) // 127.0.0.1
	t.Cleanup(srv.Close)
	a, _ := f.submit(f.regulator("Insurance Regulatory Office"))
	f.submit(f.payer()) // waits on an OTP, not on a reviewer
	// Long names, e-mails, addresses and links wrap on every page.
	long := f.regulator("Directorate of Health Insurance Oversight and Grievance Redressal for the Union Territory of Dadra and Nagar Haveli and Daman and Diu")
	long.PrimaryEmail = "grievance.redressal.and.onboarding.desk.of.directorate@health-insurance-oversight.dnhdd.gov.example"
	long.Address = &hcxonboard.Address{Plot: "Secretariat-Annexe-Block-C-Ground-Floor-Room-0012-Health-Insurance-Cell",
		Street: "Collectorate Road, opposite the District Court", District: "Dadra and Nagar Haveli", Pincode: "396230"}
	long.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter,
		URI:    "https://documents.health-insurance-oversight.dnhdd.gov.example/onboarding/letters/2026/authorised-signatory-letter-of-the-director-signed.pdf",
		SHA256: strings.Repeat("cd", 32), MediaType: "application/pdf"}}
	long.SandboxCertificate, long.SandboxParticipantCode = f.cert("reg-2", hcxonboard.RoleRegulator), "reg-2"
	la, _ := f.submit(long)
	task := a.OpenTasks()[0].ID
	const reason = "Confirmed with the regulator's registrar by phone"

	ctx := loggedIn(t, chromium, srv.URL)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("queue"))))
	lookAt(t, ctx, "queue")
	queue, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("queue")))
	require.NoError(t, err)
	assert.Contains(t, queue, "Insurance Regulatory Office")
	assert.Contains(t, queue, "review (case_review)")
	assert.NotContains(t, queue, "Suraksha", "the payer waits on its OTP, not on staff")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/console/applications/"+la.ID),
		chromedp.WaitVisible(chromedp.ID("tasks")),
	))
	lookAt(t, ctx, "application-long-values")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/console/queue"),
		chromedp.WaitVisible(chromedp.ID("queue")),
	))

	// Open the application.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/console/applications/`+a.ID+`"]`)),
		chromedp.WaitVisible(chromedp.ID("tasks")),
	))
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#task-"+task+" [data-task-state]")))
	require.NoError(t, err)
	assert.Equal(t, "open", strings.TrimSpace(state))
	lookAt(t, ctx, "application-open-task")

	// Approve with a reason.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("reason-"+task), reason),
		chromedp.Click(chromedp.ID("approve-"+task)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/console/applications/"+a.ID, loc)
	read := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return strings.TrimSpace(s)
	}
	assert.Equal(t, "Task "+task+" approved.", read(".flash-ok"))
	assert.Equal(t, "done", read("#task-"+task+" [data-task-state]"))
	assert.Contains(t, read("#task-"+task), "done by staff:"+staffID)
	assert.Equal(t, "details", read("#stage"))
	audit := read(`#audit tr[data-action="approve"]`)
	assert.Contains(t, audit, "staff:"+staffID)
	assert.Contains(t, audit, reason)
	assert.Equal(t, "chain verified", read("#chain"))
	// No decision form is left for a settled task.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("form.decision").length`))
	require.NoError(t, err)
	assert.Zero(t, n)

	lookAt(t, ctx, "application-approved")

	// The engine agrees with the page.
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, got.Stage)
}

// loggedIn starts a headless browser and logs in to the console at base
// as the fixture's staff member, leaving the queue open.
func loggedIn(t *testing.T, chromium, base string) context.Context {
	t.Helper()
	return loggedInAs(t, chromium, base, staffToken)
}

// loggedInAs is loggedIn with another staff token.
func loggedInAs(t *testing.T, chromium, base, token string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root in containers
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(screenWidth, screenHeight),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	// The first call starts the browser, which lives as long as tab: no
	// timeout on it.
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(screenWidth, screenHeight)))
	ctx, cancel := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.ID("token")),
	))
	lookAt(t, ctx, "login")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.CSS("form.logout")), // signed in: the queue, perhaps empty
	))
	// On a loopback host the browser keeps the session under the
	// __Host- prefix: Secure, Path=/, host-only.
	got, err := chromedp.Run(ctx, func(ctx context.Context, tgt *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tgt, network.GetCookies, network.GetCookiesParams{})
	})
	require.NoError(t, err)
	var names []string
	for _, c := range got.Cookies {
		names = append(names, c.Name)
		if c.Name == "__Host-hcx_console" {
			assert.True(t, c.Secure && c.HTTPOnly && c.Path == "/" && !strings.HasPrefix(c.Domain, "."), "%+v", c)
		}
	}
	assert.Contains(t, names, "__Host-hcx_console")
	assert.NotContains(t, names, "hcx_console")
	return ctx
}

// A reviewer sees, side by side, the name the applicant gave and the one
// HFR holds, and decides the review the mismatch opened.
func TestBrowserReviewerDecidesNameMismatch(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	a, _ := f.submit(&hcxonboard.Application{
		ParticipantName:        "Sanjeevani Hospital Trust", // HFR: Sanjeevani Multispeciality Hospital
		Roles:                  []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:           "admin@sanjeevani.example",
		PrimaryMobile:          "9000066001",
		Identifiers:            hcxonboard.Identifiers{HFRID: "IN2910000123"},
		Address:                &hcxonboard.Address{Pincode: "560034"},
		SandboxCertificate:     f.cert("hosp-1", hcxonboard.RoleHospital),
		SandboxParticipantCode: "hosp-1",
	})
	var review string
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindReview && tk.Requirement == verifier.ReqHFRLookup {
			review = tk.ID
		}
	}
	require.NotEmpty(t, review, "a name mismatch opens a review: %+v", a.Tasks)

	ctx := loggedIn(t, chromium, srv.URL)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/console/applications/"+a.ID),
		chromedp.WaitVisible(chromedp.ID("findings-"+review)),
	))
	read := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return strings.TrimSpace(s)
	}
	row := "#findings-" + review + ` tr[data-field="name"]`
	assert.Equal(t, "false", attr(t, ctx, row, "data-match"))
	assert.Equal(t, "Sanjeevani Hospital Trust", read(row+" td.applicant"))
	assert.Contains(t, read(row+" td.registry"), "Sanjeevani Multispeciality Hospital")
	assert.Contains(t, read(row), "differs")
	assert.Equal(t, "true", attr(t, ctx, "#findings-"+review+` tr[data-field="pincode"]`, "data-match"))
	lookAt(t, ctx, "application-findings")

	const reason = "The trust runs the hospital; HFR lists it by the hospital's name"
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("reason-"+review), reason),
		chromedp.Click(chromedp.ID("approve-"+review)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	))
	assert.Equal(t, "done", read("#task-"+review+" [data-task-state]"))
	got, err := f.svc.Application(context.Background(), a.ID)
	require.NoError(t, err)
	tk, _ := got.Task(review)
	assert.Equal(t, onboarding.TaskDone, tk.State)
	assert.Equal(t, reason, tk.Reason)
}

// attr reads an attribute of the first element sel matches.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(t, err, sel)
	require.True(t, res.Exists, "%s has no %s", sel, name)
	return res.Value
}

// A reviewer reads an uploaded signatory letter inline, sends the
// application back, the applicant amends it, the reviewer approves the
// letter, and an approver — another person — takes it live.
func TestBrowserReviewSendBackAmendAndGoLive(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	set, err := httpapi.NewStaffTokenSet(map[string]string{"rita": reviewerToken, "ravi": approverToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("rita", httpapi.RoleReviewer))
	require.NoError(t, set.SetRoles("ravi", httpapi.RoleApprover))
	f := docFixture(t, document.DefaultMaxSize, httpapi.WithStaffSet(set))
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ctx0 := context.Background()

	letter := documenttest.PNG(64, 32)
	app := f.payer()
	app.ParticipantName = "Suraksha General Insurance Co"
	app.Documents = []hcxonboard.Document{{Kind: hcxonboard.DocSignatoryLetter, URI: "s3://suraksha/letter.png",
		SHA256: sha(letter), MediaType: document.PNG}}
	a, tok := f.submit(app)
	res := f.upload(a.ID, tok, hcxonboard.DocSignatoryLetter, document.PNG, letter)
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)

	// The reviewer reads the letter inline, and sends the application back.
	ctx := loggedInAs(t, chromium, srv.URL, reviewerToken)
	page := srv.URL + "/console/applications/" + a.ID
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("img.document-image"))))
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector("img.document-image").naturalWidth`))
	require.NoError(t, err)
	assert.Equal(t, 64, width, "the letter is shown inline")
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#go-live").length`))
	require.NoError(t, err)
	assert.Zero(t, forms, "a reviewer is offered no go-live")
	lookAt(t, ctx, "application-document")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("send-back-reason"), "participant_name: use the name on the IRDAI certificate"),
		chromedp.Click(chromedp.ID("send-back-button")),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	))

	// The applicant amends the name; the engine verifies it again.
	res = f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok),
		body: json.RawMessage(`{"participant_name": "Suraksha General Insurance Company Limited"}`)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	cur, err := f.svc.Application(ctx0, a.ID)
	require.NoError(t, err)
	var otp, review string
	for _, tk := range cur.OpenTasks() {
		switch {
		case tk.Kind == onboarding.KindOTP:
			otp = tk.ID
		case tk.Kind == onboarding.KindReview && tk.Requirement == verifier.ReqSignatoryLetter:
			review = tk.ID
		}
	}
	require.NotEmpty(t, otp)
	require.NotEmpty(t, review, "the held letter is reviewed again: %+v", cur.OpenTasks())
	_, err = f.svc.ConfirmOTP(ctx0, a.ID, otp, f.out.lastCode(a.ID))
	require.NoError(t, err)

	// The reviewer approves the letter.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("approve-"+review)),
		chromedp.SendKeys(chromedp.ID("reason-"+review), "signed by the CEO, on letterhead"),
		chromedp.Click(chromedp.ID("approve-"+review)),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	))
	cur, err = f.svc.Application(ctx0, a.ID)
	require.NoError(t, err)
	require.Equal(t, registry.StageDetails, cur.Stage, "tasks: %+v", cur.OpenTasks())
	_, err = f.svc.SubmitDetails(ctx0, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx0, a.ID)
	require.NoError(t, err)

	// Another person, the approver, takes it live.
	actx := loggedInAs(t, chromium, srv.URL, approverToken)
	require.NoError(t, chromedp.Do(actx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("go-live")),
		chromedp.Click(chromedp.ID("pilot-completed")),
		chromedp.Click(chromedp.ID("staff-trained")),
		chromedp.Click(chromedp.ID("go-live-button")),
		chromedp.WaitVisible(chromedp.CSS(".flash-ok")),
	))
	lookAt(t, actx, "application-live")
	require.NoError(t, chromedp.Do(actx,
		chromedp.Navigate(srv.URL+"/console/participants"),
		chromedp.WaitVisible(chromedp.ID("participants")),
	))
	lookAt(t, actx, "participants")
	cur, err = f.svc.Application(ctx0, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, cur.Status)
	events, err := f.svc.Events(ctx0, a.ID)
	require.NoError(t, err)
	var actors []string
	for _, e := range events {
		switch e.Action {
		case onboarding.ActionSendBack, onboarding.ActionAmend, onboarding.ActionApprove, onboarding.ActionGoLive:
			actors = append(actors, e.Action+" by "+e.Actor)
		}
	}
	assert.Equal(t, []string{"send_back by staff:rita", "amend by applicant", "approve by staff:rita", "go_live by staff:ravi"}, actors)
}
