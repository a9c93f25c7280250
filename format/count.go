package format

// Count writes n with its noun in the right number, thousands grouped and with a true minus:
// Count(1, "lesson", "lessons") is "1 lesson", Count(0, …) "0 lessons", Count(1200, …)
// "1,200 lessons". many "" means one + "s".
func Count(n int, one, many string) string {
	if many == "" {
		many = one + "s"
	}
	word := many
	if n == 1 || n == -1 {
		word = one
	}
	return Num(float64(n), 0) + " " + word
}
