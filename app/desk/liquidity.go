package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/liquidity"
)

// LiquiditySettings are the liquidity checklist the desk applies before every order (the
// guide's "Illiquid Options Trap"): the rules' thresholds, and whether a failing leg blocks
// the order (Block) or only warns in the ticket (the default).
type LiquiditySettings struct {
	Rules liquidity.Rules `json:"rules"`
	Block bool            `json:"block"`
}

// DefaultLiquiditySettings are the guide's rules, warning only.
func DefaultLiquiditySettings() LiquiditySettings {
	return LiquiditySettings{Rules: liquidity.DefaultRules()}
}

// SetLiquidity hands the desk the liquidity settings its pre-trade checks apply from now on.
func (s *Service) SetLiquidity(l LiquiditySettings) { s.liquidity.Store(&l) }

// LiquiditySettings are the liquidity settings the desk applies now.
func (s *Service) LiquiditySettings() LiquiditySettings {
	if l := s.liquidity.Load(); l != nil {
		return *l
	}
	return DefaultLiquiditySettings()
}

// LegLiquidity is one option leg of an order checked against the liquidity rules for the
// order's size on that leg: the verdict, every rule's measured number and threshold, and
// the expected cost of illiquidity. Err says why a leg could not be judged.
type LegLiquidity struct {
	Symbol string
	Result liquidity.Result
	Err    error
}

// Text is the leg's verdict in words for the ticket: "pass", or the verdict and its reasons.
func (l LegLiquidity) Text() string {
	if l.Err != nil {
		return l.Symbol + ": liquidity not checked — " + l.Err.Error()
	}
	if len(l.Result.Reasons) == 0 {
		return l.Symbol + ": liquidity " + l.Result.Verdict.String()
	}
	return l.Symbol + ": liquidity " + l.Result.Verdict.String() + " — " + strings.Join(l.Result.Reasons, "; ")
}

// legLiquidity checks every option leg of o with the quote quote gives for it.
func legLiquidity(rules liquidity.Rules, o brokers.Order, quote func(symbol string) (brokers.Quote, error)) []LegLiquidity {
	var out []LegLiquidity
	for _, l := range o.Legs {
		if !l.Instrument.IsOption() || l.Ratio == 0 || o.Quantity <= 0 {
			continue
		}
		ll := LegLiquidity{Symbol: l.Symbol}
		q, err := quote(l.Symbol)
		if err == nil {
			ll.Result, err = rules.Check(brokers.LiquidityQuote(q), abs64(l.Ratio)*o.Quantity)
		}
		ll.Err = err
		out = append(out, ll)
	}
	return out
}

// liquidityProblems are the failing legs as pre-trade problems when the settings block.
func liquidityProblems(set LiquiditySettings, legs []LegLiquidity) []string {
	if !set.Block {
		return nil
	}
	var p []string
	for _, l := range legs {
		if l.Err == nil && l.Result.Verdict == liquidity.Fail {
			p = append(p, "liquidity blocks "+l.Text())
		}
	}
	return p
}

// liquidityCheck quotes o's option legs and returns the problems that stop it (none unless
// the settings block failing legs).
func (s *Service) liquidityCheck(ctx context.Context, o brokers.Order) []string {
	set := s.LiquiditySettings()
	if !set.Block {
		return nil
	}
	return liquidityProblems(set, legLiquidity(set.Rules, o, func(sym string) (brokers.Quote, error) {
		return s.broker.Quote(ctx, sym)
	}))
}

// LiquidityReport is the liquidity checklist of one expiry of underlying's chain for an
// order of size contracts, with the desk's rules. It calls the broker: run it off the UI
// goroutine.
func (s *Service) LiquidityReport(ctx context.Context, underlying string, expiry time.Time, size int64) (liquidity.Report, error) {
	c, err := s.broker.Chain(ctx, underlying, expiry)
	if err != nil {
		return liquidity.Report{}, err
	}
	return s.liquidityReportOf(c, size)
}

// liquidityReportOf judges a chain already taken with the desk's rules, for LiquidityReport
// and the ticket's ChainView.
func (s *Service) liquidityReportOf(c brokers.Chain, size int64) (liquidity.Report, error) {
	return liquidity.BuildReport(s.marketNow(), brokers.LiquidityChain(c), size, s.LiquiditySettings().Rules)
}

// HeldLiquidity is one option the book holds, checked today for closing it (its whole
// quantity): Illiquid when a rule fails.
type HeldLiquidity struct {
	Symbol   string
	Layer    string
	Quantity int64
	Result   liquidity.Result
	Err      error
}

// Illiquid says the position could not be closed without failing the checklist today.
func (h HeldLiquidity) Illiquid() bool { return h.Err == nil && h.Result.Verdict == liquidity.Fail }

// HeldLiquidity checks every option the book holds, today, for an order closing it. It
// calls the broker: run it off the UI goroutine.
func (s *Service) HeldLiquidity(ctx context.Context) ([]HeldLiquidity, error) {
	snap := s.Latest()
	if snap == nil {
		return nil, fmt.Errorf("the desk has no snapshot yet")
	}
	rules := s.LiquiditySettings().Rules
	var out []HeldLiquidity
	for _, p := range snap.Positions {
		if !p.Instrument.IsOption() || p.Quantity == 0 {
			continue
		}
		h := HeldLiquidity{Symbol: p.Symbol, Layer: p.Risk.Layer, Quantity: p.Quantity}
		q, err := s.broker.Quote(ctx, p.Symbol)
		if err == nil {
			h.Result, err = rules.Check(brokers.LiquidityQuote(q), abs64(p.Quantity))
		}
		h.Err = err
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b HeldLiquidity) int { return strings.Compare(a.Symbol, b.Symbol) })
	return out, nil
}
