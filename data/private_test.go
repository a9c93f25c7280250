package data

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestJournalFilesArePrivate: the journal, its WAL, shared-memory and lock files, its
// migration backups and CSV exports are created readable by their owner only (0600), and
// files an older Keel left 0644 are tightened when the journal opens.
func TestJournalFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix modes")
	}
	ctx := context.Background()
	modeOf := func(t *testing.T, path string) fs.FileMode {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	private := func(t *testing.T, paths ...string) {
		t.Helper()
		for _, p := range paths {
			if m := modeOf(t, p); m != 0o600 {
				t.Errorf("%s is %v, want -rw-------", filepath.Base(p), m)
			}
		}
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a new journal and the files beside it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keel.db")
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		mustImport(t, j, holderFill(0)) // a write: the WAL and shared-memory files exist
		private(t, path, path+"-wal", path+"-shm", LockPath(path))
	})
	t.Run("a migration backup", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keel.db")
		old, err := openWith(ctx, path, ms[:len(ms)-1], nil)
		if err != nil {
			t.Fatal(err)
		}
		old.Close()
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		backups, _ := filepath.Glob(path + ".bak-v*")
		if len(backups) != 1 {
			t.Fatalf("backups %v", backups)
		}
		private(t, backups[0])
		if v, err := j.SchemaVersion(ctx); err != nil || v != len(ms) {
			t.Errorf("schema version %d %v after migrating", v, err)
		}
	})
	t.Run("files left readable are tightened on open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keel.db")
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		mustImport(t, j, holderFill(0))
		j.Close()
		backup := path + ".bak-v3-20260101T000000Z"
		if err := os.WriteFile(backup, []byte("an old backup"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, LockPath(path), backup} {
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		j, err = Open(ctx, path, Shared())
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		private(t, path, LockPath(path), backup)
	})
	t.Run("an export file (keel journal export --out)", func(t *testing.T) {
		dir := t.TempDir()
		fresh, old := filepath.Join(dir, "trades.csv"), filepath.Join(dir, "old.csv")
		if err := os.WriteFile(old, []byte("last year's export"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{fresh, old} {
			f, err := CreateExport(out)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("trade_id,\n"); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			private(t, out)
			if b, _ := os.ReadFile(out); string(b) != "trade_id,\n" {
				t.Errorf("%s holds %q", filepath.Base(out), b)
			}
		}
	})
}
