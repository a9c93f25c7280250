package desk

import (
	"context"
	"time"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
)

// ReviewWeek is one week of the checklist's record, as the journal holds it.
type ReviewWeek struct {
	From, To   time.Time // Monday 00:00 and the next Monday 00:00, New York
	Now        time.Time // days after Now are not yet due
	At         ChecklistSettings
	Runs       []data.ChecklistRun
	Guard      []data.GuardEvent
	Off        []data.OffChecklistOrder
	HedgeCosts []data.HedgeCost
	Theta      []data.GreekPoint // the book's Greeks history (theta in dollars per day)
	// Since is when the desk began recording the book (its first Greeks sample; before the
	// first sample, now or the first logged run): days before it were not the book's to run
	// the checklist on. Zero counts every day.
	Since time.Time
}

// TradingDays are the weekdays in [from, to) that are not exchange holidays and whose set
// time is at or before now.
func TradingDays(from, to, now time.Time, s ChecklistSettings) []time.Time {
	var out []time.Time
	for d := from.In(instrument.NewYork); d.Before(to); d = d.AddDate(0, 0, 1) {
		if !instrument.IsTradingDay(d) {
			continue
		}
		at := ScheduledAt(d, s.Hour, s.Minute)
		if !at.After(now) {
			out = append(out, at)
		}
	}
	return out
}

// WeekOf is the Monday 00:00 New York that starts t's week.
func WeekOf(t time.Time) time.Time {
	ny := t.In(instrument.NewYork)
	back := (int(ny.Weekday()) + 6) % 7
	d := ny.AddDate(0, 0, -back)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, instrument.NewYork)
}

// LoadReviewWeek reads the week starting from (a Monday) from the journal for book and acct.
func LoadReviewWeek(ctx context.Context, j *data.Journal, book string, acct data.AccountRef, from, now time.Time) (ReviewWeek, error) {
	w := ReviewWeek{From: from, To: from.AddDate(0, 0, 7), Now: now}
	var err error
	if w.At, err = LoadChecklistSettings(ctx, j); err != nil {
		return w, err
	}
	if w.Runs, err = j.ChecklistRuns(ctx, book, w.From, w.To); err != nil {
		return w, err
	}
	if w.Guard, err = j.GuardEvents(ctx, book, w.From, w.To); err != nil {
		return w, err
	}
	if w.Off, err = j.OffChecklist(ctx, book, w.From, w.To); err != nil {
		return w, err
	}
	if w.HedgeCosts, err = j.HedgeCosts(ctx, acct, w.From, w.To); err != nil {
		return w, err
	}
	var sampled bool
	if w.Since, sampled, err = j.FirstGreekSample(ctx, book); err != nil {
		return w, err
	}
	if !sampled {
		// No sample yet: the book begins now (a new account), or at its first logged run.
		w.Since = now
		for _, r := range w.Runs {
			if r.Scheduled.Before(w.Since) {
				w.Since = r.Scheduled
			}
		}
	}
	w.Theta, err = j.GreekHistory(ctx, book, "", w.From)
	return w, err
}

// ReviewWeek reads the week starting from (a Monday) of the desk's book and account from
// the journal, with the checklist's set time as the desk holds it.
func (s *Service) ReviewWeek(ctx context.Context, from, now time.Time) (ReviewWeek, error) {
	j, err := s.journal()
	if err != nil {
		return ReviewWeek{From: from, To: from.AddDate(0, 0, 7), Now: now}, err
	}
	return LoadReviewWeek(ctx, j, s.Book(), s.Account(), from, now)
}
