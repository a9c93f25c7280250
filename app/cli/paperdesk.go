package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
)

// observer is the paper desk a read-only command looks through: the journal opened shared
// (so it works beside a running Keel) and the paper account in it with its market clock
// stopped, observed (nothing is saved back), valued once.
type observer struct {
	j    *data.Journal
	d    *desk.Service
	snap *desk.Snapshot
	stop func()
}

// openObserver opens the journal at path (the per-user one when empty) and waits up to
// wait for the book to be valued. name prefixes the messages written to stderr.
func openObserver(ctx context.Context, name, path string, wait time.Duration, stderr io.Writer) (*observer, bool) {
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return nil, false
		}
		path = p
	}
	j, err := data.Open(ctx, path, data.Shared())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, false
	}
	d, stop, err := desk.StartPaper(j, desk.PaperOptions{Paused: true, Observe: true})
	if err != nil {
		j.Close()
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, false
	}
	o := &observer{j: j, d: d, stop: stop}
	deadline := time.Now().Add(wait)
	for {
		snap := d.Latest()
		if snap.Synced && !snap.Book.Now.IsZero() {
			o.snap = snap
			return o, true
		}
		if time.Now().After(deadline) {
			o.Close()
			fmt.Fprintf(stderr, "%s: the book was not valued within %s: %s\n", name, wait, snap.Status)
			return nil, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close stops the desk and closes the journal.
func (o *observer) Close() {
	o.stop()
	o.j.Close()
}
