package desk

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/liquidity"
	"github.com/keel-desk/keel/engine/portfolio"
)

// ChainView is one expiry of an underlying's option chain as the order ticket shows it: each
// strike's call and put with its market, its delta and its liquidity verdict for an order of
// Size contracts. Rows are by strike, lowest first; ATM is the row of the strike nearest the
// underlying's price (-1 when no price is known).
type ChainView struct {
	Chain brokers.Chain
	Size  int64
	AsOf  time.Time
	Price float64 // the underlying's price the deltas and ATM were taken at; 0 when unknown
	Rows  []ChainRow
	ATM   int
	// DeltaErr says why no delta could be computed (no price for the underlying or the
	// benchmark); LiquidityErr why the chain could not be judged. Neither hides the quotes.
	DeltaErr, LiquidityErr error
}

// ChainRow is one strike of a ChainView.
type ChainRow struct {
	Strike    float64
	Call, Put ChainOption
}

// ChainOption is one call or put of a ChainView. Delta is per contract for a buyer, as the
// pricing engine gives it (a call 0…1, a put −1…0), valid when HasDelta; Verdict is the
// liquidity checklist's for the view's size, valid when Judged, with its reasons.
type ChainOption struct {
	Quote    brokers.Quote
	Delta    float64
	HasDelta bool
	Judged   bool
	Verdict  liquidity.Verdict
	Reasons  []string
}

// Listed says whether the chain lists this side at the strike.
func (o ChainOption) Listed() bool { return o.Quote.Symbol != "" }

// ChainView takes one expiry of underlying's chain for the ticket: one chain query, judged
// with the desk's liquidity rules (as LiquidityReport does) and valued with the desk's
// pricing (as the book is) for each option's delta. It calls the broker: run it off the UI
// goroutine.
func (s *Service) ChainView(ctx context.Context, underlying string, expiry time.Time, size int64) (ChainView, error) {
	c, err := s.broker.Chain(ctx, underlying, expiry)
	if err != nil {
		return ChainView{}, err
	}
	if size < 1 {
		size = 1
	}
	v := ChainView{Chain: c, Size: size, AsOf: s.marketNow(), ATM: -1, Rows: make([]ChainRow, len(c.Strikes))}
	for i, k := range c.Strikes {
		v.Rows[i] = ChainRow{Strike: k.Strike, Call: ChainOption{Quote: k.Call}, Put: ChainOption{Quote: k.Put}}
	}
	if rep, err := s.liquidityReportOf(c, size); err != nil {
		v.LiquidityErr = err
	} else {
		verdicts := make(map[string]liquidity.Row, len(rep.Rows))
		for _, r := range rep.Rows {
			verdicts[r.Symbol] = r
		}
		for i := range v.Rows {
			for _, o := range []*ChainOption{&v.Rows[i].Call, &v.Rows[i].Put} {
				if r, ok := verdicts[o.Quote.Symbol]; ok && o.Listed() {
					o.Judged, o.Verdict, o.Reasons = true, r.Verdict, r.Reasons
				}
			}
		}
	}
	v.Price, v.DeltaErr = s.chainDeltas(ctx, &v)
	if v.Price > 0 {
		best := math.Inf(1)
		for i, r := range v.Rows {
			if d := math.Abs(r.Strike - v.Price); d < best {
				v.ATM, best = i, d
			}
		}
	}
	return v, nil
}

// chainDeltas values every option of v as a position of one contract, with the quotes the
// book is valued with plus the chain's, and sets each one's delta. It returns the
// underlying's price it used.
func (s *Service) chainDeltas(ctx context.Context, v *ChainView) (float64, error) {
	snap := s.Latest()
	quotes := make(map[string]brokers.Quote, len(snap.Quotes)+2*len(v.Rows)+1)
	for k, q := range snap.Quotes {
		quotes[k] = q
	}
	var ps []portfolio.Position
	var ids []string
	under := ""
	for _, r := range v.Rows {
		for _, q := range [2]brokers.Quote{r.Call.Quote, r.Put.Quote} {
			if q.Symbol == "" {
				continue
			}
			quotes[q.Symbol] = q
			ps = append(ps, portfolio.Position{ID: q.Symbol, Instrument: q.Instrument, Quantity: 1})
			ids = append(ids, q.Symbol)
			if under == "" {
				under = underlyingSymbol(q.Instrument)
			}
		}
	}
	if len(ps) == 0 {
		return v.Chain.Price.InexactFloat64(), fmt.Errorf("%s lists no options on %s", v.Chain.Underlying, v.Chain.Expiry.Format(time.DateOnly))
	}
	if _, ok := quotes[under]; !ok {
		if uq, err := s.broker.Quote(ctx, under); err == nil && uq.Mid().IsPositive() {
			quotes[under] = uq
		} else if v.Chain.Price.IsPositive() {
			quotes[under] = brokers.Quote{Symbol: under, Last: v.Chain.Price}
		}
	}
	price := v.Chain.Price.InexactFloat64()
	if uq, ok := quotes[under]; ok && uq.Mid().IsPositive() {
		price = uq.Mid().InexactFloat64()
	}
	val := newValuer(s.cfg)
	at := snap.Time
	if at.IsZero() {
		at = s.marketNow()
	}
	// An option without a market (no bid far from the money) has no volatility to imply: it
	// alone goes without a delta.
	book, err := portfolio.Revalue(ps, val.market(at, quotes, ids), val.cfg)
	if err != nil && len(book.Positions) == 0 {
		return price, fmt.Errorf("no deltas: %w", err)
	}
	delta := make(map[string]portfolio.PositionRisk, len(book.Positions))
	for _, p := range book.Positions {
		delta[p.ID] = p
	}
	for i := range v.Rows {
		for _, o := range []*ChainOption{&v.Rows[i].Call, &v.Rows[i].Put} {
			if p, ok := delta[o.Quote.Symbol]; ok && p.Err == nil && o.Listed() {
				o.Delta, o.HasDelta = p.Greeks.Delta, true
			}
		}
	}
	return price, nil
}
