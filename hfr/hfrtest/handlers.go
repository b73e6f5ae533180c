package hfrtest

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openhcx/hcxonboard/hfr"
)

// Paths the fake serves.
const (
	PathSessionV3       = "/api/hiecm/gateway/v3/sessions"
	PathSessionV05      = "/gateway/v0.5/sessions"
	PathFacilitySearch  = RegistryPath + "/FacilityManagement/v1.5/facility/search"
	PathFacilityContact = RegistryPath + "/v1.5/facility/fetchFacilityContactDetails"
	PathSendOTP         = RegistryPath + "/v1.5/facility/sendOtpToContact"
	PathValidateOTP     = RegistryPath + "/v1.5/facility/validateOtp"
	PathSearchHPR       = RegistryPath + "/v1/search/searchByHprId/"
	PathProfessional    = RegistryPath + "/apis/v1/doctors/fetch-professional-info"
	// HPR's authentication of a professional.
	PathHPRAuthInit       = RegistryPath + "/api/v1/auth/init"
	PathHPRConfirmAadhaar = RegistryPath + "/api/v1/auth/confirmWithAadhaarOtp"
	PathHPRConfirmMobile  = RegistryPath + "/api/v1/auth/confirmWithMobileOTP"
	PathHPRAccount        = RegistryPath + "/v1/account/information"
)

const (
	timestampLayout = "2006-01-02T15:04:05.000Z"
	maxBody         = 64 << 10
)

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathSessionV3, s.sessionV3)
	mux.HandleFunc("POST "+PathSessionV05, s.sessionV05)
	mux.HandleFunc("POST "+PathFacilitySearch, s.authed(s.facilitySearch))
	mux.HandleFunc("POST "+PathFacilityContact, s.authed(s.facilityContact))
	mux.HandleFunc("POST "+PathSendOTP, s.authed(s.sendOTP))
	mux.HandleFunc("POST "+PathValidateOTP, s.authed(s.validateOTP))
	mux.HandleFunc("GET "+PathSearchHPR+"{id}", s.authed(s.searchHPR))
	mux.HandleFunc("POST "+PathProfessional, s.authed(s.professionalInfo))
	mux.HandleFunc("POST "+PathHPRAuthInit, s.authed(s.hprAuthInit))
	mux.HandleFunc("POST "+PathHPRConfirmAadhaar, s.authed(s.hprConfirm(hfr.HPRAadhaarOTP)))
	mux.HandleFunc("POST "+PathHPRConfirmMobile, s.authed(s.hprConfirm(hfr.HPRMobileOTP)))
	mux.HandleFunc("GET "+PathHPRAccount, s.hprAccount)
	return mux
}

// serveHTTP counts the request, applies latency and injected faults, then
// routes it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.requests[path]++
	if path == PathSessionV3 || path == PathSessionV05 {
		s.sessions++
	}
	latency := s.latency
	var fail *failure
	for _, f := range s.failures {
		if f.remaining > 0 && strings.HasSuffix(path, f.suffix) {
			f.remaining--
			fail = f
			break
		}
	}
	malformed := false
	for suffix := range s.malformed {
		if strings.HasSuffix(path, suffix) {
			malformed = true
		}
	}
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.done:
			t.Stop()
			http.Error(w, "server closing", http.StatusServiceUnavailable)
			return
		}
	}
	if fail != nil {
		s.writeFailure(w, path, fail)
		return
	}
	if malformed {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"facilities":[{"facilityId":"IN`)
		return
	}
	if !s.routed(r) {
		// As the HSP host's API manager answers a path it does not route
		// (a registry URL without its version prefix, say): not a 404
		// about a facility or professional.
		writeJSON(w, http.StatusNotFound, map[string]string{
			"code":        "900906",
			"message":     "No matching resource found for given API Request",
			"description": "No matching resource found in the API for the given request",
		})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// routed reports whether the fake serves r's path, with r's method or
// another (which the mux answers 405).
func (s *Server) routed(r *http.Request) bool {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		return true
	}
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			return true
		}
	}
	return false
}

func (s *Server) writeFailure(w http.ResponseWriter, path string, f *failure) {
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	text := http.StatusText(f.status)
	switch {
	case f.status == http.StatusBadGateway || f.status == http.StatusGatewayTimeout:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(f.status)
		io.WriteString(w, text)
	case path == PathSessionV3 || path == PathSessionV05:
		gatewayError(w, f.status, strconv.Itoa(f.status), text)
	default:
		hspError(w, f.status, "HIS-"+strconv.Itoa(f.status), text, "", "")
	}
}

// gatewayError writes the gateway shape {"error":{"code","message"}}.
func gatewayError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// hspError writes the HSP envelope: the code repeats the HTTP status and
// the cause, if any, is the first detail.
func hspError(w http.ResponseWriter, status int, code, message, detailCode, detailMessage string) {
	details := []map[string]any{}
	if detailCode != "" {
		details = append(details, map[string]any{"code": detailCode, "message": detailMessage})
	}
	writeJSON(w, status, map[string]any{"code": code, "message": message, "details": details})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body into v, answering 400 itself on failure.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(v); err != nil {
		hspError(w, http.StatusBadRequest, "HIS-400", "Bad Request", "HIS-1001", "Malformed request body")
		return false
	}
	return true
}

// ---- gateway sessions ----

type sessionBody struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	GrantType    string `json:"grantType"`
}

func (s *Server) sessionV3(w http.ResponseWriter, r *http.Request) {
	if _, err := uuid.Parse(r.Header.Get("REQUEST-ID")); err != nil {
		gatewayError(w, http.StatusBadRequest, "400", "REQUEST-ID header must be a UUID")
		return
	}
	ts, err := time.Parse(timestampLayout, r.Header.Get("TIMESTAMP"))
	if err != nil {
		gatewayError(w, http.StatusBadRequest, "400", "TIMESTAMP header must be UTC with milliseconds, like 2006-01-02T15:04:05.000Z")
		return
	}
	if d := s.now().Sub(ts); s.maxSkew > 0 && (d > s.maxSkew || d < -s.maxSkew) {
		gatewayError(w, http.StatusBadRequest, "400", "TIMESTAMP is too far from the gateway clock")
		return
	}
	if cm := r.Header.Get("X-CM-ID"); cm != "sbx" && cm != "abdm" {
		// A wrong X-CM-ID reads as an authorisation error on the gateway.
		gatewayError(w, http.StatusUnauthorized, "401", "Unauthorized")
		return
	}
	var body sessionBody
	if !readJSONGateway(w, r, &body) {
		return
	}
	if body.GrantType != "client_credentials" {
		gatewayError(w, http.StatusBadRequest, "ABDM-1920", "Invalid grant type")
		return
	}
	s.issueToken(w, body)
}

func (s *Server) sessionV05(w http.ResponseWriter, r *http.Request) {
	var body sessionBody
	if !readJSONGateway(w, r, &body) {
		return
	}
	s.issueToken(w, body)
}

func readJSONGateway(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(v); err != nil {
		gatewayError(w, http.StatusBadRequest, "400", "Malformed request body")
		return false
	}
	return true
}

func (s *Server) issueToken(w http.ResponseWriter, body sessionBody) {
	idOK := subtle.ConstantTimeCompare([]byte(body.ClientID), []byte(s.clientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(body.ClientSecret), []byte(s.clientSecret)) == 1
	switch {
	case !idOK && !secretOK:
		gatewayError(w, http.StatusUnauthorized, "ABDM-1923", "Invalid client id and secret")
		return
	case !idOK:
		gatewayError(w, http.StatusUnauthorized, "ABDM-1921", "Invalid client id")
		return
	case !secretOK:
		gatewayError(w, http.StatusUnauthorized, "ABDM-1922", "Invalid client secret")
		return
	}
	token := randomToken(32)
	s.mu.Lock()
	s.tokens[token] = s.now().Add(s.tokenTTL)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"accessToken":      token,
		"expiresIn":        int64(s.tokenTTL / time.Second),
		"refreshExpiresIn": 1800,
		"refreshToken":     randomToken(32),
		"tokenType":        "bearer",
	})
}

// authed admits requests that carry a live token; others get the API
// manager's 401 with code 900901.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[token]
		if known && !s.now().Before(exp) {
			delete(s.tokens, token)
			known = false
		}
		s.mu.Unlock()
		if !ok || !known {
			writeJSON(w, http.StatusUnauthorized, map[string]string{
				"code":        "900901",
				"message":     "Invalid Credentials",
				"description": "Invalid Credentials. Make sure you have provided the correct security credentials",
			})
			return
		}
		h(w, r)
	}
}

// ---- HFR ----

type searchBody struct {
	FacilityID         *string `json:"facilityId"`
	FacilityName       *string `json:"facilityName"`
	OwnershipCode      *string `json:"ownershipCode"`
	StateLGDCode       *string `json:"stateLGDCode"`
	DistrictLGDCode    *string `json:"districtLGDCode"`
	SubDistrictLGDCode *string `json:"subDistrictLGDCode"`
	Pincode            *string `json:"pincode"`
	Page               *int    `json:"page"`
	ResultsPerPage     *int    `json:"resultsPerPage"`
}

func (s *Server) facilitySearch(w http.ResponseWriter, r *http.Request) {
	var q searchBody
	if !readJSON(w, r, &q) {
		return
	}
	page, per := 1, 10
	if q.Page != nil {
		page = *q.Page
	}
	if q.ResultsPerPage != nil {
		per = *q.ResultsPerPage
	}
	if per < 10 || per > 15 {
		hspError(w, http.StatusBadRequest, "HIS-400", "Bad Request", "HIS-4047", "Please enter valid resultsPerPage, Min value is 10, Max value is 15")
		return
	}
	if page < 1 {
		page = 1
	}
	id, name, owner, state, district, pin := deref(q.FacilityID), deref(q.FacilityName), deref(q.OwnershipCode), deref(q.StateLGDCode), deref(q.DistrictLGDCode), deref(q.Pincode)
	if id == "" {
		if owner == "" {
			hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", "HIS-1070", "Required OwnershipCode Field is empty.")
			return
		}
		if state == "" {
			hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", "HIS-1070", "Required StateLGDCode Field is empty.")
			return
		}
	}

	s.mu.Lock()
	var rows []map[string]any
	if id != "" {
		// facilityId overrides every other criterion: one map look-up, so
		// a fake seeded with thousands of facilities stays cheap.
		if f, ok := s.facilities[strings.ToUpper(strings.TrimSpace(id))]; ok {
			rows = append(rows, facilityJSON(f.Facility))
		}
	} else {
		for _, f := range s.facilities {
			ff := f.Facility
			if !strings.EqualFold(ff.OwnershipCode, owner) || ff.StateLGDCode != state ||
				(district != "" && ff.DistrictLGDCode != district) ||
				(pin != "" && ff.Pincode != pin) ||
				(name != "" && !strings.Contains(strings.ToLower(ff.Name), strings.ToLower(name))) {
				continue
			}
			rows = append(rows, facilityJSON(ff))
		}
	}
	s.mu.Unlock()

	sortRows(rows)
	total := len(rows)
	pages := (total + per - 1) / per
	from := min((page-1)*per, total)
	to := min(from+per, total)
	message := "Request processed successfully"
	if total == 0 {
		message = "No facilities found"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"facilities":      nonNil(rows[from:to]),
		"message":         message,
		"totalFacilities": total,
		"numberOfPages":   pages,
	})
}

func facilityJSON(f hfr.Facility) map[string]any {
	return map[string]any{
		"facilityId":             f.ID,
		"facilityName":           f.Name,
		"facilityStatus":         f.Status,
		"ownership":              f.Ownership,
		"ownershipCode":          f.OwnershipCode,
		"systemOfMedicine":       f.SystemOfMedicine,
		"systemOfMedicineCode":   f.SystemOfMedicineCode,
		"facilityType":           f.FacilityType,
		"facilityTypeCode":       f.FacilityTypeCode,
		"stateName":              f.StateName,
		"stateLGDCode":           f.StateLGDCode,
		"districtName":           f.DistrictName,
		"districtLGDCode":        f.DistrictLGDCode,
		"subDistrictName":        f.SubDistrictName,
		"subDistrictLGDCode":     nullable(f.SubDistrictLGDCode),
		"villageCityTownName":    nullable(f.VillageCityTownName),
		"villageCityTownLGDCode": nullable(f.VillageCityTownLGDCode),
		"address":                f.Address,
		"pincode":                f.Pincode,
		"latitude":               f.Latitude,
		"longitude":              f.Longitude,
	}
}

type facilityIDBody struct {
	FacilityID string `json:"facilityId"`
}

func (s *Server) facilityContact(w http.ResponseWriter, r *http.Request) {
	var q facilityIDBody
	if !readJSON(w, r, &q) {
		return
	}
	s.mu.Lock()
	f, ok := s.facilities[strings.ToUpper(strings.TrimSpace(q.FacilityID))]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{
			"facility": nil, "status": "FAILURE", "message": "Facility not found", "errorStatus": nil,
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"facility": map[string]any{
			"facilityId":    f.Facility.ID,
			"facilityName":  f.Facility.Name,
			"contactName":   f.ManagerName,
			"contactMobile": maskMobile(f.ManagerMobile),
			"contactEmail":  maskEmail(f.ManagerEmail),
			"hprid":         f.ManagerHPRID,
		},
		"status":      "SUCCESS",
		"message":     "Facility contact details fetched successfully",
		"errorStatus": nil,
	})
}

func (s *Server) sendOTP(w http.ResponseWriter, r *http.Request) {
	var q facilityIDBody
	if !readJSON(w, r, &q) {
		return
	}
	id := strings.ToUpper(strings.TrimSpace(q.FacilityID))
	s.mu.Lock()
	f, ok := s.facilities[id]
	var txn string
	if ok && f.ManagerMobile != "" {
		txn = uuid.NewString()
		code := randomOTP()
		s.otps[txn] = &otpTxn{facilityID: id, code: code, expires: s.now().Add(OTPTTL)}
		s.lastOTP[id] = code
	}
	s.mu.Unlock()
	switch {
	case !ok:
		hspError(w, http.StatusNotFound, "HIS-404", "Facility not found", "", "")
	case txn == "":
		writeJSON(w, http.StatusOK, map[string]any{
			"facilityId": id, "status": "Failure", "message": "No contact registered for this facility",
			"transactionId": nil, "errorStatus": map[string]string{"code": "HIS-1002", "message": "Contact mobile is empty"},
		})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"facilityId":    id,
			"status":        "Success",
			"message":       "Otp sent successfully! Please keep transaction id for future reference",
			"transactionId": txn,
			"errorStatus":   nil,
		})
	}
}

type validateBody struct {
	FacilityID    string `json:"facilityId"`
	SourceID      string `json:"sourceId"`
	OTP           string `json:"otp"`
	Source        string `json:"source"`
	TransactionID string `json:"transactionId"`
}

func (s *Server) validateOTP(w http.ResponseWriter, r *http.Request) {
	var q validateBody
	if !readJSON(w, r, &q) {
		return
	}
	id := strings.ToUpper(strings.TrimSpace(q.FacilityID))
	code, message := "", ""
	s.mu.Lock()
	t, ok := s.otps[q.TransactionID]
	switch {
	case !ok || t.facilityID != id:
		code, message = "HIS-2022", "Invalid OTP"
	case !s.now().Before(t.expires):
		delete(s.otps, q.TransactionID)
		code, message = "HIS-2031", "Request expired"
	case subtle.ConstantTimeCompare([]byte(q.OTP), []byte(t.code)) != 1:
		t.attempts++
		if t.attempts >= MaxOTPAttempts {
			delete(s.otps, q.TransactionID)
		}
		code, message = "HIS-2022", "Invalid OTP"
	default:
		delete(s.otps, q.TransactionID) // single use
	}
	s.mu.Unlock()
	if code != "" {
		writeJSON(w, http.StatusOK, map[string]any{
			"facilityId": id, "status": "failure", "message": message,
			"errorStatus": map[string]string{"code": code, "message": message},
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"facilityId":  id,
		"status":      "success",
		"message":     "OTP validated successfully!!! Hospital id linked to HFR",
		"errorStatus": nil,
	})
}

// ---- HPR ----

// lookupProfessional finds a professional by number (plain or dashed) or
// address; the caller holds s.mu.
func (s *Server) lookupProfessional(id string) (hfr.Professional, bool) {
	n, err := hfr.NormalizeHPRID(id)
	if err != nil {
		return hfr.Professional{}, false
	}
	digits := strings.ReplaceAll(n, "-", "")
	if strings.Contains(n, "@") {
		digits = s.byAddress[n]
	}
	p, ok := s.professionals[digits]
	return p, ok
}

func (s *Server) searchHPR(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.lookupProfessional(r.PathValue("id"))
	s.mu.Unlock()
	if !ok {
		hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", "HIS-3008", "Invalid HPID.")
		return
	}
	methods := p.AuthMethods
	if methods == nil {
		methods = defaultAuthMethods
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"hprIdNumber":   p.HPRIDNumber,
		"name":          p.Name,
		"authMethods":   methods,
		"hprId":         p.HPRID,
		"categoryId":    p.CategoryID,
		"subCategoryId": p.SubCategoryID,
	})
}

type professionalBody struct {
	Practitioner struct {
		ID string `json:"id"`
	} `json:"practitioner"`
}

func (s *Server) professionalInfo(w http.ResponseWriter, r *http.Request) {
	var q professionalBody
	if !readJSON(w, r, &q) {
		return
	}
	if strings.TrimSpace(q.Practitioner.ID) == "" {
		hspError(w, http.StatusUnprocessableEntity, "HIS-422", "Unprocessable Entity", "HIS-1002", "Practitioner id is empty")
		return
	}
	s.mu.Lock()
	p, ok := s.lookupProfessional(q.Practitioner.ID)
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"practitioners": []any{}, "message": "No data found"})
		return
	}
	regs := make([]map[string]any, 0, len(p.Registrations))
	for i, reg := range p.Registrations {
		regs = append(regs, map[string]any{
			"identifier":         strconv.Itoa(i + 1),
			"category":           reg.Category,
			"councilName":        reg.CouncilName,
			"registrationNumber": reg.RegistrationNumber,
			"registrationDate":   reg.RegistrationDate,
			"isRenewable":        reg.DueDate != "",
			"dueDate":            reg.DueDate,
		})
	}
	// A professional added without a record state is active and approved,
	// as most HPR records are.
	active, status := true, "Approved"
	if p.Active != nil {
		active = *p.Active
	}
	if p.ApplicationStatus != "" {
		status = p.ApplicationStatus
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"practitioners": [][]map[string]any{{{
			"identifier":          p.HPRIDNumber,
			"active":              active,
			"name":                p.Name,
			"registrations":       regs,
			"qualifications":      []any{},
			"hpr_id":              p.HPRID,
			"application_status":  status,
			"is_council_verified": strconv.FormatBool(p.CouncilVerified),
			"is_work_verified":    "false",
			"hpr_category":        p.CategoryID,
		}}},
		"message": "Data fetched successfully",
	})
}

// ---- helpers ----

// maskMobile hides all but the last four digits, as HFR does: ******1905.
func maskMobile(m string) string {
	m = strings.TrimSpace(m)
	if len(m) <= 4 {
		return strings.Repeat("*", len(m))
	}
	return strings.Repeat("*", len(m)-4) + m[len(m)-4:]
}

// maskEmail keeps three characters of the local part and the domain, as
// HFR does: tse*********@example-domain.
func maskEmail(e string) string {
	e = strings.TrimSpace(e)
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return strings.Repeat("*", len(e))
	}
	local, domain := e[:at], e[at:]
	keep := min(3, len(local)/2)
	return local[:keep] + strings.Repeat("*", len(local)-keep) + domain
}

// nullable is nil for an empty string: HFR sends null for fields it lacks.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nonNil(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}

// sortRows orders rows by facility ID so that pages are reproducible.
func sortRows(rows []map[string]any) {
	slices.SortFunc(rows, func(a, b map[string]any) int {
		return strings.Compare(a["facilityId"].(string), b["facilityId"].(string))
	})
}
