package readiness_test

import (
	"encoding/base64"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
