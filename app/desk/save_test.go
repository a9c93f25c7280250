package desk

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
)

// fullDisk is a paper store whose writes fail while full is set.
type fullDisk struct {
	*data.Journal
	mu   sync.Mutex
	full bool
}

func (f *fullDisk) SavePaper(ctx context.Context, account string, rows []paper.Row) error {
	f.mu.Lock()
	full := f.full
	f.mu.Unlock()
	if full {
		return errors.New("database or disk is full")
	}
	return f.Journal.SavePaper(ctx, account, rows)
}

func (f *fullDisk) set(full bool) { f.mu.Lock(); f.full = full; f.mu.Unlock() }

// TestFailedPaperSaveIsShownUntilARetryWorks fills while the paper account cannot be
// saved: the snapshot says so, and the problem goes once the broker's retry saves it.
func TestFailedPaperSaveIsShownUntilARetryWorks(t *testing.T) {
	j, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "keel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	disk := &fullDisk{Journal: j}
	b, err := paper.New(paper.Config{Store: disk, Seed: 7, Start: testStart, Manual: true, EmptyAccount: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d, err := Start(context.Background(), Config{Broker: b, Journal: j, Publish: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r := &rig{desk: d, broker: b, journal: j}
	disk.set(true)
	if _, err := b.Place(context.Background(), brokers.Order{Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}},
		Quantity: 10, Type: brokers.Market, TIF: brokers.Day}); err != nil {
		t.Fatal(err)
	}
	saveProblem := func(s *Snapshot) bool {
		for _, p := range s.Problems {
			if p.Source == "paper account" && strings.Contains(p.Text, "disk is full") {
				return true
			}
		}
		return false
	}
	r.waitFor(t, "the failed save in the snapshot", saveProblem)
	disk.set(false)
	r.waitFor(t, "the problem gone after the retry", func(s *Snapshot) bool { return !saveProblem(s) })
	rows, err := j.LoadPaper(context.Background(), paper.DefaultAccount)
	if err != nil {
		t.Fatal(err)
	}
	fills := 0
	for _, row := range rows {
		if row.Kind == "fill" {
			fills++
		}
	}
	if fills != 1 {
		t.Errorf("%d fills saved after the retry; want 1", fills)
	}
}

// TestFillsAreJournaledOnceTheJournalWorksAgain fills while another process holds the
// journal's write lock (a write then fails, as on a full disk, with a passing error): the
// desk says it is retrying and records the fill as soon as the lock is gone, without a
// restart.
func TestFillsAreJournaledOnceTheJournalWorksAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	b, err := paper.New(paper.Config{Seed: 7, Start: testStart, Manual: true, EmptyAccount: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d, err := Start(context.Background(), Config{Broker: b, Journal: j, Publish: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r := &rig{desk: d, broker: b, journal: j}
	r.waitFor(t, "the first sync", func(s *Snapshot) bool { return s.Synced })

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	// The desk writes now and then (samples, its own settings): take the lock between two
	// of its writes, as another process would.
	for deadline := time.Now().Add(20 * time.Second); ; {
		_, err := lock.ExecContext(context.Background(), "BEGIN EXCLUSIVE")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := b.Place(context.Background(), brokers.Order{Legs: []brokers.Leg{{Symbol: "SPY", Ratio: 1}},
		Quantity: 10, Type: brokers.Market, TIF: brokers.Day}); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "the desk retrying", func(s *Snapshot) bool {
		for _, p := range s.Problems {
			if p.Source == "journal" && strings.Contains(p.Text, "retrying") {
				return true
			}
		}
		return false
	})
	if _, err := lock.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second) // retried every second; generous for a loaded machine
	for {
		list, err := j.ListTrades(context.Background(), data.Filter{}, data.Page{})
		if err == nil && len(list.Trades) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fill was not journaled after the lock went: %+v, %v", list, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
