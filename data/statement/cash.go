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

// cashKind names a money movement from the broker's words for it (a type, a sub type or a
// description, joined) and its sign.
func cashKind(text string, amount decimal.Decimal) CashKind {
	t := strings.ToLower(text)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("mark to market", "mark-to-market", "variation", "futures sweep", "settlement of futures"):
		return MarkToMarket
	case has("dividend", "in lieu", "withholding"):
		return Dividend
	case has("interest"):
		return Interest
	case has("adjust", "rebate", "refund", "reversal", "commission adj"):
		if has("fee", "commission", "rebate", "refund") {
			return FeeAdjustment
		}
		return OtherCash
	case has("fee", "commission"):
		return Fee
	case has("withdraw", "disbursement"):
		return Withdrawal
	case has("deposit", "funding", "ach ", "wire", "transfer in"):
		if amount.Sign() < 0 {
			return Withdrawal
		}
		return Deposit
	}
	return OtherCash
}

// joinText joins the non-empty parts with ": ".
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
}

// movesPosition says whether a row looks like a trade: it names a symbol and a non-zero
// quantity.
func movesPosition(symbol, quantity string) bool {
	if strings.TrimSpace(symbol) == "" {
		return false
	}
	q, ok := number(quantity)
	return ok && !q.IsZero()
}
