package app

import (
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"
)

// Number formatting shared by the positions window and the order ticket. Money in decimal
// uses usd (journal_sample.go); the helpers here format the engine's float figures and
// quoted prices. Every one of them prints "—" for a value that is not finite, a "−" (the
// minus sign, not a hyphen) for negatives, and never "−0".

// num formats f with dp decimals and thousands separators: 1234.5 → "1,234.5" (dp 1),
// −0.004 → "0.00" (dp 2).
func num(f float64, dp int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return noValue
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', dp, 64)
	neg := f < 0 && strings.Trim(s, "0.") != ""
	s = groupThousands(s)
	if neg {
		return "−" + s
	}
	return s
}

// signedNum is num with a "+" in front of positive figures, for changes: "+12.0", "−3.5".
func signedNum(f float64, dp int) string {
	s := num(f, dp)
	if s != noValue && !strings.HasPrefix(s, "−") && strings.Trim(s, "0.,") != "" {
		return "+" + s
	}
	return s
}

// wholeUSD formats a float amount of money in whole dollars: "$1,234", "−$80".
func wholeUSD(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return noValue
	}
	s := num(math.Abs(f), 0)
	if f < 0 && s != "0" {
		return "−$" + s
	}
	return "$" + s
}

// signedUSD is wholeUSD with a "+" in front of positive amounts, for changes.
func signedUSD(f float64) string {
	s := wholeUSD(f)
	if s != noValue && !strings.HasPrefix(s, "−") && s != "$0" {
		return "+" + s
	}
	return s
}

// priceText formats a quoted price per unit with at least two decimals and at most four:
// 3.5 → "3.50", 26.375 → "26.375", 6614.25 → "6614.25"; negatives with "−".
func priceText(d decimal.Decimal) string {
	s := d.Abs().StringFixed(2)
	if r := d.Abs().Round(4); !r.Equal(r.Round(2)) {
		s = r.String()
	}
	if d.IsNegative() && strings.Trim(s, "0.") != "" {
		return "−" + s
	}
	return s
}

// quotedPrice is priceText, or "—" for a side of the market that is missing (zero).
func quotedPrice(d decimal.Decimal) string {
	if !d.IsPositive() {
		return noValue
	}
	return priceText(d)
}

// setLabel changes a label only when its text, importance or alignment differ, so a
// snapshot that changes nothing redraws nothing.
func setLabel(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp {
		return
	}
	l.Text, l.Importance = text, imp
	l.Refresh()
}

// setCell is setLabel for a table cell, which also sets the alignment. Cells do not
// truncate: an ellipsis costs a text shaping per refresh (setLongCell is for text that may
// not fit).
func setCell(l *widget.Label, text string, imp widget.Importance, align fyne.TextAlign) {
	if l.Text == text && l.Importance == imp && l.Alignment == align && l.Truncation == fyne.TextTruncateOff {
		return
	}
	l.Text, l.Importance, l.Alignment, l.Truncation = text, imp, align, fyne.TextTruncateOff
	l.Refresh()
}

// setLongCell is setCell for words that may be wider than their cell: they end in "…".
func setLongCell(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp && l.Alignment == fyne.TextAlignLeading && l.Truncation == fyne.TextTruncateEllipsis {
		return
	}
	l.Text, l.Importance, l.Alignment, l.Truncation = text, imp, fyne.TextAlignLeading, fyne.TextTruncateEllipsis
	l.Refresh()
}

// moneyImportance colours a money figure: red when negative.
func moneyImportance(negative bool) widget.Importance {
	if negative {
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// setHeaders gives t a header row of bold titles (trailing-aligned over number columns) and
// its column widths; col describes column i of n.
func setHeaders(t *widget.Table, n int, col func(i int) (title string, width float32, trailing bool)) {
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
		setCell(l, title, widget.MediumImportance, align)
	}
	for i := 0; i < n; i++ {
		_, w, _ := col(i)
		t.SetColumnWidth(i, w)
	}
}
