package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/keel-desk/keel/data"
)

const backupUsage = `usage:
  keel journal backup [--db FILE] [--keep N]
  keel journal backups [--db FILE]
  keel journal restore FILE [--db FILE]`

// BackupCommand runs "keel journal backup|backups|restore ..." with args starting at the
// subcommand, and returns the exit status: 0 on success, 1 when something failed, 2 on bad
// usage. backup writes a backup now (beside a running Keel too: it only reads) and keeps the
// last --keep; backups lists the backups beside the journal with their times and sizes;
// restore replaces the journal with a backup after checking it, keeping the current one, and
// refuses while a Keel has the journal open.
func BackupCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, backupUsage)
		return 2
	}
	name := "keel journal " + args[0]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "journal file (default: the per-user config dir, Keel/keel.db)")
	var keep *int
	if args[0] == "backup" {
		keep = fs.Int("keep", data.DefaultBackupKeep, "how many backups to keep (the oldest beyond are deleted)")
	}
	rest, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return 2
	}
	want := 0
	if args[0] == "restore" {
		want = 1
	}
	switch args[0] {
	case "backup", "backups", "restore":
	default:
		fmt.Fprintf(stderr, "keel journal: unknown command %q\n%s\n", args[0], backupUsage)
		return 2
	}
	if len(rest) != want || (keep != nil && *keep < 1) {
		fmt.Fprintf(stderr, "%s: bad arguments %q\n%s\n", name, strings.Join(args[1:], " "), backupUsage)
		return 2
	}
	path := *db
	if path == "" {
		if path, err = data.DefaultPath(); err != nil {
			fmt.Fprintln(stderr, name+":", err)
			return 1
		}
	}
	ctx := context.Background()
	switch args[0] {
	case "backup":
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintln(stderr, name+": no journal to back up:", err)
			return 1
		}
		j, ok := openForCommand(path, stderr, data.Shared())
		if !ok {
			return 1
		}
		defer j.Close()
		start := time.Now()
		b, err := j.Backup(ctx)
		if err != nil {
			fmt.Fprintln(stderr, name+":", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s in %s\n", b.Path, data.ByteCount(uint64(b.Size)), time.Since(start).Round(time.Millisecond))
		gone, err := data.PruneBackups(path, *keep)
		for _, g := range gone {
			fmt.Fprintf(stdout, "deleted %s (keeping the last %d)\n", g, *keep)
		}
		if err != nil {
			fmt.Fprintln(stderr, name+":", err)
			return 1
		}
	case "backups":
		bs, err := data.Backups(path)
		if err != nil {
			fmt.Fprintln(stderr, name+":", err)
			return 1
		}
		if len(bs) == 0 {
			fmt.Fprintf(stdout, "no backups of %s\n", path)
		}
		for _, b := range bs {
			fmt.Fprintf(stdout, "%s  %10s  %-16s  %s\n", b.Time.Local().Format("2006-01-02 15:04:05 MST"),
				data.ByteCount(uint64(b.Size)), b.Kind, b.Path)
		}
	case "restore":
		kept, err := data.Restore(ctx, rest[0], path)
		if err != nil {
			fmt.Fprintln(stderr, name+":", err)
			return 1
		}
		fmt.Fprintf(stdout, "restored %s from %s\n", path, rest[0])
		if kept != "" {
			fmt.Fprintf(stdout, "the journal it replaced is kept as %s\n", kept)
		}
	}
	return 0
}
