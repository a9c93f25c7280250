package app

import (
	"os"
	"os/exec"
	"testing"
)

// alone runs the calling test in a process of its own and reports whether the caller
// should stop (true in the parent, which has run the child and reported its result). Tests
// that quit the app or stop the bridge onto the UI goroutine run alone: the views' workers
// they leave behind (a chart still drawing) would otherwise apply their results into the
// next test's app once the bridge is open again.
func alone(t *testing.T) bool {
	t.Helper()
	if os.Getenv("KEEL_TEST_ALONE") == t.Name() {
		return false
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	if testing.Short() {
		cmd.Args = append(cmd.Args, "-test.short")
	}
	cmd.Env = append(os.Environ(), "KEEL_TEST_ALONE="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in its own process: %v\n%s", t.Name(), err, out)
	}
	return true
}
