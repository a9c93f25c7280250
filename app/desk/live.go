package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/brokers"
	"github.com/keel-desk/keel/brokers/tastytrade"
	"github.com/keel-desk/keel/data"
)

// LiveTradingOff is the problem every order gets on a real broker until the trader turns
// live trading on for the session.
const LiveTradingOff = "live trading is off for this session: the desk on a real account is read-only " +
	"until you turn live trading on (desk window, “Enable live trading…”) and confirm"

// Live says the desk trades a real brokerage account (not the paper account).
func (s *Service) Live() bool { return s.acct.Kind == data.Live }

// LiveTradingEnabled says the trader confirmed live trading for this session. It is always
// false on the paper account, where nothing needs it.
func (s *Service) LiveTradingEnabled() bool { return s.Live() && s.liveOn.Load() }

// EnableLiveTrading lets the desk send orders to the real account until Keel quits. Call it
// only after the trader confirmed it explicitly; it is never saved, so every session starts
// read-only.
func (s *Service) EnableLiveTrading() { s.liveOn.Store(true) }

// DisableLiveTrading makes the desk read-only again.
func (s *Service) DisableLiveTrading() { s.liveOn.Store(false) }

func (s *Service) liveProblem() string {
	if s.Live() && !s.liveOn.Load() {
		return LiveTradingOff
	}
	return ""
}

// AccountBadge names the account the desk is on, as the windows show it: "PAPER · paper",
// "LIVE · 5WT00001 · tastytrade".
func (s *Service) AccountBadge() string { return AccountBadge(s.acct) }

// AccountBadge names an account for the desk's header and the ticket.
func AccountBadge(a data.AccountRef) string {
	if a.Kind == data.Paper {
		return "PAPER · " + a.Account
	}
	return "LIVE · " + a.Account + " · " + a.Broker
}

// DryRunFigures are what the broker says an order would do, before it is sent. Money is in
// the account currency; BuyingPowerChange is signed (negative: the order uses buying
// power), MarginRequirementChange is signed (positive: more margin is held).
type DryRunFigures struct {
	BuyingPowerChange       decimal.Decimal
	MarginRequirementChange decimal.Decimal
	CurrentBuyingPower      decimal.Decimal
	NewBuyingPower          decimal.Decimal
	Commission              decimal.Decimal
	Fees                    decimal.Decimal // all fees incl. commission, as the broker totals them
	Warnings                []string
}

// Lines are the figures in words for a confirmation, money formatted by usd.
func (f DryRunFigures) Lines(usd func(decimal.Decimal) string) string {
	signed := func(d decimal.Decimal) string {
		if d.IsPositive() {
			return "+" + usd(d)
		}
		return usd(d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Buying power effect: %s (now %s, after %s)\n", signed(f.BuyingPowerChange),
		usd(f.CurrentBuyingPower), usd(f.NewBuyingPower))
	fmt.Fprintf(&b, "Margin requirement change: %s\n", signed(f.MarginRequirementChange))
	fmt.Fprintf(&b, "Fees: %s (commission %s)", usd(f.Fees), usd(f.Commission))
	for _, w := range f.Warnings {
		b.WriteString("\nBroker warning: " + w)
	}
	return b.String()
}

// dryRunner is a broker that can say what an order would do without sending it
// (tastytrade's dry-run); the paper broker is not one.
type dryRunner interface {
	DryRun(ctx context.Context, o brokers.Order) (tastytrade.DryRun, error)
}

// DryRun asks the broker what o would do (buying-power effect, fees, warnings) without
// sending it. It returns nil and no error when the broker has no dry-run (the paper
// account, where the ticket shows its own estimate). A refusal is the broker's
// *brokers.RejectedError.
func (s *Service) DryRun(ctx context.Context, o brokers.Order) (*DryRunFigures, error) {
	dr, ok := s.broker.(dryRunner)
	if !ok {
		return nil, nil
	}
	if strings.TrimSpace(o.ClientID) == "" {
		o.ClientID = NewClientID()
	}
	d, err := dr.DryRun(ctx, o)
	if err != nil {
		return nil, err
	}
	return &DryRunFigures{BuyingPowerChange: d.BuyingPowerChange, MarginRequirementChange: d.MarginRequirementChange,
		CurrentBuyingPower: d.CurrentBuyingPower, NewBuyingPower: d.NewBuyingPower,
		Commission: d.Commission, Fees: d.Fees, Warnings: d.Warnings}, nil
}

// NoteProblem shows a problem among the snapshot's problems (the desk's header lists
// them), under source; a later note from the same source replaces it.
func (s *Service) NoteProblem(source, text string) {
	s.post(func() { s.addProblem(source, text); s.st.dirty = true })
}
