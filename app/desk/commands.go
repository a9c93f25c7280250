package desk

import (
	"context"
	"errors"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/portfolio"
)

// Commands the windows give the desk for what it keeps in the journal besides fills: the
// layers and which position belongs to which, and the market events the checklist warns of.
// Each writes the journal and makes the desk act on the change (the layers are read again at
// once); none of them is written by a window itself.

// errNoJournal is what a command that writes the journal says when the desk has none.
var errNoJournal = errors.New("the journal is not open")

func (s *Service) journal() (*data.Journal, error) {
	if s.cfg.Journal == nil {
		return nil, errNoJournal
	}
	return s.cfg.Journal, nil
}

// SaveLayer creates layer l (old "") or replaces the layer called old with l (a rename
// keeps its positions), then values the book with it.
func (s *Service) SaveLayer(ctx context.Context, old string, l portfolio.Layer) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	if err := j.SaveLayer(ctx, s.Book(), old, l); err != nil {
		return err
	}
	s.LayersChanged()
	return nil
}

// DeleteLayer deletes the layer called name and moves its positions to moveTo ("" for
// Unassigned).
func (s *Service) DeleteLayer(ctx context.Context, name, moveTo string) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	if err := j.DeleteLayer(ctx, s.Book(), name, moveTo); err != nil {
		return err
	}
	s.LayersChanged()
	return nil
}

// MovePositions files the positions of symbols under layer ("" for Unassigned).
func (s *Service) MovePositions(ctx context.Context, symbols []string, layer string) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	if err := j.AssignLayer(ctx, s.Book(), symbols, layer); err != nil {
		return err
	}
	s.LayersChanged()
	return nil
}

// AddMarketEvent records an event (FOMC, CPI, earnings) the checklist's vega step warns of.
func (s *Service) AddMarketEvent(ctx context.Context, e data.MarketEvent) (int64, error) {
	j, err := s.journal()
	if err != nil {
		return 0, err
	}
	return j.AddMarketEvent(ctx, e)
}

// DeleteMarketEvent removes a market event.
func (s *Service) DeleteMarketEvent(ctx context.Context, id int64) error {
	j, err := s.journal()
	if err != nil {
		return err
	}
	return j.DeleteMarketEvent(ctx, id)
}
