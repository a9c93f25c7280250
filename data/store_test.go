package data

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

func TestMigrateFromEveryEarlierVersion(t *testing.T) {
	ctx := context.Background()
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("only %d migrations", len(all))
	}
	clock := WithClock(func() time.Time { return testNow })
	for k := 1; k < len(all); k++ {
		path := filepath.Join(t.TempDir(), "keel.db")
		old, err := openWith(ctx, path, all[:k], []Option{clock})
		if err != nil {
			t.Fatalf("v%d: %v", k, err)
		}
		// Version 1 data: a trade with a roll; later versions add their own rows.
		mustImport(t, old,
			fill("e1", "o1", day(2, 15), spyOption(pricing.Put, 450, apr17), "-1", "5.00", "1", "0.1"),
			fill("e2", "o2", day(9, 15), spyOption(pricing.Put, 450, apr17), "1", "3.00", "1", "0.1"),
			fill("e3", "o2", day(9, 15), spyOption(pricing.Put, 440, may15), "-1", "4.50", "1", "0.1"))
		if k >= 2 {
			if _, err := old.AddLesson(ctx, Lesson{TradeID: 1, Text: "rolled early"}); err != nil {
				t.Fatal(err)
			}
		}
		old.Close()

		j, err := Open(ctx, path, clock)
		if err != nil {
			t.Fatalf("migrating from v%d: %v", k, err)
		}
		v, err := j.SchemaVersion(ctx)
		if err != nil || v != len(all) {
			t.Fatalf("from v%d: schema version %d (%v), want %d", k, v, err, len(all))
		}
		backups, _ := filepath.Glob(path + ".bak-v" + string(rune('0'+k)) + "-*")
		if len(backups) != 1 || !strings.HasSuffix(backups[0], "-20261120T210000Z") {
			t.Fatalf("from v%d: backups %v", k, backups)
		}
		d, err := j.TradeDetail(ctx, 1)
		if err != nil {
			t.Fatalf("from v%d: %v", k, err)
		}
		// (5.00 − 3.00) × 100 − 2 × 1.10 = 197.80 realized; one roll.
		if d.Rolls != 1 || len(d.Fills) != 3 || !d.RealizedPnL.Equal(dec("197.8")) {
			t.Errorf("from v%d: trade lost data: %+v", k, d.TradeSummary)
		}
		// The new tables work on the migrated file.
		if err := j.SetTags(ctx, 1, []Tag{{MistakeTag, "rolled too early"}}); err != nil {
			t.Errorf("from v%d: %v", k, err)
		}
		lessons, err := j.Lessons(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if k >= 2 && len(lessons) != 1 {
			t.Errorf("from v%d: lessons %+v", k, lessons)
		}
		// The backup is a complete journal at the old version.
		bk, err := sql.Open("sqlite", backups[0])
		if err != nil {
			t.Fatal(err)
		}
		var bv, fills int
		if err := bk.QueryRow("PRAGMA user_version").Scan(&bv); err != nil {
			t.Fatal(err)
		}
		if err := bk.QueryRow("SELECT count(*) FROM fills").Scan(&fills); err != nil {
			t.Fatal(err)
		}
		bk.Close()
		if bv != k || fills != 3 {
			t.Errorf("backup of v%d: version %d, %d fills", k, bv, fills)
		}
		j.Close()
	}
}

func TestOpenNewFileHasNoBackupAndRightPragmas(t *testing.T) {
	j := openTemp(t)
	backups, _ := filepath.Glob(j.Path() + ".bak-*")
	if len(backups) != 0 {
		t.Errorf("backups of a new file: %v", backups)
	}
	for _, db := range []*sql.DB{j.write, j.read} {
		var mode string
		var fk, sync, busy int
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
		db.QueryRow("PRAGMA synchronous").Scan(&sync)
		db.QueryRow("PRAGMA busy_timeout").Scan(&busy)
		// synchronous 2 = FULL (https://www.sqlite.org/pragma.html#pragma_synchronous).
		if mode != "wal" || fk != 1 || sync != 2 || busy != 5000 {
			t.Errorf("journal_mode %s foreign_keys %d synchronous %d busy_timeout %d", mode, fk, sync, busy)
		}
	}
	if _, err := j.read.Exec("INSERT INTO accounts (broker, account, kind) VALUES ('x', 'y', 'live')"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestOpenRefusesNewerOrForeignFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	newer := filepath.Join(dir, "newer.db")
	j, err := Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.write.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := Open(ctx, newer); err == nil || !strings.Contains(err.Error(), "schema version 99, newer than this Keel knows") {
		t.Errorf("newer file: %v", err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, foreign); err == nil || !strings.Contains(err.Error(), "not a Keel journal") {
		t.Errorf("foreign file: %v", err)
	}
}

func TestForeignKeysAreEnforced(t *testing.T) {
	j := openTemp(t)
	_, err := j.write.Exec("INSERT INTO legs (trade_id, instrument_id, side, quantity_open, opened_at) VALUES (42, 42, 'long', '1', 'x')")
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("insert with dangling keys: %v", err)
	}
}
