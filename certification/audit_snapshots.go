package certification

import (
	"time"

	"github.com/cipcert/cipcert/certification/rules"
)

// The audit trail stores these snapshots as JSON: explicit structs with
// snake_case names and concrete values, so that the trail reads the same
// whatever the Go field names or the SQL of the change. Events written
// before them (Go field names, column maps) stay as they were stored.

type candidatSnapshot struct {
	TitreCode      string              `json:"titre_code"`
	Parcours       Parcours            `json:"parcours"`
	NomNaissance   string              `json:"nom_naissance"`
	NomUsage       string              `json:"nom_usage,omitempty"`
	Prenoms        string              `json:"prenoms"`
	DateNaissance  Date                `json:"date_naissance"`
	LieuNaissance  string              `json:"lieu_naissance"`
	Email          string              `json:"email"`
	Formation      *periodeSnapshot    `json:"formation,omitempty"`
	ECF            []ecfSnapshot       `json:"ecf,omitempty"`
	Recevabilite   *recevabiliteSnap   `json:"recevabilite,omitempty"`
	MoisExperience *int                `json:"mois_experience,omitempty"`
	CCPAnterieurs  []anterieurSnapshot `json:"ccp_anterieurs,omitempty"`
	Version        int                 `json:"version,omitempty"`
}

// identiteSnapshot is a candidat's civil identity, and for a rectification
// its reason and supporting document.
type identiteSnapshot struct {
	Identite
	Version int    `json:"version"`
	Motif   string `json:"motif,omitempty"`
	Piece   string `json:"piece_justificative,omitempty"`
}

type periodeSnapshot struct {
	Debut Date `json:"debut"`
	Fin   Date `json:"fin"`
}

type ecfSnapshot struct {
	CCP            string `json:"ccp"`
	DateEvaluation Date   `json:"date_evaluation"`
	Observations   string `json:"observations,omitempty"`
}

type recevabiliteSnap struct {
	DateNotification Date   `json:"date_notification"`
	Reference        string `json:"reference"`
	DDETS            string `json:"ddets"`
	MoisExperience   int    `json:"mois_experience"`
	TypeSession      string `json:"type_session"`
}

type anterieurSnapshot struct {
	CCP              string `json:"ccp"`
	VersionCode      string `json:"version_code"`
	DateObtention    Date   `json:"date_obtention"`
	SessionReference string `json:"session_reference,omitempty"`
}

// snapshotSaisie is what a centre entered.
func snapshotSaisie(in CandidatSaisie) candidatSnapshot {
	s := candidatSnapshot{TitreCode: in.TitreCode, Parcours: in.Parcours, NomNaissance: in.NomNaissance, NomUsage: in.NomUsage,
		Prenoms: in.Prenoms, DateNaissance: in.DateNaissance, LieuNaissance: in.LieuNaissance, Email: in.Email,
		MoisExperience: in.MoisExperience}
	if f := in.Formation; f != nil {
		s.Formation = &periodeSnapshot{f.Debut, f.Fin}
	}
	for _, e := range in.ECF {
		s.ECF = append(s.ECF, ecfSnapshot(e))
	}
	if r := in.Recevabilite; r != nil {
		s.Recevabilite = &recevabiliteSnap{r.DateNotification, r.Reference, r.DDETS, r.MoisExperience, r.TypeSession}
	}
	for _, x := range in.CCPAnterieurs {
		s.CCPAnterieurs = append(s.CCPAnterieurs, anterieurSnapshot(x))
	}
	return s
}

// snapshotCandidat is a stored candidat.
func snapshotCandidat(c Candidat) candidatSnapshot {
	s := snapshotSaisie(CandidatSaisie{TitreCode: c.TitreCode, Parcours: c.Parcours, NomNaissance: c.NomNaissance,
		NomUsage: c.NomUsage, Prenoms: c.Prenoms, DateNaissance: c.DateNaissance, LieuNaissance: c.LieuNaissance,
		Email: c.Email, Formation: c.Formation, ECF: c.ECF, Recevabilite: c.Recevabilite, MoisExperience: c.MoisExperience,
		CCPAnterieurs: c.CCPAnterieurs})
	s.Version = c.Version
	return s
}

type sessionSnapshot struct {
	VersionCode string   `json:"version_code"`
	Type        string   `json:"type"`
	CCP         []string `json:"ccp"`
	Debut       Date     `json:"debut"`
	Fin         Date     `json:"fin"`
	Lieu        string   `json:"lieu"`
	Responsable string   `json:"responsable"`
	Jury        []string `json:"jury"`
}

func snapshotNouvelleSession(in NouvelleSession, ccp []string) sessionSnapshot {
	return sessionSnapshot{VersionCode: in.VersionCode, Type: in.Type, CCP: ccp, Debut: in.Debut, Fin: in.Fin, Lieu: in.Lieu,
		Responsable: in.Responsable, Jury: in.Jury}
}

// sessionEtat is a session's status and what a transition records with it.
type sessionEtat struct {
	Statut          StatutSession `json:"statut"`
	Version         int           `json:"version,omitempty"`
	DeclareeAt      *time.Time    `json:"declaree_at,omitempty"`
	TenueAt         *time.Time    `json:"tenue_at,omitempty"`
	DelibereeAt     *time.Time    `json:"deliberee_at,omitempty"`
	ValideeAt       *time.Time    `json:"validee_at,omitempty"`
	ValideePar      string        `json:"validee_par,omitempty"`
	MotifAnnulation string        `json:"motif_annulation,omitempty"`
	// MotifRegularisation is the reason of a declaration the autorité
	// recorded after the session began.
	MotifRegularisation string `json:"motif_regularisation,omitempty"`
}

type inscriptionSnapshot struct {
	CCP              []string `json:"ccp"`
	EntretienFinalDu bool     `json:"entretien_final_du"`
}

// retraitSnapshot is a withdrawal from a session and its reason.
type retraitSnapshot struct {
	Motif string `json:"motif_retrait"`
}

type presenceSnapshot struct {
	Presence       *string `json:"presence"`
	EntretienFinal *string `json:"entretien_final"`
	Version        int     `json:"version,omitempty"`
}

type evaluationSnapshot struct {
	ID                         string `json:"id"`
	CCP                        string `json:"ccp"`
	Decision                   string `json:"decision"`
	Motifs                     string `json:"motifs,omitempty"`
	MSP                        bool   `json:"msp"`
	EntretienTechnique         bool   `json:"entretien_technique"`
	QuestionnaireProfessionnel bool   `json:"questionnaire_professionnel"`
	QuestionnementProductions  bool   `json:"questionnement_productions"`
	DossierProfessionnel       bool   `json:"dossier_professionnel"`
	EcfPrisEnCompte            bool   `json:"ecf_pris_en_compte"`
	SaisiPar                   string `json:"saisi_par"`
	Version                    int    `json:"version"`
}

func snapshotEvaluation(e Evaluation) evaluationSnapshot {
	return evaluationSnapshot{ID: e.ID, CCP: e.CCP, Decision: e.Decision, Motifs: e.Motifs, MSP: e.MSP,
		EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
		QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel,
		EcfPrisEnCompte: e.EcfPrisEnCompte, SaisiPar: e.SaisiPar, Version: e.Version}
}

// natureErreurMaterielle is what a correction by the autorité is: the jury
// is sovereign, the autorité only rectifies a decision transcribed wrongly
// (DOMAIN §6 bis).
const natureErreurMaterielle = "erreur_materielle"

// natureNouvelleDeliberation is a decision the jury took again on a
// recours: the new assessment is the jury's, signed by its members.
const natureNouvelleDeliberation = "nouvelle_deliberation"

type revocationSnapshot struct {
	Nature       string             `json:"nature"`
	Motif        string             `json:"motif"`
	RemplaceePar evaluationSnapshot `json:"remplacee_par"`
}

type signatureSnapshot struct {
	MembreID  string `json:"membre_id"`
	Empreinte string `json:"empreinte"`
}

type issueSnapshot struct {
	Issue        *string  `json:"issue"`
	CCPManquants []string `json:"ccp_manquants,omitempty"`
}

func snapshotIssue(r rules.Resultat) issueSnapshot {
	issue := string(r.Issue)
	return issueSnapshot{Issue: &issue, CCPManquants: r.CCPManquants}
}

type membreSnapshot struct {
	ID            string  `json:"id"`
	Nom           string  `json:"nom"`
	Prenoms       string  `json:"prenoms"`
	Email         string  `json:"email"`
	UtilisateurID *string `json:"utilisateur_id,omitempty"`
}

type habilitationSnapshot struct {
	ID        string `json:"id"`
	TitreCode string `json:"titre_code"`
	Debut     Date   `json:"debut"`
	Fin       Date   `json:"fin"`
	Reference string `json:"reference"`
}

type lienSnapshot struct {
	ID         string `json:"id"`
	MembreID   string `json:"membre_id"`
	CandidatID string `json:"candidat_id"`
	Nature     string `json:"nature"`
}

type documentSnapshot struct {
	Type   TypeDocument `json:"type,omitempty"`
	Numero string       `json:"numero,omitempty"`
	Sha256 string       `json:"sha256,omitempty"`
	Statut string       `json:"statut,omitempty"`
	// RemplacePar is the number of the document that supersedes this one.
	RemplacePar string              `json:"remplace_par,omitempty"`
	Categorie   CategorieRevocation `json:"categorie,omitempty"`
	Motif       string              `json:"motif,omitempty"`
	// Duplicata is the number of a duplicata issued of this document.
	Duplicata string `json:"duplicata,omitempty"`
}

// incidentSnapshot is an incident the jury recorded about a candidat.
type incidentSnapshot struct {
	Categorie   string `json:"categorie"`
	Description string `json:"description,omitempty"`
}

// titreSnapshot is a titre of the référentiel as a whole, in the names of
// its export format, with the titre's version.
type titreSnapshot struct {
	Code     string            `json:"code"`
	Intitule string            `json:"intitule"`
	Niveau   int               `json:"niveau"`
	NSF      string            `json:"nsf"`
	ROME     string            `json:"rome"`
	RNCP     string            `json:"rncp"`
	Version  int               `json:"version"`
	Versions []versionSnapshot `json:"versions"`
}

type versionSnapshot struct {
	Code    string         `json:"code"`
	Texte   string         `json:"texte"`
	Debut   Date           `json:"debut"`
	Fin     Date           `json:"fin"`
	Devenir string         `json:"devenir"`
	Blocs   []blocSnapshot `json:"blocs"`
}

type blocSnapshot struct {
	Code        string   `json:"code"`
	Nature      string   `json:"nature"`
	Intitule    string   `json:"intitule"`
	RNCPBloc    string   `json:"rncp_bloc,omitempty"`
	Competences []string `json:"competences"`
	Correspond  []string `json:"correspond,omitempty"`
}

func snapshotTitre(td TitreDef, version int) titreSnapshot {
	s := titreSnapshot{Code: td.Code, Intitule: td.Intitule, Niveau: td.Niveau, NSF: td.NSF, ROME: td.ROME, RNCP: td.RNCP,
		Version: version, Versions: []versionSnapshot{}}
	for _, v := range td.Versions {
		vs := versionSnapshot{Code: v.Code, Texte: v.Texte, Debut: v.Debut, Fin: v.Fin, Devenir: v.Devenir, Blocs: []blocSnapshot{}}
		for _, b := range v.Blocs {
			vs.Blocs = append(vs.Blocs, blocSnapshot(b))
		}
		s.Versions = append(s.Versions, vs)
	}
	return s
}

// recoursSnapshot is a recours as the audit trail records it.
type recoursSnapshot struct {
	Type         string `json:"type"`
	Statut       string `json:"statut"`
	HorsDelai    bool   `json:"hors_delai"`
	DelaiJusquau *Date  `json:"delai_jusqu_au,omitempty"`
	Motifs       string `json:"motifs,omitempty"`
	MotifRejet   string `json:"motif_rejet,omitempty"`
	Reponse      string `json:"reponse,omitempty"`
}

// pieceSnapshot is a file attached to a recours: its hash, not its bytes.
type pieceSnapshot struct {
	Nom         string `json:"nom"`
	TypeContenu string `json:"type_contenu"`
	Taille      int    `json:"taille"`
	SHA256      string `json:"sha256"`
}

// propositionSnapshot is the decision a jury member proposes on a recours.
type propositionSnapshot struct {
	MembreID    string          `json:"membre_id"`
	Proposition PropositionJury `json:"proposition"`
}
