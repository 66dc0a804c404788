package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"kontaktbot/bot"
	"kontaktbot/commands"
	"kontaktbot/reminders"
	"kontaktbot/storage"
)

// DefaultCandidateRetentionMonths is how long candidates are kept after
// their outcome when KONTAKTBOT_CANDIDATE_RETENTION_MONTHS is not set.
const DefaultCandidateRetentionMonths = 12

// retentionPeriods are the default periods of the retention run.
type retentionPeriods struct {
	notes, candidates int // months
}

// periods reads KONTAKTBOT_NOTE_RETENTION_MONTHS (default 36) and
// KONTAKTBOT_CANDIDATE_RETENTION_MONTHS (default 12).
func (e *env) periods() (retentionPeriods, error) {
	notes, err := e.noteMonths()
	if err != nil {
		return retentionPeriods{}, err
	}
	p := retentionPeriods{notes: notes, candidates: DefaultCandidateRetentionMonths}
	if s := e.getenv("KONTAKTBOT_CANDIDATE_RETENTION_MONTHS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, fmt.Errorf("KONTAKTBOT_CANDIDATE_RETENTION_MONTHS=%q: write a number of months, at least 1", s)
		}
		p.candidates = n
	}
	return p, nil
}

// runRetention erases the notes and candidates past their periods and
// records a run that erased anything, with its counts, in the audit trail
// (a run that found nothing is not news, and the console runs one at
// every start).
func runRetention(ctx context.Context, db *storage.DB, now time.Time, p retentionPeriods) (notes storage.Expired, candidates int, err error) {
	if notes, err = db.ExpireNotes(ctx, now, p.notes); err != nil {
		return notes, 0, fmt.Errorf("retention of notes: %w", err)
	}
	if candidates, err = db.ExpireCandidates(ctx, now, p.candidates); err != nil {
		return notes, candidates, fmt.Errorf("retention of candidates: %w", err)
	}
	if notes.Notes == 0 && candidates == 0 {
		return notes, candidates, nil
	}
	err = db.Audit(ctx, bot.AuditEntry{At: now, Actor: "kontaktbot retention", Action: bot.AuditRetention,
		Detail: fmt.Sprintf("notes=%d candidates=%d default_note_months=%d candidate_months=%d", notes.Notes, candidates, p.notes, p.candidates)})
	if err != nil {
		return notes, candidates, fmt.Errorf("retention: %w", err)
	}
	return notes, candidates, nil
}

// noteMonths is KONTAKTBOT_NOTE_RETENTION_MONTHS: how long notes are kept
// where a jobcenter has set no period of its own.
func (e *env) noteMonths() (int, error) {
	s := e.getenv("KONTAKTBOT_NOTE_RETENTION_MONTHS")
	if s == "" {
		return commands.DefaultNoteRetentionMonths, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("KONTAKTBOT_NOTE_RETENTION_MONTHS=%q: write a number of months, at least 1", s)
	}
	return n, nil
}

// retention is the daily retention run as a scheduler task: the first
// check of each day erases the notes and candidates past their periods
// (and scrubs), the rest of the day's checks do nothing.
func (e *env) retention(db *storage.DB, p retentionPeriods) reminders.Task {
	var mu sync.Mutex
	var done time.Time
	return func(ctx context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		day := bot.Day(now)
		if done.Equal(day) {
			return nil
		}
		got, cands, err := runRetention(ctx, db, now, p)
		if err != nil {
			return err
		}
		done = day
		if got.Notes > 0 || cands > 0 {
			e.log.Info("retention erased", "notes", got.Notes, "candidates", cands, "batches", got.Batches, "zeroed_pages", got.Scrub.Zeroed)
		}
		return nil
	}
}
