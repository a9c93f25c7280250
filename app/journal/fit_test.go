package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// fullTrade records, in v's journal, a SPY strangle as the desk records one: entry Greeks per
// leg (IV 19.3% and 18.1%), eleven explained days, tags and two lessons, one of them long.
// It returns the trade's id.
func fullTrade(t *testing.T, v *JournalView) int64 {
	t.Helper()
	ctx := context.Background()
	acct := data.AccountRef{Broker: "paper", Account: "desk", Kind: data.Paper}
	exp := time.Date(2027, 1, 15, 21, 0, 0, 0, time.UTC)
	put := instrument.Instrument{Kind: instrument.Option, Root: "SPY", Underlying: "SPY", Multiplier: 100,
		Right: pricing.Put, Strike: 640, Style: pricing.American, Expiry: exp}
	call := put
	call.Right, call.Strike = pricing.Call, 720
	opened := time.Date(2026, 11, 2, 15, 30, 0, 0, time.UTC)
	ev := func(id string, in instrument.Instrument, price string) statement.Event {
		return statement.Event{ID: id, Order: "o1", Time: opened, Kind: statement.Fill, Instrument: in, Symbol: data.Symbol(in),
			Quantity: decimal.NewFromInt(-2), Price: decimal.RequireFromString(price), Commission: decimal.NewFromInt(2),
			Fees: decimal.RequireFromString("0.28")}
	}
	entry := map[string]data.GreekSnapshot{
		"p1": {Delta: 36.2, Gamma: -2.41, Theta: 22.5, Vega: -61.3, IV: 0.193, UnderlyingPrice: decimal.RequireFromString("680.25")},
		"c1": {Delta: -31.8, Gamma: -2.12, Theta: 19.9, Vega: -58.1, IV: 0.181, UnderlyingPrice: decimal.RequireFromString("680.25")},
	}
	if _, err := v.j.RecordFills(ctx, acct, &statement.Statement{Events: []statement.Event{ev("p1", put, "3.10"), ev("c1", call, "2.45")}}, entry); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		at := time.Date(2026, 11, 3, 20, 55, 0, 0, time.UTC).AddDate(0, 0, i)
		rows := []data.PositionDay{
			{Symbol: data.Symbol(put), Instrument: put, Time: at, Quantity: -2, Spot: 680 + float64(i%3), Vol: 0.19, Value: -620 + 12*float64(i),
				Delta: 36, Gamma: -2.4, Theta: 22.5, Vega: -61},
			{Symbol: data.Symbol(call), Instrument: call, Time: at, Quantity: -2, Spot: 680 + float64(i%3), Vol: 0.18, Value: -490 + 9*float64(i),
				Delta: -32, Gamma: -2.1, Theta: 19.9, Vega: -58},
		}
		if err := v.j.RecordDay(ctx, acct, rows); err != nil {
			t.Fatal(err)
		}
	}
	list, err := v.j.ListTrades(ctx, data.Filter{Underlying: "SPY", Status: data.StatusOpen}, data.Page{Sort: data.NewestFirst})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, tr := range list.Trades {
		if tr.OpenedAt.Equal(opened) {
			id = tr.ID
		}
	}
	if id == 0 {
		t.Fatal("the strangle is not in the journal")
	}
	if err := v.j.SetTags(ctx, id, []data.Tag{{Kind: data.StrategyTag, Name: "strangle"}, {Kind: data.MistakeTag, Name: "late roll"}}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Rolled the put a day late.",
		strings.Repeat("Sold into a volatility crush after the election; the call side was too close for a 45-day strangle. ", 4)} {
		if _, err := v.j.AddLesson(ctx, data.Lesson{TradeID: id, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// walk calls f on o and everything inside its containers.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, x := range c.Objects {
			walk(x, f)
		}
	}
	if s, ok := o.(*container.Scroll); ok {
		walk(s.Content, f)
	}
}

func buttonTitled(root fyne.CanvasObject, title string) *widget.Button {
	var b *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == title && x.Visible() {
			b = x
		}
	})
	return b
}

// TestDetailFitsItsWindow opens the fullest trade in the window at the target sizes (issue 15
// items 3 and 7): the detail pane scrolls only up and down, nothing inside it scrolls on its
// own (the wheel moves the pane from anywhere), its content is never wider than the pane,
// and "Save tags", "Add lesson", the Greeks-at-entry table and every lesson's Edit and Delete
// are whole inside it, the lesson's time on one line.
func TestDetailFitsItsWindow(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 720}, {Width: 1024, Height: 700}} {
		t.Run(fmtSize(size), func(t *testing.T) {
			v, _, w := newTestView(t)
			id := fullTrade(t, v)
			onUI(v, func() { w.Resize(size) })
			onUI(v, func() { v.openTrade(id) })
			v.Wait()
			onUI(v, func() {
				if min := w.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
					t.Errorf("window content needs %v, more than %v", min, size)
				}
				if min := v.detail.MinSize().Width; min > detailWidth {
					t.Errorf("detail needs %.0f px, more than %d", min, detailWidth)
					for i, o := range v.detail.Objects {
						if o.MinSize().Width > detailWidth {
							t.Logf("part %d (%T) needs %.0f px", i, o, o.MinSize().Width)
							if c, ok := o.(*fyne.Container); ok {
								for _, x := range c.Objects {
									if l, ok := x.(*widget.Label); ok {
										t.Logf("  %q %.0f", l.Text, l.MinSize().Width)
									}
								}
							}
						}
					}
				}
				if v.detailScroll.Direction != container.ScrollVerticalOnly {
					t.Error("the detail pane scrolls sideways")
				}
				walk(v.detail, func(o fyne.CanvasObject) {
					if _, ok := o.(*container.Scroll); ok {
						t.Errorf("a scroller inside the detail pane (%T) takes the mouse wheel from it", o)
					}
				})
				drv := fyne.CurrentApp().Driver()
				pane := drv.AbsolutePositionForObject(v.detailScroll).X + v.detailScroll.Size().Width
				if pane > size.Width+0.5 {
					t.Errorf("the detail pane ends at x=%.0f, past the window's %.0f", pane, size.Width)
				}
				if v.detail.Size().Width+0.5 < v.detail.MinSize().Width || v.detailScroll.Size().Width+0.5 < v.detailScroll.MinSize().Width {
					t.Errorf("the detail is squeezed: %v of %v in a pane of %v (needs %v)", v.detail.Size(), v.detail.MinSize(),
						v.detailScroll.Size(), v.detailScroll.MinSize())
				}
				inside := func(name string, o fyne.CanvasObject) {
					if o == nil {
						t.Errorf("%s is not shown", name)
						return
					}
					if right := drv.AbsolutePositionForObject(o).X + o.Size().Width; right > pane+0.5 {
						t.Errorf("%s ends at x=%.0f, past the pane's edge %.0f", name, right, pane)
					}
					if o.Size().Width+0.5 < o.MinSize().Width {
						t.Errorf("%s is squeezed to %.0f px (needs %.0f)", name, o.Size().Width, o.MinSize().Width)
					}
				}
				inside("Save tags", buttonTitled(v.detail, "Save tags"))
				inside("Add lesson", buttonTitled(v.detail, "Add lesson"))
				var vegaHeader, stamps []fyne.CanvasObject
				var edits, deletes int
				walk(v.detail, func(o fyne.CanvasObject) {
					switch x := o.(type) {
					case *widget.Label:
						if strings.HasPrefix(x.Text, "Vega\n") {
							vegaHeader = append(vegaHeader, x)
						}
						if strings.HasSuffix(x.Text, " ET") && len(x.Text) == len("2026-11-20 16:00 ET") && x.Importance == widget.LowImportance {
							stamps = append(stamps, x)
						}
					case *widget.Button:
						if x.Text == "Edit" && x.Visible() {
							edits++
							inside("Edit", x)
						}
						if x.Text == "Delete" {
							deletes++
							inside("Delete", x)
						}
					}
				})
				if len(vegaHeader) != 1 {
					t.Fatalf("%d Greeks-at-entry tables", len(vegaHeader))
				}
				inside("the Greeks table's Vega column", vegaHeader[0])
				if edits != 2 || deletes != 2 || len(stamps) != 2 {
					t.Fatalf("%d Edit, %d Delete, %d lesson times; want 2 each", edits, deletes, len(stamps))
				}
				for _, s := range stamps {
					inside("a lesson's time", s)
					if one := widget.NewLabel("2026").MinSize().Height; s.Size().Height > one*1.5 {
						t.Errorf("a lesson's time is %.0f px tall, not one line (%.0f)", s.Size().Height, one)
					}
				}
			})
			if dir := os.Getenv("KEEL_JOURNAL_SHOTS"); dir != "" {
				name := fmt.Sprintf("journal-detail-%.0f", size.Width)
				onUI(v, func() { saveShot(t, w, filepath.Join(dir, name+"-top.png")) })
				onUI(v, func() {
					v.detailScroll.ScrollToOffset(fyne.NewPos(0, v.detail.MinSize().Height-v.detailScroll.Size().Height*1.6))
				})
				onUI(v, func() { saveShot(t, w, filepath.Join(dir, name+"-greeks.png")) })
				onUI(v, func() { v.detailScroll.ScrollToBottom() })
				onUI(v, func() { saveShot(t, w, filepath.Join(dir, name+"-lessons.png")) })
			}
			if !detailHas(v, "19.3%") || !detailHas(v, "18.1% to 19.3% across 2 legs") || detailHas(v, "not recorded\n") {
				t.Error("the IV at entry line does not agree with the Greeks table")
			}
		})
	}
}

func fmtSize(s fyne.Size) string { return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height) }

// TestEntryIV: the summary's implied vol at entry agrees with the table above it.
func TestEntryIV(t *testing.T) {
	leg := func(id int64, iv float64) data.GreekSnapshot { return data.GreekSnapshot{LegID: id, IV: iv} }
	for _, tc := range []struct {
		name   string
		greeks []data.GreekSnapshot
		want   string
	}{
		{"none recorded", nil, "not recorded"},
		{"whole trade", []data.GreekSnapshot{leg(1, 0.2), {IV: 0.193}}, "19.3% (whole trade)"},
		{"one leg", []data.GreekSnapshot{leg(1, 0.193)}, "19.3% (its leg)"},
		{"legs agree", []data.GreekSnapshot{leg(1, 0.193), leg(2, 0.1931)}, "19.3% (all 2 legs)"},
		{"legs differ", []data.GreekSnapshot{leg(1, 0.193), leg(2, 0.181)}, "18.1% to 19.3% across 2 legs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := entryIV(data.TradeDetail{EntryGreeks: tc.greeks}); got != tc.want {
				t.Errorf("entryIV = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTimesAreNewYork: every time in the journal window is New York time, with its zone
// where it stands alone. 21:00 UTC on 20 November is 16:00 in New York (EST); 20:00 UTC
// on 2 July is 16:00 too (EDT).
func TestTimesAreNewYork(t *testing.T) {
	for _, tc := range []struct {
		at         time.Time
		stamp, day string
	}{
		{time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC), "2026-11-20 16:00 ET", "2026-11-20"},
		{time.Date(2026, 7, 2, 20, 0, 0, 0, time.UTC), "2026-07-02 16:00 ET", "2026-07-02"},
		{time.Date(2026, 7, 3, 2, 30, 0, 0, time.UTC), "2026-07-02 22:30 ET", "2026-07-02"}, // still the 2nd in New York
	} {
		t.Run(tc.stamp, func(t *testing.T) {
			if got := stamp(tc.at); got != tc.stamp {
				t.Errorf("stamp = %q, want %q", got, tc.stamp)
			}
			if got := dayText(tc.at); got != tc.day {
				t.Errorf("dayText = %q, want %q", got, tc.day)
			}
		})
	}
}
