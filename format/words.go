package format

import (
	"math"
	"strconv"
)

// ExpiryDays writes the days left to an expiry in a list, one rule for every surface: whole
// days rounded to the nearest, as the desk's one-decimal figure rounds (44.2 → "44 d",
// 44.6 → "45 d"); "today" for an expiry less than half a day away; "expired" once past.
// Not a number is NoValue.
func ExpiryDays(days float64) string {
	switch {
	case math.IsNaN(days) || math.IsInf(days, 0):
		return NoValue
	case days < 0:
		return "expired"
	}
	d := math.Round(days)
	if d == 0 {
		return "today"
	}
	return strconv.FormatFloat(d, 'f', 0, 64) + " d"
}
