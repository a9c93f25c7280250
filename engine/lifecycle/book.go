package lifecycle

import (
	"fmt"

	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/roll"
)

// BookInput is what AssessBook reads besides the book: option quotes by symbol (the
// liquidity checklist's units, as brokers.LiquidityQuote gives them), the roll planner's
// plans (matched to positions by Plan.Position.ID) and cash dividends by underlying ticker.
type BookInput struct {
	Quotes    map[string]liquidity.Quote
	Plans     []roll.Plan
	Dividends map[string][]Dividend
}

// AssessBook is the daily checklist's lifecycle step: every short option of a valued book
// assessed, in the book's order, with its delta from the book (per unit, Haug) and the best
// roll of its plan. A position the book could not value, or with no quote, gets an
// assessment whose Problem says so, and the others go on.
func AssessBook(book portfolio.Book, in BookInput, s Settings) ([]Assessment, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	plans := make(map[string]roll.Plan, len(in.Plans))
	for _, p := range in.Plans {
		plans[p.Position.ID] = p
	}
	var out []Assessment
	for _, p := range book.Positions {
		if !p.Instrument.IsOption() || !(p.Quantity < 0) {
			continue
		}
		sym := p.Instrument.Symbol()
		base := Assessment{ID: p.ID, Symbol: sym, Layer: p.Layer}
		if p.Err != nil {
			base.Problem = fmt.Sprintf("not valued: %v", p.Err)
			out = append(out, base)
			continue
		}
		q, ok := in.Quotes[sym]
		if !ok {
			base.Problem = "no quote"
			out = append(out, base)
			continue
		}
		if q.Instrument.Kind != p.Instrument.Kind {
			q.Instrument = p.Instrument
		}
		if !(q.Underlying > 0) {
			q.Underlying = p.UnderlyingPrice
		}
		o := Option{ID: p.ID, Layer: p.Layer, Quote: q, Quantity: p.Quantity, Delta: p.Greeks.Delta,
			Rate: book.Rate, Dividends: in.Dividends[p.Underlying], Now: book.Now}
		if plan, ok := plans[p.ID]; ok {
			o.BestRoll = BestRoll(plan)
		}
		a, err := Assess(o, s)
		if err != nil {
			base.Problem = err.Error()
			out = append(out, base)
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// order ranks the stages from the start of the lifecycle to its end.
var order = map[Stage]int{Options: 0, Tested: 1, DeepITM: 2, AwaitingAssignment: 3, Future: 4, Shares: 4, ReEnter: 5}

// LayerStage is a layer's stage: the furthest along of its tracks (options when it has
// none), with the track that puts it there.
func LayerStage(tracks []Track) (Stage, string) {
	stage, id := Options, ""
	for _, t := range tracks {
		if order[t.Stage] > order[stage] {
			stage, id = t.Stage, t.ID
		}
	}
	return stage, id
}
