// Package brokertest is the contract suite every brokers.Broker adapter must pass. An
// adapter's test calls Run with a constructor for a fresh, empty-enough account and a
// Control that drives what the Broker interface cannot: the passing of market time and a
// forced network fault.
//
// The suite trades small size (single shares and single option contracts) in the
// Control's underlying, so it belongs against a paper or sandbox account. It checks the
// contract in brokers.Broker: sessions and ErrDisconnected, the account's net
// liquidation against its positions, look-ups and chains, streaming quotes, single-leg and
// multi-leg limit and market orders, ClientID idempotency, replace and cancel, typed
// rejections with reasons, fills reported once, positions following fills, and a
// resynchronisation after a dropped session with nothing duplicated.
//
// # Units
//
// As in brokers: prices per unit of the underlying, quantities signed (bought positive),
// money in the account currency. Net liquidation is checked as cash plus quantity ×
// multiplier × mark for stocks and options, plus quantity × multiplier × (mark − average
// price) for futures (their open P&L; futures hold no cash value), to within a cent per
// position.
package brokertest
