package rohini_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
)

func ExampleValidate() {
	for _, input := range []string{"8900080336704", "8900080123456", "890-0080-336704", "4006381333931"} {
		if err := rohini.Validate(input); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(input, "is well-formed")
	}
	// Typed input is cleaned first:
	fmt.Println(rohini.Validate(rohini.Normalize("890-0080-336704")) == nil)
	// Output:
	// 8900080336704 is well-formed
	// rohini: invalid id "8900080123456": check digit is 6, want 8
	// rohini: invalid id "890-0080-336704": contains '-' at position 4; only digits are allowed (clean input with Normalize first)
	// rohini: invalid id "4006381333931": starts with 400, want the GS1 India prefix 890
	// true
}

func ExampleCheckDigit() {
	c, err := rohini.CheckDigit("890008033670")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("890008033670%c\n", c)
	// Output: 8900080336704
}

func ExampleLoadCSV() {
	extract := `rohini_id,hospital_name,district,state,status,valid_until
8900080336704,Shree Sai Multispeciality Hospital,Raigad,Maharashtra,Active,31/03/2029
8900080412156,Lakeview Heart and Kidney Centre,Bengaluru Urban,Karnataka,Active,2028-12-31
`
	dir, err := rohini.LoadCSV(strings.NewReader(extract))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	h, err := dir.Hospital(ctx, "8900080336704")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %s: %s until %s\n", h.Name, h.State, h.Status, h.ValidUntil.Format("2 Jan 2006"))

	_, err = dir.Hospital(ctx, "8900080527317")
	fmt.Println(errors.Is(err, rohini.ErrNotFound), dir.Len())
	// Output:
	// Shree Sai Multispeciality Hospital, Maharashtra: Active until 31 Mar 2029
	// true 2
}

func ExampleManual() {
	_, err := rohini.Manual{}.Hospital(context.Background(), "8900080336704")
	fmt.Println(errors.Is(err, rohini.ErrManualReview))
	fmt.Println(err)
	// Output:
	// true
	// rohini: manual review by a ROHINI administrator needed: hospital 8900080336704 has to be confirmed by hand (no automated look-up is configured)
}

func ExampleNewHTTPLookup() {
	// A stand-in for the endpoint an operator has access to.
	srv := rohinitest.NewServer()
	defer srv.Close()

	lookup, err := rohini.NewHTTPLookup(srv.URL,
		rohini.WithPath("/hospitals/{id}"),
		rohini.WithHeader("X-Api-Key", "operator-secret"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lookup.CloseIdleConnections()

	h, err := lookup.Hospital(context.Background(), "8900080336704")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Name, "-", h.District)
	// Output: Shree Sai Multispeciality Hospital - Raigad
}
