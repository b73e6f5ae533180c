package rohini_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/openhcx/hcxonboard/rohini"
)

// hospitals100k makes 100,000 distinct hospitals with valid ids.
func hospitals100k(b *testing.B) []rohini.Hospital {
	b.Helper()
	hs := make([]rohini.Hospital, 100_000)
	until := time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)
	for i := range hs {
		first12 := fmt.Sprintf("890%09d", 1_000_000+i*7)
		c, err := rohini.CheckDigit(first12)
		if err != nil {
			b.Fatal(err)
		}
		hs[i] = rohini.Hospital{
			ID: first12 + string(rune(c)), Name: fmt.Sprintf("Hospital %d", i),
			Address: fmt.Sprintf("Plot %d, Sector %d", i%500, i%40), District: fmt.Sprintf("District %d", i%700),
			State: "Maharashtra", Pincode: fmt.Sprintf("4%05d", i), Status: "Active", ValidUntil: until,
		}
	}
	return hs
}

// extract100k renders hospitals100k as a CSV extract.
func extract100k(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"rohini_id", "hospital_name", "address", "district", "state", "pincode", "status", "valid_until"})
	for _, h := range hospitals100k(b) {
		_ = w.Write([]string{h.ID, h.Name, h.Address, h.District, h.State, h.Pincode, h.Status, h.ValidUntil.Format(time.DateOnly)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkLoadCSV100k(b *testing.B) {
	data := extract100k(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := rohini.LoadCSV(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if d.Len() != 100_000 {
			b.Fatalf("loaded %d", d.Len())
		}
	}
}

// BenchmarkLoadCSV100kBaseline only parses the same bytes with
// encoding/csv, configured as LoadCSV configures it: the floor LoadCSV is
// measured against.
func BenchmarkLoadCSV100kBaseline(b *testing.B) {
	data := extract100k(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		rows := 0
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != 100_001 {
			b.Fatalf("read %d rows", rows)
		}
	}
}

func BenchmarkLoadJSON100k(b *testing.B) {
	data, err := json.Marshal(hospitals100k(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := rohini.LoadJSON(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if d.Len() != 100_000 {
			b.Fatalf("loaded %d", d.Len())
		}
	}
}

// BenchmarkLoadJSON100kBaseline decodes the same bytes with encoding/json
// into generic maps, which is what LoadJSON does per entry.
func BenchmarkLoadJSON100kBaseline(b *testing.B) {
	data, err := json.Marshal(hospitals100k(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v []map[string]any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
		if len(v) != 100_000 {
			b.Fatalf("decoded %d", len(v))
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	for b.Loop() {
		if err := rohini.Validate("8900080336704"); err != nil {
			b.Fatal(err)
		}
	}
}
