package metrics_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/metrics"
	"github.com/openhcx/hcxonboard/registry"
)

// sparseSource counts only the stages that hold applications, as a
// GROUP BY does.
type sparseSource struct{ failingSource }

func (sparseSource) CountApplications(context.Context) (map[registry.Stage]int, error) {
	return map[registry.Stage]int{registry.StageLive: 2}, nil
}

func (sparseSource) OldestWaiting(context.Context, string) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

// hcxonboard_applications has a sample for every stage, zero included,
// whatever stages the source's count names: a stage emptied since the
// last scrape reads 0, not a series that vanished.
func TestApplicationsFamilyHasEveryStage(t *testing.T) {
	t.Parallel()
	state, err := metrics.NewStateCollector(sparseSource{})
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(state))
	srv := httptest.NewServer(metrics.Handler(reg, nil))
	defer srv.Close()
	fams := scrape(t, srv.URL)
	require.Equal(t, float64(2), sample(t, fams, "hcxonboard_applications", map[string]string{"stage": string(registry.StageLive)}))
	for _, st := range registry.Stages() {
		if st != registry.StageLive {
			require.Zero(t, sample(t, fams, "hcxonboard_applications", map[string]string{"stage": string(st)}))
		}
	}
	require.Len(t, fams["hcxonboard_applications"].GetMetric(), len(registry.Stages()))
}
