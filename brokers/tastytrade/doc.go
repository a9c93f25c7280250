// Package tastytrade is Keel's adapter for a tastytrade brokerage account behind the
// brokers.Broker interface: accounts, balances and positions over REST, quotes over
// DXLink, order status over the account streamer, and orders that are always dry-run
// first and never sent twice.
//
// # Units and symbols
//
// As in brokers: prices per unit of the underlying, quantities signed (long positive),
// money in the account currency as decimal.Decimal. tastytrade sends decimals as strings
// and quantities unsigned with a direction; this package converts both at the wire.
// Symbols are Keel's (instrument.Instrument.Symbol); the package maps them to tastytrade's
// symbols ("/ESZ6", "./ESZ6 EW4Z6 261218P5800") and streamer symbols (".SPY261218P550",
// "/ESZ26:XCME") from the instruments and chains the API returns. Multipliers come from
// engine/instrument, never from guesses.
//
// # Quotes
//
// Snapshots (Quote, Chain) come from /market-data/by-type, at most 100 symbols a call.
// The stream is DXLink in the COMPACT format: Quote events give bid and ask, Trade events
// the last price and volume, Greeks events the implied volatility of options (Quote.IV).
// A "NaN" price is no market on that side, never a number. HasGreeks stays false: the
// units of DXLink's theta and vega are not documented where Keel could check them, so the
// desk computes its own Greeks from the IV. A socket that stays silent (no data, no
// keepalive) for Config.DXLinkSilence is dropped, re-dialled with backoff and every
// subscription restored, in chunks of Config.SubscribeChunk.
//
// # Credentials
//
// The refresh token and client secret of a personal OAuth grant come from the environment
// (KEEL_TASTYTRADE_REFRESH_TOKEN, KEEL_TASTYTRADE_CLIENT_SECRET), else from the OS keyring
// (StoreCredentials, ForgetCredentials). They never appear in logs or error messages. A
// refresh token the server rejects is never retried: every later call returns
// ErrTokenRejected until a new token is supplied.
//
// # Safety
//
// Place dry-runs every order first (DryRun exposes the broker's buying-power effect and
// fees for the ticket), sets the order's external identifier to the ClientID, and looks in
// the live orders for that identifier before any retry, so a reconnect or a 429 never sends
// an order twice. Check is the read-only health check: it never places an order.
package tastytrade
