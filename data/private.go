package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// privateMode is the mode of every file Keel writes that holds the trader's trades: the
// journal, its -wal and -shm files (SQLite gives them the journal's mode), its lock file,
// its migration backups and CSV exports.
const privateMode fs.FileMode = 0o600

// createPrivate creates path empty with privateMode when it does not exist yet.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// tighten takes the group's and others' permissions off a regular file. It is a defence,
// not a condition of working: a file system without Unix modes (FAT, some network shares)
// or a file owned by another user keeps its mode, and the journal still opens.
func tighten(path string) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	os.Chmod(path, fi.Mode().Perm()&privateMode)
}

// tightenAll tightens the journal and the files SQLite and Keel keep beside it, including
// the backups earlier migrations left.
func tightenAll(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", LockPath(path)} {
		tighten(p)
	}
	backups, _ := filepath.Glob(globEscape(path) + ".bak-v*")
	for _, p := range backups {
		tighten(p)
	}
}

// globEscape escapes the pattern characters filepath.Glob would read in a path.
func globEscape(path string) string {
	out := make([]rune, 0, len(path))
	for _, r := range path {
		switch r {
		case '*', '?', '[', '\\':
			if filepath.Separator != '\\' {
				out = append(out, '\\')
			}
		}
		out = append(out, r)
	}
	return string(out)
}

// CreateExport creates (or truncates) the file a CSV export is written to with privateMode;
// an existing regular file is tightened to it too, since it will hold the journal's trades.
func CreateExport(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, privateMode)
	if err != nil {
		return nil, err
	}
	tighten(path)
	return f, nil
}

// lowSpace is how little free space makes an I/O error at open read as a full disk: SQLite
// needs 32 KiB for the shared-memory index and room for the WAL before it can read.
const lowSpace = 1 << 20

// DiskFullError is an open that failed because the disk holding the journal has no room
// left. Nothing already committed is lost: the journal is only read until there is room.
type DiskFullError struct {
	Dir  string // the folder holding the journal
	Free uint64 // bytes left to this user there
	Err  error  // what SQLite or the OS said
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk holding %s is full (%s free): free some space there and open Keel again — nothing already in the journal is lost (%v)",
		e.Dir, ByteCount(e.Free), e.Err)
}

func (e *DiskFullError) Unwrap() error { return e.Err }

// explain turns an error met while opening into a *DiskFullError when the disk holding the
// journal is (nearly) full: SQLite reports that as SQLITE_FULL or, when it cannot size the
// shared-memory file, as "disk I/O error (4874)".
func (j *Journal) explain(err error) error {
	if err == nil {
		return nil
	}
	if !diskError(err) {
		return err
	}
	dir := filepath.Dir(j.path)
	free, ferr := freeBytes(dir)
	if ferr != nil || free >= lowSpace {
		return err
	}
	return &DiskFullError{Dir: dir, Free: free, Err: err}
}

// diskError reports whether err is SQLite's I/O, full or cannot-open error, or the OS's
// "no space left on device".
func diskError(err error) bool {
	var se interface{ Code() int }
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 10, 13, 14: // SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
			return true
		}
	}
	return errors.Is(err, errNoSpace)
}

func ByteCount(n uint64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
