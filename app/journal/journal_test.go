package journal

import (
	"context"
	"fmt"
	"github.com/keel-desk/keel/widgets"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// journalNow is the fixed clock of the test journals.
var journalNow = time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)

func openTestJournal(t testing.TB, path string) *data.Journal {
	t.Helper()
	j, err := data.Open(context.Background(), path, data.WithClock(func() time.Time { return journalNow }),
		data.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// newTestView opens a fresh journal in a temp dir and shows its window (seeded with the
// sample history, as a first open does).
func newTestView(t *testing.T) (*JournalView, string, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "keel.db")
	j := openTestJournal(t, path)
	t.Cleanup(func() { j.Close() })
	if _, err := desk.SeedSampleHistory(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	jw := &journalWriter{j: j}
	v := NewJournalView(j, jw, "", nil)
	var w fyne.Window
	onUI(v, func() {
		w = test.NewTempWindow(t, v.Content())
		w.Resize(fyne.NewSize(1360, 820))
	})
	v.Wait()
	return v, path, w
}

// onUI runs f as the UI goroutine would: never at the same time as a query's result is
// being applied (the test driver applies them on the querying goroutine).
func onUI(v *JournalView, f func()) {
	widgets.UIMu.Lock()
	defer widgets.UIMu.Unlock()
	f()
}

func sampleTotals(t *testing.T) data.Totals {
	t.Helper()
	j := openTestJournal(t, filepath.Join(t.TempDir(), "ref.db"))
	defer j.Close()
	if ok, err := desk.SeedSampleHistory(context.Background(), j); err != nil || !ok {
		t.Fatalf("seed: %v %v", ok, err)
	}
	list, err := j.ListTrades(context.Background(), data.Filter{}, data.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return list.Totals
}

func TestJournalSeedsSampleAndListsTrades(t *testing.T) {
	v, _, _ := newTestView(t)
	want := sampleTotals(t)
	if want.Trades == 0 {
		t.Fatal("the sample history made no trades")
	}
	if v.total != want.Trades {
		t.Fatalf("list has %d rows, want %d", v.total, want.Trades)
	}
	if !strings.HasPrefix(v.totals.Text, fmt.Sprintf("%d trades", want.Trades)) ||
		!strings.Contains(v.totals.Text, "realized P&L "+ui.USD(want.RealizedPnL)) {
		t.Fatalf("totals %q do not match %+v", v.totals.Text, want)
	}
	if !v.banner.Visible() || v.banner.Text != SampleBanner {
		t.Fatal("the sample history is not labelled")
	}
	if len(v.accounts) != 1 || !v.accounts[0].Sample || v.accounts[0].Kind != data.Paper {
		t.Fatalf("accounts %+v, want one paper sample account", v.accounts)
	}
	// The first trade is selected and its detail shown.
	if v.selected == 0 || !detailHas(v, fmt.Sprintf("Trade #%d", v.selected)) {
		t.Fatal("no trade detail shown on open")
	}
}

func TestRealAccountNeverGetsSample(t *testing.T) {
	test.NewTempApp(t)
	j := openTestJournal(t, filepath.Join(t.TempDir(), "keel.db"))
	defer j.Close()
	ctx := context.Background()
	spy := instrument.Instrument{Kind: instrument.Stock, Root: "SPY", Multiplier: 1}
	_, err := j.Import(ctx, data.AccountRef{}, &statement.Statement{Events: []statement.Event{{
		Broker: "tastytrade", Account: "5WX01", ID: "x1", Order: "1", Time: journalNow.Add(-time.Hour),
		Kind: statement.Fill, Instrument: spy, Symbol: "SPY", Quantity: decimal.NewFromInt(100),
		Price: decimal.NewFromInt(600), Source: "test"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := desk.SeedSampleHistory(ctx, j); err != nil || ok {
		t.Fatalf("seeded a journal that already has a real account: %v %v", ok, err)
	}
	accts, _ := j.Accounts(ctx)
	if len(accts) != 1 || accts[0].Sample {
		t.Fatalf("accounts %+v", accts)
	}
}

func TestJournalFilterNarrows(t *testing.T) {
	v, _, _ := newTestView(t)
	all := v.total
	cases := []struct {
		underlying, status string
		check              func(data.TradeSummary) bool
	}{
		// The sample history trades SPY, ES options and futures, VXX.
		{"SPY", anyStatus, func(s data.TradeSummary) bool { return s.Underlying == "SPY" }},
		{"", openOnly, func(s data.TradeSummary) bool { return s.Status == data.StatusOpen }},
		{"", closedOnly, func(s data.TradeSummary) bool { return s.Status == data.StatusClosed }},
	}
	for _, c := range cases {
		onUI(v, func() { v.underlying.SetText(c.underlying) })
		onUI(v, func() { v.status.SetSelected(c.status) })
		v.Wait()
		if v.total == 0 || v.total >= all {
			t.Fatalf("%s/%s: %d rows of %d, want fewer but some", c.underlying, c.status, v.total, all)
		}
		for _, s := range v.pages[0] {
			if !c.check(s) {
				t.Fatalf("%s/%s: row %+v does not match", c.underlying, c.status, s)
			}
		}
	}
	onUI(v, func() { v.underlying.SetText("") })
	onUI(v, func() { v.status.SetSelected(anyStatus) })
	onUI(v, func() { v.from.SetText("2026-13-01") })
	onUI(v, func() { v.applyFilter() })
	v.Wait()
	if !strings.Contains(v.filterNote.Text, `"2026-13-01"`) {
		t.Fatalf("bad date not reported: %q", v.filterNote.Text)
	}
	onUI(v, func() { v.from.SetText("2099-01-01") })
	onUI(v, func() { v.applyFilter() })
	v.Wait()
	if v.total != 0 || !strings.HasPrefix(v.totals.Text, "0 trades") {
		t.Fatalf("future date range: %d rows, totals %q", v.total, v.totals.Text)
	}
}

func TestJournalSortByHeader(t *testing.T) {
	v, _, _ := newTestView(t)
	pnl := columnTitled(t, "Realized P&L ($)")
	onUI(v, func() { v.sortOn(pnl) })
	v.Wait()
	rows := v.pages[0]
	for i := 1; i < len(rows); i++ {
		if rows[i].RealizedPnL.GreaterThan(rows[i-1].RealizedPnL) {
			t.Fatalf("not best P&L first at row %d", i)
		}
	}
	onUI(v, func() { v.sortOn(pnl) })
	v.Wait()
	if v.sortBy != data.WorstPnLFirst {
		t.Fatalf("second tap sorts by %v", v.sortBy)
	}
}

func detailHas(v *JournalView, text string) bool {
	found := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, text) {
				found = true
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(v.detail)
	return found
}

func TestJournalDetailAndLessonPersists(t *testing.T) {
	v, path, _ := newTestView(t)
	onUI(v, func() { v.openTrade(v.pages[0][0].ID) })
	v.Wait()
	id := v.selected
	for _, want := range []string{"Legs", "Fills", "Roll chain", "Hedges", "Realized P&L ($)", "Costs / premium (%)",
		"Volatility while held (%)", "not recorded"} {
		if !detailHas(v, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	lesson := "Rolled too late: roll at 21 DTE, not 5."
	if _, err := v.j.AddLesson(context.Background(), data.Lesson{TradeID: id, Text: lesson}); err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.refreshAfterWrite(id) })
	v.Wait()
	if !detailHas(v, lesson) {
		t.Fatal("the lesson is not shown in the detail")
	}
	// Through the window's own editor: the Add lesson button.
	second := "Hedge with the future, not more options."
	onUI(v, func() { addFromDetail(t, v, second) })
	v.Wait()
	v.j.Close()
	j := openTestJournal(t, path)
	defer j.Close()
	d, err := j.TradeDetail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, l := range d.Lessons {
		texts = append(texts, l.Text)
	}
	if !containsString(texts, lesson) || !containsString(texts, second) {
		t.Fatalf("after re-open the trade's lessons are %q", texts)
	}
}

// addFromDetail types text into the detail's new-lesson entry and taps "Add lesson".
func addFromDetail(t *testing.T, v *JournalView, text string) {
	t.Helper()
	var entry *ui.Entry
	var button *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *ui.Entry:
			if x.MultiLine && x.PlaceHolder == "What did this trade teach you?" {
				entry = x
			}
		case *widget.Button:
			if x.Text == "Add lesson" {
				button = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(v.detail)
	if entry == nil || button == nil {
		t.Fatal("no lesson editor in the detail")
	}
	entry.SetText(text)
	test.Tap(button)
}

func TestLessonsSearchOpensTrade(t *testing.T) {
	v, _, _ := newTestView(t)
	ctx := context.Background()
	first, second := v.pages[0][0].ID, v.pages[0][1].ID
	for _, l := range []data.Lesson{{TradeID: first, Text: "Took profit at 50% of premium"}, {TradeID: second, Text: "Chased the roll"}} {
		if _, err := v.j.AddLesson(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	onUI(v, func() { v.lessonSearch.SetText("roll") })
	v.Wait()
	if len(v.lessons) != 1 || v.lessons[0].TradeID != second {
		t.Fatalf("search found %+v", v.lessons)
	}
	onUI(v, func() { v.lessonSearch.SetText("") })
	v.Wait()
	if len(v.lessons) != 2 {
		t.Fatalf("all lessons: %d, want 2", len(v.lessons))
	}
	onUI(v, func() { v.lessonSearch.SetText("profit") })
	v.Wait()
	onUI(v, func() { v.lessonList.Select(0) })
	v.Wait()
	if v.selected != first || v.tabs.SelectedIndex() != 0 {
		t.Fatalf("clicking the lesson opened trade %d (tab %d), want %d", v.selected, v.tabs.SelectedIndex(), first)
	}
}

func TestStatsTabRendersChart(t *testing.T) {
	v, _, w := newTestView(t)
	onUI(v, func() { v.tabs.SelectIndex(2) })
	onUI(v, func() { w.Resize(fyne.NewSize(1360, 821)) })
	deadline := time.Now().Add(20 * time.Second)
	for v.pnlChart.chart.Image() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the P&L chart never rendered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	img := v.pnlChart.chart.Image()
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
		t.Fatalf("chart image %v", b)
	}
	// Not one flat colour: the chart drew something.
	first := img.At(0, 0)
	varied := false
	for x := 0; x < img.Bounds().Dx() && !varied; x += 3 {
		for y := 0; y < img.Bounds().Dy(); y += 3 {
			if img.At(x, y) != first {
				varied = true
				break
			}
		}
	}
	if !varied {
		t.Fatal("chart image is blank")
	}
	if dir := os.Getenv("KEEL_JOURNAL_SHOTS"); dir != "" {
		for {
			if v.costChart.chart.Image() != nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		onUI(v, func() { saveShot(t, w, filepath.Join(dir, "journal-stats.png")) })
		onUI(v, func() { v.tabs.SelectIndex(1) })
		onUI(v, func() { saveShot(t, w, filepath.Join(dir, "journal-lessons.png")) })
	}
}

func TestImportFromWindow(t *testing.T) {
	v, _, _ := newTestView(t)
	before := v.total
	dir := t.TempDir()
	bad := filepath.Join(dir, "statement.csv")
	good := "../../data/statement/testdata/tastytrade_current.csv"
	os.WriteFile(bad, []byte("Date,Type\n2026-01-01,Trade\n"), 0o644)
	onUI(v, func() { v.ImportFile(bad) })
	v.Wait()
	if !strings.HasPrefix(v.importNote.Text, "Nothing imported: ") || v.total != before {
		t.Fatalf("bad file: %q, %d rows (was %d)", v.importNote.Text, v.total, before)
	}
	st, err := statement.ParseFile(good)
	if err != nil {
		t.Fatal(err)
	}
	onUI(v, func() { v.ImportFile(good) })
	v.Wait()
	want := fmt.Sprintf("tastytrade_current.csv: %d new fills, 0 already in the journal", len(st.Events))
	if !strings.HasPrefix(v.importNote.Text, want) {
		t.Fatalf("import note %q, want prefix %q", v.importNote.Text, want)
	}
	onUI(v, func() { v.ImportFile(good) })
	v.Wait()
	want = fmt.Sprintf("tastytrade_current.csv: 0 new fills, %d already in the journal", len(st.Events))
	if !strings.HasPrefix(v.importNote.Text, want) {
		t.Fatalf("re-import note %q, want prefix %q", v.importNote.Text, want)
	}
	if len(v.accounts) != 2 {
		t.Fatalf("accounts after import: %+v", v.accounts)
	}
	if calls := v.w.(*journalWriter).calls; calls != 2 {
		t.Fatalf("the window imported %d times through the desk, want 2 (the bad file never reaches it)", calls)
	}
}

func TestParseTags(t *testing.T) {
	got, err := parseTags("strategy: strangle, mistake: late roll,  fear ")
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Tag{{Kind: data.StrategyTag, Name: "strangle"}, {Kind: data.MistakeTag, Name: "late roll"},
		{Kind: data.StrategyTag, Name: "fear"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := parseTags("hunch: maybe"); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

func saveShot(t *testing.T, w fyne.Window, path string) {
	t.Helper()
	testkit.SavePNG(t, w.Canvas().Capture(), path)
}

// columnTitled is the trade list's column with that title.
func columnTitled(t *testing.T, title string) tradeColumn {
	t.Helper()
	for _, c := range tradeColumns {
		if c.title == title {
			return c
		}
	}
	t.Fatalf("no column %q", title)
	return tradeColumn{}
}
