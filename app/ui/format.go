package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"github.com/keel-desk/keel/format"
)

// The one money and number formatter of every window: the engine's float figures (Num,
// SignedNum, WholeUSD, SignedUSD), quoted prices (Price, QuotedPrice) and money in decimal
// (USD). Every one of them prints "—" (NoValue) for a value that is not finite, a "−" (the
// minus sign U+2212, not a hyphen) for negatives, never "−0", and groups thousands with
// commas.

// NoValue is what a figure that cannot be shown (not finite, not known) prints.
const NoValue = format.NoValue

// Num formats f with dp decimals and thousands separators: 1234.5 → "1,234.5" (dp 1),
// −0.004 → "0.00" (dp 2).
func Num(f float64, dp int) string { return format.Num(f, dp) }

// SignedNum is num with a "+" in front of positive figures, for changes: "+12.0", "−3.5".
func SignedNum(f float64, dp int) string {
	s := Num(f, dp)
	if s != NoValue && !strings.HasPrefix(s, "−") && strings.Trim(s, "0.,") != "" {
		return "+" + s
	}
	return s
}

// WholeUSD formats a float amount of money in whole dollars: "$1,234", "−$80".
func WholeUSD(f float64) string { return format.USD(f, 0) }

// SignedUSD is wholeUSD with a "+" in front of positive amounts, for changes.
func SignedUSD(f float64) string {
	s := WholeUSD(f)
	if s != NoValue && !strings.HasPrefix(s, "−") && s != "$0" {
		return "+" + s
	}
	return s
}

// Price formats a quoted price per unit with at least two decimals and at most four:
// 3.5 → "3.50", 26.375 → "26.375", 6614.25 → "6614.25"; negatives with "−".
func Price(d decimal.Decimal) string {
	s := d.Abs().StringFixed(2)
	if r := d.Abs().Round(4); !r.Equal(r.Round(2)) {
		s = r.String()
	}
	if d.IsNegative() && strings.Trim(s, "0.") != "" {
		return "−" + s
	}
	return s
}

// QuotedPrice is priceText, or "—" for a side of the market that is missing (zero).
func QuotedPrice(d decimal.Decimal) string {
	if !d.IsPositive() {
		return NoValue
	}
	return Price(d)
}

// SetLabel changes a label only when its text, importance or alignment differ, so a
// snapshot that changes nothing redraws nothing.
func SetLabel(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp {
		return
	}
	l.Text, l.Importance = text, imp
	l.Refresh()
}

// SetCell is setLabel for a table cell, which also sets the alignment. Cells do not
// truncate: an ellipsis costs a text shaping per refresh (setLongCell is for text that may
// not fit).
func SetCell(l *widget.Label, text string, imp widget.Importance, align fyne.TextAlign) {
	if l.Text == text && l.Importance == imp && l.Alignment == align && l.Truncation == fyne.TextTruncateOff {
		return
	}
	l.Text, l.Importance, l.Alignment, l.Truncation = text, imp, align, fyne.TextTruncateOff
	l.Refresh()
}

// SetLongCell is setCell for words that may be wider than their cell: they end in "…".
func SetLongCell(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp && l.Alignment == fyne.TextAlignLeading && l.Truncation == fyne.TextTruncateEllipsis {
		return
	}
	l.Text, l.Importance, l.Alignment, l.Truncation = text, imp, fyne.TextAlignLeading, fyne.TextTruncateEllipsis
	l.Refresh()
}

// MoneyImportance colours a money figure: red when negative.
func MoneyImportance(negative bool) widget.Importance {
	if negative {
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// SetHeaders gives t a header row of bold titles (trailing-aligned over number columns) and
// its column widths; col describes column i of n.
func SetHeaders(t *widget.Table, n int, col func(i int) (title string, width float32, trailing bool)) {
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col < 0 || id.Col >= n {
			l.SetText("")
			return
		}
		title, _, trailing := col(id.Col)
		align := fyne.TextAlignLeading
		if trailing {
			align = fyne.TextAlignTrailing
		}
		SetCell(l, title, widget.MediumImportance, align)
	}
	for i := 0; i < n; i++ {
		_, w, _ := col(i)
		t.SetColumnWidth(i, w)
	}
}

// USD formats money with a dollar sign, thousands separators and two decimals; negatives
// carry a leading minus sign: "$1,234.50", "−$80.00".
func USD(d decimal.Decimal) string { return format.Money(d) }

// GroupThousands puts commas into the integer part of a plain decimal string.
func GroupThousands(s string) string { return format.Group(s) }
