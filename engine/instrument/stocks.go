package instrument

import (
	"maps"
	"sort"
)

// Profile is the exposure profile of a stock or ETF. A 1% move in Benchmark moves it by
// about Beta %. Leverage is the daily factor relative to Reference: SQQQ is −3 × QQQ,
// UVXY 1.5 × the S&P 500 VIX Short-Term Futures index (Reference VXX, which tracks that
// index 1:1). A plain stock or ETF is its own Reference with Leverage 1.
//
// Beta of a leveraged product is derived: Leverage × the Beta of its Reference (see
// Stocks.Lookup), so editing QQQ's beta moves TQQQ's and SQQQ's with it.
type Profile struct {
	Ticker    string
	Name      string
	Benchmark string
	Beta      float64 // own beta for a plain one; ignored (derived) when Reference differs
	Reference string
	Leverage  float64
}

// Stocks is a registry of stock and ETF profiles (Profile) keyed by ticker. DefaultStocks returns a
// fresh, editable copy; the app overlays the user's settings on it.
type Stocks map[string]Profile

// defaultStocks are Keel's defaults. The betas are editable defaults, rough long-run
// figures against SPY, not facts: QQQ 1.15, IWM 1.2, DIA 0.9, VXX −2.5.
var defaultStocks = Stocks{
	"SPY":  {Ticker: "SPY", Name: "SPDR S&P 500 ETF", Benchmark: "SPY", Beta: 1, Reference: "SPY", Leverage: 1},
	"QQQ":  {Ticker: "QQQ", Name: "Invesco QQQ (Nasdaq-100)", Benchmark: "SPY", Beta: 1.15, Reference: "QQQ", Leverage: 1},
	"IWM":  {Ticker: "IWM", Name: "iShares Russell 2000 ETF", Benchmark: "SPY", Beta: 1.2, Reference: "IWM", Leverage: 1},
	"DIA":  {Ticker: "DIA", Name: "SPDR Dow Jones Industrial Average ETF", Benchmark: "SPY", Beta: 0.9, Reference: "DIA", Leverage: 1},
	"VXX":  {Ticker: "VXX", Name: "iPath S&P 500 VIX Short-Term Futures ETN", Benchmark: "SPY", Beta: -2.5, Reference: "VXX", Leverage: 1},
	"SH":   {Ticker: "SH", Name: "ProShares Short S&P 500", Benchmark: "SPY", Reference: "SPY", Leverage: -1},
	"SDS":  {Ticker: "SDS", Name: "ProShares UltraShort S&P 500", Benchmark: "SPY", Reference: "SPY", Leverage: -2},
	"SSO":  {Ticker: "SSO", Name: "ProShares Ultra S&P 500", Benchmark: "SPY", Reference: "SPY", Leverage: 2},
	"SQQQ": {Ticker: "SQQQ", Name: "ProShares UltraPro Short QQQ", Benchmark: "SPY", Reference: "QQQ", Leverage: -3},
	"TQQQ": {Ticker: "TQQQ", Name: "ProShares UltraPro QQQ", Benchmark: "SPY", Reference: "QQQ", Leverage: 3},
	"UVXY": {Ticker: "UVXY", Name: "ProShares Ultra VIX Short-Term Futures ETF", Benchmark: "SPY", Reference: "VXX", Leverage: 1.5},
	"SVXY": {Ticker: "SVXY", Name: "ProShares Short VIX Short-Term Futures ETF", Benchmark: "SPY", Reference: "VXX", Leverage: -0.5},
}

// DefaultStocks returns a copy of Keel's default registry, safe to edit.
func DefaultStocks() Stocks { return maps.Clone(defaultStocks) }

// Tickers lists the registry's tickers, sorted.
func (r Stocks) Tickers() []string {
	out := make([]string, 0, len(r))
	for t := range r {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Lookup returns ticker's profile with Beta resolved: Leverage × the Reference's Beta for
// a leveraged or inverse product. An unknown ticker is allowed: Beta 1 to SPY, Leverage 1
// of itself. A Reference missing from the registry counts as Beta 1.
func (r Stocks) Lookup(ticker string) Profile {
	s, ok := r[ticker]
	if !ok {
		return Profile{Ticker: ticker, Benchmark: "SPY", Beta: 1, Reference: ticker, Leverage: 1}
	}
	if s.Reference != "" && s.Reference != s.Ticker {
		base := 1.0
		if ref, ok := r[s.Reference]; ok {
			base = ref.Beta
		}
		s.Beta = s.Leverage * base
	}
	if s.Reference == "" {
		s.Reference = s.Ticker
	}
	return s
}

// NewStock is the Instrument of a stock or ETF with the default registry's profile.
func NewStock(ticker string) Instrument {
	p := defaultStocks.Lookup(ticker)
	return Instrument{Kind: Stock, Root: ticker, Multiplier: 1,
		Beta: p.Beta, Benchmark: p.Benchmark, Leverage: p.Leverage, Reference: p.Reference}
}
