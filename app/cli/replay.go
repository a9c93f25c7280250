package cli

import (
	"context"
	"io"

	"github.com/keel-desk/keel/brokers/paper"
	"github.com/keel-desk/keel/brokers/paper/replay"
	"github.com/keel-desk/keel/data"
)

// ReplayCommand is `keel replay [--days N] [--seed S] [--db FILE] [--json]`: the desk's
// rules run on a copy of the demo book — or, with --db, of the paper account kept in that
// journal, opened shared and never written — over simulated days (replay.ReplayCommand).
func ReplayCommand(args []string, stdout, stderr io.Writer) int {
	replay.OpenStore = openReplayStore
	return replay.ReplayCommand(args, stdout, stderr)
}

// openReplayStore opens the journal at path beside a running Keel as the store the replay
// copies the paper account from.
func openReplayStore(path string) (paper.Store, func() error, error) {
	j, err := data.Open(context.Background(), path, data.Shared())
	if err != nil {
		return nil, nil, err
	}
	return j, j.Close, nil
}
