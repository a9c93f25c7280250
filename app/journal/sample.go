package journal

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/assets"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"

	"github.com/keel-desk/keel/app/ui"
)

// SampleAccount is the paper account the bundled sample history is filed under.
var SampleAccount = data.AccountRef{Broker: "paper", Account: "Paper", Kind: data.Paper, Sample: true}

// SeedSampleHistory imports the bundled sample statement into the paper account, flagged
// as sample, when the journal has no accounts at all (a new user's first open). A journal
// that already holds any account, real or paper, is left alone. It reports whether it
// imported.
func SeedSampleHistory(ctx context.Context, j *data.Journal) (bool, error) {
	accts, err := j.Accounts(ctx)
	if err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	if len(accts) > 0 {
		return false, nil
	}
	st, err := statement.Parse("sample_history.csv", bytes.NewReader(assets.SampleHistoryCSV))
	if err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	// The sample file is a tastytrade statement; file its events under the paper account.
	for i := range st.Events {
		st.Events[i].Broker, st.Events[i].Account = "", ""
	}
	for i := range st.Cash {
		st.Cash[i].Broker, st.Cash[i].Account = "", ""
	}
	st.Account = ""
	if _, err := j.Import(ctx, SampleAccount, st); err != nil {
		return false, fmt.Errorf("sample history: %w", err)
	}
	return true, nil
}

// qty formats a signed quantity without trailing zeros: "2", "−100", "0.5".
func qty(d decimal.Decimal) string {
	if d.IsNegative() {
		return "−" + d.Neg().String()
	}
	return d.String()
}

// day formats a time as its calendar date in the local zone, or "—" when zero.
func dayText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

// stamp formats a time to the minute in the local zone.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
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
