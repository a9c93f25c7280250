package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keel-desk/keel/data"
	"github.com/keel-desk/keel/data/statement"
	"github.com/keel-desk/keel/format"
)

const journalUsage = `usage:
  keel journal import [--db PATH] [--account ID] [--skip-unknown] FILE...
  keel journal export [--db PATH] [--format csv] [--out FILE]
  keel journal backup [--db FILE] [--keep N]
  keel journal backups [--db FILE]
  keel journal restore FILE [--db FILE]`

// JournalCommand runs "keel journal ..." with args after "journal" and returns the exit
// status: 0 on success, 1 when something failed, 2 on bad usage. import records each file in
// its own transaction (a bad file changes nothing and its error is printed as the parser or
// the journal reports it, e.g. `statement.csv line 14: Quantity "1O" is not a number`); the
// other files are still imported. A row that looks like a trade but that the importer does
// not understand refuses the file unless --skip-unknown; every row not imported is listed
// after the file's summary line. export writes the trades as CSV (the default and only format)
// to stdout or --out (a file only its owner can read), with a sample column marking the
// bundled sample history. Each import line says which account the file was filed under and
// why (asked with --account, named by the statement, or "default" when nothing names one).
// import writes, so it waits a few seconds for a running Keel to release the journal and then
// refuses, naming it; export only reads and works beside it.
func JournalCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, journalUsage)
		return 2
	}
	switch args[0] {
	case "import":
		return journalImport(args[1:], stdout, stderr)
	case "export":
		return journalExport(args[1:], stdout, stderr)
	case "backup", "backups", "restore":
		return BackupCommand(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, journalUsage)
		return 0
	}
	fmt.Fprintf(stderr, "keel journal: unknown command %q\n%s\n", args[0], journalUsage)
	return 2
}

// parseInterleaved parses flags that may come before, between or after the operands.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, nil
		}
		if args[0] == "--" {
			return append(operands, args[1:]...), nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// importLockWait is how long keel journal import waits for another Keel to release the
// journal before it refuses.
var importLockWait = 5 * time.Second

func openForCommand(path string, stderr io.Writer, opts ...data.Option) (*data.Journal, bool) {
	if path == "" {
		var err error
		if path, err = data.DefaultPath(); err != nil {
			fmt.Fprintln(stderr, "keel journal:", err)
			return nil, false
		}
	}
	j, err := data.Open(context.Background(), path, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "keel journal:", err)
		return nil, false
	}
	return j, true
}

func journalImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keel journal import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "journal file (default: the per-user config dir, Keel/keel.db)")
	account := fs.String("account", "", "account to file the statements under when they do not name one")
	skipUnknown := fs.Bool("skip-unknown", false, "list a trade-like row the importer does not understand as not imported instead of refusing the file")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "keel journal import: no statement files given\n"+journalUsage)
		return 2
	}
	j, ok := openForCommand(*db, stderr, data.WithLockWait(importLockWait))
	if !ok {
		return 1
	}
	defer j.Close()
	status := 0
	for _, path := range files {
		st, err := statement.ParseFileWith(path, statement.Options{SkipUnknown: *skipUnknown})
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 1
			continue
		}
		for _, w := range st.Warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
		}
		ref := data.AccountRef{}
		if st.Account == "" {
			ref.Account = *account
		}
		res, err := j.Import(context.Background(), ref, st)
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: %s, %d new, %d already in the journal; %s, %d new; %s opened, %d closed, %s. %s %s\n",
			path, format.Count(res.Events, "event", "events"), res.New, res.Skipped,
			format.Count(res.CashEvents, "money movement", "money movements"), res.CashNew,
			format.Count(res.TradesOpened, "trade", "trades"), res.TradesClosed, format.Count(res.Rolls, "roll", "rolls"),
			res.Filed("name one with --account"), res.Reconciliation())
		for _, row := range res.NotImported {
			fmt.Fprintf(stdout, "%s: %s\n", path, row)
		}
	}
	return status
}

func journalExport(args []string, stdout, stderr io.Writer) (status int) {
	fs := flag.NewFlagSet("keel journal export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "journal file (default: the per-user config dir, Keel/keel.db)")
	outFormat := fs.String("format", "csv", "output format: csv (the default and only one)")
	out := fs.String("out", "", "output file (default: standard output)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "keel journal export: unexpected %q\n%s\n", strings.Join(rest, " "), journalUsage)
		return 2
	}
	if !strings.EqualFold(*outFormat, "csv") {
		fmt.Fprintf(stderr, "keel journal export: --format must be csv, the only format (got %q)\n", *outFormat)
		return 2
	}
	j, ok := openForCommand(*db, stderr, data.Shared())
	if !ok {
		return 1
	}
	defer j.Close()
	w := stdout
	if *out != "" {
		f, err := data.CreateExport(*out)
		if err != nil {
			fmt.Fprintln(stderr, "keel journal export:", err)
			return 1
		}
		defer func() {
			if err := f.Close(); err != nil && status == 0 {
				fmt.Fprintln(stderr, "keel journal export:", err)
				status = 1
			}
		}()
		w = f
	}
	if err := j.ExportCSV(context.Background(), w, data.Filter{}); err != nil {
		fmt.Fprintln(stderr, "keel journal export:", err)
		return 1
	}
	return 0
}
