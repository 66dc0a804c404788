// Command kontaktbot is a chat-bot for Danish jobcenter business
// consultants. With no platform credentials it starts a console chat on a
// local database file. See README.md for the subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kontaktbot:", err)
		os.Exit(1)
	}
}
