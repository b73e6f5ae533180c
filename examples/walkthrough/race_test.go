//go:build race

package main

// raceEnabled: this test binary runs under the race detector, and so does
// the operator it builds (which also reuses the race build cache).
const raceEnabled = true
