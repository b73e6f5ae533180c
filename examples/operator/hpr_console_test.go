package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// The demo prints the HPR code it "sends" a practitioner with the HPR ID
// masked, as every contact it prints is: the console is the operator's
// log. The code file (for the walkthrough) keeps the ID whole.
func TestDemoHPRCodeLineMasksTheHPRID(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	var out bytes.Buffer
	codes := newCodeLog(t.TempDir())
	f := fakeHPRAuth{ProfessionalAuth: c, fake: srv, out: &out, codes: codes}
	_, err = f.StartHPRAuth(context.Background(), "71-1234-5678-9012", hfr.HPRMobileOTP)
	require.NoError(t, err)
	require.Contains(t, out.String(), "[DEMO ONLY] HPR one-time code (MOBILE_OTP) for professional **-****-****-9012: ")
	require.NotContains(t, out.String(), "1234-5678")
	code, ok := srv.LastHPROTP("71-1234-5678-9012")
	require.True(t, ok)
	require.Contains(t, out.String(), code, "the demo still shows the code")
}
