// Package locale keeps Fyne from logging "Error parsing user locale C" at start-up. Fyne
// reads the user's language from LC_ALL, LC_MESSAGES or LANG (or LANGUAGE) while its
// packages initialise, before main runs, and logs an error to standard error for the C or
// POSIX locale with an encoding ("C.UTF-8", common in containers and CI), which no language
// tag parses; it then falls back to English. This package, imported by main before
// anything of Fyne, names that fallback, English, in LANGUAGE when the locale is C.* or
// POSIX.* and LANGUAGE is unset, so the same choice is made in silence. Go initialises a
// package after its imports and otherwise in the order of import paths, and this one needs
// only os and strings, so it runs before Fyne's lang package (whose imports include
// golang.org/x/text, which sorts after this path).
package locale

import (
	"os"
	"strings"
)

func init() { quietCLocale(os.Getenv, os.Setenv) }

// quietCLocale sets LANGUAGE=en when the effective locale is C or POSIX with an encoding.
func quietCLocale(getenv func(string) string, setenv func(string, string) error) {
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(v); loc != "" {
			break
		}
	}
	if getenv("LANGUAGE") != "" {
		return
	}
	if strings.HasPrefix(loc, "C.") || strings.HasPrefix(loc, "POSIX.") {
		_ = setenv("LANGUAGE", "en") // cannot fail for a valid name; Fyne falls back to English anyway
	}
}
