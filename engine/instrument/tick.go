package instrument

// TickSize is the minimum price increment, in points, of in when it trades at price p, by
// the rules the paper broker and the simulated market quote with:
//
//   - stocks and ETFs: 0.01;
//   - futures: the root's FuturesSpec.Tick (0.25 for ES and MES), 0.25 for an unknown root;
//   - equity options: SPY and QQQ 0.01 at every price (penny-quoted throughout); other stock
//     and ETF options 0.01 below 3.00 and 0.05 from 3.00;
//   - options on ES and MES futures: 0.25, with the reduced 0.05 tick at or below 5.00
//     points; options on other futures: the future's own tick.
//
// A zero or negative p is treated as a price below every threshold (the finest tick).
func TickSize(in Instrument, p float64) float64 {
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
		if in.Root == "SPY" || in.Root == "QQQ" || p < 3 {
			return 0.01
		}
		return 0.05
	}
	return 0.01
}
