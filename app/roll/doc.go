// Package roll is the roll planner window: the strategy's answer to a layer out of balance
// (seed 001, §3) — roll strikes and expiries closer to the underlying instead of adding
// contracts. For one short option, a layer or the whole book it lists the planner's ranked
// candidates (engine/roll through desk.PlanRolls): the legs, the net credit at mid and at
// natural, the layer's Δ, Γ, Θ and ν and the book's Θ and ν before → after, the new legs'
// days to expiry, the worst liquidity verdict of the legs and the planner's reason.
// "Stage in ticket" opens the order ticket with the whole roll (close + open) as one order;
// nothing is sent until the trader confirms there. It opens from a position or a layer
// ("Plan roll…"), from the ticket when the spiral guard stops a leg, and from the checklist;
// planning runs off the UI goroutine.
//
// Units as engine/roll: layer delta in the product's underlying units (shares, or futures
// contracts for futures options), gamma as dollar delta change per 1% move, theta in dollars
// per calendar day, vega in dollars per vol point; net credits in dollars for the whole
// roll, a credit positive.
package roll
