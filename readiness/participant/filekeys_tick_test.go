package participant_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A key set rewritten at the same size within one tick of the file
// system's clock — the self-test run again at once writes a new kid of
// the same length, and many file systems keep modification times to the
// second or coarser — is read again on its unknown kid, not taken for
// the set already read. The tick is made certain here by setting the new
// file's time back to the old one's.
func TestFileKeysRewrittenWithinOneClockTick(t *testing.T) {
	t.Parallel()
	first, second := rt.NewOperator(1), rt.NewOperator(2)
	path := filepath.Join(t.TempDir(), "operator.jwks")
	write := func(op *rt.Operator) []byte {
		data, err := json.Marshal(op.JWKS())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		return data
	}
	a := write(first)
	keys := participant.FileKeys(path)
	_, err := keys.LookupKey(context.Background(), first.KeyID)
	require.NoError(t, err)
	before, err := os.Stat(path)
	require.NoError(t, err)

	b := write(second)
	require.Len(t, b, len(a), "the two key sets are the same size")
	require.NoError(t, os.Chtimes(path, before.ModTime(), before.ModTime()))

	k, err := keys.LookupKey(context.Background(), second.KeyID)
	require.NoError(t, err, "the rewritten key set is read")
	require.Equal(t, second.KeyID, k.KeyID())
	_, err = keys.LookupKey(context.Background(), first.KeyID)
	require.ErrorIs(t, err, participant.ErrUnknownKey, "the key no longer in the file is gone")
}
