package tastytrade

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
)

// CheckReport is what the read-only health check saw. Its JSON is a contract (the
// `keel broker check --json` output): keep the field names.
type CheckReport struct {
	Broker   string         `json:"broker"`
	Accounts []CheckAccount `json:"accounts"`
	Quotes   []CheckQuote   `json:"quotes"`
}

// CheckAccount is one account's balances (read after the watch) and positions.
type CheckAccount struct {
	Account        string          `json:"account"`
	NetLiquidation decimal.Decimal `json:"net_liquidation"`
	Cash           decimal.Decimal `json:"cash"`
	Positions      []CheckPosition `json:"positions"`
}

// CheckPosition is one position; Quantity is signed (short negative), AverageOpenPrice per
// unit of the underlying.
type CheckPosition struct {
	Symbol           string          `json:"symbol"`
	StreamerSymbol   string          `json:"streamer_symbol"`
	Quantity         int64           `json:"quantity"`
	Multiplier       float64         `json:"multiplier"`
	AverageOpenPrice decimal.Decimal `json:"average_open_price"`
}

// CheckQuote is the last streamed quote of a position's symbol during the watch.
type CheckQuote struct {
	Symbol string          `json:"symbol"`
	Bid    decimal.Decimal `json:"bid"`
	Ask    decimal.Decimal `json:"ask"`
	At     time.Time       `json:"at"`
}

// Check is the read-only health check: it logs in, lists the accounts with their balances
// and positions, streams quotes of the positions for watch, then reads the balances again
// (long enough a watch outlives a short-lived access token). It never places an order.
func Check(ctx context.Context, cfg Config, watch time.Duration) (CheckReport, error) {
	b, err := New(cfg)
	if err != nil {
		return CheckReport{}, err
	}
	defer b.Close()
	rep := CheckReport{Broker: b.Name(), Accounts: []CheckAccount{}, Quotes: []CheckQuote{}}
	var accounts items[wireAccount]
	if err := b.api.get(ctx, "/customers/me/accounts", nil, &accounts); err != nil {
		return rep, fmt.Errorf("tastytrade: listing accounts: %w", err)
	}
	if b.cfg.Account == "" {
		// The check reads every account; its session (the account streamer) needs one.
		for _, a := range accounts.Items {
			if !a.Account.IsClosed {
				b.cfg.Account = a.Account.AccountNumber
				break
			}
		}
	}
	if err := b.Connect(ctx); err != nil {
		return rep, err
	}
	var refs []ref
	for _, a := range accounts.Items {
		if a.Account.IsClosed {
			continue
		}
		n := a.Account.AccountNumber
		ps, err := b.positions(ctx, n)
		if err != nil {
			return rep, fmt.Errorf("tastytrade: positions of %s: %w", n, err)
		}
		ca := CheckAccount{Account: n, Positions: []CheckPosition{}}
		for _, p := range ps {
			r, _ := b.refByKeel(p.Symbol)
			ca.Positions = append(ca.Positions, CheckPosition{Symbol: p.Symbol, StreamerSymbol: r.Streamer,
				Quantity: p.Quantity, Multiplier: p.Instrument.Multiplier, AverageOpenPrice: p.AveragePrice})
			if r.Streamer != "" {
				refs = append(refs, r)
			}
		}
		rep.Accounts = append(rep.Accounts, ca)
	}
	b.dx.add(refs)
	last := map[string]brokers.Quote{}
	timer := time.NewTimer(watch)
	defer timer.Stop()
watching:
	for {
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-timer.C:
			break watching
		case ev := <-b.Events():
			if q, ok := ev.(*brokers.QuoteEvent); ok {
				last[q.Quote.Symbol] = q.Quote
			}
		}
	}
	for i, ca := range rep.Accounts {
		a, err := b.balances(ctx, ca.Account)
		if err != nil {
			return rep, fmt.Errorf("tastytrade: balances of %s after watching: %w", ca.Account, err)
		}
		rep.Accounts[i].NetLiquidation, rep.Accounts[i].Cash = a.NetLiquidation, a.Cash
	}
	for _, q := range last {
		rep.Quotes = append(rep.Quotes, CheckQuote{Symbol: q.Symbol, Bid: q.Bid, Ask: q.Ask, At: q.Time})
	}
	sort.Slice(rep.Quotes, func(i, j int) bool { return rep.Quotes[i].Symbol < rep.Quotes[j].Symbol })
	return rep, nil
}

// CheckCommand runs `keel broker check --broker tastytrade [--for DURATION] [--json]` with
// the endpoints and credentials from the environment (or the keyring) and returns the exit
// code: 0 healthy, 1 the check failed (a rejected token says so), 2 bad usage.
func CheckCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keel broker check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	broker := fs.String("broker", "", "the broker to check: tastytrade")
	watch := fs.Duration("for", 10*time.Second, "how long to watch the quotes")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *broker != "tastytrade" {
		fmt.Fprintf(stderr, "keel broker check: --broker must be tastytrade (got %q)\n", *broker)
		return 2
	}
	if *watch < 0 {
		fmt.Fprintln(stderr, "keel broker check: --for must not be negative")
		return 2
	}
	cfg, err := ConfigFromEnv()
	if err != nil {
		fmt.Fprintf(stderr, "keel broker check: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), *watch+2*time.Minute)
	defer cancel()
	rep, err := Check(ctx, cfg, *watch)
	if err != nil {
		switch {
		case errors.Is(err, ErrTokenRejected):
			fmt.Fprintln(stderr, "keel broker check: tastytrade rejected the refresh token or client secret; create a new grant and connect again")
		default:
			var ue *url.Error
			if errors.As(err, &ue) {
				fmt.Fprintf(stderr, "keel broker check: cannot reach tastytrade: %v\n", ue.Err)
			} else {
				fmt.Fprintf(stderr, "keel broker check: %v\n", err)
			}
		}
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "keel broker check: %v\n", err)
			return 1
		}
		return 0
	}
	for _, a := range rep.Accounts {
		fmt.Fprintf(stdout, "%s  net liquidation %s  cash %s  %d positions\n", a.Account, a.NetLiquidation.StringFixed(2),
			a.Cash.StringFixed(2), len(a.Positions))
		for _, p := range a.Positions {
			fmt.Fprintf(stdout, "  %-28s %6d × %-6g avg %s\n", p.Symbol, p.Quantity, p.Multiplier, p.AverageOpenPrice)
		}
	}
	fmt.Fprintf(stdout, "%d quotes streamed in %s; no order was placed\n", len(rep.Quotes), *watch)
	return 0
}
