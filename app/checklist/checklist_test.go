package checklist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/cli"
	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"

	"github.com/keel-desk/keel/app/internal/testkit"
	"github.com/keel-desk/keel/app/ui"
)

// buyMES sends a futures buy that breaks the book's band (4 MES ≈ 200 SPY shares long).
func buyMES(t *testing.T, d *desk.Service) {
	t.Helper()
	ctx := context.Background()
	mes, err := d.Lookup(ctx, "MESZ6")
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.Place(ctx, brokers.Order{ClientID: desk.NewClientID(), Type: brokers.Market, Quantity: 4,
		Legs: []brokers.Leg{{Symbol: "MESZ6", Instrument: mes, Ratio: 1}}})
	if err != nil || st.State != brokers.Filled {
		t.Fatalf("buying MES: %v %+v", err, st)
	}
	b := d.Paper().(*paper.Broker)
	testkit.WaitFor(t, "6 MES in the book", func() bool {
		_ = b.Advance(time.Second)
		for _, p := range d.Latest().Positions {
			if p.Symbol == "MESZ6" && p.Quantity == 6 {
				return d.Latest().AllQuoted()
			}
		}
		return false
	})
}

// labels is every label's text in o.
func labels(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(w)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text && found == nil {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return found
}

// startChecklistDesk is startTestDesk keeping the journal: a new paper account with the
// demo book (Friday 20 November 2026, 10:00 New York), every position quoted.
func startChecklistDesk(t *testing.T, path string) (*desk.Service, *data.Journal, func()) {
	t.Helper()
	test.NewTempApp(t)
	test.ApplyTheme(t, ui.Theme())
	j := testkit.Journal(t, path)
	d, stopDesk, err := desk.StartPaper(j, desk.PaperOptions{Seed: 7, Start: testkit.PaperStart, Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { stopDesk(); j.Close() }) }
	t.Cleanup(stop)
	b := d.Paper().(*paper.Broker)
	testkit.WaitFor(t, "every position quoted", func() bool {
		if err := b.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		s := d.Latest()
		return s.Synced && len(s.Positions) > 0 && s.AllQuoted()
	})
	return d, j, stop
}

func TestChecklistCommandExitCodesAndJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keel.db")
	d, _, stop := startChecklistDesk(t, path)
	before := d.Latest().Time
	stop() // the same account, closed so the command opens it
	var out, errb bytes.Buffer
	// The demo book is inside its bands, but all its gamma expires on one day: no trade, but
	// attention (exit 3), the warning printed with what to do.
	if code := cli.ChecklistCommand([]string{"--db", path}, &out, &errb); code != 3 {
		t.Fatalf("quiet book with a gamma warning: exit %d, want 3\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"no action", "attention: no trade", "1 warning needs attention (gamma concentration)", "→ spread the expiries",
		"5 short options collecting theta"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "P&L:") || strings.Contains(out.String(), "(s)") {
		t.Errorf("text output:\n%s", out.String())
	}
	out.Reset()
	if code := cli.ChecklistCommand([]string{"--db", path, "--json"}, &out, &errb); code != 3 {
		t.Fatalf("--json: exit %d: %s\n%s", code, errb.String(), out.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"book", "at", "action_needed", "outcome", "summary", "units", "result", "run_id"} {
		if _, ok := got[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
	}
	res := got["result"].(map[string]any)
	run := res["Run"].(map[string]any)
	if len(run["Hedges"].([]any)) < 2 || got["action_needed"] != false || got["outcome"] != "attention" {
		t.Errorf("--json run %v", run)
	}
	// The command does not move the account's market.
	j2 := testkit.Journal(t, path)
	d2, stop2, err := desk.StartPaper(j2, desk.PaperOptions{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	if after := d2.Paper().(*paper.Broker).Clock().Now; after.Sub(before) > 30*time.Second || after.Before(before) {
		t.Errorf("market time moved from %s to %s", before, after)
	}
	testkit.WaitFor(t, "valued", func() bool { s := d2.Latest(); return s.Synced && s.AllQuoted() })
	buyMES(t, d2)
	stop2()
	j2.Close()
	out.Reset()
	if code := cli.ChecklistCommand([]string{"--db", path}, &out, &errb); code != 1 {
		t.Fatalf("breach: exit %d, want 1\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "book: sell") {
		t.Errorf("breach output lacks the book's order:\n%s", out.String())
	}
	errb.Reset()
	if code := cli.ChecklistCommand([]string{"--help"}, &out, &errb); code != 0 {
		t.Errorf("--help: exit %d, want 0", code)
	}
	for _, c := range cli.ChecklistExitCodes {
		if !strings.Contains(errb.String(), fmt.Sprintf("  %d  %s", c.Code, c.Means)) {
			t.Errorf("--help does not document exit %d:\n%s", c.Code, errb.String())
		}
	}
	if code := cli.ChecklistCommand([]string{"--nope"}, &out, &errb); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	bad := filepath.Join(t.TempDir(), "not-a-journal.db")
	if err := os.WriteFile(bad, []byte("this is not an SQLite database, it is a text file of some length"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := cli.ChecklistCommand([]string{"--db", bad}, &out, &errb); code != 2 {
		t.Errorf("a file that is no journal: exit %d, want 2", code)
	}
}
