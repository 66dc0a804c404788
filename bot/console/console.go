// Package console is kontaktbot's terminal chat: the zero-credential
// default for trying the bot on a laptop, and the adapter tests drive end to
// end. Replies and unasked messages (nudges, announcements) are printed as
// plain text.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"kontaktbot/bot"
)

// Platform is the name console identities and channels carry.
const Platform = bot.ConsolePlatform

// Handler runs one command and returns the reply. commands.Service meets it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Message
}

// Console reads command lines and prints replies. It is also a
// bot.Notifier that prints what would be sent. A picture in a message
// (bot.Image) is written to a PNG file in ImageDir, and its path printed
// with its title and alt text.
type Console struct {
	// ImageDir is where pictures are written; empty means
	// os.TempDir()/kontaktbot. Set it before Run.
	ImageDir    string
	out         io.Writer
	mu          sync.Mutex // one writer at a time: replies and nudges may interleave
	as          string
	interactive bool
	seq         int
}

// New returns a console acting as the person named as, writing to out.
// With interactive set it shows a prompt and a greeting.
func New(out io.Writer, as string, interactive bool) *Console {
	return &Console{out: out, as: as, interactive: interactive}
}

// Identity is the console identity of the person named name.
func Identity(name string) bot.Identity {
	return bot.Identity{Platform: Platform, User: bot.NormalizeName(name)}
}

// Channel is the console's pseudo channel for announcements.
var Channel = bot.Channel{Platform: Platform, ID: "kanal"}

// Run reads one command per line from in until end of input or until ctx
// ends, and prints each reply. A leading "/" is optional; blank lines are
// skipped. It returns nil at end of input, and in an interactive console
// also when the person types »afslut«, »exit« or »quit« (which are then not
// sent as commands).
func (c *Console) Run(ctx context.Context, in io.Reader, h Handler) error {
	if c.interactive {
		c.printf("kontaktbot — du skriver som %s. Skriv »hjælp« for kommandoer, »afslut« eller Ctrl-D for at slutte.\n", c.as)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go readLines(in, lines, errc)
	for {
		c.prompt()
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if c.interactive {
				c.printf("\n")
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read command: %w", err)
		case line := <-lines:
			text := strings.TrimSpace(line)
			if c.interactive && isQuit(text) {
				return nil
			}
			if text != "" {
				msg := h.Handle(ctx, bot.Request{From: Identity(c.as), Name: c.as, Text: text, Channel: Channel})
				c.printf("%s\n", c.text(msg))
			}
		}
	}
}

// isQuit reports whether text asks to leave the console.
func isQuit(text string) bool {
	switch strings.ToLower(strings.TrimPrefix(text, "/")) {
	case "afslut", "exit", "quit":
		return true
	}
	return false
}

// readLines sends each line of in to lines, then the error that ended the
// input (io.EOF at its end) to errc. Lines are handled one at a time: the
// next is read only after the previous one was taken.
func readLines(in io.Reader, lines chan<- string, errc chan<- error) {
	r := bufio.NewReader(in)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			lines <- line
		}
		if err != nil {
			errc <- err
			return
		}
	}
}

func (c *Console) prompt() {
	if c.interactive {
		c.printf("> ")
	}
}

func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}

// SendToPerson prints a direct message to a person.
func (c *Console) SendToPerson(ctx context.Context, to bot.Consultant, msg bot.Message) (bot.Receipt, error) {
	return c.deliver(ctx, bot.Channel{Platform: Platform, ID: "@" + bot.NormalizeName(to.Name)}, "til "+to.Name, msg)
}

// PostToChannel prints a post to a channel.
func (c *Console) PostToChannel(ctx context.Context, ch bot.Channel, msg bot.Message) (bot.Receipt, error) {
	return c.deliver(ctx, ch, "#"+ch.ID, msg)
}

// UpdateMessage prints the new version of a message posted before.
func (c *Console) UpdateMessage(ctx context.Context, r bot.Receipt, msg bot.Message) (bot.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return bot.Receipt{}, fmt.Errorf("console update: %w", err)
	}
	to := "#" + r.Channel.ID
	if strings.HasPrefix(r.Channel.ID, "@") {
		to = "til " + r.Channel.ID[1:]
	}
	c.printf("── besked %s opdateret ──\n%s\n", to, c.text(msg))
	return r, nil
}

func (c *Console) deliver(ctx context.Context, ch bot.Channel, to string, msg bot.Message) (bot.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return bot.Receipt{}, fmt.Errorf("console deliver: %w", err)
	}
	c.mu.Lock()
	c.seq++
	id := fmt.Sprintf("console-%d", c.seq)
	c.mu.Unlock()
	c.printf("── besked %s ──\n%s\n", to, c.text(msg))
	return bot.Receipt{Channel: ch, MessageID: id}, nil
}

// text is msg as plain text, with each picture written to a file first
// and shown as its title, alt text and the file's path.
func (c *Console) text(msg bot.Message) string {
	blocks := make([]bot.Block, len(msg.Blocks))
	for i, b := range msg.Blocks {
		if im, ok := b.(bot.Image); ok {
			line := "[" + im.Title + ": " + im.Alt + "]"
			if path, err := c.saveImage(im); err != nil {
				line += "\n(billedet kunne ikke gemmes / the picture could not be saved: " + err.Error() + ")"
			} else {
				line += "\n→ " + path
			}
			b = bot.Text{Text: line}
		}
		blocks[i] = b
	}
	msg.Blocks = blocks
	return msg.PlainText()
}

// saveImage writes im's PNG to a new file in ImageDir named by its
// FileName (a date) and a unique part, and returns its path.
func (c *Console) saveImage(im bot.Image) (string, error) {
	dir := c.ImageDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kontaktbot")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("image dir: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(im.FileName), ".png")
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "billede"
	}
	f, err := os.CreateTemp(dir, name+"-*.png")
	if err != nil {
		return "", fmt.Errorf("image file: %w", err)
	}
	_, err = f.Write(im.PNG)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write image: %w", err)
	}
	return f.Name(), nil
}
