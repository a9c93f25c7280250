package locale

import "testing"

func TestQuietCLocale(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"C.UTF-8 in LANG", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"POSIX.UTF-8 in LC_ALL", map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "de_DE.UTF-8"}, "en"},
		{"plain C parses as no locale", map[string]string{"LANG": "C"}, ""},
		{"a real locale", map[string]string{"LANG": "de_DE.UTF-8"}, ""},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"LANGUAGE already set", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "fr"},
		{"nothing set", map[string]string{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range c.env {
				env[k] = v
			}
			quietCLocale(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if env["LANGUAGE"] != c.want {
				t.Errorf("LANGUAGE = %q, want %q", env["LANGUAGE"], c.want)
			}
		})
	}
}
