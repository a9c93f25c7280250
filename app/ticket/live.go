package ticket

// followLive shows the account banner and, when the trader turned live trading on or off
// since the last look, checks the order again so the ticket says at once whether it can be
// sent (UI goroutine).
func (t *OrderTicket) followLive() {
	t.banner.Update()
	if t.desk == nil {
		return
	}
	if on := t.desk.LiveTradingEnabled(); on != t.liveSeen {
		t.liveSeen = on
		t.validate()
	}
}
