//go:build !unix

package main

// lockDataDir takes no lock here: run one operator per data directory.
func lockDataDir(string) (func(), error) { return func() {}, nil }
