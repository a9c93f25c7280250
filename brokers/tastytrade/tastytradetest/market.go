package tastytradetest

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/pricing"
)

// kinds as tastytrade spells instrument types.
const (
	equity       = "Equity"
	equityOption = "Equity Option"
	future       = "Future"
	futureOption = "Future Option"
)

// contract is one listed instrument of the fake market.
type contract struct {
	Symbol     string // tastytrade symbol
	Type       string
	Streamer   string
	Underlying string // the underlying's tastytrade symbol (options)
	Expiry     time.Time
	Date       string // expiration date YYYY-MM-DD
	Right      pricing.Right
	Strike     float64
	Mult       float64
	Tick       float64
	Settlement string // AM or PM
}

var newYork = func() *time.Location {
	l, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return l
}()

// listing builds the fake market's instruments.
func listing() (map[string]*contract, []*contract) {
	all := map[string]*contract{}
	var order []*contract
	add := func(c *contract) {
		all[c.Symbol] = c
		order = append(order, c)
	}
	add(&contract{Symbol: "SPY", Type: equity, Streamer: "SPY", Mult: 1, Tick: 0.01})
	add(&contract{Symbol: "QQQ", Type: equity, Streamer: "QQQ", Mult: 1, Tick: 0.01})
	for _, date := range []string{"2026-12-18", "2027-01-15", "2027-02-19"} {
		d, _ := time.ParseInLocation(time.DateOnly, date, newYork)
		exp := d.Add(16 * time.Hour)
		for k := 570.0; k <= 630; k += 5 {
			for _, right := range []pricing.Right{pricing.Call, pricing.Put} {
				rl := "C"
				if right == pricing.Put {
					rl = "P"
				}
				sym := fmt.Sprintf("%-6s%s%s%08d", "SPY", d.Format("060102"), rl, int(k*1000))
				streamer := fmt.Sprintf(".SPY%s%s%g", d.Format("060102"), rl, k)
				add(&contract{Symbol: sym, Type: equityOption, Streamer: streamer, Underlying: "SPY", Expiry: exp,
					Date: date, Right: right, Strike: k, Mult: 100, Tick: 0.01, Settlement: "PM"})
			}
		}
	}
	add(&contract{Symbol: "/ESZ6", Type: future, Streamer: "/ESZ26:XCME", Mult: 50, Tick: 0.25,
		Date: "2026-12-18", Expiry: time.Date(2026, 12, 18, 9, 30, 0, 0, newYork)})
	d := time.Date(2026, 12, 18, 0, 0, 0, 0, newYork)
	for k := 5900.0; k <= 6100; k += 50 {
		for _, right := range []pricing.Right{pricing.Call, pricing.Put} {
			rl := "C"
			if right == pricing.Put {
				rl = "P"
			}
			sym := fmt.Sprintf("./ESZ6 EW3Z6 261218%s%g", rl, k)
			streamer := fmt.Sprintf("./EW3Z26%s%g:XCME", rl, k)
			add(&contract{Symbol: sym, Type: futureOption, Streamer: streamer, Underlying: "/ESZ6",
				Expiry: d.Add(16 * time.Hour), Date: "2026-12-18", Right: right, Strike: k, Mult: 50, Tick: 0.25,
				Settlement: "PM"})
		}
	}
	return all, order
}

// quote is a two-sided market on the tick grid.
type quote struct{ Bid, Ask, Last float64 }

func roundTo(x, tick float64) float64 { return math.Round(x/tick) * tick }

// value is the fake's fair value of c at time now with the underlying prices under.
func value(c *contract, now time.Time, under map[string]float64) float64 {
	switch c.Type {
	case equity, future:
		return under[c.Symbol]
	}
	s := under[c.Underlying]
	years := c.Expiry.Sub(now).Hours() / (24 * 365)
	if years <= 0 {
		if c.Right == pricing.Call {
			return math.Max(0, s-c.Strike)
		}
		return math.Max(0, c.Strike-s)
	}
	o := pricing.Option{Style: pricing.European, Right: c.Right, Spot: s, Strike: c.Strike, Years: years,
		Rate: 0.04, Carry: 0.04, Vol: 0.20}
	if c.Type == futureOption {
		o.Underlying = pricing.Futures
	}
	v, err := pricing.Price(o)
	if err != nil {
		return 0
	}
	return v
}

// quoteOf is c's market: one tick either side of fair value for the underlyings, a few
// ticks for options (never below one tick bid).
func quoteOf(c *contract, now time.Time, under map[string]float64) quote {
	v := value(c, now, under)
	half := c.Tick
	if c.Type == equityOption || c.Type == futureOption {
		half = 3 * c.Tick
	}
	bid := roundTo(v-half, c.Tick)
	ask := roundTo(v+half, c.Tick)
	if bid < c.Tick {
		bid = c.Tick
	}
	if ask <= bid {
		ask = bid + c.Tick
	}
	return quote{Bid: bid, Ask: ask, Last: roundTo(v, c.Tick)}
}

func d(x float64) string { return decimal.NewFromFloat(x).Round(6).String() }

// onGrid says whether p is a multiple of tick.
func onGrid(p decimal.Decimal, tick float64) bool {
	t := decimal.NewFromFloat(tick)
	return p.Mod(t).IsZero()
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
