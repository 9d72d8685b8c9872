package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification/rules"
)

// TestMessagesNameVersionsByCode: a person reads a version's code in a
// refusal or an explanation, never the identifier the store gives it.
func TestMessagesNameVersionsByCode(t *testing.T) {
	named := rules.Referentiel{Versions: slices.Clone(ref.Versions), Correspondances: ref.Correspondances}
	for i := range named.Versions {
		named.Versions[i].Code = strings.Replace(named.Versions[i].ID, "-v", "-", 1)
	}
	capCCP1 := passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1"))
	_, err := rules.VerifierInscription(named, parametres(t), historique(enCapitalisation("2023-07-13"), capCCP1),
		session(cip2023, ccp, "2024-01-20", "2024-01-20"), []string{"CCP4"})
	var r *rules.Refus
	if !errors.As(err, &r) || r.Code != "ccp_hors_version" {
		t.Fatalf("VerifierInscription() = %v, want the refusal ccp_hors_version", err)
	}
	if !strings.Contains(r.Message, "TP-00403-2023") || strings.Contains(r.Message, cip2023) {
		t.Errorf("refusal %q: want the version named TP-00403-2023, not %s", r.Message, cip2023)
	}
}
