package registry_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// A credential check reads the participant's status and its application's
// state in one read, on every call, so a change is seen at once.
func ExampleStandingReader() {
	ctx := context.Background()
	var store registry.Store = registry.NewMemoryStore()
	code := "payr_acmein_100003@hcx"
	p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "Acme Insurance", Status: hcxonboard.StatusActive}
	app := &registry.Application{ID: "app-1", ParticipantCode: code, Stage: registry.StageLive, State: json.RawMessage(`{"step":1}`)}
	if err := store.Create(ctx, registry.Write{Application: app, Participant: p}); err != nil {
		fmt.Println(err)
		return
	}

	sr, ok := store.(registry.StandingReader)
	if !ok {
		fmt.Println("two reads: Participant, then ListApplications by participant code")
		return
	}
	st, err := sr.ParticipantStanding(ctx, code)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.Status, st.ApplicationID, string(st.State))

	p.Status = hcxonboard.StatusBlocked
	if err := store.Update(ctx, registry.Write{Application: app, Participant: p}); err != nil {
		fmt.Println(err)
		return
	}
	st, _ = sr.ParticipantStanding(ctx, code)
	fmt.Println(st.Status)

	_, err = sr.ParticipantStanding(ctx, "nobody@hcx")
	fmt.Println(errors.Is(err, registry.ErrNotFound))
	// Output:
	// Active app-1 {"step":1}
	// Blocked
	// true
}
