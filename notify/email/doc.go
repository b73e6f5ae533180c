// Package email is an onboarding.Notifier that sends e-mail over SMTP,
// with go-mail.
//
//	m, err := email.New("smtp.operator.example", "HCX Onboarding <onboarding@operator.example>",
//		email.WithAuth(user, password), // SMTP AUTH, strongest mechanism offered, over TLS only
//	)
//	svc, err := onboarding.New(store, onboarding.WithNotifier(m), …)
//
// # Connection
//
// By default the Mailer submits on port 587 and requires STARTTLS before
// anything else, verifying the server's certificate; WithSecurity
// (ImplicitTLS) speaks TLS from the first byte, on port 465. Plain text
// (Plaintext) is accepted only for a loopback host and never with AUTH.
// Each Notify opens its own connection, bounded by its context and by
// WithTimeout per command.
//
// # Bodies
//
// Every message goes out as multipart/alternative: a plain-text body from
// a text/template and an HTML body from an html/template, both executed
// with a Data (the engine's subject and text, the application and
// participant, and the code of the kinds that carry one). The defaults
// are embedded (DefaultTextTemplate, DefaultHTMLTemplate); WithTemplates
// replaces them, with one template per message kind where the set defines
// one by the kind's name, and is checked at construction. Compose renders
// a message without sending it.
//
// # Message-ID
//
// The Message-ID is made from the message's idempotency key (notify.Key):
// MessageID(key, domain), with the sender's domain unless
// WithMessageIDDomain says otherwise. A message the outbox delivers again
// keeps its Message-ID, so mail clients and archives that drop a
// duplicate Message-ID show it once. A caller outside the outbox sets
// Message.ID to choose the key.
//
// # Personal data
//
// The Mailer never logs a body or a code; WithLogger gets the kind, the
// masked address and the key of each send, at debug level. A failure is a
// *SendError whose text is the server's reply without the recipient list
// and with any other address masked (hcxonboard.RedactText); it keeps the
// SMTP reply code and whether the failure is temporary.
package email
