package tastytrade

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/engine/instrument"
	"github.com/keel-desk/keel/engine/pricing"
)

// ref ties one instrument's names together: Keel's symbol, tastytrade's symbol and
// instrument type, and the DXLink streamer symbol.
type ref struct {
	Keel     string
	TT       string
	Type     string
	Streamer string
	In       instrument.Instrument
}

// remember files r under all three names.
func (b *Broker) remember(r ref) {
	b.symMu.Lock()
	defer b.symMu.Unlock()
	b.byKeel[r.Keel] = r
	b.byTT[r.TT] = r
	if r.Streamer != "" {
		b.byStreamer[r.Streamer] = r
	}
}

func (b *Broker) refByKeel(sym string) (ref, bool) {
	b.symMu.Lock()
	defer b.symMu.Unlock()
	r, ok := b.byKeel[sym]
	return r, ok
}

func (b *Broker) refByTT(sym string) (ref, bool) {
	b.symMu.Lock()
	defer b.symMu.Unlock()
	r, ok := b.byTT[sym]
	return r, ok
}

func (b *Broker) refByStreamer(sym string) (ref, bool) {
	b.symMu.Lock()
	defer b.symMu.Unlock()
	r, ok := b.byStreamer[sym]
	return r, ok
}

func unknown(sym, why string) error {
	return fmt.Errorf("%w: %s (%s)", brokers.ErrUnknownSymbol, sym, why)
}

// resolve finds the ref of a Keel symbol, asking the API when it is not cached.
func (b *Broker) resolve(ctx context.Context, sym string) (ref, error) {
	if r, ok := b.refByKeel(sym); ok {
		return r, nil
	}
	in, err := instrument.Parse(sym, b.cfg.Now())
	if err != nil {
		return ref{}, unknown(sym, err.Error())
	}
	switch in.Kind {
	case instrument.Stock:
		var w wireEquity
		if err := b.api.get(ctx, "/instruments/equities/"+url.PathEscape(in.Root), nil, &w); err != nil {
			if isStatus(err, 404) {
				return ref{}, unknown(sym, "tastytrade lists no such equity")
			}
			return ref{}, err
		}
		r := ref{Keel: in.Symbol(), TT: w.Symbol, Type: ttEquity, Streamer: orDefault(w.StreamerSymbol, w.Symbol), In: in}
		b.remember(r)
		return r, nil
	case instrument.Option:
		occ := in.Symbol()
		var w wireEquityOption
		if err := b.api.get(ctx, "/instruments/equity-options/"+url.PathEscape(occ), nil, &w); err != nil {
			if isStatus(err, 404) {
				return ref{}, unknown(sym, "tastytrade lists no such option")
			}
			return ref{}, err
		}
		r, err := equityOptionRef(w.Symbol, w.StreamerSymbol)
		if err != nil {
			return ref{}, unknown(sym, err.Error())
		}
		b.remember(r)
		return r, nil
	case instrument.Future:
		var w wireFuture
		if err := b.api.get(ctx, "/instruments/futures/"+url.PathEscape(in.Symbol()), nil, &w); err != nil {
			if isStatus(err, 404) {
				return ref{}, unknown(sym, "tastytrade lists no such future")
			}
			return ref{}, err
		}
		r := ref{Keel: in.Symbol(), TT: w.Symbol, Type: ttFuture, Streamer: w.StreamerSymbol, In: in}
		b.remember(r)
		return r, nil
	case instrument.FuturesOption:
		// tastytrade's futures option symbols carry an option root (EW4, E1A…) Keel's
		// notation does not: find the contract in its chain.
		if _, err := b.futuresChain(ctx, in.Root); err != nil {
			return ref{}, err
		}
		if r, ok := b.refByKeel(in.Symbol()); ok {
			return r, nil
		}
		return ref{}, unknown(sym, "not in tastytrade's "+in.Root+" futures option chain")
	}
	return ref{}, unknown(sym, "unsupported kind")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// equityOptionRef is the ref of an OCC option symbol as tastytrade spells it.
func equityOptionRef(ttSym, streamer string) (ref, error) {
	in, err := instrument.ParseOCC(ttSym)
	if err != nil {
		return ref{}, err
	}
	return ref{Keel: in.Symbol(), TT: ttSym, Type: ttEquityOption, Streamer: streamer, In: in}, nil
}

// futureRef is the ref of a future ("/ESZ6"); ref time resolves the one-digit year.
func futureRef(ttSym, streamer string, now time.Time) (ref, error) {
	in, err := instrument.ParseFutures(strings.TrimPrefix(ttSym, "/"), now)
	if err != nil {
		return ref{}, err
	}
	return ref{Keel: in.Symbol(), TT: ttSym, Type: ttFuture, Streamer: streamer, In: in}, nil
}

// futuresOptionRef builds the ref of a futures option from its chain entry: the future
// it delivers ("/ESZ6"), its expiry date, settlement (AM/PM), right and strike.
func futuresOptionRef(ttSym, streamer, future, date, settlement string, right pricing.Right, strike float64) (ref, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ref{}, fmt.Errorf("expiration date %q: %w", date, err)
	}
	code, err := instrument.ParseFuturesCode(strings.TrimPrefix(future, "/"), d)
	if err != nil {
		return ref{}, err
	}
	in, err := instrument.NewFuturesOption(code, right, strike, d.Year(), d.Month(), d.Day(), strings.EqualFold(settlement, "AM"))
	if err != nil {
		return ref{}, err
	}
	return ref{Keel: in.Symbol(), TT: ttSym, Type: ttFutureOption, Streamer: streamer, In: in}, nil
}

// refOfPosition maps a position's (or an order leg's) tastytrade symbol to its ref,
// asking the instruments endpoint for futures options not seen in a chain yet.
func (b *Broker) refOfTT(ctx context.Context, ttSym, ttType string) (ref, error) {
	if r, ok := b.refByTT(ttSym); ok {
		return r, nil
	}
	var r ref
	var err error
	switch ttType {
	case ttEquity:
		return b.resolve(ctx, ttSym)
	case ttEquityOption:
		r, err = equityOptionRef(ttSym, "")
		if err == nil {
			if full, e := b.resolve(ctx, r.Keel); e == nil {
				return full, nil
			}
		}
	case ttFuture:
		var w wireFuture
		if err := b.api.get(ctx, "/instruments/futures/"+url.PathEscape(strings.TrimPrefix(ttSym, "/")), nil, &w); err != nil {
			return ref{}, err
		}
		r, err = futureRef(ttSym, w.StreamerSymbol, b.cfg.Now())
	case ttFutureOption:
		var w wireFutureOption
		if err := b.api.get(ctx, "/instruments/future-options/"+url.PathEscape(ttSym), nil, &w); err != nil {
			return ref{}, err
		}
		right, ok := rightOf(w.OptionType)
		if !ok {
			return ref{}, fmt.Errorf("tastytrade: %s has option type %q", ttSym, w.OptionType)
		}
		k, _ := w.StrikePrice.D.Float64()
		r, err = futuresOptionRef(ttSym, w.StreamerSymbol, w.UnderlyingSymbol, w.ExpirationDate, w.SettlementType, right, k)
	default:
		return ref{}, fmt.Errorf("tastytrade: %s is a %q, which Keel does not trade", ttSym, ttType)
	}
	if err != nil {
		return ref{}, fmt.Errorf("tastytrade: symbol %q: %w", ttSym, err)
	}
	b.remember(r)
	return r, nil
}

func rightOf(s string) (pricing.Right, bool) {
	switch strings.ToUpper(s) {
	case "C", "CALL":
		return pricing.Call, true
	case "P", "PUT":
		return pricing.Put, true
	}
	return pricing.Call, false
}

// equityChain is the nested option chain of a stock or ETF, cached with every contract.
func (b *Broker) equityChain(ctx context.Context, under string) (wireNestedChain, error) {
	var w items[wireNestedChain]
	if err := b.api.get(ctx, "/option-chains/"+url.PathEscape(under)+"/nested", nil, &w); err != nil {
		if isStatus(err, 404) {
			return wireNestedChain{}, unknown(under, "no option chain")
		}
		return wireNestedChain{}, err
	}
	if len(w.Items) == 0 {
		return wireNestedChain{}, unknown(under, "no option chain")
	}
	// Several items are the standard and adjusted roots; Keel trades the standard one.
	ch := w.Items[0]
	for _, it := range w.Items {
		if it.RootSymbol == under {
			ch = it
		}
	}
	for _, e := range ch.Expirations {
		for _, k := range e.Strikes {
			for _, c := range [][2]string{{k.Call, k.CallStreamerSymbol}, {k.Put, k.PutStreamerSymbol}} {
				if c[0] == "" {
					continue
				}
				if r, err := equityOptionRef(c[0], c[1]); err == nil {
					b.remember(r)
				}
			}
		}
	}
	return ch, nil
}

// futuresChain is the futures option chain of a product (ES), cached with every contract.
func (b *Broker) futuresChain(ctx context.Context, root string) (wireFuturesChains, error) {
	var w wireFuturesChains
	if err := b.api.get(ctx, "/futures-option-chains/"+url.PathEscape(root)+"/nested", nil, &w); err != nil {
		if isStatus(err, 404) {
			return w, unknown(root, "no futures option chain")
		}
		return w, err
	}
	now := b.cfg.Now()
	for _, f := range w.Futures {
		if r, err := futureRef(f.Symbol, f.StreamerSymbol, now); err == nil {
			b.remember(r)
		}
	}
	for _, ch := range w.OptionChains {
		for _, e := range ch.Expirations {
			for _, k := range e.Strikes {
				strike, _ := k.StrikePrice.D.Float64()
				for _, c := range []struct {
					sym, streamer string
					right         pricing.Right
				}{{k.Call, k.CallStreamerSymbol, pricing.Call}, {k.Put, k.PutStreamerSymbol, pricing.Put}} {
					if c.sym == "" {
						continue
					}
					r, err := futuresOptionRef(c.sym, c.streamer, e.UnderlyingSymbol, e.ExpirationDate, e.SettlementType, c.right, strike)
					if err != nil {
						b.cfg.Logf("tastytrade: skipping %s: %v", c.sym, err)
						continue
					}
					b.remember(r)
				}
			}
		}
	}
	return w, nil
}
