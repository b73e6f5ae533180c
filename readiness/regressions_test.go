package readiness_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The operator's step 3 takes a certificate URL whatever the case of its
// scheme ("HTTPS://…", onboarding.readCertificate lowers it) and lets a
// fetched file carry text after its PEM blocks. The readiness checker
// judges such a value as a URL too, not as pasted text, and passes the
// certificate the operator accepts.
func TestRegressionUpperCaseURLCertificateWithTrailingTextIsNotPasted(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	mux := http.NewServeMux()
	mux.HandleFunc("/enc.pem", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, p.EncryptionCert+"subject=CN = hospital.example\nissuer=CN = hospital.example\n")
	})
	base := rt.Serve(t, "certs.example.com", mux)
	target := p.Target()
	target.EncryptionCert = base + "/enc.pem"
	rep := op.Checker(t, rt.Client(t, p.Host, "certs.example.com")).Check(context.Background(), target)
	require.True(t, rep.Ready, "lower-case URL: %v", outcomes(rep))

	target.EncryptionCert = "HTTPS://" + strings.TrimPrefix(base, "https://") + "/enc.pem"
	rep = op.Checker(t, rt.Client(t, p.Host, "certs.example.com")).Check(context.Background(), target)
	require.True(t, rep.Ready, "upper-case scheme: %v", outcomes(rep))
}
