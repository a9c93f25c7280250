package app

import (
	"context"
	"fmt"
	"os"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
)

// startDesk starts the desk on the broker the trader chose in Settings → Brokers: the paper
// account unless tastytrade was chosen. When tastytrade cannot be started (no credentials,
// a rejected token, no network) the desk starts on the paper account and the terminal and
// the desk's problems say why, so Keel never opens on a real account by accident.
func startDesk(j *data.Journal) (*desk.Service, func(), error) {
	choice, err := desk.LoadBroker(context.Background(), j)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keel:", err)
	}
	if choice != desk.BrokerTastytrade {
		return desk.StartPaper(j, desk.PaperOptions{Settings: true})
	}
	d, stop, err := desk.StartTastytrade(j, desk.LiveOptions{Settings: true})
	if err == nil {
		return d, stop, nil
	}
	why := fmt.Sprintf("tastytrade could not be started (%v); the desk is on the paper account", err)
	fmt.Fprintln(os.Stderr, "keel:", why)
	d, stop, perr := desk.StartPaper(j, desk.PaperOptions{Settings: true})
	if perr == nil {
		d.NoteProblem("tastytrade", why)
	}
	return d, stop, perr
}

// PaperSpeed, when above zero, is the paper market's clock speed Run starts it at (the
// --paper-speed flag: measuring the UI at 600×); 0 keeps the speed the market had.
var PaperSpeed float64

// setPaperSpeed sets the paper market's clock to speed (nothing on a real broker or at 0).
func setPaperSpeed(d *desk.Service, speed float64) {
	p := d.Paper()
	if speed <= 0 || p == nil {
		return
	}
	if err := p.SetSpeed(speed); err != nil {
		fmt.Fprintln(os.Stderr, "keel: paper market speed:", err)
	}
}
