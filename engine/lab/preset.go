package lab

import (
	"fmt"
	"slices"
	"strings"

	"github.com/keel-desk/keel/engine/pricing"
)

// Preset is a ready experiment with the trader's usual subjects, on a grid of four steps
// a calendar day, every policy at its default range (DefaultSweeps), GBM paths with the
// risk-neutral drift, 5,000 paths, seed 1. Change any field before Run. The prices are
// illustrative levels like the simulated market's, not quotes.
type Preset struct {
	Name        string
	Description string
	build       func() (Experiment, error)
}

// Experiment is a fresh copy of the preset's experiment.
func (p Preset) Experiment() (Experiment, error) { return p.build() }

// Presets are the lab's ready subjects, by name.
var Presets = []Preset{
	{"spy-call", "short 10 one-month at-the-money SPY calls (600), vol 18%, hedged with SPY shares", func() (Experiment, error) {
		return spot(SingleOption("SPY", pricing.Call, 600, 600, 30.0/365, 0.18, 0.04, -10)), nil
	}},
	{"spy-strangle", "short 10 one-month SPY 570/630 strangles, vol 18%, hedged with SPY shares", func() (Experiment, error) {
		return spot(ShortStrangle("SPY", 600, 570, 630, 30.0/365, 0.18, 0.04, 10)), nil
	}},
	{"es-strangle", "short 2 ES 45-day 6300/6900 strangles on the future at 6600, vol 16%, hedged with ES and MES", func() (Experiment, error) {
		pos := ShortStrangle("ES", 6600, 6300, 6900, 45.0/365, 0.16, 0.04, 2)
		h, err := ESFutures(pos.Spot)
		if err != nil {
			return Experiment{}, err
		}
		return Experiment{Position: pos, Model: Model{Kind: GBM}, Hedge: h, Steps: 45 * 4, Paths: 5000, Seed: 1}, nil
	}},
}

func spot(pos Position) Experiment {
	return Experiment{Position: pos, Model: Model{Kind: GBM, Drift: pos.Rate}, Hedge: SPYShares(),
		Steps: int(pos.Years*365+0.5) * 4, Paths: 5000, Seed: 1}
}

// LookupPreset finds a preset by name; the error lists the names.
func LookupPreset(name string) (Preset, error) {
	i := slices.IndexFunc(Presets, func(p Preset) bool { return p.Name == name })
	if i < 0 {
		var names []string
		for _, p := range Presets {
			names = append(names, p.Name)
		}
		return Preset{}, fmt.Errorf("lab: no subject %q (have %s)", name, strings.Join(names, ", "))
	}
	return Presets[i], nil
}
