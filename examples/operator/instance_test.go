package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify"
)

// Messages reach a participant by its code (a payer's approval request,
// for one), and the router tells a code from an e-mail address or an HFR
// facility by what follows the "@". -instance is refused at start, naming
// the flag, when codes ending with it would be taken for something else:
// with a dot, a payer's approval request would go by e-mail to whoever
// holds that domain; with "hfr", to the staff instead of the payer.
func TestInstanceCodesAreRoutedAsParticipantCodes(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"hcx.nha", "nhcx.gov.in", "hfr", "HFR", "", "bad code", "-hcx"} {
		_, err := parseFlags([]string{"-instance", bad}, io.Discard)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "-instance", bad)
	}
	for _, good := range []string{"hcx", "HCX", "swasth-hcx-dev", "nhcx2"} {
		cfg, err := parseFlags([]string{"-instance", good}, io.Discard)
		require.NoError(t, err, good)
		assert.Equal(t, notify.Participant, notify.Classify("insurer_1@"+cfg.instance), good)
	}
}
