package strictjson_test

import (
	"fmt"

	"github.com/openhcx/hcxonboard/internal/strictjson"
)

func ExampleUnmarshal() {
	var body struct {
		Reason string `json:"reason"`
	}
	words := &strictjson.Words{Noun: "body"}
	fmt.Println(strictjson.Unmarshal([]byte(`{"Reason":"duplicate listing"}`), &body, words))
	fmt.Println(strictjson.Unmarshal([]byte(`{"reason":1}`), &body, words))
	fmt.Println(strictjson.Unmarshal([]byte(`{"reason":"duplicate listing"}`), &body, words), body.Reason)
	// Output:
	// unknown field "Reason" (field names are case-sensitive: "reason")
	// field "reason": expected a string, got JSON number
	// <nil> duplicate listing
}
