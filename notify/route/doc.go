// Package route picks the transport of each onboarding message by the
// kind of its address (notify.Classify): an e-mail address, an Indian
// mobile number, a participant code, onboarding.Broadcast,
// onboarding.Staff, or "<facility id>@hfr".
//
//	r, err := route.New(
//		route.WithEmail(mailer),                  // notify/email
//		route.WithMobile(gateway),                // notify/sms
//		route.WithParticipant(sender),            // notify/webhook
//		route.WithStaff(route.Redirect("review@operator.example", mailer)),
//		route.WithFallback(queue),                // broadcast, HFR: the operator's own
//	)
//	svc, err := onboarding.New(store, onboarding.WithNotifier(r), …)
//
// A message for an address of unknown kind fails with ErrUnknownAddress,
// and one for a kind without a transport (and no fallback) with
// ErrNoTransport; neither error names the address, and both are
// permanent (sending again cannot change them: the engine's outbox keeps
// the message as a dead letter at once, for staff to see). The router passes the
// message on unchanged, so every transport sees the same ID and sends
// the same idempotency key.
package route
