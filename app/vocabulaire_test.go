package app

import (
	"net/http"
	"testing"
)

// TestUnStatutParCode: one refusal vocabulary (README, « Errors »): a code
// names one kind of refusal, so it answers one status whichever path raises
// it, the rule engine's or the service's.
func TestUnStatutParCode(t *testing.T) {
	statuts := map[string][]int{}
	for _, e := range catalogue {
		statuts[e.Code] = append(statuts[e.Code], e.Status)
	}
	for code, s := range statuts {
		if len(s) > 1 {
			t.Errorf("code %s answers %v: one status per code", code, s)
		}
	}
	// The codes whose status was once another's, each where the README's
	// rule puts it.
	for code, want := range map[string]int{
		"jury_incomplet":    http.StatusUnprocessableEntity, // a rule with its parameter, not a state
		"jury_non_habilite": http.StatusUnprocessableEntity, // R338-6
		"ccp_non_inscrit":   http.StatusUnprocessableEntity, // the jury decides on the CCP enrolled
		"lien_autre_membre": http.StatusUnprocessableEntity, // a member declares its own links
		"lien_invalide":     http.StatusUnprocessableEntity, // the nature of a link; an activation link has its own code
	} {
		if s := statuts[code]; len(s) != 1 || s[0] != want {
			t.Errorf("code %s answers %v, want %d", code, s, want)
		}
	}
}
