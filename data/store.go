package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/keel-desk/keel/engine/instrument"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one forward-only schema step; Version is the number in its file name.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations returns the embedded migrations in order, checking they are numbered 1..n
// without gaps.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migration %q: name must be NNNN_what.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %q: name must start with its number", name)
		}
		body, err := fs.ReadFile(migrationFiles, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Version < out[k].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %q: expected number %d", m.Name, i+1)
		}
	}
	return out, nil
}

// Journal is the per-user SQLite store. All writes go through one connection (a pool of
// size one with BEGIN IMMEDIATE), reads through a separate read-only pool, so readers never
// wait for the writer (WAL) and writers never fight each other for the lock.
//
// One process owns a journal for writing: Open holds an OS lock on "<path>.lock" until
// Close (or the process's end), and a second Open of the same journal — from another Keel
// or the same process — returns an *InUseError naming the owner, unless it is Shared.
//
// The journal, its WAL and shared-memory files, its lock file and its migration backups are
// the user's alone: created 0600, and tightened to 0600 on open when an older Keel left
// them readable by others.
type Journal struct {
	path     string
	write    *sql.DB
	read     *sql.DB
	now      func() time.Time
	loc      *time.Location
	shared   bool
	lockWait time.Duration
	lock     *fileLock // nil for a Shared journal
}

// Option adjusts how Open sets up a Journal.
type Option func(*Journal)

// WithClock sets the clock used for lesson times, backup names and the days an open trade
// has been held. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(j *Journal) { j.now = now } }

// WithLocation sets the time zone that decides which calendar day and month a trade
// closed in (Stats series, day lessons). The default is New York time, the market's
// and the journal window's (a trade closed at 21:00 in New York closed that day, wherever
// the trader sits).
func WithLocation(loc *time.Location) Option { return func(j *Journal) { j.loc = loc } }

// DefaultPath is where the journal lives unless --db says otherwise:
// os.UserConfigDir()/Keel/keel.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the per-user config directory: %w", err)
	}
	return filepath.Join(dir, "Keel", "keel.db"), nil
}

// dsn builds the modernc.org/sqlite connection string. The _pragma parameters run on every
// new pooled connection: WAL, foreign keys, a 5 s busy timeout and synchronous=FULL (each
// commit is fsynced to the WAL, so a committed record survives kill -9 and power loss).
func dsn(path string, readOnly bool) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	q := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	if readOnly {
		q += "&_pragma=query_only(1)"
	} else {
		q += "&_txlock=immediate"
	}
	return "file:" + esc + "?" + q
}

// Open opens (creating if needed) the journal at path, takes the lock that makes this
// process its writer (see Journal; Shared and WithLockWait change how), and brings its schema
// up to date. When another process owns the journal it returns an *InUseError
// (errors.Is(err, ErrJournalInUse)); when the disk holding it is full, a *DiskFullError.
// Before migrating a file that already holds a schema it writes a backup next to it,
// "<path>.bak-v<N>-<UTC timestamp>", with VACUUM INTO.
func Open(ctx context.Context, path string, opts ...Option) (*Journal, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	return openWith(ctx, path, ms, opts)
}

func openWith(ctx context.Context, path string, ms []migration, opts []Option) (j *Journal, err error) {
	if path == "" {
		return nil, errors.New("journal path is empty")
	}
	j = &Journal{path: path, now: time.Now, loc: instrument.NewYork}
	for _, o := range opts {
		o(j)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, j.explain(fmt.Errorf("creating the journal folder: %w", err))
	}
	if !j.shared {
		if j.lock, err = lockJournal(ctx, path, j.lockWait); err != nil {
			return nil, j.explain(err)
		}
		lock := j.lock
		defer func() {
			if err != nil {
				lock.release()
			}
		}()
	}
	if err := createPrivate(path); err != nil {
		return nil, j.explain(fmt.Errorf("creating journal %s: %w", path, err))
	}
	tightenAll(path)
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("opening journal %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, j.explain(fmt.Errorf("opening journal %s: %w", path, err))
	}
	j.write = w
	if err := j.migrateOwned(ctx, ms); err != nil {
		w.Close()
		return nil, j.explain(err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening journal %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, j.explain(fmt.Errorf("opening journal %s: %w", path, err))
	}
	j.read = r
	return j, nil
}

// migrateOwned migrates the schema when it is behind; a Shared journal does so only while
// it can hold the lock, so it never changes the schema under the process that owns it.
func (j *Journal) migrateOwned(ctx context.Context, ms []migration) error {
	var version int
	if err := j.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("reading the journal's schema version: %w", err)
	}
	if version >= len(ms) {
		return j.migrate(ctx, ms) // nothing to do, or a schema newer than this Keel: say so
	}
	return j.owned(ctx, func() error { return j.migrate(ctx, ms) })
}

// Close closes both pools. The WAL is checkpointed by SQLite when the last connection closes.
// The journal's lock is released last.
func (j *Journal) Close() error {
	return errors.Join(j.read.Close(), j.write.Close(), j.lock.release())
}

// Owner reports whether this journal holds the lock that makes its process the journal's
// writer (false for a Shared journal).
func (j *Journal) Owner() bool { return j.lock != nil }

// Path is the journal's file name.
func (j *Journal) Path() string { return j.path }

// SchemaVersion is the number of the last migration applied (PRAGMA user_version).
func (j *Journal) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := j.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// migrate applies the migrations after the file's user_version, each in its own
// transaction that also bumps user_version, after backing the file up if it has a schema.
func (j *Journal) migrate(ctx context.Context, ms []migration) error {
	var version int
	if err := j.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("reading the journal's schema version: %w", err)
	}
	if version > len(ms) {
		return fmt.Errorf("journal %s has schema version %d, newer than this Keel knows (%d): use a newer Keel", j.path, version, len(ms))
	}
	if version == len(ms) {
		return nil
	}
	var tables int
	if err := j.write.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return fmt.Errorf("reading the journal's schema: %w", err)
	}
	if version == 0 && tables > 0 {
		return fmt.Errorf("%s is an SQLite file but not a Keel journal (it has tables and no schema version)", j.path)
	}
	if version > 0 {
		backup := fmt.Sprintf("%s.bak-v%d-%s", j.path, version, j.now().UTC().Format("20060102T150405Z"))
		lit := "'" + strings.ReplaceAll(backup, "'", "''") + "'"
		// VACUUM INTO fills an empty file it is given and keeps its mode; a file it creates
		// itself would be 0644.
		if err := createPrivate(backup); err != nil {
			return fmt.Errorf("backing up the journal to %s before migrating: %w", backup, err)
		}
		if _, err := j.write.ExecContext(ctx, "VACUUM INTO "+lit); err != nil {
			return fmt.Errorf("backing up the journal to %s before migrating: %w", backup, err)
		}
	}
	for _, m := range ms[version:] {
		tx, err := j.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// inTx runs fn in one write transaction, committing if it returns nil.
func (j *Journal) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := j.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// tsLayout is how times are stored: UTC, fixed width, so text order is time order.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(tsLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("journal holds a bad time %q: %w", s, err)
	}
	return t, nil
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}
