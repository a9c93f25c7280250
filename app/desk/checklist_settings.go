package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/instrument"
)

// ChecklistSettingsKey is the settings key of the checklist's settings (JSON).
const ChecklistSettingsKey = "checklist.v1"

// ChecklistSettings are the checklist's time of day (exchange time, New York) and its bands
// (see ChecklistConfig for the defaults and why).
type ChecklistSettings struct {
	Hour, Minute int
	LayerBand    float64 // ± % of net liquidation per neutral options layer
	BookBand     float64 // ± % of net liquidation for the book
	BookHedge    string  // the symbol the book step hedges with
}

// DefaultChecklistSettings: 15:45 New York, ±5% per layer, ±10% for the book, SPY shares.
func DefaultChecklistSettings() ChecklistSettings {
	return ChecklistSettings{Hour: ChecklistTime.Hour, Minute: ChecklistTime.Minute, LayerBand: 5, BookBand: 10, BookHedge: Benchmark}
}

// Validate names the first setting out of range.
func (s ChecklistSettings) Validate() error {
	switch {
	case s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59:
		return fmt.Errorf("checklist time %02d:%02d is not a time of day", s.Hour, s.Minute)
	case !(s.LayerBand > 0 && s.LayerBand <= 100):
		return fmt.Errorf("layer band %v%%: give a percentage above 0 and at most 100", s.LayerBand)
	case !(s.BookBand > 0 && s.BookBand <= 100):
		return fmt.Errorf("book band %v%%: give a percentage above 0 and at most 100", s.BookBand)
	case strings.TrimSpace(s.BookHedge) == "":
		return fmt.Errorf("book hedge: name the symbol to hedge the book with (SPY, SH, ESZ6)")
	}
	return nil
}

// Config is the desk's checklist configuration for these settings.
func (s ChecklistSettings) Config() ChecklistConfig {
	return ChecklistConfig{LayerBand: s.LayerBand, BookBand: s.BookBand, BookHedge: s.BookHedge, Hour: s.Hour, Minute: s.Minute}
}

// LoadChecklistSettings reads the settings (the defaults when never saved or j is nil).
func LoadChecklistSettings(ctx context.Context, j *data.Journal) (ChecklistSettings, error) {
	s := DefaultChecklistSettings()
	if j == nil {
		return s, nil
	}
	v, ok, err := j.Setting(ctx, ChecklistSettingsKey)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return DefaultChecklistSettings(), fmt.Errorf("setting %s: %w", ChecklistSettingsKey, err)
	}
	return s, s.Validate()
}

// SaveChecklistSettings checks and stores the settings.
func SaveChecklistSettings(ctx context.Context, j *data.Journal, s ChecklistSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return j.SetSetting(ctx, ChecklistSettingsKey, string(b))
}

// ChecklistSettings are the checklist's settings as the desk holds them: read from the
// journal once, then kept by SaveChecklistSettings (the defaults when the desk has no
// journal). A setting that cannot be read is returned with the defaults and its error.
func (s *Service) ChecklistSettings(ctx context.Context) (ChecklistSettings, error) {
	if p := s.checklistSettings.Load(); p != nil {
		return *p, nil
	}
	cs, err := LoadChecklistSettings(ctx, s.cfg.Journal)
	if err != nil {
		cs = DefaultChecklistSettings() // said once; the next save replaces them
	}
	s.checklistSettings.Store(&cs)
	return cs, err
}

// SaveChecklistSettings checks the settings, writes them to the journal and applies them:
// the scheduler opens the next checklist at the new time.
func (s *Service) SaveChecklistSettings(ctx context.Context, cs ChecklistSettings) error {
	if s.cfg.Journal == nil {
		return errors.New("no journal: the checklist's settings cannot be saved")
	}
	if err := SaveChecklistSettings(ctx, s.cfg.Journal, cs); err != nil {
		return err
	}
	s.checklistSettings.Store(&cs)
	return nil
}

// RunChecklistWhenValued runs the checklist once the desk has valued the book, waiting up
// to wait.
func (s *Service) RunChecklistWhenValued(ctx context.Context, cfg ChecklistConfig, wait time.Duration) (ChecklistResult, error) {
	deadline := time.Now().Add(wait)
	for {
		snap := s.Latest()
		if snap.Synced && !snap.Book.Now.IsZero() {
			return s.RunChecklist(ctx, cfg)
		}
		if time.Now().After(deadline) {
			return ChecklistResult{}, fmt.Errorf("the book was not valued within %s: %s", wait, snap.Status)
		}
		select {
		case <-ctx.Done():
			return ChecklistResult{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ScheduleChecklist tells due once per trading day at the checklist's set time on the
// desk's market clock (the paper market's simulated time; the wall clock for a live
// broker), unless a run is already logged for that time, and samples the layers' sizes for
// the spiral size monitor. due is called on the scheduler's goroutine with the set time
// (the app notifies and opens the window through fyne.Do). It returns when ctx ends or the
// desk closes; start it on its own goroutine.
func (s *Service) ScheduleChecklist(ctx context.Context, due func(hour, minute int)) {
	go s.WatchLayerSizes(ctx)
	var lastDay string
	s.eachSnapshot(ctx, func(snap *Snapshot) {
		now := snap.Time
		if now.IsZero() || !snap.Synced {
			return
		}
		settings, err := s.ChecklistSettings(ctx)
		if err != nil {
			s.post(func() { s.addProblem("checklist settings", err.Error()); s.st.dirty = true })
		}
		day, ok := s.checklistDue(ctx, now, settings)
		if !ok || day == lastDay {
			return
		}
		lastDay = day
		due(settings.Hour, settings.Minute)
	})
}

// eachSnapshot calls fn with every snapshot the desk publishes (the newest when fn is slow)
// until ctx ends or the desk closes.
func (s *Service) eachSnapshot(ctx context.Context, fn func(*Snapshot)) {
	snaps, cancel := s.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case snap, ok := <-snaps:
			if !ok {
				return
			}
			fn(snap)
		}
	}
}

// checklistDue says whether the checklist is due at now: a trading day, at or after its set
// time (within the grace period), and not yet logged that day.
func (s *Service) checklistDue(ctx context.Context, now time.Time, cs ChecklistSettings) (string, bool) {
	ny := now.In(instrument.NewYork)
	day := ny.Format("2006-01-02")
	if !instrument.IsTradingDay(ny) {
		return day, false
	}
	at := ScheduledAt(now, cs.Hour, cs.Minute)
	if now.Before(at) || now.Sub(at) > ChecklistGrace {
		return day, false
	}
	if j := s.cfg.Journal; j != nil {
		runs, err := j.ChecklistRuns(ctx, s.Book(), at.Add(-time.Minute), at.Add(time.Minute))
		if err == nil && len(runs) > 0 {
			return day, false
		}
	}
	return day, true
}
