package certification

import (
	"errors"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestValiderTitre checks the whole-titre validation on its own, each
// incoherence named by its path and code.
func TestValiderTitre(t *testing.T) {
	bloc := func(code, nature string, correspond ...string) BlocDef {
		return BlocDef{Code: code, Nature: nature, Intitule: "Intitulé", Competences: []string{"Compétence"}, Correspond: correspond}
	}
	version := func(code, debut, fin, devenir string, blocs ...BlocDef) VersionDef {
		d, _ := ParseDate(debut)
		f, _ := ParseDate(fin)
		return VersionDef{Code: code, Texte: "Arrêté", Debut: d, Fin: f, Devenir: devenir, Blocs: blocs}
	}
	titre := func(versions ...VersionDef) TitreDef {
		return TitreDef{Code: "TP-1", Intitule: "Titre", NSF: "332t", ROME: "K1801", RNCP: "RNCP1", Niveau: 5, Versions: versions}
	}
	v1 := version("V1", "2023-01-01", "2026-12-31", "revise", bloc("CCP1", "ccp"), bloc("CCP2", "ccp"), bloc("CCS1", "ccs"))
	cases := []struct {
		name string
		td   TitreDef
		want []string // "champ code"
	}{
		{"révision cohérente, plusieurs pour un", titre(v1, version("V2", "2027-01-01", "2030-12-31", "",
			bloc("A", "ccp", "V1/CCP1", "V1/CCP2"))), nil},
		{"correspondance vers un CCS", titre(v1, version("V2", "2027-01-01", "2030-12-31", "", bloc("A", "ccp", "V1/CCS1"))),
			[]string{"versions[1].blocs[0].correspond[0] correspondance_inconnue"}},
		{"correspondance vers la même version", titre(version("V1", "2023-01-01", "2026-12-31", "", bloc("CCP1", "ccp"), bloc("CCP2", "ccp", "V1/CCP1"))),
			[]string{"versions[0].blocs[1].correspond[0] correspondance_invalide"}},
		{"versions qui se chevauchent", titre(v1, version("V2", "2026-06-01", "2030-12-31", "", bloc("A", "ccp"))),
			[]string{"versions[1].debut dates_incoherentes"}},
		{"version révisée sans successeur", titre(v1), []string{"versions[0].devenir devenir_incoherent"}},
		{"version sans CCP", titre(version("V1", "2023-01-01", "2026-12-31", "", bloc("CCS1", "ccs"))), []string{"versions[0].blocs ccp_aucun"}},
		{"niveau et RNCP", TitreDef{Code: "TP 1", Intitule: "Titre", NSF: "332t", ROME: "K1801", RNCP: "37274", Niveau: 9},
			[]string{"code code_invalide", "niveau niveau_invalide", "rncp rncp_invalide"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validerTitre(nil, "", tc.td)
			var got []string
			var e *Error
			if errors.As(err, &e) {
				for _, f := range e.Fields {
					got = append(got, f.Field+" "+f.Code)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
