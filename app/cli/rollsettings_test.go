package cli

import (
	"context"
	"testing"
	"time"

	"github.com/keel-desk/keel/app/desk"
	"github.com/keel-desk/keel/data"
)

// `keel roll` plans with the roll window saved in Settings: with the default 7–60 days the
// demo book gets rolls more than 20 days out; once the trader saves "out to at most 20
// days", no opening leg of any candidate expires later than 20 days after the report.
func TestRollUsesTheSavedRollWindow(t *testing.T) {
	// latest is the latest opening leg's expiry in days after the report, over every plan.
	latest := func(db string) float64 {
		var rep struct {
			AsOf  time.Time `json:"as_of"`
			Plans []struct {
				Candidates []struct {
					Legs []struct {
						Effect string    `json:"effect"`
						Expiry time.Time `json:"expiry"`
					} `json:"legs"`
				} `json:"candidates"`
			} `json:"plans"`
		}
		runJSON(t, &rep, "roll", "--db", db, "--json")
		most, legs := 0.0, 0
		for _, p := range rep.Plans {
			for _, c := range p.Candidates {
				for _, l := range c.Legs {
					if l.Effect == "open" {
						legs++
						most = max(most, l.Expiry.Sub(rep.AsOf).Hours()/24)
					}
				}
			}
		}
		if legs == 0 {
			t.Fatal("no candidate opens a leg")
		}
		return most
	}
	t.Run("default window", func(t *testing.T) {
		if got := latest(tempJournal(t)); got <= 20 || got > 60 {
			t.Errorf("latest new leg %.1f days out, want within the default 60 and beyond 20", got)
		}
	})
	t.Run("saved window", func(t *testing.T) {
		db := tempJournal(t)
		ctx := context.Background()
		j, err := data.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		s := desk.DefaultSettings()
		s.Roll.MaxDays = 20
		err = desk.SaveSettings(ctx, j, s)
		j.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := latest(db); got > 20 {
			t.Errorf("latest new leg %.1f days out, want at most the saved 20", got)
		}
	})
}
