package data

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/engine/pricing"
)

// holderEnv names the journal that the test binary, started again by startHolder, opens
// and holds: it records holderTrades short puts and its paper account, says "ready", records
// as many again at each line "more" on its standard input, and closes the journal when its
// input ends.
const holderEnv = "KEEL_TEST_JOURNAL_HOLDER"

const holderTrades = 3

// holderFill opens short put n, a trade of its own.
func holderFill(n int) statement.Event {
	at := day(2, 10).Add(time.Duration(n) * time.Hour)
	return fill(fmt.Sprintf("h%d", n), fmt.Sprintf("ho%d", n), at, spyOption(pricing.Put, 400+float64(n), may15), "-1", "2.00", "1", "0.10")
}

// TestJournalHolderProcess is not a test of its own: it is the other process of
// TestTwoProcessesOneJournal, and runs only when holderEnv is set.
func TestJournalHolderProcess(t *testing.T) {
	path := os.Getenv(holderEnv)
	if path == "" {
		t.Skip("the other process of TestTwoProcessesOneJournal")
	}
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	j, err := Open(ctx, path)
	if err != nil {
		fail(err)
	}
	var n int // numbered on from the trades already there, so every fill is new
	if err := j.read.QueryRowContext(ctx, "SELECT count(*) FROM trades").Scan(&n); err != nil {
		fail(err)
	}
	write := func() {
		for i := 0; i < holderTrades; i++ {
			if _, err := j.Import(ctx, AccountRef{}, stmt(holderFill(n))); err != nil {
				fail(err)
			}
			n++
		}
		if err := j.SavePaper(ctx, "paper", []PaperRow{{Kind: "account", Body: []byte(strconv.Itoa(n))}}); err != nil {
			fail(err)
		}
		fmt.Println("ready")
	}
	write()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "more" {
			write()
		}
	}
	if err := j.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

// holder is the other process, holding the journal.
type holder struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startHolder(t *testing.T, path string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournalHolderProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), holderEnv+"="+path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	t.Cleanup(func() { h.cmd.Process.Kill(); h.cmd.Wait() })
	h.ready(t)
	return h
}

// ready waits for the holder to say it has written.
func (h *holder) ready(t *testing.T) {
	t.Helper()
	for h.out.Scan() {
		switch line := h.out.Text(); {
		case line == "ready":
			return
		case strings.HasPrefix(line, "error:"):
			t.Fatalf("the other process: %s", line)
		}
	}
	t.Fatalf("the other process ended before it was ready: %v", h.out.Err())
}

// TestTwoProcessesOneJournal runs a second process that owns an on-disk journal, as a
// running Keel does, and checks that this one cannot write to it — Open, a waiting Open,
// keel journal import, and a Shared journal's import and paper-account save are all refused
// with the owner's pid — while reads (a Shared journal, keel journal export) work and see
// the owner's writes; that the owner's later writes all land; and that the journal is free
// again once the owner closes it or is killed.
func TestTwoProcessesOneJournal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "keel.db")
	h := startHolder(t, path)
	pid := h.cmd.Process.Pid
	refused := func(t *testing.T, err error) {
		t.Helper()
		var inUse *InUseError
		if !errors.Is(err, ErrJournalInUse) || !errors.As(err, &inUse) {
			t.Fatalf("want the journal refused as in use, got %v", err)
		}
		if inUse.PID != pid || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", pid)) || !strings.Contains(err.Error(), path) {
			t.Errorf("the refusal does not name the owner (pid %d) and the journal: %v", pid, err)
		}
	}

	t.Run("a second writer is refused at once", func(t *testing.T) {
		j, err := Open(ctx, path)
		if err == nil {
			j.Close()
		}
		refused(t, err)
	})
	t.Run("a waiting writer waits, then is refused", func(t *testing.T) {
		start := time.Now()
		_, err := Open(ctx, path, WithLockWait(300*time.Millisecond))
		refused(t, err)
		if waited := time.Since(start); waited < 300*time.Millisecond {
			t.Errorf("refused after %v, before the 300 ms wait", waited)
		}
	})
	t.Run("a shared journal reads, and refuses what needs the owner", func(t *testing.T) {
		j, err := Open(ctx, path, Shared())
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		if j.Owner() {
			t.Error("a shared journal says it owns the journal")
		}
		rows, err := j.LoadPaper(ctx, "paper")
		if err != nil || len(rows) != 1 || string(rows[0].Body) != strconv.Itoa(holderTrades) {
			t.Errorf("paper account read beside the owner: %v %v", rows, err)
		}
		refused(t, j.SavePaper(ctx, "paper", []PaperRow{{Kind: "account", Body: []byte("0")}}))
		_, err = j.Import(ctx, AccountRef{}, stmt(holderFill(99)))
		refused(t, err)
		// The owner writes on while this process reads: nothing is lost or overwritten.
		fmt.Fprintln(h.in, "more")
		h.ready(t)
		if n := count(t, j, "trades"); n != 2*holderTrades {
			t.Errorf("%d trades read beside the owner, want %d", n, 2*holderTrades)
		}
	})

	h.in.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("the other process: %v", err)
	}
	t.Run("free once the owner closes it, with all its writes", func(t *testing.T) {
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		if !j.Owner() {
			t.Error("the journal's only process does not own it")
		}
		if n := count(t, j, "trades"); n != 2*holderTrades {
			t.Errorf("%d trades, want the owner's %d and none of the refused", n, 2*holderTrades)
		}
		rows, err := j.LoadPaper(ctx, "paper")
		if err != nil || len(rows) != 1 || string(rows[0].Body) != strconv.Itoa(2*holderTrades) {
			t.Errorf("the owner's paper account: %v %v", rows, err)
		}
	})
	t.Run("free once the owner is killed", func(t *testing.T) {
		h := startHolder(t, path)
		if err := h.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		h.cmd.Wait()
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("the killed owner's lock outlived it: %v", err)
		}
		defer j.Close()
		if n := count(t, j, "trades"); n != 3*holderTrades {
			t.Errorf("%d trades after the kill, want %d", n, 3*holderTrades)
		}
	})
}

// TestOneOwnerPerProcessToo: the lock is per open journal, so a second Open in the same
// process is refused too, a Shared one is not, and Close frees it.
func TestOneOwnerPerProcessToo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keel.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, path); !errors.Is(err, ErrJournalInUse) {
		t.Errorf("second Open in the same process: %v", err)
	}
	s, err := Open(ctx, path, Shared())
	if err != nil {
		t.Fatalf("shared Open beside the owner: %v", err)
	}
	s.Close()
	mustImport(t, j, holderFill(0))
	j.Close()
	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	j.Close()
	s, err = Open(ctx, path, Shared())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// With no owner, a Shared journal takes the lock for a write that needs it.
	if _, err := s.Import(ctx, AccountRef{}, stmt(holderFill(1))); err != nil {
		t.Errorf("shared import with no owner: %v", err)
	}
	if n := count(t, s, "trades"); n != 2 {
		t.Errorf("%d trades, want 2", n)
	}
}
