// Package bot is kontaktbot's core vocabulary: the domain types (jobcenters,
// consultants, companies, contacts, positions, intro days, candidates), the
// neutral message model every platform adapter renders, the one error type
// that is safe to show a user, and the few small interfaces the other
// packages meet at.
//
// It imports nothing of ours, so storage, commands, reminders and the
// platform adapters can all depend on it without depending on each other.
package bot
