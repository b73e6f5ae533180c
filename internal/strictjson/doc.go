// Package strictjson is the one strict JSON decoder of hcxonboard: the
// application contract (hcxonboard.UnmarshalApplication) and every request
// body of the HTTP API go through it.
//
// Strict means: one JSON object in valid UTF-8, every member name exactly
// one of the destination's (case included) and given once, nothing after
// the object. go-json-experiment/json refuses duplicate names and invalid
// UTF-8 on its own and matches names exactly; encoding/json did neither, so
// {"reason":"a","Reason":"b"} meant whatever its last member said.
//
// A refusal is an [*Error] whose message names the field by its path
// ("identifiers.facility_licence.number", "filters.roles.or[2]") and never
// quotes a value: values may be personal data or secrets. Each caller words
// the messages about the whole input its own way through [Words].
package strictjson
