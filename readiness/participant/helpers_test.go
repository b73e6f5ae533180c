package participant_test

import "encoding/base64"

func jwsB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
