package rules

// VerifierEvaluation checks, as the jury records it, what a decision may
// rest on given the candidat's route: ECF are taken into account only for a
// candidat coming from training, and who has them for that bloc. A refusal
// is a *Refus (ecf_vae, ecf_hors_formation, the codes the deliberation
// reports as incoherences; ecf_absents), so that an impossible decision is
// refused when typed rather than at signature.
func VerifierEvaluation(c Candidat, e Evaluation) error {
	if !e.ECFPrisEnCompte {
		return nil
	}
	switch c.voie() {
	case voieVAE:
		return refus("ecf_vae", "%s : un candidat en VAE ne passe jamais d'ECF ; la décision ne peut pas les prendre en compte.", e.CCP)
	case voieDirecte:
		return refus("ecf_hors_formation", "%s : le candidat n'a pas suivi de formation ; la décision ne peut pas prendre en compte des ECF.", e.CCP)
	case voieFormation:
		if !c.ECF[e.CCP] {
			return refus("ecf_absents", "%s : aucun résultat d'ECF n'est renseigné pour ce candidat ; la décision ne peut pas les prendre en compte.", e.CCP)
		}
	}
	return nil
}

// SansECF says why the candidat's route has no ECF: "VAE" for the VAE
// route and a capitalisation after a VAE, "pas de formation" for a CCS
// through experience; empty when the route comes from a training and ECF
// count.
func SansECF(c Candidat) string {
	switch c.voie() {
	case voieVAE:
		return "VAE"
	case voieDirecte:
		return "pas de formation"
	}
	return ""
}
