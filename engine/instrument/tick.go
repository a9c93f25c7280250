package instrument

// EquityOptionMultiplier is the deliverable of a standard US stock or ETF option: 100
// shares per contract (OCC).
const EquityOptionMultiplier = 100

// Tick is the minimum price increment, in points, of in when it trades at the per-unit price
// p, as US exchanges list them: the one rule Keel's ticket, paper broker, simulated market,
// liquidity rules and lifecycle share.
//   - shares and ETFs: 0.01;
//   - futures: their contract's tick (ES and MES 0.25, ZN 1/64; 0.25 for a root not known);
//   - options on ES and MES futures: 0.25, with the reduced tick of cheap options, 0.05, at
//     or below 5.00 points (CME Rulebook ch. 351, cabinet and reduced ticks); options on
//     other futures: the future's own tick;
//   - stock and ETF options: SPY and QQQ 0.01 throughout (penny program), others 0.01 below
//     3.00 and 0.05 from 3.00 (Cboe Rule 5.4).
//
// Tick(in, 0) is the finest increment in ever trades in; a negative p is treated the same.
func Tick(in Instrument, p float64) float64 {
	switch in.Kind {
	case Future:
		if spec, ok := LookupFutures(in.Root); ok {
			return spec.Tick
		}
		return 0.25
	case FuturesOption:
		switch in.Root {
		case "ES", "MES":
			if p <= 5 {
				return 0.05
			}
			return 0.25
		}
		if spec, ok := LookupFutures(in.Root); ok {
			return spec.Tick
		}
		return 0.25
	case Option:
		if pennyProgram[in.Root] || p < 3 {
			return 0.01
		}
		return 0.05
	}
	return 0.01
}

// pennyProgram are the option roots quoted in pennies at every price.
var pennyProgram = map[string]bool{"SPY": true, "QQQ": true}
