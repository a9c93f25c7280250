package positions

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"

	"github.com/keel-desk/keel/app/ui"
)

// simulatedOutage is how long the "Simulate outage" button keeps the paper broker down.
var simulatedOutage = 10 * time.Second

// outageBroker is the desk's broker when it can simulate a network outage (the paper one).
func (v *PositionsView) outageBroker() (interface{ SimulateDisconnect(time.Duration) error }, bool) {
	if v.desk == nil {
		return nil, false
	}
	o := v.desk.Paper()
	return o, o != nil
}

func (v *PositionsView) showStatus(s *desk.Snapshot) {
	text, imp := "● "+s.Broker+": "+s.Status, widget.SuccessImportance
	if !s.Connected {
		text, imp = "● "+s.Broker+": "+s.Status, widget.DangerImportance
		v.reconnect.Show()
	} else {
		v.reconnect.Hide()
		if !s.Synced {
			imp = widget.WarningImportance
		}
	}
	ui.SetLabel(v.status, text, imp)
	j := "Fills are not journaled: no journal is open"
	ji := widget.WarningImportance
	if s.Journaling {
		j, ji = "Journaling fills", widget.LowImportance
		if s.Journaled != "" {
			j = "Last journaled: " + s.Journaled
		}
	}
	ui.SetLabel(v.journaled, j, ji)
}

// clockText is the paper market's clock in words:
// "Paper market · Fri 20 Nov 2026 10:32:05 ET · open · 60×".
func clockWords(c brokers.ClockState) string {
	state := "closed"
	if c.Open {
		state = "open"
	}
	speed := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", c.Speed), "0"), ".") + "×"
	if c.Paused {
		speed = "paused"
	}
	return fmt.Sprintf("Paper market · %s ET · %s · %s",
		c.Now.In(instrument.NewYork).Format("Mon 2 Jan 2006 15:04:05"), state, speed)
}

func (v *PositionsView) showClock(c *brokers.ClockState) {
	if c == nil {
		v.clockRow.Hide()
		return
	}
	v.clockRow.Show()
	v.clockText.Set(clockWords(*c), widget.MediumImportance, fyne.TextAlignLeading)
	label := "Pause"
	if c.Paused {
		label = "Resume"
	}
	if v.pause.Text != label {
		v.pause.SetText(label)
	}
	sel := ""
	for _, s := range clockSpeeds {
		if s.speed == c.Speed {
			sel = s.label
		}
	}
	if v.speed.Selected != sel {
		v.updatingSpeed = true
		if sel == "" {
			v.speed.ClearSelected()
		} else {
			v.speed.SetSelected(sel)
		}
		v.updatingSpeed = false
	}
}

func (v *PositionsView) showProblems(s *desk.Snapshot) {
	var parts []string
	for _, p := range s.Problems {
		parts = append(parts, fmt.Sprintf("⚠ %s problem at %s: %s", p.Source, p.Time.Local().Format("15:04:05"), p.Text))
	}
	if len(parts) == 0 {
		if v.problems.Visible() {
			v.problems.Hide()
		}
		return
	}
	ui.SetLabel(v.problems, strings.Join(parts, "\n"), widget.WarningImportance)
	if !v.problems.Visible() {
		v.problems.Show()
	}
}

// simulatedClock is the desk's broker's clock control, when it has one.
func (v *PositionsView) simulatedClock() (brokers.SimulatedClock, bool) {
	if v.desk == nil {
		return nil, false
	}
	c := v.desk.Paper()
	return c, c != nil
}

func (v *PositionsView) togglePause() {
	c, ok := v.simulatedClock()
	if !ok || v.snap == nil || v.snap.Clock == nil {
		return
	}
	paused := !v.snap.Clock.Paused
	v.pause.Disable()
	v.Background(func() func() {
		c.SetPaused(paused)
		v.Prompt() // the next snapshot, which shows it, at once
		return func() { v.pause.Enable() }
	})
}

func (v *PositionsView) setSpeed(label string) {
	if v.updatingSpeed {
		return
	}
	c, ok := v.simulatedClock()
	if !ok {
		return
	}
	for _, s := range clockSpeeds {
		if s.label != label {
			continue
		}
		speed := s.speed
		v.Background(func() func() {
			err := c.SetSpeed(speed)
			v.Prompt()
			return func() {
				if err != nil {
					ui.SetLabel(v.orderNote, "Could not change the market speed: "+err.Error(), widget.DangerImportance)
				}
			}
		})
	}
}

// clockSpeeds are the paper market speeds the positions window offers.
var clockSpeeds = []struct {
	label string
	speed float64
}{{"1×", 1}, {"10×", 10}, {"60×", 60}, {"600×", 600}}
