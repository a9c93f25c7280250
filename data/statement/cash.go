package statement

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

// checkCash holds a trade's price to the broker's own cash column (tastytrade Value,
// tastyworks Amount: signed from the account's side, costs excluded), the truth for money.
// It must be price × quantity × multiplier to the cent; when it is not, the multiplier or
// the price Keel read is wrong and the row fails rather than record a wrong premium. A
// future's trade moves no premium (its cash column is zero), and an empty cell ("", "--")
// has nothing to check.
func checkCash(cell string, kind Kind, qty, price decimal.Decimal, in instrument.Instrument) error {
	if cell == "" || cell == "--" || (kind != Fill && kind != Delivery) {
		return nil
	}
	cash, ok := number(cell)
	if !ok {
		return fmt.Errorf("is not a number")
	}
	want := decimal.Zero
	if in.Kind != instrument.Future {
		want = qty.Neg().Mul(price).Mul(decimal.NewFromFloat(in.Multiplier))
	}
	if want.Sub(cash).Abs().GreaterThan(decimal.New(1, -2)) {
		return fmt.Errorf("is not price %s × quantity %s × multiplier %v = %s (the statement's cash disagrees with the contract)",
			price, qty.Abs(), in.Multiplier, want.StringFixed(2))
	}
	return nil
}

// notImported is the warning for a CSV row that is neither a fill nor an error: the file,
// the line, the row's text and why.
func notImported(name string, line int, rec []string, why string) string {
	return fmt.Sprintf("%s line %d: %q not imported: %s", name, line, clip(strings.Join(rec, ","), 120), why)
}

// tastyCash is a tastytrade row's cash: Total where the layout has it, else Value plus the
// (negative) Commissions and Fees.
func tastyCash(r tastyRow) (decimal.Decimal, bool) {
	if t := r.get("Total"); t != "" && t != "--" {
		return number(t)
	}
	sum := decimal.Zero
	for _, c := range []string{"Value", "Commissions", "Fees"} {
		d, ok := optionalMoney(r.get(c))
		if !ok {
			return decimal.Zero, false
		}
		sum = sum.Add(d)
	}
	return sum, true
}
