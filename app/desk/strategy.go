package desk

import (
	"context"

	"github.com/keel-desk/keel/brokers/paper/replay"
)

// The strategy experiments' result, named here so windows read it without importing the
// paper broker (house rule): the same types as `keel lab strategy --json`.
type (
	StrategyResult = replay.StrategyResult
	StrategyRow    = replay.StrategyRow
	Quantiles      = replay.Quantiles
	DayContracts   = replay.DayContracts
)

// RunStrategy runs the strategy experiments of issue 17 on the simulated market: the demo
// book over seeds 1 to seeds, days trading days each — roll planner vs naive rebalancing,
// tactical counter-trades on vs off, deep ITM assigned vs closed. It touches neither the
// desk's broker nor its journal (every seed runs on its own paper book in memory).
// progress, when set, hears each finished pass (one seed through one way of running);
// cancelling ctx stops the run between days and returns ctx's error.
func (s *Service) RunStrategy(ctx context.Context, seeds, days int, progress func(done, total int)) (StrategyResult, error) {
	return replay.Strategy(ctx, replay.StrategyConfig{Seeds: seeds, Days: days, Progress: progress})
}
