package journal

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/keel-desk/keel/app/internal/testkit"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
)

// journalWriter stands in for the desk in the window's tests: it makes the changes the
// desk's commands make, on the test's journal, and counts them, so a test can tell that the
// window went through its Writer.
type journalWriter struct {
	j     *data.Journal
	calls int
}

func (w *journalWriter) SaveTags(ctx context.Context, id int64, tags []data.Tag) error {
	w.calls++
	return w.j.SetTags(ctx, id, tags)
}

func (w *journalWriter) AddLesson(ctx context.Context, l data.Lesson) (int64, error) {
	w.calls++
	return w.j.AddLesson(ctx, l)
}

func (w *journalWriter) EditLesson(ctx context.Context, id int64, text string) error {
	w.calls++
	return w.j.UpdateLesson(ctx, id, text)
}

func (w *journalWriter) DeleteLesson(ctx context.Context, id int64) error {
	w.calls++
	return w.j.DeleteLesson(ctx, id)
}

func (w *journalWriter) ImportStatement(ctx context.Context, acct data.AccountRef, st *statement.Statement) (data.ImportResult, error) {
	w.calls++
	return w.j.Import(ctx, acct, st)
}

// TestWithoutADeskTheWindowOnlyReads: with no desk the import is refused with the reason
// the desk gave, and the journal is left as it was.
func TestWithoutADeskTheWindowOnlyReads(t *testing.T) {
	test.NewTempApp(t)
	j := openTestJournal(t, filepath.Join(t.TempDir(), "keel.db"))
	t.Cleanup(func() { j.Close() })
	v := NewJournalView(j, nil, "no broker: connection refused", nil)
	v.Wait()
	onUI(v, func() { v.ImportFile("../../data/statement/testdata/tastytrade_current.csv") })
	v.Wait()
	want := "Nothing imported: the desk is not running (no broker: connection refused)"
	if !strings.HasPrefix(v.importNote.Text, want) {
		t.Fatalf("import note %q, want prefix %q", v.importNote.Text, want)
	}
	if accts, err := j.Accounts(context.Background()); err != nil || len(accts) != 0 {
		t.Fatalf("accounts %+v (%v), want none", accts, err)
	}
}

// TestTheDeskWritesWhatTheWindowAsks gives the window a running paper desk as its Writer:
// a statement imported from the window, and a trade's tags and lessons, land in the
// journal while the desk records its own fills in it.
func TestTheDeskWritesWhatTheWindowAsks(t *testing.T) {
	dt := testkit.NewDesk(t, testkit.PaperStart)
	ctx := context.Background()
	v := NewJournalView(dt.Journal, dt.Desk, "", nil)
	v.Wait()
	good := "../../data/statement/testdata/tastytrade_current.csv"
	st, err := statement.ParseFile(good)
	if err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.ImportFile(good) })
	v.Wait()
	if want := fmt.Sprintf("tastytrade_current.csv: %d new fills", len(st.Events)); !strings.HasPrefix(v.importNote.Text, want) {
		t.Fatalf("import note %q, want prefix %q", v.importNote.Text, want)
	}
	list, err := dt.Journal.ListTrades(ctx, data.Filter{}, data.Page{})
	if err != nil || len(list.Trades) == 0 {
		t.Fatalf("no trades after the import: %v", err)
	}
	id := list.Trades[0].ID
	tags, err := parseTags("strategy: strangle, mistake: late roll")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want func(data.TradeDetail) bool
	}{
		{"save tags", func() error { return dt.Desk.SaveTags(ctx, id, tags) },
			func(d data.TradeDetail) bool { return len(d.Tags) == 2 }},
		{"add a lesson", func() error {
			_, err := dt.Desk.AddLesson(ctx, data.Lesson{TradeID: id, Text: "roll earlier"})
			return err
		},
			func(d data.TradeDetail) bool { return len(d.Lessons) == 1 && d.Lessons[0].Text == "roll earlier" }},
		{"edit it", func() error {
			d, err := dt.Journal.TradeDetail(ctx, id)
			if err != nil {
				return err
			}
			return dt.Desk.EditLesson(ctx, d.Lessons[0].ID, "roll at 21 days")
		}, func(d data.TradeDetail) bool { return len(d.Lessons) == 1 && d.Lessons[0].Text == "roll at 21 days" }},
		{"delete it", func() error {
			d, err := dt.Journal.TradeDetail(ctx, id)
			if err != nil {
				return err
			}
			return dt.Desk.DeleteLesson(ctx, d.Lessons[0].ID)
		}, func(d data.TradeDetail) bool { return len(d.Lessons) == 0 }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
			d, err := dt.Journal.TradeDetail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !s.want(d) {
				t.Fatalf("trade %d after %s: tags %+v, lessons %+v", id, s.name, d.Tags, d.Lessons)
			}
		})
	}
}
