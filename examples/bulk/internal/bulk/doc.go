// Package bulk onboards a state scheme's list of empanelled hospitals
// through the onboarding engine: it reads and writes the list as CSV
// (see Columns), generates demo lists (Generate), wires the engine to
// in-process HFR and ROHINI fakes and a demo sandbox issuer (Demo), runs
// the submissions concurrently and resumably (Onboarder), remembering
// what each row held when it was submitted so that a corrected row is
// submitted again (State), and sums up the outcome (Summarize).
//
// It is the machinery of the examples/bulk command and is built only
// from the module's public API.
package bulk
