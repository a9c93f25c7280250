//go:build unix

package data

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive flock on f without waiting: false when another open file
// holds it. flock is independent of the POSIX record locks SQLite takes on the journal
// itself, and it is tied to the open file, so a second Open in the same process is
// refused too.
func tryLock(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// readOwner reads the lock file; a flock does not stop reading.
func readOwner(lockPath string) ([]byte, error) { return os.ReadFile(lockPath) }

// freeBytes is the space left to this user on the file system holding dir.
func freeBytes(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}

// errNoSpace is the OS's "no space left on device".
var errNoSpace error = unix.ENOSPC
