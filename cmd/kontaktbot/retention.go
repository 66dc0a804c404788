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
// check of each day erases the notes past their period (and scrubs), the
// rest of the day's checks do nothing. The audit trail should record each
// run that erased something, with its counts (storage.Expired).
func (e *env) retention(db *storage.DB, months int) reminders.Task {
	var mu sync.Mutex
	var done time.Time
	return func(ctx context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		day := bot.Day(now)
		if done.Equal(day) {
			return nil
		}
		got, err := db.ExpireNotes(ctx, now, months)
		if err != nil {
			return fmt.Errorf("retention: %w", err)
		}
		done = day
		if got.Notes > 0 {
			e.log.Info("retention erased notes", "notes", got.Notes, "batches", got.Batches, "zeroed_pages", got.Scrub.Zeroed)
		}
		return nil
	}
}
