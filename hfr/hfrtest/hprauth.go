package hfrtest

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard/hfr"
)

// PersonTokenTTL is how long a professional's token from the fake's HPR
// authentication stays valid.
const PersonTokenTTL = 30 * time.Minute

// hprTxn is an HPR authentication the fake has started.
type hprTxn struct {
	digits   string // the professional's HPR number, digits only
	method   hfr.HPRAuthMethod
	code     string
	expires  time.Time
	attempts int
}

type personToken struct {
	digits  string
	expires time.Time
}

// LastHPROTP returns the last OTP the fake "sent" to authenticate the
// professional with HPR ID hprID (number, plain or dashed, or address).
func (s *Server) LastHPROTP(hprID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	digits, ok := s.professionalDigits(hprID)
	if !ok {
		return "", false
	}
	otp, ok := s.lastHPROTP[digits]
	return otp, ok
}

// professionalDigits finds the HPR number behind an ID; the caller holds
// s.mu.
func (s *Server) professionalDigits(id string) (string, bool) {
	p, ok := s.lookupProfessional(id)
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(p.HPRIDNumber, "-", ""), true
}

type hprAuthInitBody struct {
	IDType     string `json:"idType"`
	DomainName string `json:"domainName"`
	AuthMethod string `json:"authMethod"`
	HPRID      string `json:"hprId"`
}

// hprAuthInit starts an authentication: it draws a code for the
// professional (LastHPROTP reads it) if HPR offers the method.
func (s *Server) hprAuthInit(w http.ResponseWriter, r *http.Request) {
	var q hprAuthInitBody
	if !readJSON(w, r, &q) {
		return
	}
	if strings.TrimSpace(q.HPRID) == "" {
		hspError(w, http.StatusBadRequest, "HIS-400", "Bad Request", "HIS-1002", "hprId is empty")
		return
	}
	method := hfr.HPRAuthMethod(q.AuthMethod)
	s.mu.Lock()
	p, ok := s.lookupProfessional(q.HPRID)
	offered := false
	if ok {
		methods := p.AuthMethods
		if methods == nil {
			methods = defaultAuthMethods
		}
		for _, m := range methods {
			offered = offered || (m == q.AuthMethod && (method == hfr.HPRAadhaarOTP || method == hfr.HPRMobileOTP))
		}
	}
	var txn, digits string
	if ok && offered {
		txn = uuid.NewString()
		digits = strings.ReplaceAll(p.HPRIDNumber, "-", "")
		code := randomOTP()
		s.hprTxns[txn] = &hprTxn{digits: digits, method: method, code: code, expires: s.now().Add(OTPTTL)}
		s.lastHPROTP[digits] = code
	}
	s.mu.Unlock()
	switch {
	case !ok:
		hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", "HIS-3008", "Invalid HPID.")
	case !offered:
		hspError(w, http.StatusBadRequest, "HIS-400", "Bad Request", "", "Authentication method is not available for this HPR ID")
	default:
		// The fake holds no mobile; it shows one masked as HPR does.
		writeJSON(w, http.StatusOK, map[string]any{"txnId": txn, "mobileNumber": "******" + digits[len(digits)-4:]})
	}
}

var defaultAuthMethods = []string{"PASSWORD", "AADHAAR_OTP", "MOBILE_OTP"}

type hprConfirmBody struct {
	OTP   string `json:"otp"`
	TxnID string `json:"txnId"`
}

// hprConfirm checks a code on the path for method; codes are single use,
// expire after OTPTTL and die after MaxOTPAttempts wrong tries. A right
// code earns the professional's own token.
func (s *Server) hprConfirm(method hfr.HPRAuthMethod) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var q hprConfirmBody
		if !readJSON(w, r, &q) {
			return
		}
		code, message := "", ""
		var digits string
		s.mu.Lock()
		t, ok := s.hprTxns[q.TxnID]
		switch {
		case !ok || t.method != method:
			code, message = "HIS-2022", "Invalid OTP"
		case !s.now().Before(t.expires):
			delete(s.hprTxns, q.TxnID)
			code, message = "HIS-2031", "Request expired"
		case subtle.ConstantTimeCompare([]byte(q.OTP), []byte(t.code)) != 1:
			t.attempts++
			if t.attempts >= MaxOTPAttempts {
				delete(s.hprTxns, q.TxnID)
			}
			code, message = "HIS-2022", "Invalid OTP"
		default:
			delete(s.hprTxns, q.TxnID) // single use
			digits = t.digits
		}
		var token string
		if code == "" {
			token = randomToken(32)
			s.personTokens[token] = personToken{digits: digits, expires: s.now().Add(PersonTokenTTL)}
		}
		s.mu.Unlock()
		if code != "" {
			hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", code, message)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"token":            token,
			"expiresIn":        int64(PersonTokenTTL / time.Second),
			"refreshToken":     randomToken(32),
			"refreshExpiresIn": 10800,
		})
	}
}

// hprAccount answers the profile of the professional whose token is the
// bearer, as HPR's account information does; any other bearer (the
// gateway's included) gets 401.
func (s *Server) hprAccount(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	pt, ok := s.personTokens[token]
	if ok && !s.now().Before(pt.expires) {
		delete(s.personTokens, token)
		ok = false
	}
	var p hfr.Professional
	if ok {
		p, ok = s.professionals[pt.digits]
	}
	s.mu.Unlock()
	if !ok || token == "" {
		hspError(w, http.StatusUnauthorized, "HIS-401", "Unauthorized", "HIS-3031", "Invalid token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"hprIdNumber":           p.HPRIDNumber,
		"hprId":                 p.HPRID,
		"name":                  p.Name,
		"hpCategoryCode":        p.CategoryID,
		"hpSubCategoryCode":     p.SubCategoryID,
		"kycVerified":           true,
		"hprRegistrationStatus": "ACTIVE",
	})
}
