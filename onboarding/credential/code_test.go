package credential

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func roles(rs ...hcxonboard.Role) []hcxonboard.Role { return rs }

func TestPlatformCodes(t *testing.T) {
	t.Parallel()
	const (
		H = hcxonboard.RoleHospital
		C = hcxonboard.RoleClinic
		P = hcxonboard.RoleProvider
	)
	tests := []struct {
		name string
		req  CodeRequest
		want string
	}{
		{"hospital", CodeRequest{"Rakshith Hospital", roles(H), "012345"}, "hosp_rakshi_012345@hcx-dev"},
		{"clinic", CodeRequest{"Rakshith Clinic", roles(C), "1"}, "clin_rakshi_1@hcx-dev"},
		{"practitioner", CodeRequest{"Dr Asha", roles(hcxonboard.RolePractitioner), "7"}, "prac_drasha_7@hcx-dev"},
		{"diagnostics", CodeRequest{"Lab", roles(hcxonboard.RoleDiagnostics), "7"}, "diag_lab_7@hcx-dev"},
		{"pharmacy", CodeRequest{"MedPlus", roles(hcxonboard.RolePharmacy), "7"}, "phar_medplu_7@hcx-dev"},
		{"provider sub-role after another role", CodeRequest{"Acme", roles(hcxonboard.RolePayer, C), "7"}, "clin_acme_7@hcx-dev"},
		{"first provider sub-role wins", CodeRequest{"Acme", roles(P, hcxonboard.RolePharmacy, H), "7"}, "phar_acme_7@hcx-dev"},
		{"payer", CodeRequest{"Star Health", roles(hcxonboard.RolePayer), "7"}, "payr_starhe_7@hcx-dev"},
		{"payer before bsp", CodeRequest{"Acme", roles(hcxonboard.RoleBSP, hcxonboard.RolePayer), "7"}, "payr_acme_7@hcx-dev"},
		{"bsp", CodeRequest{"Acme", roles(hcxonboard.RoleBSP), "7"}, "bsp_acme_7@hcx-dev"},
		{"bsp before provider", CodeRequest{"Acme", roles(P, hcxonboard.RoleBSP), "7"}, "bsp_acme_7@hcx-dev"},
		{"bare provider", CodeRequest{"Acme", roles(P), "7"}, "hosp_acme_7@hcx-dev"},
		{"tpa", CodeRequest{"Acme", roles(hcxonboard.RoleTPA), "7"}, "tpa_acme_7@hcx-dev"},
		{"regulator", CodeRequest{"IRDAI", roles(hcxonboard.RoleRegulator), "7"}, "regu_irdai_7@hcx-dev"},
		{"sponsor", CodeRequest{"State Scheme", roles(hcxonboard.RoleSponsor), "7"}, "spon_states_7@hcx-dev"},
		{"isnp", CodeRequest{"Acme", roles(hcxonboard.RoleISNP), "7"}, "isnp_acme_7@hcx-dev"},
		{"research", CodeRequest{"Acme", roles(hcxonboard.RoleResearch), "7"}, "rsch_acme_7@hcx-dev"},
		{"hcx", CodeRequest{"Acme", roles(hcxonboard.RoleHCX), "7"}, "hcx_acme_7@hcx-dev"},
		{"other roles: first one", CodeRequest{"Acme", roles(hcxonboard.RoleResearch, hcxonboard.RoleTPA), "7"}, "rsch_acme_7@hcx-dev"},
		{"punctuation and spaces dropped", CodeRequest{"  St. John's  Medical", roles(H), "7"}, "hosp_stjohn_7@hcx-dev"},
		{"digits kept", CodeRequest{"24x7 Care", roles(H), "7"}, "hosp_24x7ca_7@hcx-dev"},
		{"short name", CodeRequest{"AB", roles(H), "7"}, "hosp_ab_7@hcx-dev"},
		{"non-ASCII name falls back", CodeRequest{"अपोलो अस्पताल", roles(H), "7"}, "hosp_pcpt_7@hcx-dev"},
		{"applicant code slugged", CodeRequest{"Acme", roles(H), " PMJAY/EMP-0042 "}, "hosp_acme_pmjayemp-0042@hcx-dev"},
		{"applicant code leading dash dropped", CodeRequest{"Acme", roles(H), "-42-"}, "hosp_acme_42@hcx-dev"},
	}
	gen, err := PlatformCodes("hcx-dev", seeded(1))
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := gen.Code(context.Background(), tc.req)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestPlatformCodesLowerCasesInstance(t *testing.T) {
	t.Parallel()
	gen, err := PlatformCodes("HCX01", nil)
	require.NoError(t, err)
	got, err := gen.Code(context.Background(), CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer), ApplicantCode: "X1"})
	require.NoError(t, err)
	assert.Equal(t, "payr_acme_x1@hcx01", got)
}

func TestPlatformCodesRandomSeq(t *testing.T) {
	t.Parallel()
	gen, err := PlatformCodes("hcx", seeded(2))
	require.NoError(t, err)
	re := regexp.MustCompile(`^hosp_rakshi_([1-9][0-9]{5})@hcx$`)
	seen := map[string]bool{}
	leading := map[byte]int{}
	const draws = 5000
	for range draws {
		code, err := gen.Code(context.Background(), CodeRequest{Name: "Rakshith", Roles: roles(hcxonboard.RoleHospital)})
		require.NoError(t, err)
		m := re.FindStringSubmatch(code)
		require.NotNil(t, m, code)
		seen[m[1]] = true
		leading[m[1][0]]++
	}
	// 5000 draws from 900000 values collide about 14 times on average.
	assert.Greater(t, len(seen), draws-60)
	for d := byte('1'); d <= '9'; d++ {
		assert.InDelta(t, draws/9, leading[d], 150, "leading digit %c", d)
	}
}

func TestCodesDeterministicWithFixedRand(t *testing.T) {
	t.Parallel()
	for _, mk := range []struct {
		name string
		new  func(string, io.Reader) (CodeGenerator, error)
	}{
		{"platform", func(i string, r io.Reader) (CodeGenerator, error) { return PlatformCodes(i, r) }},
		{"opaque", func(i string, r io.Reader) (CodeGenerator, error) { return OpaqueCodes(i, r) }},
	} {
		t.Run(mk.name, func(t *testing.T) {
			t.Parallel()
			draw := func(seed byte) []string {
				gen, err := mk.new("hcx", seeded(seed))
				require.NoError(t, err)
				var out []string
				for range 20 {
					c, err := gen.Code(context.Background(), CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer)})
					require.NoError(t, err)
					out = append(out, c)
				}
				return out
			}
			assert.Equal(t, draw(7), draw(7))
			assert.NotEqual(t, draw(7), draw(8))
		})
	}
}

// A draw at the top of the 64-bit range would bias the result towards low
// values under a plain modulo; it must be thrown away.
func TestUniformRejectsBiasedDraw(t *testing.T) {
	t.Parallel()
	top := bytes.Repeat([]byte{0xff}, 8)
	zero := make([]byte, 8)
	tests := []struct {
		name string
		new  func(r *chunkReader) (CodeGenerator, error)
		want string
	}{
		{"platform", func(r *chunkReader) (CodeGenerator, error) { return PlatformCodes("hcx", r) }, "payr_acme_100000@hcx"},
		{"opaque", func(r *chunkReader) (CodeGenerator, error) { return OpaqueCodes("hcx", r) }, "100000000000@hcx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gen, err := tc.new(&chunkReader{chunks: [][]byte{append([]byte(nil), top...), append([]byte(nil), zero...)}})
			require.NoError(t, err)
			got, err := gen.Code(context.Background(), CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer)})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestOpaqueCodes(t *testing.T) {
	t.Parallel()
	gen, err := OpaqueCodes("HCX01", seeded(3))
	require.NoError(t, err)
	re := regexp.MustCompile(`^[1-9][0-9]{11}@HCX01$`)
	seen := map[string]bool{}
	for range 10000 {
		code, err := gen.Code(context.Background(), CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RoleHospital), ApplicantCode: "EMP-1"})
		require.NoError(t, err)
		require.Regexp(t, re, code)
		assert.NotContains(t, strings.ToLower(code), "emp", "opaque codes ignore the applicant code")
		seen[code] = true
	}
	assert.Len(t, seen, 10000)
}

func TestCodeRequestRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     CodeRequest
		opaque  bool // OpaqueCodes ignores the applicant code, so skip it there
		wantErr error
	}{
		{"empty name", CodeRequest{Name: "", Roles: roles(hcxonboard.RolePayer)}, true, ErrInvalidArgument},
		{"blank name", CodeRequest{Name: " \t ", Roles: roles(hcxonboard.RolePayer)}, true, ErrInvalidArgument},
		{"no roles", CodeRequest{Name: "Acme"}, true, ErrInvalidArgument},
		{"unknown role", CodeRequest{Name: "Acme", Roles: roles("doctor")}, true, hcxonboard.ErrUnknownRole},
		{"alias not canonical", CodeRequest{Name: "Acme", Roles: roles("payor")}, true, hcxonboard.ErrUnknownRole},
		{"applicant code without letters", CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer), ApplicantCode: "@@--"}, false, ErrInvalidArgument},
		{"applicant code too long", CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer), ApplicantCode: strings.Repeat("9", 40)}, false, ErrInvalidArgument},
	}
	platform, err := PlatformCodes("hcx", nil)
	require.NoError(t, err)
	opaque, err := OpaqueCodes("hcx", nil)
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := platform.Code(context.Background(), tc.req)
			require.ErrorIs(t, err, tc.wantErr)
			_, err = opaque.Code(context.Background(), tc.req)
			if tc.opaque {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

func TestCodeGeneratorsHonourContextAndRandFailure(t *testing.T) {
	t.Parallel()
	req := CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer)}
	boom := errors.New("entropy pool on fire")
	for name, mk := range map[string]func(string, io.Reader) (CodeGenerator, error){
		"platform": func(i string, r io.Reader) (CodeGenerator, error) { return PlatformCodes(i, r) },
		"opaque":   func(i string, r io.Reader) (CodeGenerator, error) { return OpaqueCodes(i, r) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			gen, err := mk("hcx", iotest.ErrReader(boom))
			require.NoError(t, err)
			_, err = gen.Code(context.Background(), req)
			require.ErrorIs(t, err, boom)

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			gen, err = mk("hcx", nil)
			require.NoError(t, err)
			_, err = gen.Code(ctx, req)
			require.ErrorIs(t, err, context.Canceled)
			_, err = gen.Code(context.Background(), req)
			require.NoError(t, err)
		})
	}
}

func TestInstanceValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		instance string
		ok       bool
	}{
		{"hcx", true},
		{"HCX01", true},
		{"swasth-hcx-dev", true},
		{"hcx.prod", true},
		{"x", true},
		{strings.Repeat("a", 63), true},
		{"", false},
		{strings.Repeat("a", 64), false},
		{"-hcx", false},
		{"hcx-", false},
		{".hcx", false},
		{"hcx_dev", false},
		{"hcx@x", false},
		{"hcx dev", false},
		{"héllo", false},
		{"hcx\n", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.instance), func(t *testing.T) {
			t.Parallel()
			for _, mk := range []func(string) (CodeGenerator, error){
				func(i string) (CodeGenerator, error) { return PlatformCodes(i, nil) },
				func(i string) (CodeGenerator, error) { return OpaqueCodes(i, nil) },
			} {
				gen, err := mk(tc.instance)
				if tc.ok {
					require.NoError(t, err)
					require.NotNil(t, gen)
				} else {
					require.ErrorIs(t, err, ErrInvalidOption)
					require.Nil(t, gen)
				}
			}
		})
	}
}

func TestCodeGeneratorFunc(t *testing.T) {
	t.Parallel()
	var gen CodeGenerator = CodeGeneratorFunc(func(_ context.Context, req CodeRequest) (string, error) {
		return strings.ToLower(req.Name) + "@hcx", nil
	})
	got, err := gen.Code(context.Background(), CodeRequest{Name: "ACME"})
	require.NoError(t, err)
	assert.Equal(t, "acme@hcx", got)

	_, err = CodeGeneratorFunc(nil).Code(context.Background(), CodeRequest{})
	require.ErrorIs(t, err, ErrInvalidOption)
}

// The generators serialise reads, so a source that is not safe for
// concurrent use (ChaCha8) is fine; run with -race.
func TestCodeGeneratorsConcurrent(t *testing.T) {
	t.Parallel()
	gen, err := OpaqueCodes("hcx", seeded(9))
	require.NoError(t, err)
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
	)
	for range 16 {
		wg.Go(func() {
			for range 50 {
				c, err := gen.Code(context.Background(), CodeRequest{Name: "Acme", Roles: roles(hcxonboard.RolePayer)})
				assert.NoError(t, err)
				mu.Lock()
				seen[c] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, 16*50)
}
