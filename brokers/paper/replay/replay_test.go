package replay

import (
	"testing"
)

func TestQuick(t *testing.T) {
	res, err := Replay(Config{Seed: 1, Days: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + res.Text())
}
