package data

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"
)

// decimalSum adds up decimal texts read from the journal exactly, without allocating for
// the usual amounts: a text of at most 18 digits is added as an integer to the running sum
// of its scale (digits after the point); anything longer, or a sum that would overflow, is
// carried in a decimal.Decimal.
type decimalSum struct {
	scaled [19]int64 // scaled[s] is a sum of integers × 10^−s
	used   uint32    // bit s set when scaled[s] holds something
	big    decimal.Decimal
}

func (s *decimalSum) add(text []byte) error {
	m, scale, ok := parseSmallDecimal(text)
	if !ok {
		d, err := decimal.NewFromString(string(text))
		if err != nil {
			return fmt.Errorf("journal holds a bad amount %q", text)
		}
		s.big = s.big.Add(d)
		return nil
	}
	cur := s.scaled[scale]
	if (m > 0 && cur > math.MaxInt64-m) || (m < 0 && cur < math.MinInt64-m) {
		s.big = s.big.Add(decimal.New(cur, -int32(scale)))
		cur = 0
	}
	s.scaled[scale] = cur + m
	s.used |= 1 << scale
	return nil
}

func (s *decimalSum) addDecimal(d decimal.Decimal) { s.big = s.big.Add(d) }

func (s *decimalSum) value() decimal.Decimal {
	v := s.big
	for scale := range s.scaled {
		if s.used&(1<<scale) != 0 {
			v = v.Add(decimal.New(s.scaled[scale], -int32(scale)))
		}
	}
	return v
}

// parseSmallDecimal reads "-123.4500" as (-1234500, 4). ok is false for anything else
// (exponents, more than 18 digits, stray characters), which the caller parses the slow way.
func parseSmallDecimal(b []byte) (m int64, scale int, ok bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, 0, false
	}
	digits, point := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits == 18 {
				return 0, 0, false
			}
			m = m*10 + int64(c-'0')
			digits++
			if point {
				scale++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, 0, false
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if neg {
		m = -m
	}
	return m, scale, true
}

// textSign is the sign of a decimal text as the journal writes it (normalized by
// decimal.String: no exponent, "0" for zero).
func textSign(b []byte) int {
	if len(b) > 0 && b[0] == '-' {
		return -1
	}
	for _, c := range b {
		if c >= '1' && c <= '9' {
			return 1
		}
	}
	return 0
}

// parseTimeBytes reads a stored time ("2006-01-02T15:04:05.000000000Z") without the
// general layout machinery; anything unexpected goes through parseTime.
func parseTimeBytes(b []byte) (time.Time, error) {
	if len(b) != len(tsLayout) || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != '.' || b[29] != 'Z' {
		return parseTime(string(b))
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	s, ok6 := num(17, 19)
	ns, ok7 := num(20, 29)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 {
		return parseTime(string(b))
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC), nil
}
