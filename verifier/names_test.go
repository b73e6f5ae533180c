package verifier_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

func TestSameName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"Sunrise Multispeciality Hospital", "SUNRISE  multispeciality hospital", true},
		{"Sunrise Multispeciality Hospital", "Sunrise Multi-Speciality Hosp.", true},
		{"Sunrise Multispeciality Hospital", "The Sunrise Multi Specialty Hospital", true},
		{"Lakeview Nursing Home", "Lakeview Nursing Home Pvt. Ltd.", true},
		{"Deccan Textiles Private Limited", "Deccan Textiles Pvt Ltd", true},
		{"St. John's Medical College", "Saint Johns Medical College", true},
		{"Dr. Agarwal's Eye Hospital", "Doctor Agarwals Eye Hospital", true},
		{"A.B.C. Diagnostic Centre", "ABC Diagnostic Center", true},
		{"Shree Ganesh Clinic", "Sri Ganesh Clinic", true},
		{"Kidney & Urology Institute", "Kidney and Urology Inst", true},
		{"City Lab", "City Laboratory", true},

		{"Sunrise Hospital", "Sunrise Multispeciality Hospital", false},
		{"Sunrise Hospital", "Sunrise Hospital Bengaluru", false},
		{"Sunrise Hospital", "Sanjeevani Hospital", false},
		{"Shanti Community Hospital", "Shanti Eye Clinic", false},
		{"Apollo Hospital", "Apollo Pharmacy", false},
		{"", "", false},
		{"...", "---", false},
		{"Private Limited", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.same, verifier.SameName(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
		assert.Equal(t, tt.same, verifier.SameName(tt.b, tt.a), "%q vs %q", tt.b, tt.a)
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  The Sunrise  Multi-Speciality Hosp. Pvt. Ltd. ", "sunrise multispeciality hospital private limited"},
		{"Children's Hospital & Research Ctr", "childrens hospital and research centre"},
		{"K. R. Puram Govt. Dispensary", "kr puram government dispensary"},
		{"श्री गणेश क्लिनिक", "श्री गणेश क्लिनिक"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, verifier.NormalizeName(tt.in), tt.in)
	}
}

func FuzzSameName(f *testing.F) {
	for _, s := range []string{"Sunrise Hospital Pvt Ltd", "A.B.C. & Co.", "श्री", "\xff\x00 st. the"} {
		f.Add(s, s+" ")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if verifier.SameName(a, b) != verifier.SameName(b, a) {
			t.Fatalf("SameName is not symmetric for %q and %q", a, b)
		}
		n := verifier.NormalizeName(a)
		if verifier.NormalizeName(n) != n {
			t.Fatalf("NormalizeName(%q) = %q is not stable", a, n)
		}
		if verifier.SameName(a, a) != (n != "" && verifier.SameName(n, n)) {
			t.Fatalf("SameName(%q, itself) disagrees with its normal form %q", a, n)
		}
	})
}

func ExampleSameName() {
	fmt.Println(verifier.SameName("Sunrise Multispeciality Hospital", "The Sunrise Multi-Speciality Hosp. Pvt. Ltd."))
	fmt.Println(verifier.SameName("St. John's Medical College", "Saint Johns Medical College"))
	fmt.Println(verifier.SameName("Sunrise Hospital", "Sunrise Hospital Bengaluru"))
	fmt.Println(verifier.SameName("Apollo Hospital", "Apollo Pharmacy"))
	// Output:
	// true
	// true
	// false
	// false
}

func ExampleNormalizeName() {
	fmt.Println(verifier.NormalizeName("The Sunrise Multi-Speciality Hosp. Pvt. Ltd."))
	fmt.Println(verifier.NormalizeName("Children's Hospital & Research Ctr"))
	// Output:
	// sunrise multispeciality hospital private limited
	// childrens hospital and research centre
}
