package onboarding

import "testing"

func TestTaskKindPhrase(t *testing.T) {
	for kind, want := range map[string]string{KindUpload: "an upload", KindAwait: "an await", KindReview: "a review", KindOTP: "an otp", KindApproval: "an approval"} {
		if got := taskKindPhrase(kind); got != want {
			t.Errorf("taskKindPhrase(%q) = %q, want %q", kind, got, want)
		}
	}
}
