// Package reminders decides who is nudged about which companies, and when:
// cadence rules, the Danish working-day calendar, schedules and the outbox.
package reminders
