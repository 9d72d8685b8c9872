package search

import "testing"

func TestKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Lefèvre", "lefevre"},
		{"LEFÈ", "lefe"},
		{"lefe", "lefe"},
		{"lefe\u0300", "lefe"},             // è typed as e + combining grave (NFD)
		{"Le\u0301ve\u0300que", "leveque"}, // NFD throughout
		{"Œuvre", "oeuvre"},
		{"œuvre", "oeuvre"},
		{"oeuvre", "oeuvre"},
		{"Lætitia", "laetitia"},
		{"Æsop", "aesop"},
		{"Strauß", "strauss"},
		{"STRAUẞ", "strauss"},
		{"Łukasz", "lukasz"},
		{"Ștefan", "stefan"},
		{"Ştefan", "stefan"}, // s with cedilla, the older spelling
		{"Nguyễn", "nguyen"},
		{"Đặng", "dang"},
		{"Ørsted", "orsted"},
		{"Françoise", "francoise"},
		{"Éluard", "eluard"},
		{"Müller-Lüdenscheidt", "muller-ludenscheidt"},
		{"D’Almeida", "d'almeida"},
		{"d'Almeida", "d'almeida"},
		{"N'Diaye", "n'diaye"},
		{"  Mar ", "  mar "}, // spaces are the caller's business
		{"", ""},
		{"100%_\\", "100%_\\"}, // LIKE's special characters pass through, for the caller to escape
	} {
		if got := Key(tc.in); got != tc.want {
			t.Errorf("Key(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A prefix of a name folds to a prefix of the name's key, which is what a
// prefix search on stored keys relies on.
func TestKeyOfPrefixIsPrefixOfKey(t *testing.T) {
	for _, name := range []string{"Lefèvre", "Œuvre", "Strauß", "Nguyễn", "Łukasz"} {
		full := Key(name)
		rs := []rune(name)
		for i := range rs {
			p := Key(string(rs[:i]))
			if len(p) > len(full) || full[:len(p)] != p {
				t.Errorf("Key(%q) = %q is not a prefix of Key(%q) = %q", string(rs[:i]), p, name, full)
			}
		}
	}
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		Key("Lefèvre-Nguyễn")
	}
}
