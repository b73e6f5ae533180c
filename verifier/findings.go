package verifier

import "strings"

// Finding sources.
const (
	sourceHFR    = "hfr"
	sourceHPR    = "hpr"
	sourceRohini = "rohini"
	sourcePayer  = "payer"
)

// sourceName names a source in messages.
func sourceName(source string) string {
	switch source {
	case sourceHFR, sourceHPR:
		return strings.ToUpper(source)
	case sourceRohini:
		return "ROHINI"
	case sourcePayer:
		return "the payer's proof"
	}
	return source
}

// findingValue caps a value kept in a finding, as messages do: findings are
// rendered beside the message and must not carry control characters.
func findingValue(s string) string { return shownName(strings.TrimSpace(s)) }

func found(field, applicant, registry, source string, match bool, note string) Finding {
	return Finding{
		Field:     field,
		Applicant: findingValue(applicant),
		Registry:  findingValue(registry),
		Source:    source,
		Match:     match,
		Note:      note,
	}
}

// mismatched returns the findings that do not match.
func mismatched(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if !f.Match {
			out = append(out, f)
		}
	}
	return out
}

// differences describes findings that do not match, the applicant's value
// beside the registry's: `name: application "A", HFR "B"`. A side without a
// value is left out; the note says why.
func differences(fs []Finding) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		var values []string
		if f.Applicant != "" {
			values = append(values, `application "`+f.Applicant+`"`)
		}
		if f.Registry != "" {
			values = append(values, sourceName(f.Source)+` "`+f.Registry+`"`)
		}
		part := strings.ReplaceAll(f.Field, "_", " ") + ": " + strings.Join(values, ", ")
		switch {
		case f.Note != "" && len(values) > 0:
			part += " (" + f.Note + ")"
		case f.Note != "":
			part += f.Note
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// withFindings attaches findings to a result.
func withFindings(r Result, fs []Finding) Result {
	r.Findings = fs
	return r
}
