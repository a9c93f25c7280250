package journal

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
)

// TestSampleRowsAreMarked (issue 15 item 11): with the sample history and the trader's own
// imported trades under "All accounts", the banner says which rows are sample, each row's
// Account cell says it, and the import said which account it filed the statement under.
func TestSampleRowsAreMarked(t *testing.T) {
	v, _, _ := newTestView(t)
	if v.banner.Text != SampleBanner || !v.banner.Visible() {
		t.Fatalf("sample alone: banner %q", v.banner.Text)
	}
	onUI(v, func() { v.ImportFile("../../data/statement/testdata/tastytrade_current.csv") })
	v.Wait()
	want := "Filed under tastytrade default (the statement names no account; choose the account in the Account filter before importing to file it there)."
	if !strings.Contains(v.importNote.Text, want) {
		t.Fatalf("import note %q lacks %q", v.importNote.Text, want)
	}
	if v.banner.Text != mixedBanner || !v.banner.Visible() {
		t.Fatalf("mixed accounts: banner %q", v.banner.Text)
	}
	col := -1
	for i, c := range tradeColumns {
		if c.title == "Account" {
			col = i
		}
	}
	seen := map[string]widget.Importance{}
	onUI(v, func() {
		for row := range v.total {
			l := widget.NewLabel("")
			v.updateCell(widget.TableCellID{Row: row, Col: col}, l)
			seen[l.Text] = l.Importance
		}
	})
	if len(seen) != 2 || seen["Paper · sample"] != widget.WarningImportance || seen["tastytrade default"] != widget.MediumImportance {
		t.Fatalf("account cells %v; want the sample rows marked and the own rows plain", seen)
	}
	// One account alone: the trader's own shows no banner.
	onUI(v, func() {
		for i, a := range v.accounts {
			if !a.Sample {
				v.account.SetSelectedIndex(i + 1)
			}
		}
	})
	v.Wait()
	if v.banner.Visible() {
		t.Fatalf("own account alone: banner %q shown", v.banner.Text)
	}
}

// TestCountsOfOneAreSingular (issue 15 item 13): "1 lesson", "1 trade", "1 roll".
func TestCountsOfOneAreSingular(t *testing.T) {
	v, _, _ := newTestView(t)
	if _, err := v.j.AddLesson(context.Background(), data.Lesson{TradeID: v.pages[0][0].ID, Text: "Sized too big"}); err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.loadLessons(); v.underlying.SetText("VXX"); v.applyFilter() })
	v.Wait()
	if !strings.HasPrefix(v.lessonCount.Text, "1 lesson,") {
		t.Errorf("lesson count %q", v.lessonCount.Text)
	}
	if got := totalsText(data.Totals{Trades: 1, Closed: 1}); !strings.HasPrefix(got, "1 trade (") {
		t.Errorf("totals %q", got)
	}
	if v.total == 1 && !strings.HasPrefix(v.totals.Text, "1 trade (") {
		t.Errorf("totals under the list %q", v.totals.Text)
	}
}
