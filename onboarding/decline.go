package onboarding

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// DefaultDeclineWindow is how long after the intimation the facility
// manager HFR holds may decline an onboarding.
const DefaultDeclineWindow = 7 * 24 * time.Hour

// declineState is the manager's decline code, kept as a keyed hash.
type declineState struct {
	Salt      string    `json:"salt"`
	Hash      string    `json:"hash"`
	ExpiresAt time.Time `json:"expires_at"`
	Used      bool      `json:"used,omitempty"`
}

// declineCodeLength is the number of base32 characters of a decline code:
// 80 random bits, far beyond guessing, so the code needs no attempt limit.
const declineCodeLength = 16

var declineEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// issueDecline gives r a fresh decline code and returns it: the one place
// it leaves the engine is the manager's intimation (Message.Code).
func (s *Service) issueDecline(r *record) (string, error) {
	var raw [10]byte
	if _, err := io.ReadFull(s.rand, raw[:]); err != nil {
		return "", fmt.Errorf("onboarding: random source: %w", err)
	}
	code := declineEncoding.EncodeToString(raw[:])
	var salt [16]byte
	if _, err := io.ReadFull(s.rand, salt[:]); err != nil {
		return "", fmt.Errorf("onboarding: random source: %w", err)
	}
	d := &declineState{Salt: hex.EncodeToString(salt[:]), ExpiresAt: r.now.Add(s.declineWindow)}
	d.Hash = s.declineHash(r.app.ID, d.Salt, code)
	r.st.Decline = d
	return code, nil
}

// declineMatches compares code with d's, in constant time.
func (s *Service) declineMatches(appID string, d *declineState, code string) bool {
	want, err := hex.DecodeString(d.Hash)
	got, _ := hex.DecodeString(s.declineHash(appID, d.Salt, code))
	return err == nil && len(want) == sha256.Size && hmac.Equal(got, want)
}

func (s *Service) declineHash(appID, salt, code string) string {
	mac := hmac.New(sha256.New, s.otpKey)
	for _, part := range []string{"hcxonboard.decline.v1", appID, salt, code} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		mac.Write(n[:])
		mac.Write([]byte(part))
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// normalizeDeclineCode forgives what people do to a code they copy: case,
// spaces and hyphens.
func normalizeDeclineCode(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// Decline is the facility manager's "no": the intimation HFR's manager
// receives for an ABDM facility carries a decline code, and quoting it
// within the decline window (WithDeclineWindow) rejects the application
// with the manager's reason and tells staff. A wrong, used or expired code
// is ErrInvalidOTP, in the same words whatever was wrong. A participant
// already live (go-live does not wait for the window to close) is
// suspended instead, and staff told to de-board it or reinstate it.
func (s *Service) Decline(ctx context.Context, id, code, reason string) (*Application, error) {
	code = normalizeDeclineCode(strings.TrimSpace(code))
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "no reason given"
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	wrong := fmt.Errorf("%w: the decline code does not match this application or is no longer valid", ErrInvalidOTP)
	if len(code) != declineCodeLength {
		return nil, wrong
	}
	r, err := s.mutate(ctx, id, func(r *record) error {
		d := r.st.Decline
		if d == nil || d.Used || !r.now.Before(d.ExpiresAt) {
			return wrong
		}
		if !s.declineMatches(r.app.ID, d, code) {
			return wrong
		}
		d.Used = true
		if r.isLive() {
			// Live within the window: the manager's "no" still counts.
			// The participant is suspended at once; staff decide whether
			// to de-board it.
			why := "the facility manager HFR holds declined this onboarding: " + clip(reason)
			action := ActionSuspend
			if r.position() == posBlocked {
				action = ActionManagerDeclined // suspended already: it stays so
			}
			if err := r.transition(action, actorManager, why); err != nil {
				return err
			}
			// Only staff lift this suspension: a certificate renewal does
			// not, as it would one for an expired certificate alone.
			r.st.SuspendedAtExpiry = false
			r.notify(Message{
				Kind:    MessageReviewRequest,
				To:      Staff,
				Subject: "An HFR facility manager declined a live participant's onboarding",
				Body: fmt.Sprintf("The manager HFR holds for the facility of participant %s (%s, application %s) declined its onboarding: %s. "+
					"The participant is suspended; de-board it, or reinstate it once the manager agrees.",
					r.app.ParticipantCode, r.st.Submitted.ParticipantName, r.app.ID, clip(reason)),
			})
			return nil
		}
		reasons := []string{fmt.Sprintf("%s: the facility manager HFR holds declined this onboarding: %s", "hfr_manager_otp", clip(reason))}
		if err := s.reject(r, actorManager, reasons); err != nil {
			return err
		}
		r.notify(Message{
			Kind:    MessageReviewRequest,
			To:      Staff,
			Subject: "An HFR facility manager declined an onboarding",
			Body: fmt.Sprintf("The manager HFR holds for the facility of application %s (%s) declined it: %s. The application is rejected; "+
				"check whether someone else tried to onboard the facility.", r.app.ID, r.st.Submitted.ParticipantName, clip(reason)),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.view(r), nil
}

// WithDeclineWindow sets how long after the intimation the facility
// manager HFR holds may decline the onboarding (default
// DefaultDeclineWindow).
func WithDeclineWindow(d time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return fmt.Errorf("%w: decline window %s is not positive", ErrInvalidOption, d)
		}
		s.declineWindow = d
		return nil
	}
}

// durationWords says d in days or hours, for messages.
func durationWords(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		if n := int(d / (24 * time.Hour)); n != 1 {
			return fmt.Sprintf("%d days", n)
		}
		return "1 day"
	}
	if h := int(d.Round(time.Hour) / time.Hour); h > 1 {
		return fmt.Sprintf("%d hours", h)
	}
	return "1 hour"
}

// plural says n things, with the plural s when n is not 1.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
