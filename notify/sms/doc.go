// Package sms is an onboarding.Notifier that sends messages to Indian
// mobile numbers through an HTTP SMS gateway — above all the one-time
// codes the engine sends to an applicant's system admin.
//
// The gateway is described, not coded: New takes a URL template
// (text/template over URLData) and options for the method, the
// credentials (WithBasicAuth, or WithHeader for a key in a header) and
// the text:
//
//	g, err := sms.New(
//		"https://sms.gateway.example/v2/send?to={{.To}}&text={{.Text}}&ref={{.Key}}&dlt_template=1107…",
//		sms.WithHeader("Authorization", "Bearer "+token),
//		sms.WithFormBody(), // POST the parameters; keep number and code out of URL logs
//		sms.WithClient(fetcher.Client()),
//	)
//
// Every value the template puts in the URL is percent-encoded, so a
// message's text cannot add or change a parameter. The number is given
// as E.164 (To: "+91…") and as ten digits (National); Key is the message's
// idempotency key (notify.Key), for gateways that take a client reference
// and drop a duplicate.
//
// The text is short: by default, for a one-time code, "<code> is your
// HCX onboarding code. Never share it."; for other kinds, the subject
// (DefaultTextTemplate). WithTextTemplate replaces it — in India with the
// text of the DLT template registered for the sender — and WithMaxLength
// bounds it. Only an OTP or an HFR intimation gives the template a code.
//
// Notify makes one request and does not retry (a code sent twice
// confuses its reader; the outbox retries a failed message later, under
// the same key). Errors and logs never carry the URL, the text, the code,
// a credential or the full number.
package sms
