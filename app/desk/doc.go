// Package desk is the trading desk service: the one goroutine that owns trading state
// between the broker, the engine and the journal. It receives the broker's events, values
// the positions with engine/portfolio (implied vols from the quotes' mids, Greeks with
// engine/pricing), coalesces ticks into an immutable Snapshot at most every 100 ms for the
// windows, writes every fill and settlement to the journal with the Greeks at entry, and
// sends orders only after the pre-trade checks. After a disconnect it reconnects with
// back-off and resynchronises positions, orders, fills and settlements without recording
// anything twice. It knows no Fyne: windows subscribe to snapshots and call its methods
// from their own goroutines.
//
// It is the only door to trading state: windows never call a broker, write the journal or
// write settings themselves. Commands: Place, PlaceWithOverride, Cancel; SaveLayer,
// DeleteLayer, MovePositions; ApplySettings; SaveChecklistSettings, LogChecklistRun;
// AddMarketEvent, DeleteMarketEvent. Reads: Latest and Subscribe (immutable snapshots),
// Preview, Lookup, Quote, Expirations, Chain, Orders, Settings, ChecklistSettings,
// ReviewWeek. StartPaper starts it on the paper account kept in the journal; Paper returns
// what only the simulated market can do (its clock, a simulated outage), nil on a real
// broker. StartTastytrade starts it on a tastytrade account, read-only until the trader
// confirms EnableLiveTrading for the session; DryRun returns the broker's dry-run figures
// (nil on paper); BrokerSettings keeps the broker's credentials in the OS keyring and the
// broker the desk starts on (LoadBroker) in the journal. ScheduleChecklist tells the app when the daily checklist is due.
//
// The desk's own rules (automation.go, automation_kinds.go): ArmAutomation and
// DisarmAutomation per layer and kind (hedges, tactical, rolls, let assign, re-entries),
// Kill (the kill switch), SetTacticalParams; Automation reads what they do — armed layers,
// next actions, the last actions, each short option's lifecycle row, the staged orders —
// and StagedOrder turns a staged one into an order for the ticket. The rules run
// engine/autopilot on the snapshots, gather the option chains through the broker every
// ChainsEvery of market time (GatherChains), follow the broker's settlements, audit every
// order before it is sent and keep their memory in the journal.
//
// Units are engine/portfolio's: delta in underlying units and beta-weighted dollars, gamma
// as dollar delta per 1% move, theta in dollars per calendar day, vega in dollars per vol
// point; money from the broker stays decimal.
package desk
