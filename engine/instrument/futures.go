package instrument

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// monthCodes are the futures month letters, January (F) to December (Z).
const monthCodes = "FGHJKMNQUVXZ"

// MonthCode is the futures month letter of m (F for January … Z for December); 0 for an
// invalid month.
func MonthCode(m time.Month) byte {
	if m < time.January || m > time.December {
		return 0
	}
	return monthCodes[m-1]
}

// MonthOfCode is the month of a futures month letter (F → January); ok is false for any
// other byte. Lower case is accepted.
func MonthOfCode(c byte) (m time.Month, ok bool) {
	if 'a' <= c && c <= 'z' {
		c -= 'a' - 'A'
	}
	i := strings.IndexByte(monthCodes, c)
	if i < 0 {
		return 0, false
	}
	return time.Month(i + 1), true
}

// lastTradeRule selects how a root's last trading day is found.
type lastTradeRule int8

const (
	thirdFriday         lastTradeRule = iota // third Friday of the contract month (or the trading day before)
	vixWednesday                             // Wednesday 30 days before the next month's third Friday
	crudeOil                                 // 3 trading days before the 25th of the prior month (4 if the 25th is not one)
	thirdLastTradingDay                      // third last trading day of the contract month
	sevenBeforeLast                          // 7th trading day before the last trading day of the contract month
)

// clock is a time of day in a location.
type clock struct {
	hour, min int
	loc       *time.Location
}

func (c clock) on(date time.Time) time.Time {
	y, m, d := date.Date()
	return time.Date(y, m, d, c.hour, c.min, 0, 0, c.loc)
}

// FuturesSpec describes one futures root. Multiplier is units (dollars) per point of the
// price; Tick the minimum price step in points. Location is the time zone the exchange
// states its hours in (America/Chicago for CME Group and Cboe Futures Exchange). Expiries
// are returned in Location. Beta and Benchmark are the equity exposure defaults (editable,
// not facts; zero for non-equity roots).
type FuturesSpec struct {
	Root       string
	Name       string
	Exchange   string // CME, CBOT, NYMEX, COMEX, CFE
	Multiplier float64
	Tick       float64
	Location   *time.Location
	LastTrade  string // the last-trading rule in words
	HasOptions bool   // Keel models options on this future
	Beta       float64
	Benchmark  string

	months     uint16 // bit m-1 set when month m is listed
	rule       lastTradeRule
	close      clock // time of the last trade on the last trading day
	optClose   clock // expiry time of the PM options on this future
	amAmerican bool  // ES family: AM-settled quarterly options are American, PM ones European
}

// Lists reports whether month m is in the root's contract-month cycle.
func (s FuturesSpec) Lists(m time.Month) bool {
	return m >= time.January && m <= time.December && s.months&(1<<(m-1)) != 0
}

// Months is the root's contract-month cycle in calendar order.
func (s FuturesSpec) Months() []time.Month {
	var out []time.Month
	for m := time.January; m <= time.December; m++ {
		if s.Lists(m) {
			out = append(out, m)
		}
	}
	return out
}

// OptionClose is the time of day, in Location, at which the root's PM options expire.
func (s FuturesSpec) OptionClose() (hour, min int) {
	t := s.optClose.on(civil(2000, 1, 3)).In(s.Location)
	return t.Hour(), t.Minute()
}

const (
	quarterly uint16 = 1<<2 | 1<<5 | 1<<8 | 1<<11 // H M U Z
	allMonths uint16 = 1<<12 - 1
)

var (
	nyOpen   = clock{9, 30, NewYork}
	nyClose  = clock{16, 0, NewYork}
	esFamily = "third Friday of the contract month (the trading day before if it is a holiday), 09:30 New York"
)

func equityIndex(root, name, exchange string, mult, tick, beta float64) FuturesSpec {
	return FuturesSpec{Root: root, Name: name, Exchange: exchange, Multiplier: mult, Tick: tick,
		Location: Chicago, LastTrade: esFamily, HasOptions: true, Beta: beta, Benchmark: "SPY",
		months: quarterly, rule: thirdFriday, close: nyOpen, optClose: nyClose, amAmerican: true}
}

// futuresSpecs is the read-only registry. Equity index betas are the defaults of the
// ETFs that track the same index (see Stocks); VX uses VXX's.
var futuresSpecs = map[string]FuturesSpec{
	"ES":  equityIndex("ES", "E-mini S&P 500", "CME", 50, 0.25, 1),
	"MES": equityIndex("MES", "Micro E-mini S&P 500", "CME", 5, 0.25, 1),
	"NQ":  equityIndex("NQ", "E-mini Nasdaq-100", "CME", 20, 0.25, 1.15),
	"MNQ": equityIndex("MNQ", "Micro E-mini Nasdaq-100", "CME", 2, 0.25, 1.15),
	"RTY": equityIndex("RTY", "E-mini Russell 2000", "CME", 50, 0.10, 1.2),
	"M2K": equityIndex("M2K", "Micro E-mini Russell 2000", "CME", 5, 0.10, 1.2),
	"YM":  equityIndex("YM", "E-mini Dow ($5)", "CBOT", 5, 1, 0.9),
	"MYM": equityIndex("MYM", "Micro E-mini Dow", "CBOT", 0.5, 1, 0.9),
	"VX": {Root: "VX", Name: "Cboe VIX futures", Exchange: "CFE", Multiplier: 1000, Tick: 0.05,
		Location: Chicago, Beta: -2.5, Benchmark: "SPY",
		LastTrade: "the Wednesday 30 days before the third Friday of the next month (the trading day " +
			"before that Wednesday if it or that Friday is a holiday), 08:00 Chicago",
		months: allMonths, rule: vixWednesday, close: clock{8, 0, Chicago}},
	"CL": {Root: "CL", Name: "WTI crude oil", Exchange: "NYMEX", Multiplier: 1000, Tick: 0.01,
		Location: Chicago, HasOptions: true,
		LastTrade: "3 trading days before the 25th of the month before the contract month (4 if the " +
			"25th is not a trading day), 14:30 New York",
		months: allMonths, rule: crudeOil, close: clock{14, 30, NewYork}, optClose: clock{14, 30, NewYork}},
	"GC": {Root: "GC", Name: "Gold", Exchange: "COMEX", Multiplier: 100, Tick: 0.10,
		Location: Chicago, HasOptions: true,
		LastTrade: "third last trading day of the contract month, 12:30 Chicago",
		months:    allMonths, rule: thirdLastTradingDay, close: clock{12, 30, Chicago}, optClose: clock{12, 30, Chicago}},
	"ZN": {Root: "ZN", Name: "10-Year T-Note", Exchange: "CBOT", Multiplier: 1000, Tick: 1.0 / 64,
		Location: Chicago, HasOptions: true,
		LastTrade: "7th trading day before the last trading day of the contract month, 12:01 Chicago",
		months:    quarterly, rule: sevenBeforeLast, close: clock{12, 1, Chicago}, optClose: clock{14, 0, Chicago}},
}

// LookupFutures returns the spec of a futures root (ES, MES, …); ok is false when the root
// is not known. Lookup is case-sensitive: roots are upper case.
func LookupFutures(root string) (spec FuturesSpec, ok bool) {
	spec, ok = futuresSpecs[root]
	return spec, ok
}

// FuturesRoots lists the known futures roots, sorted.
func FuturesRoots() []string {
	out := make([]string, 0, len(futuresSpecs))
	for r := range futuresSpecs {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// FuturesExpiry is the last trading moment of root's year-month contract, in the
// exchange's time zone. It fails for an unknown root or a month outside the root's cycle.
func FuturesExpiry(root string, year int, month time.Month) (time.Time, error) {
	spec, ok := futuresSpecs[root]
	if !ok {
		return time.Time{}, fmt.Errorf("instrument: unknown futures root %q", root)
	}
	if !spec.Lists(month) {
		return time.Time{}, fmt.Errorf("instrument: %s has no %s contract (cycle %s)", root, month, spec.cycle())
	}
	return spec.lastTrade(year, month), nil
}

func (s FuturesSpec) cycle() string {
	var b strings.Builder
	for _, m := range s.Months() {
		b.WriteByte(MonthCode(m))
	}
	return b.String()
}

func (s FuturesSpec) lastTrade(year int, month time.Month) time.Time {
	var day time.Time
	switch s.rule {
	case thirdFriday:
		day = onOrBeforeTradingDay(civil(year, month, ThirdFriday(year, month)))
	case vixWednesday:
		friday := civil(year, month+1, 1) // normalised: December rolls into next January
		friday = civil(friday.Year(), friday.Month(), ThirdFriday(friday.Year(), friday.Month()))
		day = friday.AddDate(0, 0, -30)
		if !IsTradingDay(day) || !IsTradingDay(friday) {
			day = addTradingDays(day, -1)
		}
	case crudeOil:
		the25th := civil(year, month-1, 25)
		if IsTradingDay(the25th) {
			day = addTradingDays(the25th, -3)
		} else {
			day = addTradingDays(the25th, -4)
		}
	case thirdLastTradingDay:
		last := onOrBeforeTradingDay(civil(year, month+1, 0))
		day = addTradingDays(last, -2)
	case sevenBeforeLast:
		last := onOrBeforeTradingDay(civil(year, month+1, 0))
		day = addTradingDays(last, -7)
	}
	return s.close.on(day).In(s.Location)
}

// optionExpiry is the expiry of an option on this future expiring on the given date: at
// the future's own last-trade time when am, else at the PM option close.
func (s FuturesSpec) optionExpiry(year int, month time.Month, day int, am bool) time.Time {
	c := s.optClose
	if am {
		c = s.close
	}
	return c.on(civil(year, month, day)).In(s.Location)
}

// FuturesOptionExpiry is the expiry moment of an option on root's futures expiring on the
// given date: PM (16:00 New York for the ES family) unless am, in which case it expires
// with the quarterly future's opening settlement (09:30 New York for the ES family).
func FuturesOptionExpiry(root string, year int, month time.Month, day int, am bool) (time.Time, error) {
	spec, ok := futuresSpecs[root]
	if !ok || !spec.HasOptions {
		return time.Time{}, fmt.Errorf("instrument: no options on futures root %q", root)
	}
	return spec.optionExpiry(year, month, day, am), nil
}

// NextContract is the first contract of root (in its cycle) still trading after the
// moment after: the front month. Options that expire after a quarterly future's last
// trade deliver the next one (the PM September ES option delivers ESZ).
func NextContract(root string, after time.Time) (year int, month time.Month, err error) {
	spec, ok := futuresSpecs[root]
	if !ok {
		return 0, 0, fmt.Errorf("instrument: unknown futures root %q", root)
	}
	y, m := after.Year(), after.Month()-1 // VX and CL can expire in the month before
	if m < time.January {
		y, m = y-1, time.December
	}
	for range 26 {
		if spec.Lists(m) && spec.lastTrade(y, m).After(after) {
			return y, m, nil
		}
		if m++; m > time.December {
			y, m = y+1, time.January
		}
	}
	return 0, 0, fmt.Errorf("instrument: no %s contract after %s", root, after.Format(time.RFC3339))
}

// FormatFutures is the short futures code: root + month letter + last digit of the year
// (ES, 2026, December → "ESZ6").
func FormatFutures(root string, year int, month time.Month) string {
	return root + string(MonthCode(month)) + strconv.Itoa(((year%10)+10)%10)
}

// FormatFuturesLong is the futures code with a two-digit year ("ESZ26"), unambiguous
// within a century.
func FormatFuturesLong(root string, year int, month time.Month) string {
	return fmt.Sprintf("%s%c%02d", root, MonthCode(month), ((year%100)+100)%100)
}

// ResolveYear turns a futures code's year digits into a full year. Two digits are 20yy.
// One digit is the year ending in it nearest to ref's year (a tie goes to the later
// year): with ref in 2026, "6" is 2026, "9" is 2029, "1" is 2031 and "2" is 2022.
func ResolveYear(digits string, ref time.Time) (int, error) {
	n, err := strconv.Atoi(digits)
	if err != nil || !allDigits(digits) || (len(digits) != 1 && len(digits) != 2) {
		return 0, fmt.Errorf("year %q is not 1 or 2 digits", digits)
	}
	if len(digits) == 2 {
		return 2000 + n, nil
	}
	r := ref.Year()
	y := r - ((r%10)+10)%10 + n // the year ending in n in ref's decade
	if y-r > 5 {
		y -= 10
	} else if r-y >= 5 {
		y += 10
	}
	return y, nil
}

// FuturesCode is a parsed futures code.
type FuturesCode struct {
	Root  string
	Year  int
	Month time.Month
}

// ParseFuturesCode splits a futures code ("ESZ6", "/ESZ6", "ESZ26", "M2KH7") into root,
// year and month, resolving a one-digit year against ref (see ResolveYear). The root must
// be a known one (see LookupFutures) and the month in its cycle. Lower case is accepted.
func ParseFuturesCode(s string, ref time.Time) (FuturesCode, error) {
	text := s
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "/")
	n := len(s)
	digits := 0
	for digits < n && s[n-1-digits] >= '0' && s[n-1-digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 2 {
		return FuturesCode{}, symbolErr(text, "a futures code ends in a 1- or 2-digit year (ESZ6, ESZ26)")
	}
	if n-digits < 2 {
		return FuturesCode{}, symbolErr(text, "a futures code is root + month letter + year (ESZ6)")
	}
	month, ok := MonthOfCode(s[n-digits-1])
	if !ok {
		return FuturesCode{}, symbolErr(text, fmt.Sprintf("%q is not a futures month letter (F G H J K M N Q U V X Z)", s[n-digits-1]))
	}
	root := s[:n-digits-1]
	spec, ok := futuresSpecs[root]
	if !ok {
		return FuturesCode{}, symbolErr(text, fmt.Sprintf("unknown futures root %q (known: %s)", root, strings.Join(FuturesRoots(), " ")))
	}
	if !spec.Lists(month) {
		return FuturesCode{}, symbolErr(text, fmt.Sprintf("%s has no %s contract (cycle %s)", root, month, spec.cycle()))
	}
	year, err := ResolveYear(s[n-digits:], ref)
	if err != nil {
		return FuturesCode{}, symbolErr(text, err.Error())
	}
	return FuturesCode{Root: root, Year: year, Month: month}, nil
}

// ParseFutures parses a futures code into an Instrument with its spec filled in: kind
// Future, multiplier, last trading moment, contract month and beta defaults.
func ParseFutures(s string, ref time.Time) (Instrument, error) {
	c, err := ParseFuturesCode(s, ref)
	if err != nil {
		return Instrument{}, err
	}
	return NewFuture(c.Root, c.Year, c.Month)
}

// NewFuture builds the Instrument of root's year-month futures contract.
func NewFuture(root string, year int, month time.Month) (Instrument, error) {
	exp, err := FuturesExpiry(root, year, month)
	if err != nil {
		return Instrument{}, err
	}
	spec := futuresSpecs[root]
	return Instrument{
		Kind: Future, Root: root, Expiry: exp, Multiplier: spec.Multiplier,
		ContractYear: year, ContractMonth: month,
		Beta: spec.Beta, Benchmark: spec.Benchmark, Leverage: 1, Reference: root,
	}, nil
}
