// Package texte holds the rules for the text of a person's name or a
// place: the form it is stored in (Unicode NFC) and the characters it may
// not hold. The service applies them on input; the migration that
// normalised the rows stored before uses the same rules.
package texte

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// MaxMarques caps the combining marks on one base character: Vietnamese
// needs two at most (ễ: e, circumflex, tilde), and a stack of dozens
// ("Zalgo" text) overflows the line it is printed on.
const MaxMarques = 2

// NFC returns s in the composed form the service stores, so that one name
// typed in composed or decomposed form is the same bytes, found by the
// same search.
func NFC(s string) string { return norm.NFC.String(s) }

// Interdit reports whether r may not appear in a name or a place: control
// characters (C0 and C1), format characters (soft hyphen, zero-width
// characters, bidirectional controls and overrides, byte order mark…),
// private-use, unassigned and non-characters, line and paragraph
// separators, and any space but the ordinary one. Such characters print
// nothing, print another name than the one read (U+202E reverses what
// follows), or print differently on each reader.
func Interdit(r rune) bool {
	switch {
	case r == ' ':
		return false
	case r == unicode.ReplacementChar, r&0xfffe == 0xfffe, r >= 0xfdd0 && r <= 0xfdef:
		return true
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp, unicode.Zs):
		return true
	}
	// What is left is assigned if it is a letter, mark, number,
	// punctuation or symbol: the other categories were refused above.
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// Faute is what makes a name or a place unacceptable.
type Faute int

// The faults, in the order Verifier looks for them.
const (
	Correct           Faute = iota
	CaractereInterdit       // a character Interdit refuses
	DroiteAGauche           // a letter of a right-to-left script (Hebrew, Arabic…)
	TropDeMarques           // more than MaxMarques combining marks on one character
	SansLettre              // no letter at all: "-", "…", "123"
)

// Verifier checks s, already in NFC, as a name or a place: the fault and
// the character at fault, or Correct.
func Verifier(s string) (Faute, rune) {
	lettre := false
	marques := 0
	for _, r := range s {
		if Interdit(r) {
			return CaractereInterdit, r
		}
		if droiteAGauche(r) {
			return DroiteAGauche, r
		}
		if unicode.Is(unicode.M, r) {
			if marques++; marques > MaxMarques {
				return TropDeMarques, r
			}
			continue
		}
		marques = 0
		lettre = lettre || unicode.IsLetter(r)
	}
	if !lettre {
		return SansLettre, 0
	}
	return Correct, 0
}

// droiteAGauche reports a character written right to left. The documents
// draw text left to right in the order typed, with no bidirectional
// layout: a Hebrew name would print reversed, should the embedded fonts
// ever draw it (today they lack those scripts). Such names are written in
// Latin letters, as on French identity papers.
func droiteAGauche(r rune) bool {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	return c == bidi.R || c == bidi.AL
}
