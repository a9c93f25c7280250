package instrument

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

// indexRoots maps the OCC roots of cash-index options to their index. They are European;
// all other OCC roots are taken as American options on a stock or ETF.
var indexRoots = map[string]string{
	"SPX": "SPX", "SPXW": "SPX", "XSP": "XSP",
	"NDX": "NDX", "NDXP": "NDX",
	"RUT": "RUT", "RUTW": "RUT",
	"VIX": "VIX", "VIXW": "VIX",
}

// amSettled are the index option roots settled at the opening (09:30 New York) of their
// expiry date; their last trade is the business day before.
var amSettled = map[string]bool{"SPX": true, "NDX": true, "RUT": true, "VIX": true, "VIXW": true}

// OCCOption is a parsed OCC option symbol. Year, Month and Day are the expiry date.
type OCCOption struct {
	Root   string
	Year   int
	Month  time.Month
	Day    int
	Right  pricing.Right
	Strike float64
}

// ParseOCCSymbol splits an OCC option symbol: the padded 21-character form
// "SPY   240119C00480000" (root padded to 6, yymmdd, C or P, strike × 1000 in 8 digits) or
// the compact form "SPY240119C00480000". Lower case is accepted.
func ParseOCCSymbol(s string) (OCCOption, error) {
	text := s
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 16 {
		return OCCOption{}, symbolErr(text, "an OCC symbol is root + yymmdd + C/P + 8-digit strike (SPY   240119C00480000)")
	}
	tail := s[len(s)-15:]
	root := strings.TrimRight(s[:len(s)-15], " ")
	if err := checkRoot(root); err != nil {
		return OCCOption{}, symbolErr(text, err.Error())
	}
	date, right, strike := tail[:6], tail[6], tail[7:]
	if !allDigits(date) {
		return OCCOption{}, symbolErr(text, fmt.Sprintf("expiry %q is not yymmdd", date))
	}
	y, _ := strconv.Atoi(date[:2])
	m, _ := strconv.Atoi(date[2:4])
	d, _ := strconv.Atoi(date[4:])
	if !validDate(2000+y, m, d) {
		return OCCOption{}, symbolErr(text, fmt.Sprintf("expiry %q is not a calendar date", date))
	}
	var r pricing.Right
	switch right {
	case 'C':
		r = pricing.Call
	case 'P':
		r = pricing.Put
	default:
		return OCCOption{}, symbolErr(text, fmt.Sprintf("right %q is not C or P", right))
	}
	if !allDigits(strike) {
		return OCCOption{}, symbolErr(text, fmt.Sprintf("strike %q is not 8 digits", strike))
	}
	k, _ := strconv.Atoi(strike)
	if k == 0 {
		return OCCOption{}, symbolErr(text, "strike is zero")
	}
	return OCCOption{Root: root, Year: 2000 + y, Month: time.Month(m), Day: d, Right: r, Strike: float64(k) / 1000}, nil
}

// FormatOCC is the padded 21-character OCC symbol ("SPY   240119C00480000"). It fails for
// a root that is not 1–6 letters or digits, a year outside 2000–2099, or a strike that is
// not a positive multiple of 0.001 below 100000.
func FormatOCC(o OCCOption) (string, error) {
	if err := checkRoot(o.Root); err != nil {
		return "", fmt.Errorf("instrument: OCC %w", err)
	}
	if o.Year < 2000 || o.Year > 2099 || !validDate(o.Year, int(o.Month), o.Day) {
		return "", fmt.Errorf("instrument: OCC expiry %04d-%02d-%02d is not a date in 2000–2099", o.Year, int(o.Month), o.Day)
	}
	k, err := occStrike(o.Strike)
	if err != nil {
		return "", err
	}
	c := byte('C')
	if o.Right == pricing.Put {
		c = 'P'
	}
	return fmt.Sprintf("%-6s%02d%02d%02d%c%08d", o.Root, o.Year%100, int(o.Month), o.Day, c, k), nil
}

// FormatOCCCompact is the OCC symbol without the root padding ("SPY240119C00480000").
func FormatOCCCompact(o OCCOption) (string, error) {
	s, err := FormatOCC(o)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(s[:6], " ") + s[6:], nil
}

func occStrike(strike float64) (int64, error) {
	milli := strike * 1000
	k := math.Round(milli)
	if math.IsNaN(strike) || k < 1 || k > 99999999 || math.Abs(milli-k) > 1e-6*math.Max(1, k) {
		return 0, fmt.Errorf("instrument: OCC strike %g must be a positive multiple of 0.001 below 100000", strike)
	}
	return int64(k), nil
}

// ParseOCC parses an OCC option symbol into an Instrument: an option on a stock or ETF
// (American, multiplier 100, expiring 16:00 New York) or on a cash index (European; see
// OptionExpiry for the AM-settled roots). The underlying's beta defaults are filled in.
func ParseOCC(s string) (Instrument, error) {
	o, err := ParseOCCSymbol(s)
	if err != nil {
		return Instrument{}, err
	}
	return NewOption(o), nil
}

// NewOption builds the Instrument of an OCC-cleared option. Adjusted roots (SPY1) are kept
// as given with multiplier 100; their real deliverable is not known here.
func NewOption(o OCCOption) Instrument {
	underlying, style := o.Root, pricing.American
	if idx, ok := indexRoots[o.Root]; ok {
		underlying, style = idx, pricing.European
	}
	p := defaultStocks.Lookup(underlying)
	return Instrument{
		Kind: Option, Root: o.Root, Underlying: underlying,
		Expiry:     OptionExpiry(Option, o.Root, o.Year, o.Month, o.Day),
		Multiplier: EquityOptionMultiplier, Right: o.Right, Strike: o.Strike, Style: style,
		Beta: p.Beta, Benchmark: p.Benchmark, Leverage: p.Leverage, Reference: p.Reference,
	}
}

func checkRoot(root string) error {
	if root == "" || len(root) > 6 {
		return fmt.Errorf("root %q must be 1 to 6 characters", root)
	}
	if root[0] < 'A' || root[0] > 'Z' {
		return fmt.Errorf("root %q must start with a letter", root)
	}
	for i := 1; i < len(root); i++ {
		if c := root[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return fmt.Errorf("root %q must be letters and digits", root)
		}
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := civil(y, time.Month(m), d)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}
