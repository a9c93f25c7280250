package checklist

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/format"
	"github.com/keel-desk/keel/widgets"

	"github.com/keel-desk/keel/app/ui"
)

// ReviewResult is the week reviewed, with the cumulative series the chart draws.
type ReviewResult struct {
	hedge.Review
	Cost, Theta widgets.Series // cumulative dollars by day
}

// thetaByDay is the theta collected each calendar day: the last sample of a day's theta
// (dollars per calendar day) times the calendar days until the next sampled day (a
// Friday's theta covers the weekend), the last day counting one.
func thetaByDay(pts []data.GreekPoint) (days []time.Time, theta []float64) {
	last := map[time.Time]float64{}
	for _, p := range pts {
		t := p.Time.In(instrument.NewYork)
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, instrument.NewYork)
		if _, ok := last[d]; !ok {
			days = append(days, d)
		}
		last[d] = p.Theta
	}
	sort.Slice(days, func(i, k int) bool { return days[i].Before(days[k]) })
	for i, d := range days {
		span := 1.0
		if i+1 < len(days) {
			span = float64(days[i+1].Sub(d).Round(time.Hour).Hours() / 24)
		}
		theta = append(theta, last[d]*span)
	}
	return days, theta
}

// review computes the week: the scheduled runs against the runs logged (the first run
// completed for each day), the overrides on each day, the off-checklist adjustments, the
// hedging cost journaled against the theta collected, and the suggestion when costs run
// high (hedge.ReviewRules defaults: 30 minutes of grace, cost above 30% of theta).
func review(w desk.ReviewWeek) (ReviewResult, error) {
	var records []hedge.RunRecord
	dayOf := func(t time.Time) string { return t.In(instrument.NewYork).Format("2006-01-02") }
	overrides := map[string]int{}
	for _, e := range w.Guard {
		if e.Kind == "override" {
			overrides[dayOf(e.At)]++
		}
	}
	days := desk.TradingDays(w.From, w.To, w.Now, w.At)
	if !w.Since.IsZero() {
		first := dayOf(w.Since)
		kept := days[:0]
		for _, d := range days {
			if dayOf(d) >= first {
				kept = append(kept, d)
			}
		}
		days = kept
	}
	// A day whose run was logged before its set time is due too.
	for _, r := range w.Runs {
		if r.Scheduled.After(w.Now) && !r.Completed.IsZero() && (len(days) == 0 || dayOf(days[len(days)-1]) != dayOf(r.Scheduled)) {
			days = append(days, r.Scheduled)
		}
	}
	for _, sched := range days {
		rec := hedge.RunRecord{Scheduled: sched, Overrides: overrides[dayOf(sched)]}
		for _, r := range w.Runs {
			if !r.Completed.IsZero() && dayOf(r.Scheduled) == dayOf(sched) && (rec.Completed.IsZero() || r.Completed.Before(rec.Completed)) {
				rec.Completed = r.Completed
			}
		}
		records = append(records, rec)
	}
	var res ReviewResult
	res.Cost = widgets.Series{Name: "Hedging cost (cumulative)"}
	res.Theta = widgets.Series{Name: "Theta collected (cumulative)"}
	cost := 0.0
	for _, c := range w.HedgeCosts {
		cost += c.Cost.InexactFloat64()
		res.Cost.Times = append(res.Cost.Times, c.Day)
		res.Cost.Values = append(res.Cost.Values, cost)
	}
	var inWeek []data.GreekPoint
	for _, p := range w.Theta {
		if !p.Time.Before(w.From) && p.Time.Before(w.To) {
			inWeek = append(inWeek, p)
		}
	}
	days, theta := thetaByDay(inWeek)
	collected := 0.0
	for i, d := range days {
		collected += theta[i]
		res.Theta.Times = append(res.Theta.Times, d)
		res.Theta.Values = append(res.Theta.Values, collected)
	}
	rv, err := hedge.ReviewRules{Grace: desk.ChecklistGrace}.Review(hedge.ReviewInput{Runs: records, OffChecklist: len(w.Off),
		HedgeCost: cost, ThetaCollected: collected})
	if err != nil {
		return res, err
	}
	res.Review = rv
	return res, nil
}

// ReviewView is the weekly review window: adherence to the checklist, overrides,
// off-checklist adjustments and the hedging cost against the theta collected.
type ReviewView struct {
	env  ui.Env
	ctx  context.Context
	week time.Time
	ui.Work

	title, figures, suggestion *widget.Label
	chart                      *widgets.Chart
	content                    fyne.CanvasObject
}

// NewReviewView builds the weekly review of the week holding env.Now() (the desk's market
// time when a desk runs).
func NewReviewView(env ui.Env) *ReviewView {
	v := &ReviewView{env: env, ctx: context.Background()}
	now := v.now()
	v.week = desk.WeekOf(now)
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.figures = widget.NewLabel("")
	v.figures.Wrapping = fyne.TextWrapWord
	v.suggestion = widget.NewLabel("")
	v.suggestion.Wrapping = fyne.TextWrapWord
	v.chart = widgets.NewChart(widgets.ChartSpec{Title: "Hedging cost against theta collected", Unit: "$", DateLabel: "day"})
	prev := widget.NewButton("◀ Previous week", func() { v.week = v.week.AddDate(0, 0, -7); v.load() })
	next := widget.NewButton("Next week ▶", func() { v.week = v.week.AddDate(0, 0, 7); v.load() })
	top := container.NewHBox(prev, next, v.title)
	body := container.NewVBox(v.figures, v.suggestion)
	v.content = container.NewBorder(container.NewVBox(top, body), nil, nil, nil, v.chart)
	v.load()
	return v
}

func (v *ReviewView) now() time.Time {
	if v.env.Desk != nil {
		if s := v.env.Desk.Latest(); !s.Time.IsZero() {
			return s.Time
		}
	}
	if v.env.Now != nil {
		return v.env.Now()
	}
	return time.Now()
}

// Content is the window's content.
func (v *ReviewView) Content() fyne.CanvasObject { return v.content }

// Settle waits for the background loads to be applied and the chart to show them.
func (v *ReviewView) Settle() {
	v.Wait()
	<-v.chart.Drawn()
}

func (v *ReviewView) load() {
	week, now := v.week, v.now()
	v.title.SetText(fmt.Sprintf("Week of %s", week.Format("Mon 2 Jan 2006")))
	j, d := v.env.Journal, v.env.Desk
	if j == nil || d == nil {
		why := "the journal could not be opened"
		if j != nil {
			why = "the desk is not running, so Keel does not know which account to review"
		}
		v.figures.SetText("No review: " + why + ".")
		return
	}
	v.Background(func() func() {
		w, err := d.ReviewWeek(v.ctx, week, now)
		var res ReviewResult
		if err == nil {
			res, err = review(w)
		}
		return func() {
			if err != nil {
				ui.SetLabel(v.figures, "Could not review the week: "+err.Error(), widget.DangerImportance)
				return
			}
			v.show(res)
		}
	})
}

func (v *ReviewView) show(r ReviewResult) {
	ui.SetLabel(v.figures, ReviewFigures(r.Review), widget.MediumImportance)
	ui.SetLabel(v.suggestion, SuggestionWords(r.Review), SuggestionImportance(r.Review))
	var series []widgets.Series
	for _, s := range []widgets.Series{r.Cost, r.Theta} {
		if len(s.Times) > 0 {
			series = append(series, s)
		}
	}
	v.chart.SetSpec(widgets.ChartSpec{Title: "Hedging cost against theta collected", Unit: "$", DateLabel: "day", Series: series, Dots: true})
}

// SuggestionWords is the week's verdict as a sentence.
func SuggestionWords(r hedge.Review) string {
	s := r.Suggestion
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// SuggestionImportance colours the verdict: green only for "keep the bands", grey for a week
// with nothing to judge, amber for anything to change.
func SuggestionImportance(r hedge.Review) widget.Importance {
	switch {
	case r.Keep:
		return widget.SuccessImportance
	case r.NothingToJudge:
		return widget.LowImportance
	}
	return widget.WarningImportance
}

// ReviewFigures is the review's figures in a sentence each. An adjustment outside the
// checklist is a hedge trade (futures, shares, ETFs in a hedge instrument of the book) sent
// from the ticket rather than proposed by a checklist run; option trades are not counted.
func ReviewFigures(r hedge.Review) string {
	if r.NothingToJudge {
		return fmt.Sprintf("No checklist run was due this week, and no hedging cost, override or hedge adjustment was recorded (theta collected %s).",
			format.USD(r.ThetaCollected, 2))
	}
	ratio := "no theta collected"
	if r.ThetaCollected > 0 {
		ratio = fmt.Sprintf("%.0f%%", 100*r.CostToTheta)
	}
	return fmt.Sprintf("Runs on time: %d of %s (%.0f%%); late %d, missed %d.\n%s of the spiral guard; %s (hedge trades sent from the ticket, not from a run).\n"+
		"Hedging cost %s against theta collected %s (%s).",
		r.OnTime, format.Count(r.Scheduled, "scheduled run", ""), 100*r.Adherence, r.Late, r.Missed,
		format.Count(r.Overrides, "override", ""), format.Count(r.OffChecklist, "adjustment outside the checklist", "adjustments outside the checklist"),
		format.USD(r.HedgeCost, 2), format.USD(r.ThetaCollected, 2), ratio)
}
