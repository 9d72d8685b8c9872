// Package search holds how names are compared when someone searches for
// them: the form people type (« lefe », « LEFÈ », « oeuvre ») must find
// the form the civil registry wrote (« Lefèvre », « Œuvre »). It is a leaf
// package so that the schema migrations, the service and the bulk data
// generator fold names the same way.
package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ligatures are the letters that no Unicode decomposition separates but
// that French (œ, æ), German (ß) and the names of the DOMAIN's examples
// (Łukasz, Đặng, Ørsted) are commonly typed without: each becomes what
// a keyboard without it produces.
var ligatures = strings.NewReplacer(
	"œ", "oe", "æ", "ae", "ß", "ss", "ł", "l", "ø", "o", "đ", "d",
	// A typographic apostrophe (D’Almeida) is typed as the straight one.
	"’", "'", "‘", "'",
)

// Key returns the form of a name that name searches compare: lower case,
// without diacritics, ligatures spelt out. Two spellings that differ only
// by case, accents, Unicode normal form (NFC or NFD) or those ligatures
// have the same Key, and a prefix of a name's Key is the Key of the
// prefix, so that a search by prefix can compare keys. Key is
// deterministic: keys stored in the database stay valid as long as this
// function does not change; a change to it needs a migration that
// recomputes them.
func Key(s string) string {
	// NFD splits a letter from its accents (è → e + ◌̀, ễ → e + ◌̂ + ◌̃),
	// which are then nonspacing marks (Mn) to drop. Lowercasing first
	// keeps capitals with a distinct lower form (Ł, Œ, ẞ) in the table.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		// The transformers only fail on invalid UTF-8, which the
		// transport refuses before any name reaches here.
		out = strings.ToLower(s)
	}
	return ligatures.Replace(out)
}
