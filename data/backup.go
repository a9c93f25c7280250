package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"

	"github.com/keel-desk/keel/engine/instrument"
)

// DefaultBackupKeep is how many daily backups Keel keeps unless told otherwise.
const DefaultBackupKeep = 7

// backupStamp is the UTC time in a backup's name; it sorts as text in time order.
const backupStamp = "20060102T150405.000Z"

// beforeRestore ends the name of the copy of a journal that Restore replaced.
const beforeRestore = "-before-restore"

// BackupFile is one backup kept beside a journal.
type BackupFile struct {
	Path string
	Time time.Time // when it was taken, from its name
	Size int64     // bytes
	// Kind is "backup" (daily or keel journal backup: the last N are kept), "before restore"
	// (the journal a restore replaced) or "before migration" (written by Open before a schema
	// change). Only Kind "backup" is pruned.
	Kind string
}

// BackupPath is the name of a backup of journal taken at t:
// "<journal>.backup-<UTC time to the millisecond>".
func BackupPath(journal string, t time.Time) string {
	return journal + ".backup-" + t.UTC().Format(backupStamp)
}

// Backups lists the backups kept beside journal, oldest first: the daily and manual ones,
// the copies restores kept, and the migration backups Open wrote.
func Backups(journal string) ([]BackupFile, error) {
	var out []BackupFile
	for _, pattern := range []string{".backup-*", ".bak-v*"} {
		paths, err := filepath.Glob(globEscape(journal) + pattern)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			b, ok := backupOf(journal, p)
			if !ok {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil {
				continue // gone between the glob and now
			}
			b.Size = fi.Size()
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, k int) bool {
		if !out[i].Time.Equal(out[k].Time) {
			return out[i].Time.Before(out[k].Time)
		}
		return out[i].Path < out[k].Path
	})
	return out, nil
}

// backupOf reads a backup's kind and time from its name; temporary and SQLite's side files
// (-wal, -shm, -journal) are not backups.
func backupOf(journal, path string) (BackupFile, bool) {
	rest := strings.TrimPrefix(path, journal)
	if s, ok := strings.CutPrefix(rest, ".backup-"); ok {
		kind := "backup"
		if s2, ok := strings.CutSuffix(s, beforeRestore); ok {
			s, kind = s2, "before restore"
		}
		t, err := time.Parse(backupStamp, s)
		if err != nil {
			return BackupFile{}, false
		}
		return BackupFile{Path: path, Time: t, Kind: kind}, true
	}
	if s, ok := strings.CutPrefix(rest, ".bak-v"); ok {
		_, stamp, ok := strings.Cut(s, "-")
		t, err := time.Parse("20060102T150405Z", stamp)
		if !ok || err != nil {
			return BackupFile{}, false
		}
		return BackupFile{Path: path, Time: t, Kind: "before migration"}, true
	}
	return BackupFile{}, false
}

// Backup writes a consistent copy of the journal as it is now to BackupPath(j.Path(),
// now) and returns it. It uses SQLite's online backup API on one of the journal's read
// connections: in WAL mode the copy reads one snapshot while the desk goes on writing, and
// nothing waits for it. The copy is written to a temporary file, checked with PRAGMA
// integrity_check, fsynced and only then renamed to its name, so a file named as a backup
// is always a whole, sound journal. It is 0600 from its creation.
func (j *Journal) Backup(ctx context.Context) (BackupFile, error) {
	dst := BackupPath(j.path, j.now())
	if err := j.backupTo(ctx, dst); err != nil {
		return BackupFile{}, err
	}
	b, _ := backupOf(j.path, dst)
	if fi, err := os.Stat(dst); err == nil {
		b.Size = fi.Size()
	}
	return b, nil
}

func (j *Journal) backupTo(ctx context.Context, dst string) error {
	conn, err := j.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backing up the journal: %w", err)
	}
	defer conn.Close()
	if err := copyDatabase(ctx, conn, dst); err != nil {
		return fmt.Errorf("backing up the journal to %s: %w", dst, err)
	}
	return nil
}

// backuper is what modernc.org/sqlite's connection offers for sqlite3_backup_*.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// onlineBackup copies the database conn is on into the existing empty file dst with
// sqlite3_backup_init/step/finish, reached through database/sql's Conn.Raw.
func onlineBackup(conn *sql.Conn, dst string) error {
	return conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return fmt.Errorf("the SQLite driver (%T) has no online backup", dc)
		}
		bk, err := b.NewBackup(fileURI(dst))
		if err != nil {
			return err
		}
		// One step copies every page inside one read transaction: a consistent snapshot.
		// In WAL mode the writer is not held up by it; a step of a few pages at a time
		// would start again after every write the desk commits meanwhile.
		_, stepErr := bk.Step(-1)
		return errors.Join(stepErr, bk.Finish())
	})
}

// copyDatabase copies the database conn is on to dst, all or nothing: into dst+".tmp"
// (0600), checked, fsynced, renamed, and the folder fsynced.
func copyDatabase(ctx context.Context, conn *sql.Conn, dst string) (err error) {
	tmp := dst + ".tmp"
	os.Remove(tmp) // a leftover of a copy that was cut short
	if err := createPrivate(tmp); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.Remove(tmp + "-journal")
		}
	}()
	if err := onlineBackup(conn, tmp); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDatabase(ctx, tmp, -1); err != nil {
		return fmt.Errorf("the copy does not read back: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	syncDir(filepath.Dir(dst))
	return nil
}

// fileURI is an SQLite URI for path with no parameters.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
}

// checkDatabase opens path read-only, runs PRAGMA integrity_check and, when maxVersion ≥ 0,
// checks that its schema version is one this Keel knows (1..maxVersion). It returns the
// version.
func checkDatabase(ctx context.Context, path string, maxVersion int) error {
	_, err := checkedVersion(ctx, path, maxVersion)
	return err
}

func checkedVersion(ctx context.Context, path string, maxVersion int) (int, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a regular file", path)
	}
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return 0, fmt.Errorf("%s is not a sound SQLite file: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, err
		}
		if s != "ok" && len(problems) < 3 {
			problems = append(problems, s)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("%s is not a sound SQLite file: %w", path, err)
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("%s fails SQLite's integrity check: %s", path, strings.Join(problems, "; "))
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, err
	}
	if maxVersion >= 0 {
		if version == 0 {
			return 0, fmt.Errorf("%s is an SQLite file but not a Keel journal (no schema version)", path)
		}
		if version > maxVersion {
			return 0, fmt.Errorf("%s has schema version %d, newer than this Keel knows (%d): use a newer Keel", path, version, maxVersion)
		}
	}
	return version, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir makes a rename in dir durable; where folders cannot be opened or synced
// (Windows) it does nothing.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// PruneBackups deletes the oldest daily and manual backups of journal so that keep remain
// (keep < 1 counts as 1), and returns what it deleted. The copies restores kept and the
// migration backups are not touched.
func PruneBackups(journal string, keep int) ([]string, error) {
	if keep < 1 {
		keep = 1
	}
	all, err := Backups(journal)
	if err != nil {
		return nil, err
	}
	var daily []BackupFile
	for _, b := range all {
		if b.Kind == "backup" {
			daily = append(daily, b)
		}
	}
	var gone []string
	var errs []error
	for i := 0; i < len(daily)-keep; i++ {
		if err := os.Remove(daily[i].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		gone = append(gone, daily[i].Path)
	}
	return gone, errors.Join(errs...)
}

// BackupDue reports whether the daily backup is due at now, given the time of the last
// one (zero when there is none): when the last was taken before the latest midnight in New
// York, or more than 24 hours ago.
func BackupDue(last, now time.Time) bool {
	if last.IsZero() {
		return true
	}
	ny := now.In(instrument.NewYork)
	midnight := time.Date(ny.Year(), ny.Month(), ny.Day(), 0, 0, 0, 0, instrument.NewYork)
	return last.Before(midnight) || now.Sub(last) >= 24*time.Hour
}

// BackupDaily takes the day's backup of j when one is due (see BackupDue) and prunes the
// daily backups to the last keep. Only the process that owns the journal takes it: for a
// Shared journal it does nothing. It returns the backup taken, and false when none was
// due. Keel calls it in a goroutine when it opens the journal; it blocks nobody.
func BackupDaily(ctx context.Context, j *Journal, keep int) (BackupFile, bool, error) {
	if !j.Owner() {
		return BackupFile{}, false, nil
	}
	all, err := Backups(j.path)
	if err != nil {
		return BackupFile{}, false, err
	}
	var last time.Time
	for _, b := range all {
		if b.Kind == "backup" && b.Time.After(last) {
			last = b.Time
		}
	}
	if !BackupDue(last, j.now()) {
		return BackupFile{}, false, nil
	}
	b, err := j.Backup(ctx)
	if err != nil {
		return BackupFile{}, false, err
	}
	_, err = PruneBackups(j.path, keep)
	return b, true, err
}

// Restore replaces the journal at journalPath with the backup at backupPath, and returns
// where it kept the journal it replaced ("" when there was none). It refuses with an
// *InUseError (errors.Is(err, ErrJournalInUse)) while another Keel owns the journal, and
// holds the journal's lock until it is done. It checks the backup first — PRAGMA
// integrity_check and a schema version this Keel knows (an older one is migrated on the
// next open) — and changes nothing if it fails. It keeps the current journal as
// "<journal>.backup-<time>-before-restore" before replacing it, and the replacement is all
// or nothing: the backup is copied to a temporary file in the journal's folder, fsynced
// and renamed over the journal.
func Restore(ctx context.Context, backupPath, journalPath string) (kept string, err error) {
	if backupPath == "" || journalPath == "" {
		return "", errors.New("restore: the backup and the journal must both be named")
	}
	if sameFile(backupPath, journalPath) {
		return "", fmt.Errorf("restore: %s is the journal itself", backupPath)
	}
	ms, err := migrations()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(journalPath), 0o700); err != nil {
		return "", err
	}
	lock, err := lockJournal(ctx, journalPath, 0)
	if err != nil {
		return "", err
	}
	defer lock.release()
	if _, err := checkedVersion(ctx, backupPath, len(ms)); err != nil {
		return "", fmt.Errorf("restore refused, the journal is unchanged: %w", err)
	}
	tmp := journalPath + ".restore"
	if err := copyFromFile(ctx, backupPath, tmp); err != nil {
		return "", fmt.Errorf("restore: copying %s: %w", backupPath, err)
	}
	defer os.Remove(tmp) // gone after the rename; left only by a failure
	now := time.Now()
	if _, err := os.Stat(journalPath); err == nil {
		kept = BackupPath(journalPath, now) + beforeRestore
		if err := keepJournal(ctx, journalPath, kept); err != nil {
			return "", fmt.Errorf("restore: keeping the current journal as %s: %w", kept, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	// The current journal's WAL was checkpointed and emptied by keepJournal; SQLite must not
	// apply a stale one to the restored file.
	os.Remove(journalPath + "-wal")
	os.Remove(journalPath + "-shm")
	if err := os.Rename(tmp, journalPath); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	syncDir(filepath.Dir(journalPath))
	return kept, nil
}

// copyFromFile copies the database at src to dst (all or nothing, see copyDatabase).
func copyFromFile(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", fileURI(src)+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return copyDatabase(ctx, conn, dst)
}

// keepJournal copies the journal at path to kept, folding its WAL in, and checkpoints the
// WAL to empty so nothing of it is left to apply to another file. A journal SQLite cannot
// read is kept byte for byte, with its WAL beside the copy.
func keepJournal(ctx context.Context, path, kept string) error {
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err == nil {
		if _, err = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err == nil {
			err = copyDatabaseUnchecked(ctx, conn, kept)
		}
		conn.Close()
	}
	db.Close()
	if err == nil {
		return nil
	}
	// Unreadable (a broken header, not a database): keep the bytes as they are.
	if cerr := copyBytes(path, kept); cerr != nil {
		return errors.Join(err, cerr)
	}
	if _, serr := os.Stat(path + "-wal"); serr == nil {
		if cerr := copyBytes(path+"-wal", kept+"-wal"); cerr != nil {
			return errors.Join(err, cerr)
		}
	}
	return nil
}

// copyDatabaseUnchecked is copyDatabase for a journal that may itself be damaged: the
// copy is kept as it is, sound or not, since it is what the trader had.
func copyDatabaseUnchecked(ctx context.Context, conn *sql.Conn, dst string) error {
	if err := createPrivate(dst); err != nil {
		return err
	}
	err := onlineBackup(conn, dst)
	if err == nil {
		err = syncFile(dst)
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

func copyBytes(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, privateMode)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	return errors.Join(werr, f.Sync(), f.Close())
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
