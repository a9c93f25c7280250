// Package assets holds the files Keel embeds in its binary: the application icon (a
// 512×512 PNG drawn by scripts/genicon).
package assets

import _ "embed"

// IconPNG is Keel's application icon, 512×512 pixels, PNG encoded.
//
//go:embed icon.png
var IconPNG []byte
