package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrJournalInUse is what Open returns (wrapped in an *InUseError) when another process
// owns the journal for writing, and what the writes that need the owner (imports, the paper
// account) return from a journal opened with Shared while another process owns it.
var ErrJournalInUse = errors.New("the journal is in use by another Keel")

// InUseError says which process owns the journal. errors.Is(err, ErrJournalInUse) holds.
type InUseError struct {
	Path  string
	PID   int    // 0 when the owner's lock file did not say
	Owner string // what the owner wrote in the lock file: its program name and start time
}

func (e *InUseError) Error() string {
	who := "another Keel process"
	if e.PID > 0 {
		who += " (pid " + strconv.Itoa(e.PID)
		if e.Owner != "" {
			who += ", " + e.Owner
		}
		who += ")"
	}
	return fmt.Sprintf("journal %s is in use by %s: only one Keel may write to a journal at a time — switch to that one, or close it and try again", e.Path, who)
}

func (e *InUseError) Is(target error) bool { return target == ErrJournalInUse }

// LockPath is the lock file kept next to a journal: "<path>.lock". The process that owns
// the journal holds an OS lock on it (flock on Unix, LockFileEx on Windows) and writes its
// pid in it; the OS drops the lock when the process ends, however it ends. The file itself
// stays.
func LockPath(journal string) string { return journal + ".lock" }

// Shared opens the journal without owning it, for commands that read while Keel runs
// (keel journal export, keel checklist). Reads work as usual, and so do writes that only
// add their own rows (a checklist run, a lesson), which SQLite serialises. The writes that
// must have a single owner — Import and SavePaper, whose process keeps the trades' lots and
// the paper account in memory — take the lock for their transaction when it is free and
// otherwise return an *InUseError. A journal whose schema is older than this Keel's is
// migrated only when the lock is free.
func Shared() Option { return func(j *Journal) { j.shared = true } }

// WithLockWait makes Open wait up to d for another process to release the journal before
// it returns an *InUseError (keel journal import beside a finishing GUI). The default is
// not to wait.
func WithLockWait(d time.Duration) Option { return func(j *Journal) { j.lockWait = d } }

// fileLock is an OS lock held on the open lock file.
type fileLock struct{ f *os.File }

// lockJournal takes the journal's lock, trying every 50 ms for up to wait, and records this
// process in the lock file.
func lockJournal(ctx context.Context, path string, wait time.Duration) (*fileLock, error) {
	lp := LockPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the journal's lock file: %w", err)
	}
	tighten(f.Name())
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", lp, err)
		}
		if ok {
			break
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, inUse(path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, inUse(path)
		case <-time.After(50 * time.Millisecond):
		}
	}
	// Only the holder writes the file; what it says is information for the refused.
	exe, _ := os.Executable()
	who := fmt.Sprintf("%d %s since %s\n", os.Getpid(), filepath.Base(exe), time.Now().UTC().Format("2006-01-02 15:04:05 UTC"))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(who), 0)
	}
	return &fileLock{f: f}, nil
}

// inUse reads the owner's pid and description from the lock file.
func inUse(path string) *InUseError {
	e := &InUseError{Path: path}
	b, err := readOwner(LockPath(path))
	if err != nil {
		return e
	}
	pid, rest, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	if n, err := strconv.Atoi(pid); err == nil && n > 0 {
		e.PID, e.Owner = n, rest
	}
	return e
}

func (l *fileLock) release() error {
	if l == nil {
		return nil
	}
	return l.f.Close() // closing the file drops the lock
}

// owned runs fn holding the journal's lock: the lock this journal holds for its life, or,
// for a Shared journal, the lock taken for fn's duration when no other process owns the
// journal.
func (j *Journal) owned(ctx context.Context, fn func() error) error {
	if j.lock != nil {
		return fn()
	}
	l, err := lockJournal(ctx, j.path, 0)
	if err != nil {
		return err
	}
	defer l.release()
	return fn()
}
