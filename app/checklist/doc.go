// Package checklist is the daily hedging checklist window and the weekly hedging review
// window. The checklist shows, step by step as in the guide, each layer's and the book's
// delta (in the units the run states), the hedge required and held, the decision against
// the band, the DTE and gamma checks, vega and the market events, the limits, and logs the
// run; it shows no P&L ("ignore P&L while hedging"). The review shows a week's adherence,
// overrides, off-checklist adjustments and the hedging cost against the theta collected, in
// dollars. The desk service runs, schedules and records the checklist and loads the week.
package checklist
