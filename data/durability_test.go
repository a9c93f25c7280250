package data

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keel-desk/keel/engine/pricing"
)

const helperDBEnv = "KEEL_DATA_HELPER_DB"

// TestHelperWriter is not a test on its own: TestCommittedRecordsSurviveKill runs the test
// binary again with it selected and KEEL_DATA_HELPER_DB set. It imports one fill per
// transaction, forever, printing each event id after its commit returns.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv(helperDBEnv)
	if path == "" {
		t.Skip("only runs as the child of TestCommittedRecordsSurviveKill")
	}
	j, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	p450 := spyOption(pricing.Put, 450, apr17)
	for i := 0; ; i++ {
		id := fmt.Sprintf("k%d", i)
		qty := "-1"
		if i%2 == 1 {
			qty = "1"
		}
		ev := fill(id, "ord-"+id, day(2, 15).Add(time.Duration(i)*time.Second), p450, qty, "2.00", "1", "0.1")
		if _, err := j.Import(context.Background(), AccountRef{}, stmt(ev)); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("committed", id)
	}
}

func TestCommittedRecordsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, killAfter := range []int{1, 7, 40, 95} {
		t.Run(fmt.Sprint(killAfter), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keel.db")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
			cmd.Env = append(os.Environ(), helperDBEnv+"="+path)
			cmd.Stderr = os.Stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var committed []string
			sc := bufio.NewScanner(stdout)
			for len(committed) < killAfter && sc.Scan() {
				line := sc.Text()
				if id, ok := strings.CutPrefix(line, "committed "); ok {
					committed = append(committed, id)
				} else if strings.HasPrefix(line, "error") {
					t.Fatalf("child: %s", line)
				}
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			// Ids the child printed between our last read and the kill were committed too.
			for sc.Scan() {
				if id, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
					committed = append(committed, id)
				}
			}
			cmd.Wait()
			if len(committed) < killAfter {
				t.Fatalf("child committed only %d records", len(committed))
			}
			j, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			var check string
			if err := j.read.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Fatalf("integrity_check %q %v", check, err)
			}
			have := map[string]bool{}
			rows, err := j.read.Query("SELECT exec_id FROM fills")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				rows.Scan(&id)
				have[id] = true
			}
			rows.Close()
			for _, id := range committed {
				if !have[id] {
					t.Errorf("committed record %s is missing after kill -9", id)
				}
			}
			t.Logf("killed after %d committed records; %d in the journal", len(committed), len(have))
		})
	}
}
