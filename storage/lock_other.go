//go:build !unix

package storage

// notInUse cannot tell on this platform; bbolt's own lock still keeps a
// running kontaktbot's file from being opened twice.
func notInUse(string) error { return nil }
