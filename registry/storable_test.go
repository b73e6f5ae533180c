package registry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// UnstorableText names the first text no store keeps by its JSON path,
// and nothing when every text is storable.
func TestUnstorableTextPath(t *testing.T) {
	type inner struct {
		Email string `json:"email"`
		skip  string
	}
	type outer struct {
		Name     string            `json:"name,omitempty"`
		Plain    string            // no tag: the Go name
		Hidden   string            `json:"-"`
		Contacts []inner           `json:"contacts"`
		Ptr      *inner            `json:"ptr"`
		Tags     map[string]string `json:"tags"`
		Any      any               `json:"any"`
		Bytes    []byte            `json:"bytes"`
		Array    [2]string         `json:"array"`
	}
	good := outer{Name: "ok", Contacts: []inner{{Email: "a@b.example", skip: "\x00"}}, Hidden: "\x00",
		Bytes: []byte{0, 0xff}, Tags: map[string]string{"k": "v"}, Any: inner{Email: "x"}}
	assert.Empty(t, registry.UnstorableText(good))
	assert.Empty(t, registry.UnstorableText(nil))
	assert.Empty(t, registry.UnstorableText((*outer)(nil)))

	for _, c := range []struct {
		path string
		edit func(*outer)
	}{
		{"name", func(o *outer) { o.Name = "a\x00b" }},
		{"Plain", func(o *outer) { o.Plain = "\xff" }},
		{"contacts[1].email", func(o *outer) { o.Contacts = append(o.Contacts, inner{Email: "\x00"}) }},
		{"ptr.email", func(o *outer) { o.Ptr = &inner{Email: "\xc3"} }},
		{"tags key", func(o *outer) { o.Tags = map[string]string{"\x00": "v"} }},
		{"tags[k]", func(o *outer) { o.Tags = map[string]string{"k": "\x00"} }},
		{"any.email", func(o *outer) { o.Any = inner{Email: "\x00"} }},
		{"array[1]", func(o *outer) { o.Array[1] = "\x00" }},
	} {
		o := good
		o.Contacts = append([]inner(nil), good.Contacts...)
		c.edit(&o)
		assert.Equal(t, c.path, registry.UnstorableText(o), c.path)
		assert.Equal(t, c.path, registry.UnstorableText(&o), "through a pointer: "+c.path)
	}
	assert.Equal(t, "[1]", registry.UnstorableText([]string{"a", "\x00"}))
	assert.Equal(t, "", registry.UnstorableText("fine"))
}

// BenchmarkUnstorableText walks a whole application, as every engine
// write does; a storable one is the common case.
func BenchmarkUnstorableText(b *testing.B) {
	app := &hcxonboard.Application{
		ApplicationID:   "hosp-000001",
		ParticipantName: "Akshaya Multispeciality Hospital",
		Roles:           []hcxonboard.Role{"provider.hospital"},
		PrimaryEmail:    "info@akshaya.example",
		PrimaryMobile:   "8388433655",
		Address:         &hcxonboard.Address{Street: "69, Hospital Road", District: "Dhanbad", State: "Jharkhand", Pincode: "826771"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if p := registry.UnstorableText(app); p != "" {
			b.Fatal(p)
		}
	}
}
