// Package format writes numbers the way every Keel surface shows them: thousands grouped with
// commas, a true minus sign "−" (U+2212) and never a negative zero ("−0.00" is "0.00"). The
// engine's words ("buy 1 MES if ES ≥ 6,012.25"), the command line's tables and the windows all
// print through it. It imports only the standard library, so the engine may use it.
package format

import (
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// NoValue stands where a figure cannot be shown (not finite).
const NoValue = "—"

// Num writes f with dp decimals, thousands grouped, a true minus sign: "−1,234.50".
func Num(f float64, dp int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return NoValue
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', dp, 64)
	neg := f < 0 && strings.Trim(s, "0.") != ""
	s = Group(s)
	if neg {
		return "−" + s
	}
	return s
}

// Group puts commas into the integer part of a plain unsigned decimal string: "1234.5" is
// "1,234.5".
func Group(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// USD writes a dollar amount with dp decimals: "$1,234.50", "−$80".
func USD(f float64, dp int) string {
	s := Num(f, dp)
	if s == NoValue {
		return s
	}
	if rest, ok := strings.CutPrefix(s, "−"); ok {
		return "−$" + rest
	}
	return "$" + s
}

// Money writes an exact amount of money in cents: "$1,234.50", "−$80.00".
func Money(d decimal.Decimal) string {
	d = d.Round(2)
	sign := ""
	if d.IsNegative() {
		sign, d = "−", d.Neg()
	}
	return sign + "$" + Group(d.StringFixed(2))
}
