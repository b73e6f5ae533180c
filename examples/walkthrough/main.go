// Command walkthrough takes one sample application of every verification
// category to Active against a running examples/operator, printing each
// step: the submission, the uploads of the documents it references, the
// one-time codes, the staff reviews and the payer's approval, the step-3
// details, the readiness checks, the production credentials and the
// go-live.
//
//	go run ./examples/operator        # in one terminal; note the two staff tokens
//	go run ./examples/walkthrough -reviewer-token <…> -approver-token <…>
//
// It reads the samples the operator wrote into its data directory, and the
// one-time codes from demo-codes.jsonl there: the operator's demo writes
// every code it prints to that file, and this program plays the people who
// would have received them by e-mail, SMS or HFR/HPR. Demo only: a real
// operator keeps no copy of a code. Reviews are decided with the
// reviewer's token, go-live with the approver's — two people, as four
// eyes requires. The insurer goes first, so that the empanelled hospital
// can name it and the insurer answers the approval request itself.
//
// It also plays the participants' software for the readiness checks the
// operator requires before go-live (package readiness). It starts, in its
// own process, one TLS server on loopback with the certificate the
// operator's demo CA issued for participants.hcx-demo.localhost
// (demo-endpoint-tls.pem), and for each sample, once its participant code
// is known, a readiness handler (package readiness/participant) under
// /p/<n>, holding the demo participants' private keys the operator wrote
// (demo-participant-*-key.pem, the keys of details.json's certificates)
// and trusting the readiness key the operator publishes at
// /readiness-jwks.json (a real participant's handler fetches it itself
// over https, participant.RemoteKeys; the demo operator speaks plain http,
// so it is fetched here once and handed over with participant.StaticKeys).
// The sample registers endpoint_url
// https://participants.hcx-demo.localhost:<port>/p/<n> in step 3, asks the
// operator to check it (POST …/applications/{id}/readiness), and prints
// the report — each check, its outcome and time, and what to fix if one
// failed — before it takes its credentials and goes live. Demo only: the
// operator reaches that host on loopback because its demo configuration
// allows exactly that (see examples/operator); demo-readiness.json in the
// data directory says where everything is. Without that file (the
// operator's -readiness off) the checks are skipped and details.json's
// endpoint is registered as it is.
//
// A sample goes live once per operator data directory: its sandbox
// certificate and its registry identities (HFR, HPR, ROHINI, IRDA) then
// belong to the participant. To run it again, stop the operator, delete
// its data directory and start it again.
//
// Flags:
//
//	-url             the operator (default http://127.0.0.1:8080)
//	-data            the operator's data directory (default <temp dir>/hcxonboard-demo)
//	-reviewer-token  the reviewer's staff token (or HCX_REVIEWER_TOKEN)
//	-approver-token  the approver's staff token (or HCX_APPROVER_TOKEN)
//	-only            categories to take live, comma-separated (default all)
//	-wait            how long to wait for a code or a check (default 30s)
//
// Exit status 0 when every sample went live, 1 when one did not, 2 for a
// usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "walkthrough:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "walkthrough:", err)
		os.Exit(1)
	}
}
