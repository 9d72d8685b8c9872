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
)

// Renderer turns document data into bytes. Template names the layout
// version, stored with every issued document.
type Renderer interface {
	Parchemin(ParcheminData) ([]byte, error)
	Livret(LivretData) ([]byte, error)
	PV(PVData) ([]byte, error)
	// CentreDocuments are the centre's own documents, laid out apart.
	CentreDocuments
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

// ParcheminData is a parchemin: the titre (or CCS) obtained.
type ParcheminData struct {
	EnTete
	Titulaire
	TitreIntitule string
	TitreCode     string
	Niveau        int
	NSF           string
	RNCP          string
	// CCS names the certificat complémentaire obtained, empty for a titre.
	CCS        string
	DateJury   Date
	Signataire string // name and quality of the représentant territorial
}

// LivretData is a livret de certification: the CCP acquired towards a titre.
type LivretData struct {
	EnTete
	Titulaire
	TitreIntitule string
	TitreCode     string
	Niveau        int
	VersionCode   string
	VersionTexte  string
	Blocs         []LivretBloc
	DateLimite    Date
	// RegleDateLimite is the sentence, with its source, that sets the deadline.
	RegleDateLimite string
	Signataire      string
}

// LivretBloc is one CCP of the titre and the candidat's status on it.
type LivretBloc struct {
	Code        string
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
