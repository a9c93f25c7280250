package journal

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// journalPage is how many trades one ListTrades call fetches for the list.
const journalPage = 200

// Choices of the trade filter.
const (
	allAccounts = "All accounts"
	anyTag      = "Any tag"
	anyStatus   = "Open and closed"
	openOnly    = "Open"
	closedOnly  = "Closed"
)

// SampleBanner labels the sample history wherever it is shown alone.
const SampleBanner = "Paper account — sample history, not real trades"

// mixedBanner says which rows are the sample when the list also holds the trader's own.
const mixedBanner = "Rows marked “sample” in the Account column are the bundled sample history (paper, not real trades); the others are your own and imported trades."

// tradeColumn is one column of the trade list.
type tradeColumn struct {
	title    string
	width    float32
	trailing bool
	text     func(data.TradeSummary) string
	negative func(data.TradeSummary) bool
	sorts    []data.SortBy // what tapping the header cycles through; nil when not sortable
}

var tradeColumns = []tradeColumn{
	{title: "Trade", width: 64, trailing: true, text: func(t data.TradeSummary) string { return fmt.Sprintf("#%d", t.ID) }},
	{title: "Account", width: 120, text: nil}, // filled by the view, which knows the accounts (accountCell)
	{title: "Underlying", width: 100, text: func(t data.TradeSummary) string { return t.Underlying },
		sorts: []data.SortBy{data.UnderlyingAToZ}},
	{title: "Strategy", width: 124, text: func(t data.TradeSummary) string { return ui.OrDash(t.Strategy) }},
	{title: "Status", width: 70, text: func(t data.TradeSummary) string { return string(t.Status) }},
	{title: "Realized P&L ($)", width: 132, trailing: true, text: func(t data.TradeSummary) string { return ui.USD(t.RealizedPnL) },
		negative: func(t data.TradeSummary) bool { return t.RealizedPnL.IsNegative() },
		sorts:    []data.SortBy{data.BestPnLFirst, data.WorstPnLFirst}},
	{title: "Opened (ET)", width: 110, text: func(t data.TradeSummary) string { return dayText(t.OpenedAt) },
		sorts: []data.SortBy{data.NewestFirst, data.OldestFirst}},
	{title: "Closed (ET)", width: 110, text: func(t data.TradeSummary) string { return dayText(t.ClosedAt) },
		sorts: []data.SortBy{data.RecentlyClosed}},
	{title: "Days held", width: 80, trailing: true, text: func(t data.TradeSummary) string { return fmt.Sprintf("%.1f", t.DaysHeld) }},
	{title: "Premium ($)", width: 120, trailing: true, text: func(t data.TradeSummary) string { return ui.USD(t.Premium) }},
	{title: "Costs ($)", width: 100, trailing: true, text: func(t data.TradeSummary) string { return ui.USD(t.Costs()) }},
	{title: "Rolls", width: 56, trailing: true, text: func(t data.TradeSummary) string { return fmt.Sprint(t.Rolls) }},
	{title: "Hedges", width: 64, trailing: true, text: func(t data.TradeSummary) string { return fmt.Sprint(t.Hedges) }},
}

// JournalView is the trade journal window: the trade list with its detail, the lessons
// review and the stats. Every query runs off the UI goroutine; results are applied with
// fyne.Do.
type JournalView struct {
	j   *data.Journal // read only: every write is a desk command through w
	w   Writer        // nil when the desk is not running; whyNoWriter says why
	win fyne.Window

	whyNoWriter string
	ctx         context.Context

	ui.Work

	// Everything below is touched only on the UI goroutine.
	accounts   []data.Account
	account    *widget.Select
	underlying *ui.Entry
	tag        *widget.Select
	tags       []data.Tag
	status     *widget.Select
	from, to   *ui.Entry
	filterNote *widget.Label
	banner     *widget.Label
	importNote *widget.Label
	importBtn  *widget.Button
	importSkip *widget.Check     // --skip-unknown: list trade-like rows not understood instead of refusing the file
	skipped    *widget.Label     // the rows the last import did not import, one a line
	skippedBox *widget.Accordion // "Rows not imported (n)", hidden when none

	filter    data.Filter
	sortBy    data.SortBy
	listGen   int // a new list: filter or sort changed
	filterGen int // a new filter: the totals, stats and P&L by Greek are read again
	total     int
	pages     map[int][]data.TradeSummary
	loading   map[int]bool
	table     *widget.Table
	totals    *widget.Label
	selected  int64

	listedFilter int // the filterGen the list last started loading

	detail       *fyne.Container
	detailScroll *container.Scroll // the detail pane: up and down only
	split        *container.Split  // the list and the detail

	lessonSearch *ui.Entry
	lessons      []data.Lesson
	lessonList   *widget.List
	lessonGen    int
	lessonCount  *widget.Label

	statsGrid *fyne.Container
	pnlChart  *chartPane
	costChart *chartPane
	statsGen  int

	greeks *greekTab
	audit  *auditTab // the desk's automated orders (audit.go)

	tabs    *container.AppTabs
	content fyne.CanvasObject
}

// Writer is what the journal window changes in the journal: the desk's commands for tags,
// lessons and imported statements (desk.Service has them). The window never writes the
// journal itself.
type Writer interface {
	SaveTags(ctx context.Context, tradeID int64, tags []data.Tag) error
	AddLesson(ctx context.Context, l data.Lesson) (int64, error)
	EditLesson(ctx context.Context, id int64, text string) error
	DeleteLesson(ctx context.Context, id int64) error
	ImportStatement(ctx context.Context, acct data.AccountRef, st *statement.Statement) (data.ImportResult, error)
}

// NewJournalView builds the journal window's content over j (read only) and starts loading
// it. w makes the changes (tags, lessons, imports); with w nil they are refused and say
// whyNoWriter. win is the window dialogs open over (nil when rendered headlessly).
func NewJournalView(j *data.Journal, w Writer, whyNoWriter string, win fyne.Window) *JournalView {
	v := newJournalView(j, w, whyNoWriter, win)
	v.start()
	return v
}

// newJournalView builds the window's content; start loads it.
func newJournalView(j *data.Journal, w Writer, whyNoWriter string, win fyne.Window) *JournalView {
	v := &JournalView{j: j, w: w, whyNoWriter: whyNoWriter, win: win, ctx: context.Background(),
		pages: map[int][]data.TradeSummary{}, loading: map[int]bool{}}
	v.build()
	return v
}

// start reads the accounts and tags, then the first page of trades (and, once it is shown,
// the rest: totals, stats, lessons).
func (v *JournalView) start() {
	v.Failed = func(err error) {
		v.importBtn.Enable()
		v.importNote.Importance = widget.DangerImportance
		v.showImportNote("Stopped: " + err.Error())
	}
	v.Background(func() func() {
		accts, err := v.j.Accounts(v.ctx)
		tags, tagErr := v.j.Tags(v.ctx)
		return func() {
			if err != nil {
				v.setFilterNote("Could not read the accounts: " + err.Error())
			}
			if tagErr == nil {
				v.setTags(tags)
			}
			v.setAccounts(accts)
			v.applyFilter()
			v.loadLessons()
		}
	})
}

// writable says why the window cannot change the journal, or nil when it can.
func (v *JournalView) writable() error {
	if v.w != nil {
		return nil
	}
	why := "the desk is not running"
	if v.whyNoWriter != "" {
		why += " (" + v.whyNoWriter + ")"
	}
	return errors.New(why + "; tags, lessons and imports go through it")
}

// Content is the window's content. It has a Settle method that waits for the queries in
// flight, for screenshots.
func (v *JournalView) Content() fyne.CanvasObject { return ui.NewRoot(v.content, v.Wait, nil) }

func (v *JournalView) build() {
	v.banner = widget.NewLabelWithStyle(SampleBanner, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.banner.Importance = widget.WarningImportance
	v.banner.Wrapping = fyne.TextWrapWord
	v.banner.Hide()
	v.importNote = widget.NewLabel("")
	v.importNote.Wrapping = fyne.TextWrapWord
	v.importNote.Hide() // until there is something to say: an empty line costs a row at 720 px
	v.importBtn = widget.NewButton("Import statement…", v.chooseStatement)
	v.importSkip = widget.NewCheck("Skip rows it does not understand", nil)
	v.skipped = widget.NewLabel("")
	v.skipped.Wrapping = fyne.TextWrapWord
	v.skippedBox = widget.NewAccordion(widget.NewAccordionItem("Rows not imported", container.NewVScroll(v.skipped)))
	v.skippedBox.Hide()

	v.account = widget.NewSelect([]string{allAccounts}, nil)
	v.account.SetSelectedIndex(0)
	v.underlying = ui.NewEntry()
	v.underlying.SetPlaceHolder("e.g. SPY")
	v.underlying.OnSubmitted = func(string) { v.applyFilter() }
	v.tag = widget.NewSelect([]string{anyTag}, nil)
	v.tag.SetSelectedIndex(0)
	v.status = widget.NewSelect([]string{anyStatus, openOnly, closedOnly}, nil)
	v.status.SetSelectedIndex(0)
	onChange := func(string) { v.applyFilter() }
	v.account.OnChanged, v.tag.OnChanged, v.status.OnChanged = onChange, onChange, onChange
	v.from, v.to = ui.NewEntry(), ui.NewEntry()
	v.from.SetPlaceHolder("YYYY-MM-DD")
	v.to.SetPlaceHolder("YYYY-MM-DD")
	v.from.OnSubmitted = func(string) { v.applyFilter() }
	v.to.OnSubmitted = func(string) { v.applyFilter() }
	v.filterNote = widget.NewLabel("")
	v.filterNote.Importance = widget.DangerImportance
	v.filterNote.Wrapping = fyne.TextWrapWord
	v.filterNote.Hide() // shown with a message only: an empty line costs a row at 720 px
	apply := widget.NewButton("Apply filter", v.applyFilter)

	// Each label stays with its field when the bar wraps to a second row.
	flow := &flowLayout{}
	filters := container.New(flow,
		container.NewHBox(widget.NewLabel("Account"), v.account),
		container.NewHBox(widget.NewLabel("Underlying"), ui.Sized(v.underlying, 90)),
		container.NewHBox(widget.NewLabel("Tag"), v.tag),
		container.NewHBox(widget.NewLabel("Status"), v.status),
		container.NewHBox(widget.NewLabel("Opened from"), ui.Sized(v.from, 120), widget.NewLabel("to"), ui.Sized(v.to, 120)),
		apply,
	)

	v.table = widget.NewTable(
		func() (int, int) { return v.total, len(tradeColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		v.updateCell,
	)
	v.table.ShowHeaderRow = true
	v.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		return b
	}
	v.table.UpdateHeader = v.updateHeader
	for i, c := range tradeColumns {
		v.table.SetColumnWidth(i, c.width)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if t, ok := v.tradeAt(id.Row); ok {
			v.openTrade(t.ID)
		}
	}
	v.totals = widget.NewLabel("Loading the journal…")
	v.totals.Wrapping = fyne.TextWrapWord

	v.detail = container.NewVBox(widget.NewLabel("Select a trade to see its legs, fills, rolls, hedges and lessons."))
	list := container.NewBorder(nil, v.totals, nil, nil, v.table)
	// The detail scrolls up and down only, as one: nothing in it is wider than detailWidth
	// and nothing in it scrolls on its own, so the wheel moves the pane from anywhere.
	v.detailScroll = container.NewVScroll(container.NewPadded(v.detail))
	split := container.NewHSplit(list, v.detailScroll)
	split.Offset = 0.5
	v.split = split
	tradesTab := container.New(barAbove{flow}, container.NewVBox(filters, v.filterNote), split)

	v.lessonSearch = ui.NewEntry()
	v.lessonSearch.SetPlaceHolder("Search lessons (text or layer)")
	v.lessonSearch.OnChanged = func(string) { v.loadLessons() }
	v.lessonCount = widget.NewLabel("")
	v.lessonList = widget.NewList(
		func() int { return len(v.lessons) },
		func() fyne.CanvasObject {
			when := widget.NewLabel("2006-01-02 15:04 ET")
			trade := widget.NewLabelWithStyle("Trade #00000 XXXXX", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			text := widget.NewLabel("")
			text.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.NewHBox(when, trade), nil, text)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(v.lessons) {
				return
			}
			l := v.lessons[id]
			row := o.(*fyne.Container)
			text := row.Objects[0].(*widget.Label)
			left := row.Objects[1].(*fyne.Container)
			left.Objects[0].(*widget.Label).SetText(stamp(l.CreatedAt))
			left.Objects[1].(*widget.Label).SetText(lessonOwner(l))
			text.SetText(l.Text)
		},
	)
	v.lessonList.OnSelected = func(id widget.ListItemID) {
		if id < len(v.lessons) && v.lessons[id].TradeID != 0 {
			v.tabs.SelectIndex(0)
			v.openTrade(v.lessons[id].TradeID)
		}
		v.lessonList.UnselectAll()
	}
	lessonsTab := container.NewBorder(container.NewVBox(v.lessonSearch, v.lessonCount), nil, nil, nil, v.lessonList)

	v.statsGrid = container.New(widgets.NewColumns(4, -1))
	v.pnlChart = newChartPane("Cumulative realized P&L", "$", "Date closed")
	v.costChart = newChartPane("Premium vs costs by month", "$", "Month opened")
	v.costChart.monthly = true
	statsTab := container.NewBorder(container.NewVBox(
		widget.NewLabel("Stats of the trades the Trades tab's filter selects."), v.statsGrid), nil, nil, nil,
		container.NewGridWithColumns(2, v.pnlChart.chart, v.costChart.chart))

	v.tabs = container.NewAppTabs(
		container.NewTabItem("Trades", tradesTab),
		container.NewTabItem("Lessons", lessonsTab),
		container.NewTabItem("Stats", statsTab),
		container.NewTabItem("P&L by Greek", v.buildGreekTab()),
		container.NewTabItem("Automation audit", v.buildAuditTab()),
	)
	top := container.NewBorder(nil, nil, nil, container.NewVBox(v.importBtn, v.importSkip),
		container.NewVBox(v.banner, v.importNote, v.skippedBox))
	v.content = container.NewBorder(top, nil, nil, nil, v.tabs)
}

// sized gives an entry a minimum width.
func lessonOwner(l data.Lesson) string {
	switch {
	case l.TradeID != 0:
		return fmt.Sprintf("Trade #%d %s", l.TradeID, l.Underlying)
	case l.Layer != "":
		return "Layer " + l.Layer
	default:
		return "Day " + l.Day
	}
}

func (v *JournalView) setAccounts(accts []data.Account) {
	v.accounts = accts
	opts := []string{allAccounts}
	for _, a := range accts {
		opts = append(opts, accountName(a))
	}
	sel := v.account.Selected
	v.account.Options = opts
	v.account.OnChanged = nil
	if !containsString(opts, sel) {
		sel = allAccounts
	}
	v.account.SetSelected(sel)
	v.account.OnChanged = func(string) { v.applyFilter() }
	v.account.Refresh()
}

// accountName names an account in the account filter and a trade's detail: "tastytrade
// 5WT0001 (live)", "paper account" (the paper broker's one account, not "paper paper
// (paper)").
func accountName(a data.Account) string {
	name := accountWords(a)
	if string(a.Kind) != a.Broker {
		name += " (" + string(a.Kind) + ")"
	}
	if a.Sample {
		name += " — sample"
	}
	return name
}

// accountWords is the broker and the account's number, or "paper account" when the broker
// names its only account after itself.
func accountWords(a data.Account) string {
	if a.Account == a.Broker {
		return a.Broker + " account"
	}
	return a.Broker + " " + a.Account
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (v *JournalView) setTags(tags []data.Tag) {
	v.tags = tags
	opts := []string{anyTag}
	for _, t := range tags {
		opts = append(opts, string(t.Kind)+": "+t.Name)
	}
	sel := v.tag.Selected
	v.tag.OnChanged = nil
	v.tag.Options = opts
	if !containsString(opts, sel) {
		sel = anyTag
	}
	v.tag.SetSelected(sel)
	v.tag.OnChanged = func(string) { v.applyFilter() }
	v.tag.Refresh()
}

// selectedAccount is the account chosen in the filter, nil for all accounts.
func (v *JournalView) selectedAccount() *data.Account {
	i := v.account.SelectedIndex() - 1
	if i < 0 || i >= len(v.accounts) {
		return nil
	}
	return &v.accounts[i]
}

// readFilter turns the filter widgets into a data.Filter, or says which field is wrong.
func (v *JournalView) readFilter() (data.Filter, error) {
	var f data.Filter
	if a := v.selectedAccount(); a != nil {
		f.AccountID = a.ID
	}
	f.Underlying = strings.ToUpper(strings.TrimSpace(v.underlying.Text))
	if i := v.tag.SelectedIndex() - 1; i >= 0 && i < len(v.tags) {
		f.Tag, f.TagKind = v.tags[i].Name, v.tags[i].Kind
	}
	switch v.status.Selected {
	case openOnly:
		f.Status = data.StatusOpen
	case closedOnly:
		f.Status = data.StatusClosed
	}
	for _, d := range []struct {
		entry *ui.Entry
		name  string
		set   func(time.Time)
	}{
		{v.from, "Opened from", func(t time.Time) { f.From = t }},
		{v.to, "to", func(t time.Time) { f.To = t.AddDate(0, 0, 1) }}, // the To day is included
	} {
		s := strings.TrimSpace(d.entry.Text)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", s, instrument.NewYork) // the days the list shows
		if err != nil {
			return f, fmt.Errorf("%s date %q is not a date like 2026-03-31", d.name, s)
		}
		d.set(t)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, fmt.Errorf("the opened-from date %s is after the to date", v.from.Text)
	}
	f.DateField = data.ByOpenDate
	return f, nil
}

// applyFilter reloads the list, its totals and the stats for the filter widgets.
func (v *JournalView) applyFilter() {
	f, err := v.readFilter()
	if err != nil {
		v.setFilterNote(err.Error())
		return
	}
	v.setFilterNote("")
	v.filter = f
	v.filterGen++
	v.showBanner()
	v.reloadList()
}

// loadFiltered reads what depends on the filter but not on the sort or the page: the totals
// of the selection, the stats, the P&L by Greek and the audit. It starts once the first page
// of a new filter is shown, so those queries never delay it, and once per filter change (a
// new sort or a later page reads none of them again).
func (v *JournalView) loadFiltered() {
	v.loadTotals()
	v.loadStats()
	v.loadGreekPnL()
	v.loadAudit()
}

// loadTotals adds up the filtered trades off the UI goroutine and shows them under the list.
func (v *JournalView) loadTotals() {
	gen, f := v.filterGen, v.filter
	v.Background(func() func() {
		tot, err := v.j.TradeTotals(v.ctx, f)
		return func() {
			if gen != v.filterGen {
				return
			}
			if err != nil {
				v.totals.SetText("Could not add up the trades: " + err.Error())
				return
			}
			v.totals.SetText(totalsText(tot))
		}
	})
}

// showImportNote says how an import went.
func (v *JournalView) showImportNote(text string) {
	v.importNote.SetText(text)
	v.importNote.Show()
}

// setFilterNote shows why the filter was not applied, or hides the line when text is empty.
func (v *JournalView) setFilterNote(text string) {
	v.filterNote.SetText(text)
	if text == "" {
		v.filterNote.Hide()
	} else {
		v.filterNote.Show()
	}
}

// showBanner says what is sample: the sample account alone, or, with every account shown,
// which rows are the sample among the trader's own.
func (v *JournalView) showBanner() {
	sample, own := false, false
	a := v.selectedAccount()
	for _, acct := range v.accounts {
		if a != nil && a.ID != acct.ID {
			continue
		}
		if acct.Sample {
			sample = true
		} else {
			own = true
		}
	}
	switch {
	case sample && own:
		v.banner.SetText(mixedBanner)
		v.banner.Show()
	case sample:
		v.banner.SetText(SampleBanner)
		v.banner.Show()
	default:
		v.banner.Hide()
	}
}

// openTrade loads trade id and shows it in the detail pane.
func (v *JournalView) openTrade(id int64) {
	v.selected = id
	v.Background(func() func() {
		d, err := v.j.TradeDetail(v.ctx, id)
		return func() {
			if id != v.selected {
				return
			}
			if err != nil {
				v.detail.Objects = []fyne.CanvasObject{widget.NewLabel(fmt.Sprintf("Could not read trade #%d: %v", id, err))}
				v.detail.Refresh()
				return
			}
			v.showDetail(d)
		}
	})
}

// refreshAfterWrite reloads what a lesson or tag change can alter.
func (v *JournalView) refreshAfterWrite(tradeID int64) {
	v.openTrade(tradeID)
	v.loadLessons()
	v.Background(func() func() {
		tags, err := v.j.Tags(v.ctx)
		return func() {
			if err == nil {
				v.setTags(tags)
			}
		}
	})
}

func (v *JournalView) loadLessons() {
	v.lessonGen++
	gen, q := v.lessonGen, v.lessonSearch.Text
	v.Background(func() func() {
		ls, err := v.j.Lessons(v.ctx, q)
		return func() {
			if gen != v.lessonGen {
				return
			}
			if err != nil {
				v.lessonCount.SetText("Could not read the lessons: " + err.Error())
				return
			}
			v.lessons = ls
			switch {
			case len(ls) == 0 && q == "":
				v.lessonCount.SetText("No lessons yet. Add one from a trade's detail on the Trades tab.")
			case len(ls) == 0:
				v.lessonCount.SetText(fmt.Sprintf("No lesson contains %q.", q))
			default:
				v.lessonCount.SetText(format.Count(len(ls), "lesson", "lessons") + ", newest first. Click one to open its trade. Times are New York time (ET).")
			}
			v.lessonList.Refresh()
		}
	})
}

// sortedTagText lists tags as "kind: name" in a stable order.
func sortedTagText(tags []data.Tag) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = string(t.Kind) + ": " + t.Name
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
