package cli

import (
	"fmt"
	"io"

	"github.com/keel-desk/keel/brokers/tastytrade"
)

// BrokerCommand is `keel broker check --broker tastytrade [--for DURATION] [--json]`: it
// signs in with the endpoints and credentials from the environment (or the keyring), reads
// the accounts and positions, watches the quotes for a while and places no order
// (tastytrade.CheckCommand). Exit status: 0 healthy, 1 the check failed, 2 bad usage.
func BrokerCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: keel broker check --broker tastytrade [--for DURATION] [--json]")
		return 2
	}
	return tastytrade.CheckCommand(args[1:], stdout, stderr)
}
