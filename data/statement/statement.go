package statement

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/engine/instrument"
)

// Format names, as found in Statement.Format.
const (
	FormatTastytrade       = "tastytrade"        // current transaction-history CSV (Sub Type, Root Symbol)
	FormatTastyworksLegacy = "tastyworks-legacy" // older tastyworks transaction-history CSV
	FormatIBKRFlex         = "ibkr-flex"         // Interactive Brokers Flex Query XML
	FormatThinkorswim      = "thinkorswim"       // thinkorswim AccountStatement CSV
)

// Statement is one parsed broker file: the account it belongs to (empty when the file does
// not say), the position changes in time order, the money movements (Cash), and the open
// positions the broker reported (only formats that carry them: IBKR OpenPositions). Every
// row of the file is a position change, a money movement, or listed in Skipped with why —
// none is dropped in silence. Warnings are things the parser could not do but that do not
// make the file wrong, e.g. a thinkorswim trade with no matching Cash Balance row, whose
// commission and fees are then left at zero.
type Statement struct {
	Format    string
	Account   string
	Events    []Event
	Cash      []CashEvent
	Positions []Position
	Skipped   []SkippedRow
	Warnings  []string
}

// SkippedRow is a row of the file that is neither a position change nor a money movement:
// the file, the 1-based line, the row's text and why it was not imported.
type SkippedRow struct {
	File string
	Line int
	Text string
	Why  string
}

func (s SkippedRow) String() string {
	return fmt.Sprintf("%s line %d: %q not imported: %s", s.File, s.Line, clip(s.Text, 120), s.Why)
}

// Options changes how Parse treats rows it does not understand.
type Options struct {
	// SkipUnknown lists a row that looks like a trade (it has a symbol and a quantity) but
	// that the parser does not understand in Skipped, with the parser's reason, instead of
	// failing the whole file. Off by default: such a row may be a position the journal would
	// then miss, so the trader must ask for it.
	SkipUnknown bool
}

// rowFailure decides what a row the parser could not read does to the file: with
// SkipUnknown, or when the row does not look like a trade (no symbol or no quantity), it is
// listed in Skipped with the reason; otherwise it fails the file.
func (st *Statement) rowFailure(opts Options, name string, line int, text string, tradeLike bool, err error) error {
	if tradeLike && !opts.SkipUnknown {
		return err
	}
	why := err.Error()
	var re *RowError
	if errors.As(err, &re) {
		why = strings.TrimPrefix(why, fmt.Sprintf("%s line %d: ", re.File, re.Line))
	}
	if tradeLike {
		why += " (skipped: --skip-unknown)"
	}
	st.Skipped = append(st.Skipped, SkippedRow{File: name, Line: line, Text: text, Why: why})
	return nil
}

// skip lists a row that is not imported, with why.
func (st *Statement) skip(name string, line int, text, why string) {
	st.Skipped = append(st.Skipped, SkippedRow{File: name, Line: line, Text: text, Why: why})
}

// Position is an open position as the broker reported it at the statement date. Quantity is
// signed (positive long, negative short) in contracts or shares; Mark and Cost are per unit
// of the underlying, like Event.Price (Cost is the broker's average cost basis price).
type Position struct {
	Account    string
	Instrument instrument.Instrument
	Symbol     string
	Quantity   decimal.Decimal
	Mark       decimal.Decimal
	Cost       decimal.Decimal
	Time       time.Time // the report date
	Source     string
}

// RowError is a malformed row. Line is 1-based in the file; Element names the XML element
// and its index (Trade #3) for Flex files and is empty for CSV rows.
type RowError struct {
	File    string
	Line    int
	Element string
	Field   string
	Value   string
	Reason  string
}

func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s line %d: ", e.File, e.Line)
	if e.Element != "" {
		b.WriteString(e.Element)
		b.WriteByte(' ')
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s %q ", e.Field, e.Value)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// FormatError says a file is not in any format this package reads.
type FormatError struct {
	File   string
	Reason string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: %s; expected a tastytrade or tastyworks transaction-history CSV "+
		"(header starting \"Date,Type,\" or \"Date/Time,Transaction Code,\"), an IBKR Flex Query XML (<FlexQueryResponse>) or a "+
		"thinkorswim AccountStatement CSV (with an \"Account Trade History\" section)", e.File, e.Reason)
}

// maxStatementBytes bounds what Parse reads, so a wrong file cannot exhaust memory.
const maxStatementBytes = 64 << 20

// ParseFile opens and parses one statement file; the file's base name is used in messages.
func ParseFile(path string) (*Statement, error) {
	return ParseFileWith(path, Options{})
}

// ParseFileWith is ParseFile with options.
func ParseFileWith(path string, opts Options) (*Statement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseWith(filepath.Base(path), f, opts)
}

// Parse reads one statement, detecting its format from the content. name is the file name
// used in error messages. The parse is all or nothing: any malformed row that looks like a
// trade fails it with a *RowError and no statement.
func Parse(name string, r io.Reader) (*Statement, error) {
	return ParseWith(name, r, Options{})
}

// ParseWith is Parse with options (see Options.SkipUnknown).
func ParseWith(name string, r io.Reader, opts Options) (st *Statement, err error) {
	// A parser bug must not take the importer (or the app) down: the file is refused instead.
	defer func() {
		if p := recover(); p != nil {
			st, err = nil, &FormatError{File: name, Reason: fmt.Sprintf("could not be read (internal error, please report it: %v)", p)}
		}
	}()
	data, err := io.ReadAll(io.LimitReader(r, maxStatementBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxStatementBytes {
		return nil, &FormatError{File: name, Reason: fmt.Sprintf("file is larger than %d MiB", maxStatementBytes>>20)}
	}
	if data, err = toUTF8(data); err != nil {
		return nil, &FormatError{File: name, Reason: "the file " + err.Error()}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, &FormatError{File: name, Reason: "the file is empty"}
	}
	switch {
	case trimmed[0] == '<':
		st, err = parseFlex(name, data, opts)
	case isThinkorswim(data):
		st, err = parseThinkorswim(name, data, opts)
	default:
		first := firstLine(data)
		switch {
		case strings.HasPrefix(first, "Date,Type,Sub Type,"):
			st, err = parseTasty(name, data, FormatTastytrade, opts)
		case strings.HasPrefix(first, "Date,Type,Action,"):
			st, err = parseTasty(name, data, FormatTastyworksLegacy, opts)
		case isTastyworksClassic(first):
			st, err = parseTastyworksClassic(name, data, opts)
		default:
			return nil, &FormatError{File: name, Reason: fmt.Sprintf("unknown format (first line %q)", clip(first, 60))}
		}
	}
	if err != nil {
		return nil, err
	}
	// Time order; at the same moment an option leaves before the shares or future it delivers.
	sort.SliceStable(st.Events, func(i, j int) bool {
		a, b := st.Events[i], st.Events[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return kindRank(a.Kind) < kindRank(b.Kind)
	})
	sort.SliceStable(st.Cash, func(i, j int) bool { return st.Cash[i].Time.Before(st.Cash[j].Time) })
	return st, nil
}

func firstLine(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	if sc.Scan() {
		return strings.TrimRight(sc.Text(), "\r")
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// idMaker makes deterministic event IDs from a row's identifying fields. Identical rows in
// one file (two legitimate identical fills) get an occurrence counter, so they stay
// distinct while the same row in an overlapping statement gets the same ID.
type idMaker struct {
	prefix string
	seen   map[string]int
}

func newIDMaker(prefix string) *idMaker { return &idMaker{prefix: prefix, seen: map[string]int{}} }

func (m *idMaker) make(fields ...string) string {
	h := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	key := hex.EncodeToString(h[:10])
	m.seen[key]++
	return m.prefix + key + "." + strconv.Itoa(m.seen[key])
}

// maxMagnitude bounds every number read from a statement (quantities, prices, multipliers,
// fees, strikes, amounts): nothing a trader's statement prints reaches 10^10, and a larger
// value would overflow the float64 the engine works in (10^400 becomes +Inf) or an int64.
var maxMagnitude = decimal.New(1, 10)

// number parses a decimal as brokers print them: thousands commas, a leading $ or +,
// parentheses for negatives. "--" and "" are not numbers here; callers decide what an empty
// cell means. A value of magnitude 10^10 or more is refused as not a plausible number.
func number(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = s[1 : len(s)-1]
	}
	s = strings.ReplaceAll(s, ",", "")
	s = strings.TrimPrefix(s, "$")
	if strings.HasPrefix(s, "-$") {
		s = "-" + s[2:]
	}
	s = strings.TrimPrefix(s, "+")
	if s == "" || strings.ContainsAny(s, "eEInfinityNaN") {
		return decimal.Zero, false
	}
	for i, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || (c == '-' && i == 0)) {
			return decimal.Zero, false
		}
	}
	if len(s) > 40 {
		return decimal.Zero, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.Abs().Cmp(maxMagnitude) >= 0 {
		return decimal.Zero, false
	}
	if neg {
		d = d.Neg()
	}
	return d, true
}

// numberProblem says why number refused s: too large, or not a number at all.
func numberProblem(s string) string {
	digits := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		digits = 0
		for _, c := range s[:i] {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
	}
	if digits > 10 {
		return "is too large (10,000,000,000 or more)"
	}
	return "is not a number"
}

func kindRank(k Kind) int {
	switch k {
	case Fill:
		return 0
	case Delivery:
		return 2
	}
	return 1
}
