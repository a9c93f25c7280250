// Package autopilot is the desk's one decision loop for its own rules (issue 16, item 3):
// given the valued book (engine/portfolio), its layers and their settings, the market as
// engine types (quotes and chains in engine/liquidity's units), the lifecycle tracks, the
// tactical states and the automation gate, Decide says what this step does:
//
//   - tactical cycles (engine/tactical) for each layer that has tactical parameters;
//   - hedges inside the checklist's bands: the layer that holds the book's hedge trades
//     its instrument when the book's beta-weighted delta leaves the policy's band
//     (engine/hedge);
//   - the daily checklist, on the steps that carry chains: every short option is assessed
//     (engine/lifecycle); a tested one is rolled to the roll planner's top candidate
//     (engine/roll) — or, as an experiment only, rebalanced naively by adding size to the
//     opposite leg; a deep-ITM one is let be assigned, rolled or closed as the assessment
//     says; a layer whose assigned position was closed re-enters (lifecycle.PlanReEntry);
//   - on every step, an assigned future or shares is managed to its profit exit.
//
// Each order is an Intent: the automation.Action the gate judges (rule, inputs, a
// deterministic client order id) and its legs. Every intent goes through the gate
// (automation.Gate.Send); a blocked one is returned with the gate's reasons and changes no
// state (a tactical step whose order is blocked is not taken). Option orders that add
// contracts to a side of a layer (the whole order counted: a roll that closes as many as
// it opens adds none) are first checked by the spiral guard (engine/hedge) with the
// layer's tactical exposure counted (hedge.Layer.Tactical); its verdict rides on the
// Action, and the gate blocks what it stops.
//
// Decide is deterministic: the same inputs, state and gate give the same intents, in the
// same order, with the same client order ids. It reads no clock and places nothing; the
// desk (and the replay, brokers/paper/replay) sends the allowed intents, tells the gate
// when they are done, and hands the fills and settlements back on the next step.
//
// Units are those of the packages it calls: prices per unit as quoted, deltas of a layer in
// its underlying's units (dollars per point), the book's in benchmark (SPY) shares,
// quantities in contracts or shares.
package autopilot
