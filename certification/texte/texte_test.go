package texte_test

import (
	"testing"

	"github.com/cipcert/cipcert/certification/texte"
)

func TestVerifier(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want texte.Faute
	}{
		{"french", "Lefèvre", texte.Correct},
		{"compound", "Jean-Édouard d'Aubigné", texte.Correct},
		{"vietnamese NFC", "Nguyễn", texte.Correct},
		{"vietnamese NFD", "Nguye\u0302\u0303n", texte.Correct},
		{"polish, romanian", "Łukasz Ștefan", texte.Correct},
		{"place", "Saint-Étienne (42)", texte.Correct},
		{"greek", "Παπαδόπουλος", texte.Correct},
		{"right-to-left override", "Test\u202eeivlyS", texte.CaractereInterdit},
		{"left-to-right isolate", "A\u2066B", texte.CaractereInterdit},
		{"zero width space", "Du\u200bpont", texte.CaractereInterdit},
		{"zero width joiner", "Du\u200dpont", texte.CaractereInterdit},
		{"soft hyphen", "Du\u00adpont", texte.CaractereInterdit},
		{"byte order mark", "\ufeffDupont", texte.CaractereInterdit},
		{"C1 control", "Du\u0085pont", texte.CaractereInterdit},
		{"C0 control", "Du\x01pont", texte.CaractereInterdit},
		{"tab", "Du\tpont", texte.CaractereInterdit},
		{"no-break space", "Du\u00a0pont", texte.CaractereInterdit},
		{"line separator", "Du\u2028pont", texte.CaractereInterdit},
		{"private use", "Du\ue000pont", texte.CaractereInterdit},
		{"unassigned", "Du\U000e0080pont", texte.CaractereInterdit},
		{"non-character", "Du\ufffepont", texte.CaractereInterdit},
		{"replacement character", "Du\ufffdpont", texte.CaractereInterdit},
		{"word joiner", "Du\u2060pont", texte.CaractereInterdit},
		{"tag character", "Du\U000e0041pont", texte.CaractereInterdit},
		{"three marks left after composing", "e\u0301\u0302\u0303\u0304", texte.TropDeMarques},
		{"two marks left after composing", "q\u0301\u0302", texte.Correct},
		{"zalgo", "Z\u0300\u0301\u0302\u0303\u0304algo", texte.TropDeMarques},
		{"hebrew", "כהן", texte.DroiteAGauche},
		{"arabic", "Nour نور", texte.DroiteAGauche},
		{"no letter", "- ' .", texte.SansLettre},
		{"digits only", "1234", texte.SansLettre},
		{"marks only", "\u0301", texte.SansLettre},
	} {
		if got, _ := texte.Verifier(texte.NFC(c.in)); got != c.want {
			t.Errorf("%s %+q: %v, want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestNFC(t *testing.T) {
	if got := texte.NFC("Lefe\u0300vre"); got != "Lefèvre" {
		t.Errorf("NFC = %+q", got)
	}
}
