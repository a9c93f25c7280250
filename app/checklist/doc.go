// Package checklist is the daily hedging checklist window and the weekly hedging review
// window. The checklist is a wizard, one step at a time with Back and Next: each layer's and
// the book's delta against its band (in the units the run states; the bands editable, applied
// to the run at once), the adjustments (prefilled in the ticket), positions to roll or close,
// the deep-ITM decisions (let assign, roll or close, with their numbers), vega and the market
// events, the limits, and a summary with the verdict — action, attention (each warning with
// what to do) or nothing to do — and every step's decision, logged with the run. It shows no
// P&L ("ignore P&L while hedging") and reruns whenever it is brought forward. The review shows
// a week's adherence, overrides, hedge adjustments outside the checklist and the hedging cost
// against the theta collected, in dollars, and says "nothing to judge" for a week without
// data. The desk service runs, schedules and records the checklist and loads the week.
package checklist
