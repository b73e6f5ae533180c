// Command operator is an HCX operator backend in one binary, for trying
// the library out: the onboarding engine over a SQLite file, the HTTP API
// and the staff review console (package onboarding/httpapi), a demo
// sandbox issuer, and in-process fake HFR and ROHINI registries unless real
// endpoints are configured.
//
//	go run ./examples/operator
//
// It prints the URLs, a staff token (once) for the console, the demo
// trust list, and the paths of sample applications to submit with curl.
// One-time codes are printed to the console: demo behaviour only — a real
// operator delivers them by e-mail or SMS and never logs them.
//
// Flags:
//
//	-addr          listen address (default 127.0.0.1:8080)
//	-db            SQLite file (default <temp dir>/hcxonboard-demo/registry.db)
//	-data          directory for the key seed, trust list and samples
//	               (default <temp dir>/hcxonboard-demo)
//	-instance      HCX instance code ending participant codes (default hcx)
//	-hfr-gateway   ABDM gateway base URL; with -hfr-registry and -hfr-client-id
//	-hfr-registry  HFR/HPR base URL, version prefix included
//	-hfr-client-id gateway client id; the secret comes from HFR_CLIENT_SECRET
//	-hfr-env       sandbox or production (default sandbox)
//	-rohini-url    ROHINI look-up base URL
//
// SIGINT or SIGTERM shuts it down gracefully.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "operator:", err)
		os.Exit(1)
	}
}
