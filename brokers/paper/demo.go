package paper

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// Demo describes the book a new paper account opens with, so the app can label it.
type Demo struct {
	Title   string
	Summary string
	Layers  []DemoLayer
}

// DemoLayer is one layer of the demo book: the ClientID of the order that opened it (its
// fills carry it too), the layer's name and directional bias, and what was traded.
type DemoLayer struct {
	ClientID string
	Layer    string
	Bias     string
	What     string
}

// DemoPrefix starts the ClientID of every demo book order.
const DemoPrefix = "demo-"

// DemoBook is the demo book: the layers of the strategy in
// shared/seeds/001 (short calls against short puts, a long-biased futures layer, a
// short-biased VXX layer, and a portfolio hedge that brings the beta-weighted delta to
// about zero). Strikes and sizes are chosen against the simulated market when the account
// opens, and the orders fill at the market like any other.
var DemoBook = Demo{
	Title: "Demo book",
	Summary: "A sample paper book, opened at the market when the account was created: short ES and SPY " +
		"strangles for time decay, a long-biased MES layer, a short-biased VXX layer, and an SH (or SPY) " +
		"hedge sized so the book's SPY-beta-weighted delta is about zero.",
	Layers: []DemoLayer{
		{DemoPrefix + "es-strangle", "ES options", "short",
			"1 short ES strangle on futures options, about 30–45 days, the put near 12 delta and the call near 20 (short-biased)"},
		{DemoPrefix + "mes-long", "MES futures", "long", "2 long MES futures (front quarter)"},
		{DemoPrefix + "spy-strangle", "SPY options", "neutral",
			"2 short SPY puts and 2 short SPY calls, about 30–45 days, near 20 delta"},
		{DemoPrefix + "vxx-calls", "VXX", "short", "3 short VXX calls, about 30–45 days, near 30 delta"},
		{DemoPrefix + "hedge", "Hedge", "short",
			"SH shares (or SPY shares when the book is short) sized to bring the SPY-beta-weighted delta to about zero"},
	},
}

// Demo book targets.
const (
	demoMinDays, demoMaxDays, demoDays = 30, 45, 38
)

// seedDemo opens the demo book with market orders at the current market.
func (b *Broker) seedDemo() error {
	es, err := b.demoStrangle("ES", 0.12, 0.20)
	if err != nil {
		return err
	}
	spy, err := b.demoStrangle("SPY", 0.20, 0.20)
	if err != nil {
		return err
	}
	vxx, err := b.demoOption("VXX", pricing.Call, 0.30)
	if err != nil {
		return err
	}
	mes := b.market.Underlyings()
	var front instrument.Instrument
	for _, in := range mes {
		if in.Root == "MES" && (front.Root == "" || in.Expiry.Before(front.Expiry)) {
			front = in
		}
	}
	if front.Root == "" {
		return fmt.Errorf("paper broker: demo book: the market lists no MES future")
	}
	orders := []brokers.Order{
		{Legs: []brokers.Leg{{Symbol: es[0], Ratio: -1}, {Symbol: es[1], Ratio: -1}}, Quantity: 1},
		{Legs: []brokers.Leg{{Symbol: front.Symbol(), Ratio: 1}}, Quantity: 2},
		{Legs: []brokers.Leg{{Symbol: spy[0], Ratio: -1}, {Symbol: spy[1], Ratio: -1}}, Quantity: 2},
		{Legs: []brokers.Leg{{Symbol: vxx, Ratio: -1}}, Quantity: 3},
	}
	for i, o := range orders {
		l := DemoBook.Layers[i]
		o.ClientID, o.Note, o.Type, o.TIF = l.ClientID, "demo book: "+l.What, brokers.Market, brokers.GTC
		if err := b.demoFill(o); err != nil {
			return err
		}
	}
	// The hedge: SH shares offset a long book, SPY shares a short one.
	net, _ := b.bookDelta()
	hedge := "SH"
	if net < 0 {
		hedge = "SPY"
	}
	in, sym, err := b.resolve(hedge)
	if err != nil {
		return err
	}
	per, err := b.spyDelta(sym, in, 1)
	if err != nil {
		return err
	}
	shares := int64(math.Round(-net / per))
	if shares > 0 {
		l := DemoBook.Layers[4]
		o := brokers.Order{ClientID: l.ClientID, Note: "demo book: " + l.What, Type: brokers.Market, TIF: brokers.GTC,
			Legs: []brokers.Leg{{Symbol: sym, Ratio: 1}}, Quantity: shares}
		if err := b.demoFill(o); err != nil {
			return err
		}
	}
	return nil
}

func (b *Broker) demoFill(o brokers.Order) error {
	st, err := b.place(o)
	if err != nil {
		return fmt.Errorf("paper broker: demo book order %s: %w", o.ClientID, err)
	}
	if st.State != brokers.Filled {
		return fmt.Errorf("paper broker: demo book order %s did not fill: %s", o.ClientID, st.Reason)
	}
	return nil
}

// demoExpiry is the listed expiry of an underlying closest to 38 days out, within 30–45
// days when one is; for ES it looks at the options on both listed futures.
func (b *Broker) demoExpiry(root string) (underlying string, expiry time.Time, err error) {
	var unders []string
	if root == "ES" {
		for _, in := range b.market.Underlyings() {
			if in.Root == "ES" && in.Kind == instrument.Future {
				unders = append(unders, in.Symbol())
			}
		}
	} else {
		unders = []string{root}
	}
	best := math.Inf(1)
	now := b.now()
	for _, u := range unders {
		for _, e := range b.market.Expirations(u) {
			days := e.Sub(now).Hours() / 24
			score := math.Abs(days - demoDays)
			if days < demoMinDays || days > demoMaxDays {
				score += 1000
			}
			if score < best {
				best, underlying, expiry = score, u, e
			}
		}
	}
	if underlying == "" {
		return "", time.Time{}, fmt.Errorf("paper broker: demo book: no %s options listed", root)
	}
	return underlying, expiry, nil
}

// demoOption is the option of root with |delta| nearest target at the demo expiry.
func (b *Broker) demoOption(root string, right pricing.Right, target float64) (string, error) {
	u, exp, err := b.demoExpiry(root)
	if err != nil {
		return "", err
	}
	best, bestSym := math.Inf(1), ""
	for _, q := range b.market.Chain(u, exp) {
		if q.Instrument.Right != right || q.Bid <= 0 {
			continue
		}
		d, err := b.unitDelta(q.Instrument, q.IV)
		if err != nil {
			continue
		}
		if diff := math.Abs(math.Abs(d) - target); diff < best {
			best, bestSym = diff, q.Symbol
		}
	}
	if bestSym == "" {
		return "", fmt.Errorf("paper broker: demo book: no %s %s with a bid", root, strings.ToLower(right.String()))
	}
	return bestSym, nil
}

// demoStrangle is the put and the call of root nearest their target deltas.
func (b *Broker) demoStrangle(root string, putDelta, callDelta float64) ([2]string, error) {
	put, err := b.demoOption(root, pricing.Put, putDelta)
	if err != nil {
		return [2]string{}, err
	}
	call, err := b.demoOption(root, pricing.Call, callDelta)
	return [2]string{put, call}, err
}

// unitDelta is an option's delta per unit at the given implied vol.
func (b *Broker) unitDelta(in instrument.Instrument, iv float64) (float64, error) {
	s, err := b.market.Price(in.Underlying)
	if err != nil {
		return 0, err
	}
	o := pricing.Option{Style: in.Style, Underlying: pricing.Spot, Right: in.Right, Spot: s, Strike: in.Strike,
		Years: instrument.YearFraction(b.now(), in.Expiry), Rate: b.market.Rate(),
		Carry: b.market.Rate() - b.market.DividendYield(in.Root), Vol: iv}
	if in.Kind == instrument.FuturesOption {
		o.Underlying = pricing.Futures
	}
	g, err := pricing.Value(o)
	if err != nil {
		return 0, err
	}
	return g.Delta, nil
}

// spyDelta is qty of in's delta in SPY shares, beta-weighted: quantity × multiplier ×
// delta × underlying price × beta ÷ SPY's price.
func (b *Broker) spyDelta(sym string, in instrument.Instrument, qty int64) (float64, error) {
	spy, err := b.market.Price("SPY")
	if err != nil {
		return 0, err
	}
	delta, under := 1.0, sym
	if in.IsOption() {
		q, err := b.market.Quote(sym)
		if err != nil {
			return 0, err
		}
		if delta, err = b.unitDelta(in, q.IV); err != nil {
			return 0, err
		}
		under = in.Underlying
	}
	s, err := b.market.Price(under)
	if err != nil {
		return 0, err
	}
	beta := in.Beta
	if in.Benchmark == "" {
		beta = 1
	}
	return float64(qty) * in.Multiplier * delta * s * beta / spy, nil
}

// bookDelta is the book's beta-weighted delta in SPY shares, net and gross (the sum of
// the positions' absolute deltas).
func (b *Broker) bookDelta() (net, gross float64) {
	for _, p := range b.acct.Positions {
		d, err := b.spyDelta(p.Symbol, p.Instrument, p.Quantity)
		if err != nil {
			continue
		}
		net += d
		gross += math.Abs(d)
	}
	return net, gross
}
