// Package pemtext reads PEM text as people paste it.
package pemtext

import "strings"

// Repair puts back the line breaks of PEM text pasted on one line: its
// breaks turned into spaces (a form, a shell), written as the characters
// \n or \r\n (a client that escaped them twice), or dropped. Each
// "-----BEGIN T-----" … "-----END T-----" block gets its header, its
// base64 in lines of 64 and its footer on lines of their own, as the
// reference platform's update restores them. Text with a line break, or
// that does not read as such blocks alone, is returned as it is, for
// the caller's parser to judge.
func Repair(s string) string {
	if !strings.HasPrefix(s, "-----BEGIN ") || strings.Contains(s, "\n") {
		return s
	}
	rest := strings.NewReplacer(`\r\n`, " ", `\n`, " ").Replace(s)
	var b strings.Builder
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		typ, after, ok := cutPEMLine(rest, "-----BEGIN ")
		if !ok {
			return s
		}
		end := "-----END " + typ + "-----"
		i := strings.Index(after, end)
		if i < 0 {
			return s
		}
		body := strings.Join(strings.Fields(after[:i]), "")
		if body == "" || strings.Contains(body, ":") { // headers (Proc-Type) are not one-line material
			return s
		}
		b.WriteString("-----BEGIN " + typ + "-----\n")
		for len(body) > 64 {
			b.WriteString(body[:64] + "\n")
			body = body[64:]
		}
		b.WriteString(body + "\n" + end + "\n")
		rest = after[i+len(end):]
	}
	return b.String()
}

// cutPEMLine reads "<prefix>TYPE-----" at the start of s: the type and
// what follows it.
func cutPEMLine(s, prefix string) (typ, after string, ok bool) {
	if !strings.HasPrefix(s, prefix) {
		return "", "", false
	}
	typ, after, ok = strings.Cut(s[len(prefix):], "-----")
	if !ok || typ == "" || strings.ContainsAny(typ, "-\r\n") {
		return "", "", false
	}
	return typ, after, true
}
