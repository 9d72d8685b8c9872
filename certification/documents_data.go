package certification

// This file holds what a document says, as plain data: the renderer (package
// pdf) lays it out, the service decides what goes in it.

// TypeDocument is the kind of an issued document.
type TypeDocument string

// The documents of docs/domaine.md §6.
const (
	DocParchemin TypeDocument = "parchemin"
	DocLivret    TypeDocument = "livret"
	DocPV        TypeDocument = "pv"
	// DocFiche is the fiche individuelle de résultats: every candidat of a
	// validated session receives one, whatever its outcome.
	DocFiche TypeDocument = "fiche"
)

// Renderer turns document data into bytes. Template names the layout
// version, stored with every issued document.
type Renderer interface {
	Parchemin(ParcheminData) ([]byte, error)
	Livret(LivretData) ([]byte, error)
	PV(PVData) ([]byte, error)
	Fiche(FicheData) ([]byte, error)
	Template() string
	// Unsupported lists the characters of s the documents cannot print, so
	// that input is refused when typed rather than when a document is issued.
	Unsupported(s string) []rune
}

// EnTete is the issuing authority and the document's identity. A draft has
// no number and no verification code and is marked as such on every page.
type EnTete struct {
	Ministere string // "Ministère du Travail"
	Service   string // the DREETS or DDETS, e.g. "DREETS Auvergne-Rhône-Alpes"
	Brouillon bool
	Numero    string
	Code      string // verification code
	URL       string // public verification URL, printed and encoded as a QR code
	Lieu      string // place of issue
	Date      Date   // date of issue
}

// Titulaire is the holder of a parchemin or a livret.
type Titulaire struct {
	NomNaissance  string
	NomUsage      string
	Prenoms       string
	DateNaissance Date
	LieuNaissance string
}

// Signataire is who signs a document for the minister, by delegation: the
// representative of the authority that validated the PV.
type Signataire struct {
	Nom      string // "Hélène Girard"; empty when the account is unknown
	Fonction string // "Directrice régionale adjointe"; may be empty
	Autorite string // "DREETS Auvergne-Rhône-Alpes"
}

// Recours is what a document says of the voies et délais de recours: the
// period, from the rule parameters, and the authority that hears a recours
// gracieux.
type Recours struct {
	DelaiMois int
	Autorite  string
	Source    string
}

// ParcheminData is a parchemin: the titre (or CCS) obtained.
type ParcheminData struct {
	EnTete
	Titulaire
	TitreIntitule string
	TitreCode     string
	Niveau        int
	NSF           string
	RNCP          string
	// ArreteSpecialite is the arrêté de spécialité of the version, as the
	// référentiel names it.
	ArreteSpecialite string
	// CCS names the certificat complémentaire obtained, empty for a titre.
	CCS      string
	DateJury Date
	// Session and PV name the jury's procès-verbal: the session's reference
	// and the number of its PV, empty when none is issued yet.
	Session    string
	PV         string
	Signataire Signataire
}

// LivretData is a livret de certification: the CCP acquired towards a titre.
type LivretData struct {
	EnTete
	Titulaire
	TitreIntitule string
	TitreCode     string
	Niveau        int
	RNCP          string
	VersionCode   string
	VersionTexte  string
	Blocs         []LivretBloc
	DateLimite    Date
	// RegleDateLimite is the sentence, with its source, that sets the deadline.
	RegleDateLimite string
	Recours         Recours
	Signataire      Signataire
}

// LivretBloc is one CCP of the titre and the candidat's status on it.
type LivretBloc struct {
	Code        string
	RNCPBloc    string // the bloc's code in the RNCP, RNCP37274BC01
	Intitule    string
	Acquis      bool
	Session     string // reference of the session that awarded it
	Date        Date   // date it was acquired
	Competences []string
}

// PVData is the procès-verbal of a session.
type PVData struct {
	EnTete
	SessionReference string
	TypeSession      string
	Centre           string
	Lieu             string
	Debut, Fin       Date
	TitreIntitule    string
	TitreCode        string
	VersionCode      string
	CCP              []string
	Jury             []PVJure
	Candidats        []PVCandidat
	// Incidents are the incidents and observations the jury recorded,
	// in the order recorded; none prints no section.
	Incidents []PVIncident
	// Validation says who validated the PV and when; empty for a draft.
	ValidePar string
	ValideLe  Date
	// Rectificatif says, on a PV that replaces another after a correction,
	// which one and why; empty otherwise.
	Rectificatif string
}

// PVJure is a jury member and its signature.
type PVJure struct {
	Nom     string
	SigneLe string // "23/11/2026 à 10:42", empty if not signed
}

// PVCandidat is one line of the PV.
type PVCandidat struct {
	Nom            string
	Presence       string
	Decisions      []PVDecision
	EntretienFinal string
	Issue          string
	// Abstentions names the jury members who declared a link with the
	// candidat and so did not deliberate on it.
	Abstentions []string
}

// PVIncident is an incident or observation about a candidat.
type PVIncident struct {
	Candidat    string
	Categorie   string // its label, "Candidat en retard"
	Description string
}

// PVDecision is the decision on one CCP.
type PVDecision struct {
	CCP      string
	Decision string
	Motifs   string
}

// FicheData is the fiche individuelle de résultats of a candidat: the
// jury's decision on each CCP with its reasons, the outcome, what to do
// next and the voies et délais de recours.
type FicheData struct {
	EnTete
	Titulaire
	TitreIntitule    string
	TitreCode        string
	Niveau           int
	RNCP             string
	VersionCode      string
	SessionReference string
	TypeSession      string // "titre", "ccp" or "ccs"
	Debut, Fin       Date
	Parcours         string // the route, in French: "formation continue", "VAE"…
	Presence         string
	Decisions        []FicheDecision
	EntretienFinal   string
	// Issue is the outcome in French ("Réussite partielle"); Suite is its
	// kind, which says what comes next: "titre", "ccs", "partiel", "echec"
	// or "absent".
	Issue string
	Suite string
	// Manquants are the CCP still to obtain, "CCP2 — Accompagner…".
	Manquants       []string
	DateLimite      Date
	RegleDateLimite string
	Recours         Recours
	Signataire      Signataire
}

// FicheDecision is the jury's decision on one CCP.
type FicheDecision struct {
	Code     string
	RNCPBloc string
	Intitule string
	Decision string // "acquis", "non acquis"
	Motifs   string
}
