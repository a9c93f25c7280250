package statement

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// toUTF8 returns a statement's text as UTF-8. Brokers export UTF-8, sometimes with a byte
// order mark; a file saved again by a spreadsheet may be UTF-16 (with its mark) or
// ISO-8859-1. UTF-16 is converted; other text that is not UTF-8 is read as ISO-8859-1 (every
// byte is a character, so nothing is lost), except XML, whose declaration names its own
// encoding (see xmlCharset).
func toUTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")):
		return fromUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte("\xfe\xff")):
		return fromUTF16(data[2:], true)
	}
	if utf8.Valid(data) {
		return data, nil
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '<' {
		return data, nil
	}
	return latin1ToUTF8(data), nil
}

func fromUTF16(b []byte, bigEndian bool) ([]byte, error) {
	name := "UTF-16LE"
	if bigEndian {
		name = "UTF-16BE"
	}
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("is %s (it starts with its byte order mark) but has an odd number of bytes", name)
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			units[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(units))), nil
}

// latin1ToUTF8 maps each ISO-8859-1 byte to the code point of the same number.
func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// xmlCharset is the XML decoder's CharsetReader: ISO-8859-1 (and its ASCII subset) by a
// byte map; UTF-16 is already converted by toUTF8 before the decoder sees it. Anything else is
// refused by name.
func xmlCharset(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(latin1ToUTF8(b)), nil
	case "utf-16", "utf-16le", "utf-16be":
		return r, nil
	}
	return nil, fmt.Errorf("the XML declares encoding %q; Keel reads UTF-8, UTF-16 and ISO-8859-1 — export the statement again as UTF-8", label)
}
