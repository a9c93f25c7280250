package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countTrades counts the trades in the journal file at path, opened on its own.
func countTrades(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM trades").Scan(&n); err != nil {
		t.Fatalf("counting the trades in %s: %v", path, err)
	}
	return n
}

func addTrades(t *testing.T, j *Journal, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if _, err := j.Import(context.Background(), AccountRef{}, stmt(holderFill(i))); err != nil {
			t.Fatal(err)
		}
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestBackupWhileWriting takes backups while another goroutine keeps importing trades: the
// writer is never refused or stalled, and each backup is a sound journal holding a count
// of trades between the counts before and after it.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	addTrades(t, j, 0, 20)
	var written atomic.Int64
	written.Store(20)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 20; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := j.Import(ctx, AccountRef{}, stmt(holderFill(i))); err != nil {
				writeErr = err
				return
			}
			written.Add(1)
		}
	}()
	for k := 0; k < 3; k++ {
		before := int(written.Load())
		b, err := j.Backup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		after := int(written.Load())
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		if err := checkDatabase(ctx, b.Path, len(ms)); err != nil {
			t.Fatal(err)
		}
		// A trade whose import had begun but not counted may be in the copy: +1.
		if n := countTrades(t, b.Path); n < before || n > after+1 {
			t.Errorf("backup %d holds %d trades, want %d..%d", k, n, before, after+1)
		}
		if m := mode(t, b.Path); m != 0o600 {
			t.Errorf("backup mode %o, want 600", m)
		}
		os.Remove(b.Path) // the clock is fixed: the next backup takes the same name
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the writer failed during the backups: %v", writeErr)
	}
	if written.Load() <= 20 {
		t.Fatal("no trade was written while the backups ran")
	}
	if left, _ := filepath.Glob(j.path + ".backup-*"); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// TestBackupDue checks the daily rule around midnight in New York (EST is UTC−5 in
// December, EDT UTC−4 in July).
func TestBackupDue(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name      string
		last, now string
		due       bool
	}{
		{"none yet", "", "2026-12-07T03:00:00Z", true},
		{"same NY day", "2026-12-07T06:00:00Z", "2026-12-07T20:00:00Z", false},
		{"NY midnight passed (05:00Z in winter)", "2026-12-07T04:59:00Z", "2026-12-07T05:01:00Z", true},
		{"UTC midnight is not NY midnight", "2026-12-06T23:00:00Z", "2026-12-07T01:00:00Z", false},
		{"NY midnight in summer is 04:00Z", "2026-07-07T03:59:00Z", "2026-07-07T04:00:00Z", true},
		{"older than 24 h", "2026-12-06T05:30:00Z", "2026-12-07T05:31:00Z", true},
		{"backup from the future (clock set back)", "2026-12-09T12:00:00Z", "2026-12-07T12:00:00Z", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var last time.Time
			if c.last != "" {
				last = utc(c.last)
			}
			if got := BackupDue(last, utc(c.now)); got != c.due {
				t.Errorf("BackupDue(%s, %s) = %v, want %v", c.last, c.now, got, c.due)
			}
		})
	}
}

// TestBackupDailyKeepsLastN runs ten days of BackupDaily with keep 3: one backup a day,
// none on a second open the same day, the three newest kept, and the copies a restore kept
// and the migration backups never pruned.
func TestBackupDailyKeepsLastN(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	j, err := Open(ctx, path, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	others := []string{path + ".backup-20261101T000000.000Z" + beforeRestore, path + ".bak-v3-20261101T000000Z"}
	for _, p := range others {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var taken []string
	for d := 0; d < 10; d++ {
		b, ok, err := BackupDaily(ctx, j, 3)
		if err != nil || !ok {
			t.Fatalf("day %d: BackupDaily = %v, %v", d, ok, err)
		}
		taken = append(taken, b.Path)
		mu.Lock()
		now = now.Add(2 * time.Hour)
		mu.Unlock()
		if _, ok, err := BackupDaily(ctx, j, 3); ok || err != nil {
			t.Fatalf("day %d: a second backup the same day: %v, %v", d, ok, err)
		}
		mu.Lock()
		now = now.Add(22 * time.Hour)
		mu.Unlock()
	}
	all, err := Backups(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	kinds := map[string]int{}
	for _, b := range all {
		kinds[b.Kind]++
		if b.Kind == "backup" {
			got = append(got, b.Path)
			if m := mode(t, b.Path); m != 0o600 {
				t.Errorf("%s mode %o, want 600", b.Path, m)
			}
		}
	}
	if want := taken[7:]; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("kept %v, want the last three %v", got, want)
	}
	if kinds["before restore"] != 1 || kinds["before migration"] != 1 {
		t.Errorf("kinds %v: the restore and migration copies must stay", kinds)
	}

	shared, err := Open(ctx, path, Shared(), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	mu.Lock()
	now = now.Add(48 * time.Hour)
	mu.Unlock()
	if _, ok, err := BackupDaily(ctx, shared, 3); ok || err != nil {
		t.Errorf("a journal that does not own the lock took the daily backup: %v, %v", ok, err)
	}
}

// TestRestoreRoundTrip backs up a journal of 3 trades, adds 4, restores the backup: the
// journal holds 3 trades again, opens and migrates as usual, the replaced journal (7
// trades) is kept, and every file is 0600.
func TestRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	addTrades(t, j, 0, 3)
	b, err := j.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	addTrades(t, j, 3, 4)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	kept, err := Restore(ctx, b.Path, path)
	if err != nil {
		t.Fatal(err)
	}
	if n := countTrades(t, path); n != 3 {
		t.Errorf("restored journal holds %d trades, want 3", n)
	}
	if n := countTrades(t, kept); n != 7 {
		t.Errorf("the kept journal holds %d trades, want 7", n)
	}
	for _, p := range []string{path, kept, b.Path} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s mode %o, want 600", p, m)
		}
	}
	if left, _ := filepath.Glob(path + ".restore*"); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("the restored journal does not open: %v", err)
	}
	defer j.Close()
	addTrades(t, j, 100, 1) // and takes writes
	if n := countTrades(t, path); n != 4 {
		t.Errorf("after a write the restored journal holds %d trades, want 4", n)
	}
}

// TestRestoreRefusedWhileOpen: while a Keel owns the journal a restore is refused with
// ErrJournalInUse and nothing changes.
func TestRestoreRefusedWhileOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	addTrades(t, j, 0, 2)
	b, err := j.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	addTrades(t, j, 2, 2)
	_, err = Restore(ctx, b.Path, path)
	var inUse *InUseError
	if !errors.Is(err, ErrJournalInUse) || !errors.As(err, &inUse) || inUse.PID != os.Getpid() {
		t.Fatalf("Restore beside the owner = %v, want an *InUseError naming pid %d", err, os.Getpid())
	}
	if n := countTrades(t, path); n != 4 {
		t.Errorf("journal holds %d trades after the refused restore, want 4", n)
	}
	if all, _ := Backups(path); len(all) != 1 {
		t.Errorf("backups after a refused restore: %v", all)
	}
}

// TestRestoreBadBackupRefused: a backup that is not sound, not a journal, or newer than
// this Keel is refused before anything changes: the journal's bytes are the same and no
// file is added.
func TestRestoreBadBackupRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	addTrades(t, j, 0, 30)
	good, err := j.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	sound, err := os.ReadFile(good.Path)
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		make func(t *testing.T) string
		says string
	}{
		{"damaged pages", func(t *testing.T) string {
			b := bytes.Clone(sound)
			const page = 4096
			for off := 2 * page; off+page <= len(b); off += page {
				for i := 0; i < 12; i++ {
					b[off+i] = 0xA5 // every b-tree page header after the schema's is garbage
				}
			}
			return write(t, "damaged.db", b)
		}, "malformed"},
		{"an index out of step with its table", func(t *testing.T) string {
			// Readable, and the trades count still right: only PRAGMA integrity_check sees
			// that the index on trades lost its entries.
			db, _ := sql.Open("sqlite", fileURI(good.Path)+"?_pragma=query_only(1)")
			var root int
			err := db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'trades' LIMIT 1").Scan(&root)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			b := bytes.Clone(sound)
			hdr := (root - 1) * 4096
			if b[hdr] != 0x0a {
				t.Fatalf("index root page %d is not a leaf (type %#x)", root, b[hdr])
			}
			b[hdr+3], b[hdr+4] = 0, 0 // no cells
			return write(t, "unindexed.db", b)
		}, "fails SQLite's integrity check"},
		{"not a database", func(t *testing.T) string {
			return write(t, "notes.txt", bytes.Repeat([]byte("short strangle "), 1000))
		}, "not a sound SQLite file"},
		{"not a journal", func(t *testing.T) string {
			p := filepath.Join(dir, "other.db")
			db, _ := sql.Open("sqlite", p)
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
				t.Fatal(err)
			}
			return p
		}, "not a Keel journal"},
		{"newer schema", func(t *testing.T) string {
			p := write(t, "newer.db", sound)
			db, _ := sql.Open("sqlite", p)
			defer db.Close()
			if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
				t.Fatal(err)
			}
			return p
		}, "newer than this Keel"},
		{"missing", func(t *testing.T) string { return filepath.Join(dir, "nothing.db") }, "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := c.make(t)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			_, err = Restore(ctx, bad, path)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("Restore(%s) = %v, want a refusal saying %q", c.name, err, c.says)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the journal changed")
			}
			if now, _ := os.ReadDir(dir); len(now) != len(entries) {
				t.Errorf("files before %d, after %d", len(entries), len(now))
			}
		})
	}
	if n := countTrades(t, path); n != 30 {
		t.Errorf("journal holds %d trades, want 30", n)
	}
}

// fillJournal adds n fills to a journal of n/2 trades (bigJournal), two legs' fills a
// trade, written in one transaction with SQL: the size of a long-kept journal.
func fillJournal(b *testing.B, n int) *Journal {
	b.Helper()
	j := bigJournal(b, n/2)
	_, err := j.write.Exec(`
INSERT INTO instruments (symbol, kind, root, multiplier) VALUES ('SPY', 'stock', 'SPY', '1');
INSERT INTO legs (trade_id, instrument_id, side, quantity_open, opened_at)
	SELECT id, 1, 'short', '0', opened_at FROM trades;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ` + fmt.Sprint(n-1) + `)
INSERT INTO fills (account_id, trade_id, leg_id, exec_id, kind, effect, filled_at, quantity, price, commission, fees, symbol, source)
	SELECT 1, i / 2 + 1, i / 2 + 1, 'bench-' || i, 'fill', CASE i % 2 WHEN 0 THEN 'open' ELSE 'close' END,
		'2026-01-02T15:00:00.000000000Z', '-1', '2.15', '1.00', '0.14', 'SPY 2026-12-18 450 P', 'bench.csv line ' || i FROM k;`)
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkBackup100kFills times one online backup (with its integrity check of the copy)
// of a journal of 100,000 fills and 50,000 trades.
func BenchmarkBackup100kFills(b *testing.B) {
	j := fillJournal(b, 100_000)
	ctx := context.Background()
	var size int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bk, err := j.Backup(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size = bk.Size
		os.Remove(bk.Path) // the fixed clock gives every backup the same name
		b.StartTimer()
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}
