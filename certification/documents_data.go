package certification

import "time"

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
	// CentreDocuments are the centre's own documents, laid out apart.
	CentreDocuments
	// DonneesPersonnelles lays out the export of a candidat's data.
	DonneesPersonnelles(DonneesCandidat) ([]byte, error)
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
	// DuplicataDe is the number of the document a duplicata copies,
	// printed on each of its pages; empty for an original.
	DuplicataDe string
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
	Responsable      string // the responsable de session the centre named
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
	// Amenagements are the adjustments of the épreuves granted before the
	// session, which the jury applied; none prints no section.
	Amenagements []PVAmenagement
	// ValidePar and ValideAt say who validated the PV and when; empty for
	// a draft. The renderer prints the instant in Europe/Paris.
	ValidePar string
	ValideAt  time.Time
	// Remplace is, on a PV rectified after a correction, the PV it
	// replaces; nil otherwise.
	Remplace *PVRemplace
}

// PVRemplace is the PV a rectified PV replaces, and why.
type PVRemplace struct {
	Numero string
	EmisAt time.Time
	Motif  string
}

// PVJure is a jury member, the habilitations it sits under and its
// signature.
type PVJure struct {
	Nom string
	// Habilitations are the member's habilitations for the titre that
	// cover the session's dates.
	Habilitations []PVHabilitation
	SigneAt       time.Time // zero if not signed
}

// PVHabilitation is the reference and period of an habilitation.
type PVHabilitation struct {
	Reference  string
	Debut, Fin Date
}

// PVCandidat is one candidat of the PV: who, by which route, what it held
// before the session and what the jury decided.
type PVCandidat struct {
	Nom           string
	DateNaissance Date
	Parcours      string // its label, "Formation continue"
	Presence      string
	// Anterieurs are the CCP the candidat held before the session.
	Anterieurs     []PVAnterieur
	Decisions      []PVDecision
	EntretienFinal string
	Issue          string
	// Abstentions names the jury members who declared a link with the
	// candidat and so did not deliberate on it.
	Abstentions []string
}

// PVAnterieur is a CCP held before the session and where it comes from:
// "acquis à la session S-2025-0012 le 15/09/2025".
type PVAnterieur struct {
	CCP     string
	Origine string
}

// PVAmenagement is an adjustment of the épreuves granted to a candidat.
type PVAmenagement struct {
	Candidat    string
	Amenagement string // "Temps majoré : un tiers de temps en plus"
	Decision    string // "décision MDPH-2026-114 du 02/10/2026"
}

// PVIncident is an incident or observation about a candidat.
type PVIncident struct {
	Candidat    string
	Categorie   string // its label, "Candidat en retard"
	Description string
}

// PVDecision is the decision on one CCP and what it rests on.
type PVDecision struct {
	CCP      string
	Decision string
	Motifs   string
	// Elements are the evaluation elements the jury relied on.
	Elements PVElements
	// ECF says how the ECF were taken into account: "pris en compte",
	// "non pris en compte", or why the route has none.
	ECF string
}

// PVElements are the evaluation elements of a CCP (docs/domaine.md §3).
type PVElements struct {
	MSP                        bool // mise en situation professionnelle
	EntretienTechnique         bool
	QuestionnaireProfessionnel bool
	QuestionnementProductions  bool
	DossierProfessionnel       bool
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
