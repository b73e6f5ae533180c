package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// Certificates by URL. Existing HCX software fetches a participant's
// encryption_cert as a URL, so the operator serves each participant's
// current certificates at stable public URLs,
//
//	/certificates/{participant_code}/encryption_cert.pem
//	/certificates/{participant_code}/signing_cert.pem
//
// and the records of the spec and platform profiles carry those URLs. The
// body is the certificate alone, re-encoded as one PEM block (the SDKs
// test that it starts with "-----BEGIN CERTIFICATE-----"), with an ETag
// of its bytes, so a renewal shows at the same URL and a client
// revalidates cheaply. A certificate the participant gave as a URL of its
// own is a redirect there. A de-boarded (Inactive) participant's
// certificates are no longer served: 404.

const (
	encryptionCertFile = "encryption_cert.pem"
	signingCertFile    = "signing_cert.pem"
	pemMediaType       = "application/x-pem-file"
	// certMaxAge is how long a client may cache a certificate before it
	// revalidates with If-None-Match.
	certMaxAge = 5 * time.Minute
)

// certificateURL is the public URL of one of a participant's certificates.
func certificateURL(base, code, file string) string {
	return base + "/certificates/" + url.PathEscape(code) + "/" + file
}

func (h *Handler) encryptionCertificate(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	p, err := h.certificateHolder(r)
	if err != nil {
		return err
	}
	return h.serveCertificate(w, r, p.EncryptionCert)
}

func (h *Handler) signingCertificate(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	p, err := h.certificateHolder(r)
	if err != nil {
		return err
	}
	return h.serveCertificate(w, r, p.SigningCertPath)
}

// certificateHolder finds the participant whose certificate the path
// names. A de-boarded participant is off the network — Inactive, or its
// announced de-boarding took effect though the sweep has not yet made it
// Inactive (onboarding.Service.OffNetwork) — and its certificates are no
// longer handed out (404), so that no counterparty encrypts to it or
// takes its signatures as current; its record still reads, with its
// status.
func (h *Handler) certificateHolder(r *http.Request) (*hcxonboard.Participant, error) {
	p, err := h.participant(r, r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	if err := h.statusNow(r, p); err != nil {
		return nil, err
	}
	if p.Status == hcxonboard.StatusInactive {
		return nil, newError(http.StatusNotFound, CodeInvalidParticipantCode,
			"the participant was de-boarded (Inactive): its certificates are no longer served")
	}
	return p, nil
}

// isCertificateURL reports whether a held certificate (trimmed) is a URL
// to one rather than the certificate itself: step 3 accepts either.
func isCertificateURL(held string) bool {
	lower := strings.ToLower(held)
	return strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
}

// echoedCertificates reads the certificates of d given as URLs on this
// HCX's own certificate routes, as the records of the spec and platform
// profiles show them. A participant that sends back its record's URL of a
// certificate keeps the certificate held; any other such URL is refused:
// served, it would only redirect back here. held returns the application
// whose details d changes, and is called only when there is such a URL.
func (h *Handler) echoedCertificates(r *http.Request, d *onboarding.Details, held func() (*onboarding.Application, error)) error {
	base := h.publicBase(r)
	var a *onboarding.Application
	for _, c := range []struct {
		given       *string
		file, field string
	}{
		{&d.EncryptionCert, encryptionCertFile, "encryption_cert"},
		{&d.SigningCertPath, signingCertFile, "signing_cert_path"},
	} {
		v := strings.TrimSpace(*c.given)
		if !ownCertificateRoute(base, v) {
			continue
		}
		if a == nil {
			var err error
			if a, err = held(); err != nil {
				return err
			}
		}
		if p := a.Participant; p != nil && v == certificateURL(base, p.ParticipantCode, c.file) {
			kept := p.EncryptionCert
			if c.file == signingCertFile {
				kept = p.SigningCertPath
			}
			if kept != "" && !ownCertificateRoute(base, strings.TrimSpace(kept)) {
				*c.given = kept
				continue
			}
		}
		return newError(http.StatusBadRequest, CodeInvalidCertificate,
			"%s is a URL on this HCX's own certificate routes: give the certificate itself (PEM), or a URL of your own that serves it", c.field)
	}
	return nil
}

// ownCertificateRoute reports whether v is a URL on this HCX's certificate
// routes.
func ownCertificateRoute(base, v string) bool {
	prefix := base + "/certificates/"
	return len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix)
}

func (h *Handler) serveCertificate(w http.ResponseWriter, r *http.Request, held string) error {
	held = strings.TrimSpace(held)
	if ownCertificateRoute(h.publicBase(r), held) {
		// Stored before such URLs were refused: a redirect would loop.
		return newError(http.StatusNotFound, CodeInvalidCertificate,
			"the participant's certificate URL leads back to this HCX; it must give its certificate again")
	}
	if isCertificateURL(held) {
		// Checked when the participant gave it (step 3).
		http.Redirect(w, r, held, http.StatusFound)
		return nil
	}
	body := certificatePEM(held)
	if body == nil {
		return newError(http.StatusNotFound, CodeInvalidCertificate, "the participant has no such certificate")
	}
	sum := sha256.Sum256(body)
	hd := w.Header()
	hd.Set("Content-Type", pemMediaType)
	hd.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	hd.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(certMaxAge/time.Second)))
	hd.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	return nil
}

// certificatePEM returns the first certificate of a PEM text (or of its
// base64, as step 3 accepts) as one PEM block, or nil.
func certificatePEM(held string) []byte {
	data := []byte(held)
	if !strings.HasPrefix(held, "-----BEGIN") {
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(held), ""))
		if err != nil {
			return nil
		}
		data = dec
	}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil
		}
		if b.Type == "CERTIFICATE" {
			return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Bytes})
		}
	}
}
