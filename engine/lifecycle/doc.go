// Package lifecycle follows a short option through the strategy's deep-ITM path (seed 001,
// §4): when a short option is too deep in the money and illiquid, let it be assigned into
// the future (or the shares) it delivers, manage that position with the layer's hedging
// policy until it is closed in profit, then go back into options.
//
// # Stages
//
//	options             a short option, nothing to do
//	tested              |delta| ≥ Settings.TestedDelta (0.30): plan a roll (engine/roll)
//	deep ITM            |delta| ≥ Settings.DeepDelta (0.80) and either the option's liquidity fails
//	                    the checklist (engine/liquidity) for closing the whole position or its
//	                    extrinsic value is below the credit the roll planner's best roll
//	                    collects
//	awaiting assignment the decision "let it be assigned" was taken: European options (ES
//	                    weeklies, end-of-month and PM options) are exercised at expiry into the
//	                    future they deliver (instrument.Instrument.Underlying, the quarterly);
//	                    American ones (equity options, AM quarterly ES options) may be assigned
//	                    any day, likely when the holder's incentive to exercise exceeds the
//	                    extrinsic value left (see Assignment)
//	future / shares     the assigned position, hedged by the layer's policy and bands
//	                    (engine/hedge), with a profit exit: back through the assignment's
//	                    breakeven by Settings.ProfitTicks ticks, or a trailing exit
//	re-enter            the position is closed: a new strangle around today's price with the
//	                    contracts the layer had before (never more), at a target delta and DTE,
//	                    liquidity-checked (PlanReEntry)
//
// Assess is the daily checklist's decision for one short option: hold, plan a roll, or —
// deep in the money — let assign, roll or close, with the numbers behind it and no P&L.
// Track applies the transitions; each returns a Transition with its reason and numbers for
// the journal.
//
// # Units
//
// Prices are per unit of the underlying (index points, dollars per share), as quoted.
// Delta is per unit for one long option (Haug: a put's is negative); |delta| is compared.
// Extrinsic value is per unit; the "_dollars" numbers are for the whole position
// (× contracts × multiplier). Roll credits are the roll planner's dollars for the whole roll
// (at natural: what the market pays now). Ticks are instrument.Tick of the held
// position. Time is passed in; nothing reads the clock.
//
// # Defaults
//
// DeepDelta 0.80 is the (#16); the re-entry window of 30 to 60 days is the hedging
// guide's short-premium book (seed 000: "various expirations (30-60 DTE)"), the liquidity
// checklist the guide's. TestedDelta 0.30, ProfitTicks 4, a target re-entry delta of 0.16
// and 45 days are Keel's choices, all configurable.
package lifecycle
