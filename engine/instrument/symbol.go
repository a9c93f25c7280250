package instrument

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// SymbolError reports text that is not a symbol Keel understands, and what is wrong.
type SymbolError struct {
	Text    string
	Problem string
}

func (e *SymbolError) Error() string {
	return fmt.Sprintf("instrument: symbol %q: %s", e.Text, e.Problem)
}

func symbolErr(text, problem string) error { return &SymbolError{Text: text, Problem: problem} }

// Parse reads any of Keel's notations into an Instrument, with its spec and exposure
// defaults filled in:
//
//	SPY                       a stock or ETF ticker
//	ESZ6, /ESZ6, ESZ26        a futures contract (one-digit years resolved against ref)
//	SPY   240119C00480000     an OCC option symbol, padded or compact (SPY240119C00480000)
//	ESZ6 C6000 2026-12-18     an option on a future, Keel notation (see the package doc)
//
// ref is only used to resolve one-digit futures years; it is never the clock. Lower case
// is accepted.
func Parse(s string, ref time.Time) (Instrument, error) {
	text := s
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "" {
		return Instrument{}, symbolErr(text, "empty")
	}
	fields := strings.Fields(u)
	switch {
	case len(fields) == 3 || len(fields) == 4:
		return parseFuturesOption(text, fields)
	case len(fields) == 2 && len(fields[1]) == 15:
		return ParseOCC(s)
	case len(fields) != 1:
		return Instrument{}, symbolErr(text, "not a ticker, futures code, OCC symbol or futures option (ESZ6 C6000 2026-12-18)")
	case looksOCC(u):
		return ParseOCC(s)
	case u[0] == '/' || looksFutures(u):
		return ParseFutures(s, ref)
	}
	if err := checkTicker(u); err != nil {
		return Instrument{}, symbolErr(text, err.Error())
	}
	return NewStock(u), nil
}

// looksOCC: yymmdd, C or P and 8 digits at the end of a longer word.
func looksOCC(u string) bool {
	if len(u) < 16 {
		return false
	}
	t := u[len(u)-15:]
	return allDigits(t[:6]) && (t[6] == 'C' || t[6] == 'P') && allDigits(t[7:])
}

// looksFutures: a known root, a month letter and 1 or 2 digits.
func looksFutures(u string) bool {
	n := len(u)
	for d := 1; d <= 2 && d < n; d++ {
		if !allDigits(u[n-d:]) {
			return false
		}
		if _, ok := MonthOfCode(u[n-d-1]); ok {
			if _, known := futuresSpecs[u[:n-d-1]]; known {
				return true
			}
		}
	}
	return false
}

func checkTicker(t string) error {
	if len(t) > 10 {
		return fmt.Errorf("ticker %q is longer than 10 characters", t)
	}
	if t[0] < 'A' || t[0] > 'Z' {
		return fmt.Errorf("ticker %q must start with a letter", t)
	}
	for i := 1; i < len(t); i++ {
		c := t[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '.' && c != '-' && c != '/' {
			return fmt.Errorf("ticker %q has %q; use letters, digits, '.', '-' or '/'", t, c)
		}
	}
	return nil
}

// ParseFuturesOption parses Keel's futures option notation, "ESZ6 C6000 2026-12-18" with
// an optional " AM" (see the package doc). The future's one-digit year is resolved
// against the option's expiry date, so no reference time is needed.
func ParseFuturesOption(s string) (Instrument, error) {
	fields := strings.Fields(strings.ToUpper(strings.TrimSpace(s)))
	if len(fields) != 3 && len(fields) != 4 {
		return Instrument{}, symbolErr(s, "a futures option is future, right+strike and expiry date (ESZ6 C6000 2026-12-18)")
	}
	return parseFuturesOption(s, fields)
}

func parseFuturesOption(text string, f []string) (Instrument, error) {
	am := false
	if len(f) == 4 {
		switch f[3] {
		case "AM":
			am = true
		case "PM":
		default:
			return Instrument{}, symbolErr(text, fmt.Sprintf("%q after the date must be AM or PM", f[3]))
		}
	}
	var right pricing.Right
	switch f[1][0] {
	case 'C':
		right = pricing.Call
	case 'P':
		right = pricing.Put
	default:
		return Instrument{}, symbolErr(text, fmt.Sprintf("%q must be C or P and the strike (C6000, P5987.5)", f[1]))
	}
	strike, err := parseStrike(f[1][1:])
	if err != nil {
		return Instrument{}, symbolErr(text, err.Error())
	}
	date, err := time.Parse(time.DateOnly, f[2])
	if err != nil || date.Year() < 2000 || date.Year() > 2099 {
		return Instrument{}, symbolErr(text, fmt.Sprintf("expiry %q must be a date YYYY-MM-DD in 2000–2099", f[2]))
	}
	code, err := ParseFuturesCode(f[0], date)
	if err != nil {
		return Instrument{}, symbolErr(text, err.(*SymbolError).Problem)
	}
	gap := (code.Year-date.Year())*12 + int(code.Month) - int(date.Month())
	if gap < 0 || gap > 12 {
		return Instrument{}, symbolErr(text, fmt.Sprintf("the option expires %s but its future %s is the %s %d contract; the future's month must be 0 to 12 months after the expiry",
			f[2], f[0], code.Month, code.Year))
	}
	in, err := NewFuturesOption(code, right, strike, date.Year(), date.Month(), date.Day(), am)
	if err != nil {
		return Instrument{}, symbolErr(text, err.Error())
	}
	return in, nil
}

// parseStrike accepts plain decimals only (no signs, exponents, NaN or Inf).
func parseStrike(s string) (float64, error) {
	if s == "" || len(s) > 12 || strings.Count(s, ".") > 1 || !allDigits(strings.Replace(s, ".", "", 1)) ||
		s[0] == '.' || s[len(s)-1] == '.' {
		return 0, fmt.Errorf("strike %q must be a plain positive number (6000, 5987.5)", s)
	}
	k, err := strconv.ParseFloat(s, 64)
	if err != nil || k <= 0 {
		return 0, fmt.Errorf("strike %q must be a plain positive number (6000, 5987.5)", s)
	}
	return k, nil
}

// NewFuturesOption builds the Instrument of an option on the future code expiring on the
// given date: PM (16:00 New York for the ES family) unless am, when it expires with the
// future's opening settlement. Style: for the ES family AM quarterly options are American
// and PM options (weekly, end-of-month, PM quarterly) European, as CME lists them; other
// roots' standard options are American.
func NewFuturesOption(code FuturesCode, right pricing.Right, strike float64, year int, month time.Month, day int, am bool) (Instrument, error) {
	spec, ok := futuresSpecs[code.Root]
	if !ok || !spec.HasOptions {
		return Instrument{}, fmt.Errorf("no options on futures root %q", code.Root)
	}
	if !spec.Lists(code.Month) {
		return Instrument{}, fmt.Errorf("%s has no %s contract (cycle %s)", code.Root, code.Month, spec.cycle())
	}
	if !(strike > 0) || strike > 1e9 {
		return Instrument{}, fmt.Errorf("strike %g must be positive", strike)
	}
	style := pricing.American
	if spec.amAmerican && !am {
		style = pricing.European
	}
	return Instrument{
		Kind: FuturesOption, Root: code.Root, Underlying: FormatFutures(code.Root, code.Year, code.Month),
		Expiry: spec.optionExpiry(year, month, day, am), Multiplier: spec.Multiplier,
		Right: right, Strike: strike, Style: style,
		ContractYear: code.Year, ContractMonth: code.Month,
		Beta: spec.Beta, Benchmark: spec.Benchmark, Leverage: 1, Reference: code.Root,
	}, nil
}

// Symbol is the instrument in Keel's canonical notation: the ticker for a stock, "ESZ6"
// for a future (one-digit year: see the package doc on ambiguity), the padded OCC symbol
// for an option, "ESZ6 C6000 2026-12-18" (plus " AM" for an AM expiry) for a futures
// option. An instrument that no notation can express (a strike OCC cannot encode) gets a
// readable description that Parse rejects.
func (in Instrument) Symbol() string {
	switch in.Kind {
	case Future:
		return FormatFutures(in.Root, in.ContractYear, in.ContractMonth)
	case Option:
		y, m, d := in.Expiry.In(NewYork).Date()
		s, err := FormatOCC(OCCOption{Root: in.Root, Year: y, Month: m, Day: d, Right: in.Right, Strike: in.Strike})
		if err != nil {
			return fmt.Sprintf("%s %s %s%g (not an OCC symbol)", in.Root, in.Expiry.In(NewYork).Format(time.DateOnly), rightLetter(in.Right), in.Strike)
		}
		return s
	case FuturesOption:
		loc := in.Expiry.Location()
		if spec, ok := futuresSpecs[in.Root]; ok {
			loc = spec.Location
		}
		exp := in.Expiry.In(loc)
		s := FormatFutures(in.Root, in.ContractYear, in.ContractMonth) + " " + rightLetter(in.Right) +
			strconv.FormatFloat(in.Strike, 'f', -1, 64) + " " + exp.Format(time.DateOnly)
		if spec, ok := futuresSpecs[in.Root]; ok {
			y, m, d := exp.Date()
			if !exp.Equal(spec.optionExpiry(y, m, d, false)) && exp.Equal(spec.optionExpiry(y, m, d, true)) {
				s += " AM"
			}
		}
		return s
	}
	return in.Root
}

func rightLetter(r pricing.Right) string {
	if r == pricing.Put {
		return "P"
	}
	return "C"
}

// String is Symbol.
func (in Instrument) String() string { return in.Symbol() }
