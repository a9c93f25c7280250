package desk

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/engine/portfolio"
)

// PaperOptions open the paper account for a run. The zero value is the real thing: the
// account saved in the journal file (or a new one with the demo book), its market clock
// running at its saved speed from its saved market time.
type PaperOptions struct {
	Seed   uint64    // a new account's market seed
	Start  time.Time // a new account's market start; zero means now
	Paused bool      // start with the market clock stopped (screenshots)
	Manual bool      // the market moves only when told (tests)
	// Observe opens a saved account without saving it back, so a second process (keel
	// checklist) can read the account while the app trades it. A journal without a paper
	// account still gets its new one saved.
	Observe bool
	// Commissions are the paper account's rates (the Settings window's); nil means
	// paper.DefaultCommissions().
	Commissions *paper.Commissions
	// Settings reads the trader's Settings from the journal and applies them: the
	// commissions to the paper account (unless Commissions is set), the betas, limits and
	// benchmark to the desk. Settings that cannot be read leave the defaults and are named
	// among the snapshot's problems.
	Settings bool
}

// DividendYields are the yields the desk prices stock and ETF options with until the
// settings window lets the trader change them (trailing 12-month yields, rounded).
var DividendYields = map[string]float64{"SPY": 0.012, "QQQ": 0.006}

// StartPaper opens the paper account kept in j (in memory only when j is nil) and starts
// the desk on it, journaling fills into j. stop closes the desk and saves the account; a
// save that fails then is printed on standard error (while the desk runs, the snapshot's
// problems show it).
func StartPaper(j *data.Journal, opt PaperOptions) (d *Service, stop func(), err error) {
	settings, settingsErr := DefaultSettings(), error(nil)
	if opt.Settings {
		settings, settingsErr = LoadSettings(context.Background(), j)
		if opt.Commissions == nil {
			opt.Commissions = settings.PaperCommissions()
		}
	}
	cfg := paper.Config{Seed: opt.Seed, Start: opt.Start, Manual: opt.Manual, Commissions: opt.Commissions}
	if j != nil {
		cfg.Store = j
		if opt.Observe {
			saved, err := j.LoadPaper(context.Background(), paper.DefaultAccount)
			if err != nil {
				return nil, nil, fmt.Errorf("paper account: %w", err)
			}
			o := &observedStore{j: j}
			o.fresh.Store(len(saved) == 0)
			cfg.Store = o
		}
	}
	b, err := paper.New(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("paper account: %w", err)
	}
	if opt.Paused {
		b.SetPaused(true)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if j != nil {
		if err := seedDemoLayers(ctx, j, b); err != nil {
			b.Close()
			return nil, nil, err
		}
	}
	d, err = Start(ctx, Config{Broker: b, Journal: j, DividendYield: DividendYields})
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	if opt.Settings {
		settings.Apply(d)
		if settingsErr != nil {
			d.post(func() { d.addProblem("settings", settingsErr.Error()+" — using the defaults"); d.st.dirty = true })
		}
	}
	return d, func() {
		d.Close()
		if err := b.Close(); err != nil {
			// The windows are gone: the terminal is the last place to say it.
			fmt.Fprintf(os.Stderr, "Keel: the paper account's last changes were not saved: %v\n", err)
		}
	}, nil
}

// seedDemoLayers files the demo book's positions into its layers the first time a paper
// account with the demo book meets a journal without layers for it. Layers the trader has
// made are never touched.
func seedDemoLayers(ctx context.Context, j *data.Journal, b *paper.Broker) error {
	if err := b.Connect(ctx); err != nil {
		return fmt.Errorf("paper account: %w", err)
	}
	acct, err := b.Account(ctx)
	if err != nil {
		return fmt.Errorf("paper account: %w", err)
	}
	book := data.Book(b.Name(), acct.ID)
	have, err := j.Layers(ctx, book)
	if err != nil || len(have) > 0 {
		return err
	}
	fills, err := b.Fills(ctx, time.Time{})
	if err != nil {
		return fmt.Errorf("paper account: %w", err)
	}
	for _, dl := range paper.DemoBook.Layers {
		var symbols, unders []string
		seen := map[string]bool{}
		for _, f := range fills {
			if f.ClientID != dl.ClientID || seen[f.Symbol] {
				continue
			}
			seen[f.Symbol] = true
			symbols = append(symbols, f.Symbol)
			u := f.Instrument.Underlying
			if u == "" {
				u = f.Symbol
			}
			if !seen["u:"+u] {
				seen["u:"+u] = true
				unders = append(unders, u)
			}
		}
		if len(symbols) == 0 {
			continue // a demo book without this layer (the hedge may be unnecessary)
		}
		bias, err := portfolio.ParseBias(dl.Bias)
		if err != nil {
			return fmt.Errorf("demo layers: %s: %w", dl.Layer, err)
		}
		if dl.ClientID == paper.DemoPrefix+"hedge" && symbols[0] == "SPY" {
			bias = portfolio.Long // a short demo book is hedged with SPY shares, not SH
		}
		l := portfolio.Layer{Name: dl.Layer, Bias: bias, Underlyings: unders, HedgeInstrument: unders[0], Notes: dl.What}
		if err := j.SaveLayer(ctx, book, "", l); err != nil {
			return fmt.Errorf("demo layers: %w", err)
		}
		if err := j.AssignLayer(ctx, book, symbols, dl.Layer); err != nil {
			return fmt.Errorf("demo layers: %w", err)
		}
	}
	return nil
}

// observedStore reads the paper account from the journal and never writes it back — but
// for a journal without one (fresh): its first save, the new account as paper.New makes
// it, is kept, so the app later opens that account with its clock running, not in the
// state the observer left it (paused, an hour on).
type observedStore struct {
	j     *data.Journal
	fresh atomic.Bool
}

func (o *observedStore) LoadPaper(ctx context.Context, account string) ([]paper.Row, error) {
	return o.j.LoadPaper(ctx, account)
}

func (o *observedStore) SavePaper(ctx context.Context, account string, rows []paper.Row) error {
	if o.fresh.CompareAndSwap(true, false) {
		return o.j.SavePaper(ctx, account, rows)
	}
	return nil
}
