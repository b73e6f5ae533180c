package rohinitest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
)

func ExampleNewServer() {
	srv := rohinitest.NewServer()
	defer srv.Close()

	lookup, err := srv.Lookup(rohini.WithRetry(2, 10*time.Millisecond, time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lookup.CloseIdleConnections()
	ctx := context.Background()

	h, err := lookup.Hospital(ctx, rohinitest.DemoID)
	fmt.Println(h.Name, err)

	// One outage, absorbed by a retry.
	srv.FailNext(503, 1, "")
	h, err = lookup.Hospital(ctx, "8900080881273")
	fmt.Println(h.Name, h.Status, err)

	// A longer outage reaches the caller as ErrUnavailable.
	srv.FailNext(503, 3, "")
	_, err = lookup.Hospital(ctx, rohinitest.DemoID)
	fmt.Println(errors.Is(err, rohini.ErrUnavailable), srv.Requests())
	// Output:
	// Shree Sai Multispeciality Hospital <nil>
	// Rajputana Ortho and Trauma Hospital Expired <nil>
	// true 6
}
