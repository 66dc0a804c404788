package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// Backup writes a consistent copy of the whole file to w from one read
// transaction, while writes go on. It returns the bytes written.
func (db *DB) Backup(ctx context.Context, w io.Writer) (n int64, err error) {
	err = db.view(ctx, func(tx *bolt.Tx) error {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path: a temporary file next to
// it, fsync'd, checked, then renamed into place, so path is never a half
// backup.
func (db *DB) BackupFile(ctx context.Context, path string) error {
	return writeChecked(path, func(w io.Writer) error {
		_, err := db.Backup(ctx, w)
		return err
	})
}

// BackupPath writes a consistent copy of the database file at dbPath to
// path, whether or not a kontaktbot process has the file open: it opens
// the file itself when it is free, and otherwise asks the process holding
// it through that process's backup socket (see ServeBackups).
func BackupPath(ctx context.Context, dbPath, path string, timeout time.Duration) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := Open(dbPath, Options{ReadOnly: true, Timeout: timeout})
	if err == nil {
		return errors.Join(db.BackupFile(ctx, path), db.Close())
	}
	if !errors.Is(err, ErrLocked) {
		return err
	}
	conn, derr := DialSocket(ctx, dbPath, RequestBackup)
	if derr != nil {
		return fmt.Errorf("%w; its backup socket does not answer either (%v)", err, derr)
	}
	defer conn.Close()
	return writeChecked(path, func(w io.Writer) error {
		_, err := io.Copy(w, conn)
		return err
	})
}

// SocketPath is where the process holding dbPath answers backup requests.
func SocketPath(dbPath string) string { return dbPath + ".backup.sock" }

// The operator socket. bbolt lets one process open a file, so the process
// that holds it (the console, the server) answers the operator's
// subcommands on a unix socket beside it, mode 0600 (only the file's
// owner can connect). Each connection is one request: a line naming it
// (RequestBackup, or one a SocketHandler takes, such as "import companies
// --dry-run"), then whatever the request reads until the client closes
// its writing side.

// RequestBackup asks for a consistent copy of the file, sent as it is.
const RequestBackup = "backup"

// SocketHandler answers the requests other than a backup: line is the
// request line, r what the client sent after it, w the answer.
type SocketHandler func(ctx context.Context, line string, r io.Reader, w io.Writer)

// DialSocket connects to the process holding dbPath and sends the request
// line. The caller writes the request's body, if any, then closes the
// writing side (CloseWrite), and reads the answer.
func DialSocket(ctx context.Context, dbPath, line string) (*net.UnixConn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "unix", SocketPath(dbPath))
	if err != nil {
		return nil, err
	}
	conn := c.(*net.UnixConn)
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if _, err := io.WriteString(conn, line+"\n"); err != nil {
		conn.Close()
		return nil, err
	}
	if line == RequestBackup {
		conn.CloseWrite()
	}
	return conn, nil
}

// ServeBackups is ServeSocket answering backups only.
func (db *DB) ServeBackups(ctx context.Context) (stop func(), err error) {
	return db.ServeSocket(ctx, nil)
}

// ServeSocket answers requests on SocketPath(db.Path()) until ctx ends or
// the returned stop is called: a backup request receives one consistent
// copy of the file; any other goes to more (nil: refused). A process that
// keeps the file open (the console, the server) runs it, so that `kontaktbot
// backup`, `import` and `export` work while it runs.
func (db *DB) ServeSocket(ctx context.Context, more SocketHandler) (stop func(), err error) {
	sock := SocketPath(db.path)
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		return nil, fmt.Errorf("backup socket %s: another process answers on it", sock)
	}
	os.Remove(sock) // left behind by a process that was killed
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		ln.Close()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(30 * time.Minute))
				br := bufio.NewReader(io.LimitReader(conn, 1<<10))
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimSpace(line)
				switch {
				case line == RequestBackup:
					// A failed copy fails the reader's check; a copy sent is
					// recorded (in this file, after the copy: not in it).
					if n, err := db.Backup(ctx, conn); err == nil {
						db.Audit(ctx, bot.AuditEntry{Actor: "kontaktbot backup", Action: bot.AuditBackup,
							Subject: "socket", Detail: strconv.FormatInt(n, 10) + " bytes"})
					}
				case more != nil:
					// What the line reader read ahead belongs to the body.
					more(ctx, line, io.MultiReader(br, conn), conn)
				default:
					fmt.Fprintf(conn, "error\nthis process answers backups only\n")
				}
			}()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			os.Remove(sock)
		})
	}, nil
}

// writeChecked writes a database copy through fill into a temporary file
// beside path, checks that it is a whole kontaktbot database, fsyncs it
// and renames it to path.
func writeChecked(path string, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err = fill(f); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err = verify(tmp); err != nil {
		return fmt.Errorf("backup: the copy is not sound: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// verify opens a copy read-only and checks its pages and schema version.
func verify(path string) (err error) {
	if err := quickCheck(path); err != nil {
		return err
	}
	return guarded(path, func() error { return verifyPages(path) })
}

func verifyPages(path string) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		return checkSchema(tx)
	})
}
