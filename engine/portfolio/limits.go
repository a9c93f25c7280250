package portfolio

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/instrument"
)

// Limits are the book's risk limits. The defaults (DefaultLimits) are the delta-hedging
// guide's "Greeks risk limits" and expiry rules; every one is editable and a zero field
// switches that check off.
type Limits struct {
	// DeltaSharesPer100k bounds |beta-weighted delta| in shares of Config.ShareProxy (SPY)
	// per $100,000 of net liquidation: the guide's ±500 shares per $100k.
	DeltaSharesPer100k float64
	// VegaPerPoint bounds |vega per vol point| as a fraction of net liquidation: 0.02.
	VegaPerPoint float64
	// ThetaPerDay bounds the daily theta cost (negative theta) as a fraction of the
	// notional of the options paying it: 0.001 (0.1%).
	ThetaPerDay float64
	// ExpiryGammaShare bounds the share of the book's |dollar gamma| (Σ over expiries of
	// |Gamma|) held by a single expiry date: 0.5. It is checked only when the book's
	// |dollar gamma| is at least GammaFloor of net liquidation (0.001: $100 per 1% move
	// on $100k), so a book with negligible gamma is not flagged for where it keeps it.
	ExpiryGammaShare float64
	GammaFloor       float64
	// WarnDTE flags options with at most this many calendar days left: 7 ("roll or close by
	// 7 DTE"). Expired options still held are flagged whenever WarnDTE or ATMDTE is set.
	WarnDTE float64
	// ATMDTE flags at-the-money options with at most this many days left: 3 ("never hold
	// ATM through the last 3 days"); ATMBand is what counts as at the money, |S/K − 1| ≤ 0.02.
	ATMDTE  float64
	ATMBand float64
}

// DefaultLimits returns the guide's limits.
func DefaultLimits() Limits {
	return Limits{DeltaSharesPer100k: 500, VegaPerPoint: 0.02, ThetaPerDay: 0.001,
		ExpiryGammaShare: 0.5, GammaFloor: 0.001, WarnDTE: 7, ATMDTE: 3, ATMBand: 0.02}
}

// AlertKind names what an Alert is about.
type AlertKind string

const (
	AlertDelta         AlertKind = "delta"
	AlertVega          AlertKind = "vega"
	AlertTheta         AlertKind = "theta"
	AlertGammaExpiry   AlertKind = "gamma concentration"
	AlertDTE           AlertKind = "days to expiry"
	AlertATMExpiry     AlertKind = "at the money near expiry"
	AlertLayerLeg      AlertKind = "layer contracts per leg"
	AlertLayerContract AlertKind = "layer contracts"
	AlertLayerDelta    AlertKind = "layer delta"
	AlertBias          AlertKind = "layer bias"
	AlertLayerOutside  AlertKind = "position outside its layer's underlyings"
	AlertUnpriced      AlertKind = "position not valued"
	AlertUnchecked     AlertKind = "limit not checked"
	// AlertLayerSize is engine/hedge's size monitor: a layer's contract count grew while
	// its imbalance persisted — the rebalancing spiral.
	AlertLayerSize AlertKind = "layer size growing while imbalanced"
)

// Alert is one limit breach or warning, with the measured value, the limit and a sentence
// for the alerts strip. It is Keel's one alert type: the limits here and engine/hedge's
// size monitor return it, and the desk passes it on as it is. Layer or Position say where,
// when it is not the whole book. From and To bound the span of time an alert measured (the
// size monitor's imbalanced run); both are zero for an alert about the book as it is now.
type Alert struct {
	Kind     AlertKind
	Layer    string
	Position string
	Value    float64
	Limit    float64
	Message  string
	From, To time.Time
}

// CheckLimits checks book against l for an account of netLiq dollars, and every layer
// against its own limits, its bias (only for layers in Config.Layers: the others have no
// bias set) and its underlyings (a position on an underlying the layer does not list). Alerts come book-wide first, then by layer, then by
// position (soonest expiry first). A non-positive netLiq skips the checks that scale with
// it and says so.
func CheckLimits(book Book, netLiq float64, l Limits) []Alert {
	var out []Alert
	t := book.Total
	haveNL := netLiq > 0 && !math.IsInf(netLiq, 0)
	if !haveNL && (l.DeltaSharesPer100k > 0 || l.VegaPerPoint > 0 || l.ExpiryGammaShare > 0) {
		out = append(out, Alert{Kind: AlertUnchecked, Value: netLiq,
			Message: fmt.Sprintf("Net liquidation %s is not positive: delta, vega and gamma limits not checked", fmtMoney(netLiq))})
	}
	if haveNL && l.DeltaSharesPer100k > 0 {
		if book.SharePrice > 0 {
			shares := t.BetaDollarDelta * book.Benchmark.Beta / book.SharePrice // SPY-weighted dollars / SPY
			lim := l.DeltaSharesPer100k * netLiq / 100000
			if math.Abs(shares) > lim {
				out = append(out, Alert{Kind: AlertDelta, Value: shares, Limit: lim,
					Message: fmt.Sprintf("Book delta is %s shares-equivalent (beta-weighted), beyond ±%s for %s net liquidation (%s per $100k)",
						fmtQty(shares), fmtQty(lim), fmtMoney(netLiq), fmtQty(l.DeltaSharesPer100k))})
			}
		} else {
			out = append(out, Alert{Kind: AlertUnchecked, Message: "No share price for the delta limit: book delta limit not checked"})
		}
	}
	if haveNL && l.VegaPerPoint > 0 {
		lim := l.VegaPerPoint * netLiq
		if math.Abs(t.Vega) > lim {
			out = append(out, Alert{Kind: AlertVega, Value: t.Vega, Limit: lim,
				Message: fmt.Sprintf("Book vega is %s per vol point, beyond %s (%.3g%% of net liquidation)",
					fmtMoney(t.Vega), fmtMoney(lim), 100*l.VegaPerPoint)})
		}
	}
	if l.ThetaPerDay > 0 && t.Theta < 0 {
		var optNotional float64
		for _, p := range book.Positions {
			if p.Err == nil && p.Instrument.IsOption() {
				optNotional += p.Notional
			}
		}
		lim := l.ThetaPerDay * optNotional
		if -t.Theta > lim {
			out = append(out, Alert{Kind: AlertTheta, Value: t.Theta, Limit: -lim,
				Message: fmt.Sprintf("Book theta costs %s a day, more than %s (%.3g%% of %s options notional)",
					fmtMoney(-t.Theta), fmtMoney(lim), 100*l.ThetaPerDay, fmtMoney(optNotional))})
		}
	}
	if l.ExpiryGammaShare > 0 && len(book.Expiries) > 0 {
		var gross float64
		for _, e := range book.Expiries {
			gross += math.Abs(e.Exposure.Gamma)
		}
		floor := l.GammaFloor * netLiq
		if gross > 0 && (!haveNL || gross >= floor) {
			for _, e := range book.Expiries {
				share := math.Abs(e.Exposure.Gamma) / gross
				if share > l.ExpiryGammaShare {
					out = append(out, Alert{Kind: AlertGammaExpiry, Value: share, Limit: l.ExpiryGammaShare,
						Message: fmt.Sprintf("%.0f%% of the book's gamma (%s of %s per 1%% move) expires on %s, beyond %.0f%%",
							100*share, fmtMoney(e.Exposure.Gamma), fmtMoney(gross), e.Name, 100*l.ExpiryGammaShare)})
				}
			}
		}
	}
	for _, lr := range book.Layers {
		lim := lr.Layer.Limits
		if lim.MaxContractsPerLeg > 0 && lr.LargestLeg > lim.MaxContractsPerLeg {
			out = append(out, Alert{Kind: AlertLayerLeg, Layer: lr.Name, Value: lr.LargestLeg, Limit: lim.MaxContractsPerLeg,
				Message: fmt.Sprintf("%s: a leg holds %s contracts, more than %s per leg", lr.Name, fmtQty(lr.LargestLeg), fmtQty(lim.MaxContractsPerLeg))})
		}
		if lim.MaxContractsPerLayer > 0 && lr.Contracts > lim.MaxContractsPerLayer {
			out = append(out, Alert{Kind: AlertLayerContract, Layer: lr.Name, Value: lr.Contracts, Limit: lim.MaxContractsPerLayer,
				Message: fmt.Sprintf("%s: %s contracts in the layer, more than %s", lr.Name, fmtQty(lr.Contracts), fmtQty(lim.MaxContractsPerLayer))})
		}
		if lim.MaxDelta > 0 && math.Abs(lr.Exposure.BetaDelta) > lim.MaxDelta {
			out = append(out, Alert{Kind: AlertLayerDelta, Layer: lr.Name, Value: lr.Exposure.BetaDelta, Limit: lim.MaxDelta,
				Message: fmt.Sprintf("%s: delta %s %s (beta-weighted), beyond ±%s", lr.Name, fmtQty(lr.Exposure.BetaDelta), book.Benchmark.Symbol, fmtQty(lim.MaxDelta))})
		}
		if !lr.Bias.OK && lr.Configured && len(lr.Positions) > 0 {
			out = append(out, Alert{Kind: AlertBias, Layer: lr.Name, Value: lr.Bias.Net, Message: lr.Bias.Words()})
		}
		if us := lr.Layer.Underlyings; len(us) > 0 {
			for _, i := range lr.Positions {
				p := &book.Positions[i]
				if !onAny(us, p) {
					out = append(out, Alert{Kind: AlertLayerOutside, Layer: lr.Name, Position: p.ID,
						Message: fmt.Sprintf("%s: %s is on %s, not on the layer's underlyings (%s)",
							lr.Name, describe(*p), p.Underlying, strings.Join(us, ", "))})
				}
			}
		}
	}
	var pos []Alert
	var dte []float64
	for _, p := range book.Positions {
		if p.Err != nil {
			pos = append(pos, Alert{Kind: AlertUnpriced, Layer: p.Layer, Position: p.ID, Message: p.Err.Error()})
			dte = append(dte, math.Inf(-1))
			continue
		}
		if !p.Instrument.IsOption() {
			continue
		}
		name := describe(p)
		atm := l.ATMDTE > 0 && p.DTE <= l.ATMDTE && math.Abs(p.UnderlyingPrice/p.Instrument.Strike-1) <= l.ATMBand
		switch {
		case p.DTE <= 0 && (l.WarnDTE > 0 || l.ATMDTE > 0):
			pos = append(pos, Alert{Kind: AlertDTE, Layer: p.Layer, Position: p.ID, Value: p.DTE, Limit: 0,
				Message: fmt.Sprintf("%s expired %.1f days ago and is still held: exercise or assignment pending", name, -p.DTE)})
			dte = append(dte, p.DTE)
		case atm:
			pos = append(pos, Alert{Kind: AlertATMExpiry, Layer: p.Layer, Position: p.ID, Value: p.DTE, Limit: l.ATMDTE,
				Message: fmt.Sprintf("%s is at the money (%s at %g) with %.1f days left: do not hold ATM through the last %g days",
					name, p.Underlying, p.UnderlyingPrice, p.DTE, l.ATMDTE)})
			dte = append(dte, p.DTE)
		case l.WarnDTE > 0 && p.DTE <= l.WarnDTE:
			pos = append(pos, Alert{Kind: AlertDTE, Layer: p.Layer, Position: p.ID, Value: p.DTE, Limit: l.WarnDTE,
				Message: fmt.Sprintf("%s has %.1f days to expiry: roll or close by %g DTE", name, p.DTE, l.WarnDTE)})
			dte = append(dte, p.DTE)
		}
	}
	idx := make([]int, len(pos))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return dte[idx[a]] < dte[idx[b]] })
	for _, i := range idx {
		out = append(out, pos[i])
	}
	return out
}

// onAny reports whether p is on one of the layer's underlyings, named by root (ES, SPY) or
// by symbol (ESZ6), in any case.
func onAny(underlyings []string, p *PositionRisk) bool {
	for _, u := range underlyings {
		u = strings.TrimSpace(u)
		if strings.EqualFold(u, p.Instrument.Root) || strings.EqualFold(u, p.Underlying) {
			return true
		}
	}
	return false
}

func describe(p PositionRisk) string {
	side := "long"
	if p.Quantity < 0 {
		side = "short"
	}
	unit := "contracts"
	if p.Instrument.Kind == instrument.Stock {
		unit = "shares"
	}
	return fmt.Sprintf("%s %s %s %s", side, fmtQty(math.Abs(p.Quantity)), unit, p.Instrument.Symbol())
}
