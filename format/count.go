package format

import "strconv"

// Count writes a count n ≥ 0 with its noun in the right number: "1 action", "2 actions",
// "0 actions", "1,200 runs". many is the plural; "" means one + "s".
func Count(n int, one, many string) string {
	if many == "" {
		many = one + "s"
	}
	if n == 1 {
		return "1 " + one
	}
	if n < 0 {
		return strconv.Itoa(n) + " " + many
	}
	return Group(strconv.Itoa(n)) + " " + many
}
