package rohini

import (
	"fmt"
	"strings"
)

// HTTPOption configures [NewHTTPLookup].
type HTTPOption interface {
	applyHTTP(*httpConfig) error
}

// DirectoryOption configures [LoadCSV] and [LoadJSON].
type DirectoryOption interface {
	applyDirectory(*directoryConfig) error
}

// Option configures both an [HTTPLookup] and a [Directory]: the two read the
// same kind of record, so field names and date layouts are set the same way.
type Option interface {
	HTTPOption
	DirectoryOption
}

// sourceConfig is the part of the configuration both kinds of source share.
type sourceConfig struct {
	fields   FieldNames
	layouts  []string
	fieldsOK bool // WithFieldNames given
}

type sharedOption func(*sourceConfig) error

func (o sharedOption) applyHTTP(c *httpConfig) error           { return o(&c.source) }
func (o sharedOption) applyDirectory(c *directoryConfig) error { return o(&c.source) }

// WithFieldNames sets the names under which the source carries each
// [Hospital] field: JSON member names or dotted paths for an HTTP answer or
// a JSON extract, column headers for a CSV extract. Empty names keep the
// defaults ([DefaultFieldNames]); "-" marks a field the source lacks.
func WithFieldNames(f FieldNames) Option {
	return sharedOption(func(c *sourceConfig) error {
		if _, _, err := f.resolve(); err != nil {
			return err
		}
		c.fields, c.fieldsOK = f, true
		return nil
	})
}

// WithDateLayouts replaces the time layouts tried, in order, to read the
// validity date (default [DefaultDateLayouts]). Day-first and month-first
// layouts cannot both be offered sensibly: 03/04/2027 would match either.
func WithDateLayouts(layouts ...string) Option {
	return sharedOption(func(c *sourceConfig) error {
		if len(layouts) == 0 {
			return fmt.Errorf("rohini: WithDateLayouts: no layouts given")
		}
		for _, l := range layouts {
			if strings.TrimSpace(l) == "" {
				return fmt.Errorf("rohini: WithDateLayouts: empty layout")
			}
		}
		c.layouts = append([]string(nil), layouts...)
		return nil
	})
}
