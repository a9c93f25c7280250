package journal

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"

	"github.com/keel-desk/keel/app/ui"
)

// qty formats a signed quantity without trailing zeros: "2", "−100", "0.5".
func qty(d decimal.Decimal) string {
	if d.IsNegative() {
		return "−" + d.Neg().String()
	}
	return d.String()
}

// The journal shows every time in New York time, as the other windows do (the market's
// clock; a trader abroad still reads the same day and hour as the broker's statement).

// dayText formats a time as its calendar date in New York, or "—" when zero.
func dayText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(instrument.NewYork).Format("2006-01-02")
}

// etTime formats a time to the minute in New York, for a column headed "(ET)".
func etTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(instrument.NewYork).Format("2006-01-02 15:04")
}

// stamp formats a time to the minute in New York with its zone: "2026-11-20 16:00 ET".
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return etTime(t) + " ET"
}

// pct formats a fraction as a percentage with one decimal: 0.1234 → "12.3%".
func pct(f float64) string { return ui.Num(f*100, 1) + "%" }

// pctDec formats a decimal fraction as a percentage with one decimal.
func pctDec(d decimal.Decimal) string { return d.Mul(decimal.NewFromInt(100)).StringFixed(1) + "%" }

// prices joins underlying prices: "$612.40, $688.10".
func prices(ps []decimal.Decimal) string {
	if len(ps) == 0 {
		return "—"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = ui.USD(p)
	}
	return strings.Join(out, ", ")
}
