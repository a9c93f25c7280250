package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenOnAFullDisk puts a journal on a 4 MiB tmpfs, fills the disk, and opens the
// journal again: the error says the disk holding it is full and where (SQLite's own words
// were "disk I/O error (4874)"), and once space is freed every trade is still there. It
// needs to mount a file system (root, CAP_SYS_ADMIN) and skips when it cannot.
func TestOpenOnAFullDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (%v): needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	ctx := context.Background()
	path := filepath.Join(dir, "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		mustImport(t, j, holderFill(i))
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	f.Close()

	_, err = Open(ctx, path)
	var full *DiskFullError
	if !errors.As(err, &full) {
		t.Fatalf("open on a full disk: want a *DiskFullError, got %v", err)
	}
	if full.Dir != dir || !strings.Contains(err.Error(), "the disk holding "+dir+" is full") || !strings.Contains(err.Error(), "nothing already in the journal is lost") {
		t.Errorf("the message does not say the disk is full and where: %v", err)
	}
	t.Log(err)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open once space is freed: %v", err)
	}
	defer j.Close()
	if n := count(t, j, "trades"); n != 5 {
		t.Errorf("%d trades after the full disk, want 5", n)
	}
	var ok string
	if err := j.read.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity check: %q %v", ok, err)
	}
}
