package instrument

import "time"

const secondsPerYear = 365 * 86400

// YearFraction is the ACT/365 year fraction of calendar time from from to to:
// seconds / (365 · 86400). It is zero or negative once to is not after from.
func YearFraction(from, to time.Time) float64 {
	return secondsBetween(from, to) / secondsPerYear
}

// DaysToExpiry is the calendar time left until in.Expiry, in days (fractional); negative
// once expired. It is 0 for an instrument without an expiry (see HasExpiry).
func DaysToExpiry(now time.Time, in Instrument) float64 {
	if !in.HasExpiry() {
		return 0
	}
	return secondsBetween(now, in.Expiry) / 86400
}

// secondsBetween avoids time.Duration, which saturates after 292 years.
func secondsBetween(from, to time.Time) float64 {
	return float64(to.Unix()-from.Unix()) + float64(to.Nanosecond()-from.Nanosecond())/1e9
}

// ThirdFriday is the day of the month of the third Friday of year-month (15..21).
func ThirdFriday(year int, month time.Month) int {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(time.Friday)-int(first)+7)%7 + 14
}

// MonthlyOptionDay is the day of the standard monthly equity option expiry in year-month:
// the third Friday, or the trading day before it when that Friday is an exchange holiday
// (Good Friday 2025-04-18 moved April 2025 to Thursday the 17th).
func MonthlyOptionDay(year int, month time.Month) int {
	d := civil(year, month, ThirdFriday(year, month))
	for !IsTradingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d.Day()
}

// MonthlyOptionExpiry is the expiry moment of the standard monthly option on root
// (SPY, QQQ, SPX, …) in year-month: MonthlyOptionDay at the root's expiry time.
func MonthlyOptionExpiry(root string, year int, month time.Month) time.Time {
	return OptionExpiry(Option, root, year, month, MonthlyOptionDay(year, month))
}

// OptionExpiry is the expiry moment of an option that expires on the given date, in the
// exchange's time zone. kind is Option or FuturesOption (other kinds are treated as
// Option).
//
//   - Option: 16:00 New York, except the AM-settled index roots (SPX, NDX, RUT, VIX, VIXW),
//     which expire at the 09:30 New York opening settlement on that date (their last trade
//     is the business day before).
//   - FuturesOption: the PM expiry of the root's options (16:00 New York for the ES
//     family, see FuturesSpec.OptionClose); 16:00 New York for an unknown root. For an
//     AM-settled quarterly ES option use FuturesOptionExpiry with am set.
func OptionExpiry(kind Kind, root string, year int, month time.Month, day int) time.Time {
	if kind == FuturesOption {
		if spec, ok := LookupFutures(root); ok && spec.HasOptions {
			return spec.optionExpiry(year, month, day, false)
		}
		return time.Date(year, month, day, 16, 0, 0, 0, NewYork)
	}
	if amSettled[root] {
		return time.Date(year, month, day, 9, 30, 0, 0, NewYork)
	}
	return time.Date(year, month, day, 16, 0, 0, 0, NewYork)
}

// civil is the calendar date year-month-day at midnight UTC, used for date arithmetic.
func civil(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// IsTradingDay reports whether the calendar date of t (in t's own location) is a weekday
// that is not a US exchange holiday (see IsHoliday).
func IsTradingDay(t time.Time) bool {
	y, m, d := t.Date()
	wd := civil(y, m, d).Weekday()
	return wd != time.Saturday && wd != time.Sunday && !IsHoliday(y, m, d)
}

// IsHoliday reports whether year-month-day is a full-day holiday of the US stock exchanges
// by the NYSE's standing rules: New Year's Day, Martin Luther King Jr. Day, Washington's
// Birthday, Good Friday, Memorial Day, Juneteenth (from 2022), Independence Day, Labor
// Day, Thanksgiving and Christmas, with a Sunday holiday observed on Monday and a
// Saturday one on Friday (except New Year's Day, which then is not observed). One-off
// closures (national days of mourning, storms) are not known. CME Group and Cboe close
// for the same days; bond-market-only holidays (Columbus Day, Veterans Day) are not
// included.
func IsHoliday(year int, month time.Month, day int) bool {
	date := civil(year, month, day)
	y, m, d := date.Date()
	switch m {
	case time.January:
		if d == 1 && date.Weekday() != time.Saturday && date.Weekday() != time.Sunday {
			return true
		}
		if d == 2 && date.Weekday() == time.Monday {
			return true
		}
		return y >= 1998 && d == nthWeekday(y, m, time.Monday, 3)
	case time.February:
		return d == nthWeekday(y, m, time.Monday, 3)
	case time.March, time.April:
		e := easter(y).AddDate(0, 0, -2)
		return e.Month() == m && e.Day() == d
	case time.May:
		return d == lastWeekday(y, m, time.Monday)
	case time.June:
		return y >= 2022 && observed(y, m, 19) == d
	case time.July:
		return observed(y, m, 4) == d
	case time.September:
		return d == nthWeekday(y, m, time.Monday, 1)
	case time.November:
		return d == nthWeekday(y, m, time.Thursday, 4)
	case time.December:
		return observed(y, m, 25) == d
	}
	return false
}

// observed moves a fixed-date holiday off the weekend: Saturday to Friday, Sunday to
// Monday. It returns the observed day of the month.
func observed(year int, month time.Month, day int) int {
	switch civil(year, month, day).Weekday() {
	case time.Saturday:
		return day - 1
	case time.Sunday:
		return day + 1
	}
	return day
}

// nthWeekday is the day of the month of the n-th (1-based) wd in year-month.
func nthWeekday(year int, month time.Month, wd time.Weekday, n int) int {
	first := civil(year, month, 1).Weekday()
	return 1 + (int(wd)-int(first)+7)%7 + 7*(n-1)
}

// lastWeekday is the day of the month of the last wd in year-month.
func lastWeekday(year int, month time.Month, wd time.Weekday) int {
	last := civil(year, month+1, 0)
	return last.Day() - (int(last.Weekday())-int(wd)+7)%7
}

// easter is Easter Sunday of the Gregorian year (the anonymous Gregorian computus, as
// given by Meeus, Astronomical Algorithms, ch. 8).
func easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil(year, time.Month(month), day)
}

// addTradingDays moves n trading days from date (backwards when n < 0), skipping
// weekends and holidays; date itself is not counted.
func addTradingDays(date time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		date = date.AddDate(0, 0, step)
		if IsTradingDay(date) {
			n--
		}
	}
	return date
}

// onOrBeforeTradingDay is date, or the last trading day before it.
func onOrBeforeTradingDay(date time.Time) time.Time {
	for !IsTradingDay(date) {
		date = date.AddDate(0, 0, -1)
	}
	return date
}
