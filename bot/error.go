package bot

import (
	"errors"
	"fmt"
)

// Code classifies an Error so that callers can react without parsing text.
type Code string

// The error codes used across kontaktbot.
const (
	Invalid   Code = "invalid"   // the user said something we cannot accept
	NotFound  Code = "not_found" // the thing named does not exist
	Forbidden Code = "forbidden" // the user's role does not allow it
	Conflict  Code = "conflict"  // it would clash with what is stored
	Internal  Code = "internal"  // our fault; never shown in detail
)

// Error is an error whose Message is written for a consultant, in their
// language, and says how to do it right. Any other error reaching a user is
// shown only as "intern fejl" and logged.
type Error struct {
	Code    Code
	Message string
}

// Error returns the user-facing message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, Internal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Sentinel errors returned by storage; commands turn them into a localized
// *Error. Test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// ConflictError reports which stored thing a write clashed with. It wraps
// ErrConflict.
type ConflictError struct {
	What string // "name", "alias", "cvr", or "shadow" (see Shadowed)
	Key  string // the clashing value as the user wrote it
	ID   uint64 // the id of the company (or other record) that holds it
	// Shadowed, for What "shadow", names the companies (ID the first of
	// them) that Key would hide: it is loosely their name or alias, or
	// the start of it, so typing Key would no longer find them.
	Shadowed []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflict: %s %q is held by #%d", e.What, e.Key, e.ID)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }
