// Package instrument describes what Keel trades: stocks and ETFs (with beta and leverage),
// futures, options on stocks/ETFs/indices and options on futures; how to write them down;
// and when they expire.
//
// # Units
//
// Multiplier is units of the underlying per point of price: 1 for a share, 100 for an
// equity option, 50 for ES (so one ES point is $50), 0.5 for MYM. Tick is in points.
// Strike is in price points. Expiry is a timestamp in the exchange's time zone:
// America/New_York for OCC-cleared options, America/Chicago for CME Group and Cboe
// Futures Exchange contracts (their own hours are stated in Central time; 16:00 New York
// is 15:00 Chicago, the same instant). Time to expiry is calendar time: YearFraction is
// ACT/365 (seconds / (365·86400)) and DaysToExpiry counts fractional calendar days; both
// go negative once expired. Nothing here reads the clock: callers pass the time in.
//
// # Notations
//
// Parse accepts all of these and Instrument.Symbol writes the canonical form:
//
//	SPY, QQQ, BRK.B             stock or ETF ticker (canonical: upper case)
//	ESZ6, /ESZ6, ESZ26, MESH7   futures: root + month letter + 1- or 2-digit year
//	                            (canonical: ESZ6)
//	SPY   240119C00480000       OCC option: root padded to 6, yymmdd, C/P, strike × 1000
//	SPY240119C00480500          in 8 digits (480.5 → 00480500); the compact form is
//	                            accepted too (canonical: padded)
//	ESZ6 C6000 2026-12-18       option on a future, Keel notation (below)
//
// Month letters are F G H J K M N Q U V X Z for January … December. A two-digit year is
// 20yy. A one-digit year is resolved against a reference time the caller passes (usually
// the statement or trade date): the year ending in that digit nearest to it, a tie going
// to the later one. The short code is therefore ambiguous for contracts more than about
// five years from the reference; FormatFuturesLong ("ESZ26") and the contract fields are
// unambiguous.
//
// Keel's futures option notation is three or four words:
//
//	ESZ6 C6000 2026-12-18       the future it delivers, C/P + strike, expiry date: a PM
//	                            option expiring at the root's option close (16:00 New York
//	                            for the ES family) — weekly, end-of-month, PM quarterly
//	ESZ6 C6000 2026-12-18 AM    an AM option: it expires with the future's opening
//	                            settlement (09:30 New York on the ES family's third Friday)
//	                            — the standard quarterly ES options
//	ESH7 P5987.5 2026-12-18     the December PM option delivers ESH7: the December future
//	                            stopped at 09:30 that morning
//
// The future's one-digit year is resolved against the option's expiry date, and the
// future's contract month must be 0 to 12 months after the expiry month, so the notation
// round-trips with no reference time. Strikes are plain decimals (no signs or exponents).
// Broker notations (tastytrade's "./ESZ6 EW3X6 261120C6000", IBKR's localSymbol) belong to
// the statement importers, which can build on MonthOfCode, ParseFuturesCode,
// LookupFutures, ParseOCCSymbol and NewFuturesOption.
//
// # Exercise style
//
// OCC options on stocks and ETFs are American. Cash-index options (SPX, SPXW, XSP, NDX,
// NDXP, RUT, RUTW, VIX, VIXW) are European; the AM-settled ones (SPX, NDX, RUT, VIX,
// VIXW) expire at the 09:30 New York settlement on their date, the others at 16:00.
// For the ES family CME lists the quarterly options (AM, exercisable into the future) as
// American and the weekly, end-of-month and PM quarterly ones as European, so Keel sets
// American for an AM futures option and European for a PM one. The pricing difference
// for an option on a future is small (no dividend; early exercise only pays for deep ITM
// options through the interest on the premium), but it is chosen to match the exchange.
// Options on CL, GC and ZN are American. Adjust Instrument.Style if a broker says
// otherwise.
//
// # Expiries
//
// FuturesExpiry applies each root's last-trading rule (see FuturesSpec.LastTrade) on the
// US exchange calendar of IsHoliday: regular NYSE holidays, no one-off closures. CL, GC
// and ZN expiries and their option closes are modelled from the exchange rules as
// published; ZN counts business days on the stock-exchange calendar, not the bond
// market's (which also closes on Columbus and Veterans Day).
//
// # Exposure defaults
//
// The registry (DefaultStocks, FuturesSpec.Beta) carries Keel's editable defaults, not
// facts: beta to SPY (QQQ 1.15, IWM 1.2, DIA 0.9, VXX −2.5, the index futures as their
// ETFs) and the daily leverage of leveraged and inverse funds relative to what they track
// (SH −1 × SPY, SDS −2 × SPY, SSO 2 × SPY, SQQQ −3 × QQQ, TQQQ 3 × QQQ, UVXY 1.5 × and
// SVXY −0.5 × the VIX short-term futures index, for which VXX stands). A leveraged fund's
// beta is its leverage times its reference's beta. Unknown tickers get beta 1 and
// leverage 1.
package instrument
