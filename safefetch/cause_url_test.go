package safefetch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/safefetch"
)

// A URL that does not parse is refused with a cause, for the operator's
// log, that says why without quoting the URL: its query and user
// information may carry a signature, a token or a password, which the
// callers take care to keep out of their own log lines.
func TestUnparsableURLCauseOmitsTheURL(t *testing.T) {
	f, err := safefetch.New()
	require.NoError(t, err)
	for _, raw := range []string{
		"https://files.example.org/letter%zz.pdf?X-Amz-Signature=SECRET-SIG",
		"https://ravi:SECRET-PW@files.example.org/letter%zz.pdf",
		"https://files.example.org/a b?token=SECRET-TOKEN\x7f",
	} {
		_, err := f.Get(context.Background(), raw)
		var fe *safefetch.Error
		require.True(t, errors.As(err, &fe), "%v", err)
		require.Equal(t, safefetch.URLRefused, fe.Kind)
		require.NotContains(t, err.Error(), "SECRET")
		require.NotNil(t, fe.Cause(), "the cause stays for the log")
		require.NotContains(t, fe.Cause().Error(), "SECRET", "the cause quotes the URL")
		require.NotContains(t, fe.Cause().Error(), "files.example.org")
	}
	// The reason survives.
	_, err = f.Get(context.Background(), "https://files.example.org/letter%zz.pdf?sig=SECRET")
	var fe *safefetch.Error
	require.True(t, errors.As(err, &fe))
	require.Contains(t, fe.Cause().Error(), `invalid URL escape "%zz"`)
}
