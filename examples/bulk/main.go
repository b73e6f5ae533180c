// Command bulk onboards a state scheme's list of empanelled hospitals onto
// an HCX through the onboarding engine, concurrently and resumably, and
// sums up where each application stands.
//
//	bulk -generate 10000 -o hospitals.csv          # a demo list
//	bulk [-workers 16] [-db FILE | -memory] [-sync full|normal] [-latency 20ms] [-json] [-quiet] hospitals.csv
//
// It runs on embedded defaults: a SQLite registry next to the list, with
// the rows' state beside it (so a re-run skips every row already stored,
// and submits again a rejected row corrected in the list since),
// in-process HFR and ROHINI fakes seeded from the list, and a demo sandbox
// operator that certifies each hospital. The CSV columns are documented in
// README.md. Exit status:
// 0 done (rejections are an outcome, not an error), 1 a failure or an
// interruption (run again to resume), 2 bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM stops the run gently: rows in flight
	// finish and the summary is printed. After it the signals have their
	// default effect again, so a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case err == errUsage: // the flag package has said what is wrong
		os.Exit(2)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "bulk:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "bulk:", err)
		os.Exit(1)
	}
}
