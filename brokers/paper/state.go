package paper

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
)

// stateVersion is the version of the saved state's layout.
const stateVersion = 1

// account is everything the paper account remembers between runs, apart from the
// market (saved beside it as the market's own State bytes).
type account struct {
	Version  int    `json:"version"`
	Account  string `json:"account"`
	Seed     uint64 `json:"seed"`
	Market   []byte `json:"market"`
	Now      time.Time
	Speed    float64
	Paused   bool
	Cash     decimal.Decimal
	Realized decimal.Decimal // realized P&L since the account opened, after costs
	Opened   time.Time       // market time the account opened

	// The pieces below are rows of their own (see rows.go); they are in this struct's
	// JSON only in the one-blob layout of Keel before the rows, read once to migrate it.
	Positions   map[string]*position `json:",omitempty"`
	Orders      []*order             `json:",omitempty"`
	Fills       []brokers.Fill       `json:",omitempty"`
	Settlements []brokers.Settlement `json:",omitempty"`
	// LastClose is the last session close whose end-of-day work (day orders, early
	// assignment) is done.
	LastClose time.Time
	// Dividends lists "ROOT YYYY-MM-DD" ex-dividend dates already paid or charged.
	Dividends map[string]bool

	unsaved unsaved // what changed since the last save (not saved itself)
}

// position is one holding, kept as FIFO lots so realized P&L is exact: an average
// price would need a division. Lots all have the position's sign.
type position struct {
	Symbol     string
	Instrument instrument.Instrument
	Quantity   int64
	Lots       []lot
}

// lot is a part of a position opened at one price (per unit of the underlying).
type lot struct {
	Quantity int64
	Price    decimal.Decimal
	Opened   time.Time
}

// cost is Σ lot price × quantity (signed), per unit of the underlying.
func (p *position) cost() decimal.Decimal {
	c := decimal.Zero
	for _, l := range p.Lots {
		c = c.Add(l.Price.Mul(decimal.NewFromInt(l.Quantity)))
	}
	return c
}

// avgPrice is the average open price, rounded to 6 places for display.
func (p *position) avgPrice() decimal.Decimal {
	if p.Quantity == 0 {
		return decimal.Zero
	}
	return p.cost().DivRound(decimal.NewFromInt(p.Quantity), 6)
}

func (p *position) opened() time.Time {
	if len(p.Lots) == 0 {
		return time.Time{}
	}
	return p.Lots[0].Opened
}

// order is one order and the session it belongs to (a Day order ends at that close).
type order struct {
	Status  brokers.OrderStatus
	Session time.Time // the close of the session the order was placed in
}

func newAccount(name string, seed uint64, cash decimal.Decimal, now time.Time) *account {
	return &account{
		Version: stateVersion, Account: name, Seed: seed, Cash: cash, Opened: now,
		Positions: map[string]*position{}, Dividends: map[string]bool{},
	}
}

func (a *account) marshal() ([]byte, error) { return json.Marshal(a) }

func unmarshalAccount(b []byte) (*account, error) {
	var a account
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("paper broker: reading the saved account: %w", err)
	}
	if a.Version != stateVersion {
		return nil, fmt.Errorf("paper broker: saved account has layout version %d, this Keel reads %d", a.Version, stateVersion)
	}
	if a.Positions == nil {
		a.Positions = map[string]*position{}
	}
	if a.Dividends == nil {
		a.Dividends = map[string]bool{}
	}
	return &a, nil
}

// newID is an order, fill or settlement id: the prefix and 80 random bits. Two Keel
// processes on one journal, or a paper account opened again under the same name, never
// hand out the same id, so the journal never takes one fill for another.
func newID(prefix string) string {
	var b [10]byte
	rand.Read(b[:])
	return prefix + "-" + base32.StdEncoding.EncodeToString(b[:])
}

func (a *account) orderID() string      { return newID("PO") }
func (a *account) fillID() string       { return newID("PF") }
func (a *account) settlementID() string { return newID("PS") }

func (a *account) findOrder(id string) *order {
	for _, o := range a.Orders {
		if o.Status.ID == id {
			return o
		}
	}
	return nil
}

func (a *account) findClientID(clientID string) *order {
	if clientID == "" {
		return nil
	}
	for _, o := range a.Orders {
		if o.Status.Order.ClientID == clientID {
			return o
		}
	}
	return nil
}

// sortedPositions lists the positions by symbol.
func (a *account) sortedPositions() []*position {
	out := make([]*position, 0, len(a.Positions))
	for _, p := range a.Positions {
		out = append(out, p)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Symbol < out[k].Symbol })
	return out
}

func dec(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

// trade books qty (signed, bought positive) of in at price (per unit of the
// underlying). Cash pays the premium of stocks and options; futures move no cash when
// opened (their open P&L is marked into net liquidation) and settle their realized P&L
// into cash when reduced. Closing takes the oldest lots first and realizes
// (price − lot price) × closed quantity × multiplier. Costs come off cash and realized
// P&L. It returns the realized P&L before costs.
func (a *account) trade(sym string, in instrument.Instrument, qty int64, price, costs decimal.Decimal, at time.Time) decimal.Decimal {
	mult := dec(in.Multiplier)
	a.unsaved.position(sym)
	p := a.Positions[sym]
	if p == nil {
		p = &position{Symbol: sym, Instrument: in}
		a.Positions[sym] = p
	}
	realized := decimal.Zero
	left := qty
	for left != 0 && len(p.Lots) > 0 && (p.Lots[0].Quantity > 0) != (left > 0) {
		l := &p.Lots[0]
		closed := min(abs(left), abs(l.Quantity)) // units of the lot closed
		if l.Quantity < 0 {
			closed = -closed
		}
		// closed carries the lot's sign: a long lot closed by a sale realizes price − lot.
		realized = realized.Add(price.Sub(l.Price).Mul(decimal.NewFromInt(closed)).Mul(mult))
		l.Quantity -= closed
		left += closed
		if l.Quantity == 0 {
			p.Lots = p.Lots[1:]
		}
	}
	if left != 0 {
		p.Lots = append(p.Lots, lot{Quantity: left, Price: price, Opened: at})
	}
	p.Quantity += qty
	if in.Kind == instrument.Future {
		a.Cash = a.Cash.Add(realized)
	} else {
		a.Cash = a.Cash.Sub(price.Mul(decimal.NewFromInt(qty)).Mul(mult))
	}
	a.Cash = a.Cash.Sub(costs)
	a.Realized = a.Realized.Add(realized).Sub(costs)
	if p.Quantity == 0 {
		delete(a.Positions, sym)
	}
	return realized
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
