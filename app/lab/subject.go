package lab

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/engine/hedge"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/lab"
	"github.com/keel-desk/keel/engine/portfolio"
	"github.com/keel-desk/keel/engine/pricing"
)

// Subject is what the lab hedges: its experiment position, the hedge it trades, the scope
// a chosen policy is kept for (a layer's name, desk.BookScope, or "" for a ready example)
// and what was left out of it, in words.
type Subject struct {
	Name     string
	Position lab.Position
	Hedge    hedge.Instrument
	Scope    string
	Notes    []string
}

// bookScope names the whole book in the subject list.
const bookName = "The whole book"

// FromPositions converts the options among ps (a layer's, or the book's) into one lab
// position. The lab hedges one underlying at a time: options on several underlyings, or
// none at all, are an error saying so. Stocks and futures (the hedges already held) are
// left out and named in Notes; the horizon is the last expiry and the paths' volatility
// the legs' contract-weighted implied vol.
func FromPositions(name, scope string, ps []portfolio.PositionRisk, rate float64) (Subject, error) {
	var opts []portfolio.PositionRisk
	var notes []string
	unders := map[string]bool{}
	for _, p := range ps {
		switch {
		case p.Err != nil:
			notes = append(notes, fmt.Sprintf("%s left out: %v", p.Instrument.Symbol(), p.Err))
		case !p.Instrument.IsOption():
			notes = append(notes, fmt.Sprintf("%s (%s, %s) left out: the lab hedges options; the hedge is chosen below",
				p.Instrument.Symbol(), p.Instrument.Kind, signed(p.Quantity)))
		case p.Years <= 0:
			notes = append(notes, p.Instrument.Symbol()+" left out: expired")
		default:
			opts = append(opts, p)
			unders[p.Underlying] = true
		}
	}
	if len(opts) == 0 {
		return Subject{}, fmt.Errorf("%s holds no live options: the lab has nothing to hedge", name)
	}
	if len(unders) > 1 {
		var u []string
		for k := range unders {
			u = append(u, k)
		}
		sort.Strings(u)
		return Subject{}, fmt.Errorf("%s holds options on %s: the lab hedges one underlying at a time — pick a layer on one underlying",
			name, strings.Join(u, " and "))
	}
	first := opts[0]
	root := first.Instrument.Root
	pos := lab.Position{Name: name, Spot: first.UnderlyingPrice, Multiplier: first.Instrument.Multiplier, Rate: rate,
		Underlying: pricing.Spot}
	if first.Instrument.Kind == instrument.FuturesOption {
		pos.Underlying = pricing.Futures
	}
	var volSum, qtySum float64
	for _, p := range opts {
		if p.Instrument.Multiplier != pos.Multiplier {
			return Subject{}, fmt.Errorf("%s mixes option multipliers %g and %g on %s: the lab takes one", name,
				pos.Multiplier, p.Instrument.Multiplier, root)
		}
		pos.Legs = append(pos.Legs, lab.Leg{Right: p.Instrument.Right, Strike: p.Instrument.Strike, Quantity: p.Quantity,
			Years: p.Years, Vol: p.Vol})
		pos.Years = math.Max(pos.Years, p.Years)
		volSum += math.Abs(p.Quantity) * p.Vol
		qtySum += math.Abs(p.Quantity)
	}
	pos.Vol = volSum / qtySum
	if err := pos.Validate(); err != nil {
		return Subject{}, fmt.Errorf("%s: %w", name, err)
	}
	h, err := hedgeFor(root, pos)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: %w", name, err)
	}
	return Subject{Name: name, Position: pos, Hedge: h, Scope: scope, Notes: notes}, nil
}

// hedgeFor is the instrument options on root are hedged with: ES and MES futures for ES
// and MES options, the shares themselves for stock and ETF options.
func hedgeFor(root string, pos lab.Position) (hedge.Instrument, error) {
	if pos.Underlying == pricing.Futures {
		if root != "ES" && root != "MES" {
			return hedge.Instrument{}, fmt.Errorf("the lab hedges futures options on ES and MES only, not %s", root)
		}
		return lab.ESFutures(pos.Spot)
	}
	if root == "SPY" {
		return lab.SPYShares(), nil
	}
	// The same retail costs as SPY's: no commission, half a cent of spread a share.
	return hedge.Shares(root, 0, 0.005), nil
}

// Subjects are what the trader can pick from: the lab's ready examples, each configured
// layer of the snapshot and the whole book. A layer or book the lab cannot express is
// listed with its reason as the error.
type choice struct {
	Label   string
	Subject Subject
	Err     error
}

func choices(snap *desk.Snapshot) []choice {
	var out []choice
	for _, p := range lab.Presets {
		e, err := p.Experiment()
		out = append(out, choice{Label: "Example: " + p.Description, Subject: Subject{Name: p.Description,
			Position: e.Position, Hedge: e.Hedge}, Err: err})
	}
	if snap == nil {
		return out
	}
	for _, l := range snap.Book.Layers {
		if !l.Configured || len(l.Positions) == 0 {
			continue
		}
		var ps []portfolio.PositionRisk
		for _, i := range l.Positions {
			ps = append(ps, snap.Book.Positions[i])
		}
		name := "Layer " + l.Layer.Name
		s, err := FromPositions(name, l.Layer.Name, ps, snap.Book.Rate)
		out = append(out, choice{Label: name, Subject: s, Err: err})
	}
	if len(snap.Book.Positions) > 0 {
		s, err := FromPositions(bookName, desk.BookScope, snap.Book.Positions, snap.Book.Rate)
		out = append(out, choice{Label: bookName, Subject: s, Err: err})
	}
	return out
}

func signed(q float64) string { return fmt.Sprintf("%+g", q) }
