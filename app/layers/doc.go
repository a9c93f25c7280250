// Package layers is the layer editor window: the book's layers with their bias,
// underlyings, hedge instrument, limits and notes, and the positions filed under each. It
// reads the journal and changes layers only through the desk service's commands.
package layers
