package rules

import (
	"fmt"
	"time"
)

// Parcours is the route by which a candidat seeks the titre (docs/domaine.md §3).
type Parcours string

// The parcours of the référentiel.
const (
	// ParcoursFormation is the parcours continu de formation: a session
	// titre, with the ECF.
	ParcoursFormation Parcours = "formation"
	// ParcoursVAE is the validation des acquis de l'expérience: a
	// recevabilité, never ECF.
	ParcoursVAE Parcours = "vae"
	// ParcoursCapitalisation is a parcours discontinu, or the pursuit of a
	// réussite partielle, CCP by CCP.
	ParcoursCapitalisation Parcours = "capitalisation"
	// ParcoursCCS leads a holder of the titre to a CCS.
	ParcoursCCS Parcours = "ccs"
)

// TypeSession is the kind of session a candidat is enrolled in.
type TypeSession string

// The session types.
const (
	// SessionTitre evaluates every CCP the candidat still misses, and always
	// ends with the entretien final.
	SessionTitre TypeSession = "titre"
	// SessionCCP evaluates one or more CCP.
	SessionCCP TypeSession = "ccp"
	// SessionCCS evaluates a CCS.
	SessionCCS TypeSession = "ccs"
)

// Decision is what the jury decides for one CCP.
type Decision string

// The jury's decisions on a CCP.
const (
	// Acquis means the CCP is awarded.
	Acquis Decision = "acquis"
	// NonAcquis means it is not; the jury gives its reasons.
	NonAcquis Decision = "non_acquis"
)

// Presence is whether the candidat took part in the session.
type Presence string

// The presences.
const (
	// Present means the candidat was evaluated.
	Present Presence = "present"
	// Absent means the candidat did not come.
	Absent Presence = "absent"
	// Excuse means the candidat did not come and was excused.
	Excuse Presence = "excuse"
	// ExcluFraude means the candidat was excluded for fraud: nothing is
	// acquired at that session.
	ExcluFraude Presence = "exclu_fraude"
)

// Avis is the outcome of the entretien final.
type Avis string

// The avis of an entretien final.
const (
	// AvisNonTenu means no entretien final took place.
	AvisNonTenu Avis = ""
	// AvisFavorable allows the titre (or the CCS) to be awarded.
	AvisFavorable Avis = "favorable"
	// AvisDefavorable withholds it.
	AvisDefavorable Avis = "defavorable"
)

// Issue is the outcome of a candidat at a session.
type Issue string

// The outcomes.
const (
	// IssueTitre means the titre is obtained: a parchemin is issued.
	IssueTitre Issue = "titre"
	// IssueCCS means at least one CCS is obtained: a parchemin is issued.
	IssueCCS Issue = "ccs"
	// IssuePartiel is a réussite partielle: at least one CCP counts, no
	// titre; a livret de certification is issued.
	IssuePartiel Issue = "partiel"
	// IssueEchec means nothing counts (or the candidat was excluded for
	// fraud).
	IssueEchec Issue = "echec"
	// IssueAbsent means the candidat was absent or excused.
	IssueAbsent Issue = "absent"
)

// FinValidite is what became of a version at the end of its validity
// (arrêté du 22 décembre 2015, art. 3).
type FinValidite string

// The ends of validity.
const (
	// EnVigueur means nothing has been decided yet.
	EnVigueur FinValidite = ""
	// Proroge means the titre was extended unchanged: the next version of
	// the titre has the same CCP codes, which count as themselves.
	Proroge FinValidite = "proroge"
	// Revise means a new version replaced it, with correspondences between
	// old and new CCP.
	Revise FinValidite = "revise"
	// Cloture means the titre ended: a candidat already holding CCP has one
	// year (a parameter) to complete it.
	Cloture FinValidite = "cloture"
)

// Version is one version of a titre: its validity period and its blocs.
type Version struct {
	ID        string
	TitreCode string
	// Code is how people name the version (TP-00403-2023): messages name
	// it so, and by its ID only when the référentiel gives no code.
	Code string
	// Debut and Fin are the first and last days of validity.
	Debut, Fin time.Time
	Devenir    FinValidite
	// CCP lists the CCP codes in the order of the référentiel.
	CCP []string
	// CCS lists the CCS codes, if the titre has any.
	CCS []string
}

// Correspondance says that a CCP of an older version counts as a CCP of a
// newer one, as the arrêté de révision sets it. Each row stands alone: a
// new CCP that needs two old ones together cannot be expressed.
type Correspondance struct {
	AncienneVersionID, AncienCCP  string
	NouvelleVersionID, NouveauCCP string
}

// Referentiel is the part of the référentiel the rules need: versions and
// correspondences, for any number of titres.
type Referentiel struct {
	Versions        []Version
	Correspondances []Correspondance
}

// CCPAnterieur is a CCP the candidat declares having obtained before its
// registration, with the session that awarded it.
type CCPAnterieur struct {
	CCP, VersionID string
	SessionRef     string
	Date           time.Time
}

// Recevabilite is a notification de recevabilité of a VAE request by the
// DREETS/DDETS; it opens the session type it names.
type Recevabilite struct {
	DateNotification time.Time
	Reference        string
	TypeSession      TypeSession
	MoisExperience   int
}

// Candidat is what the rules need to know about a candidat.
type Candidat struct {
	Parcours Parcours
	// Origine is, for ParcoursCapitalisation only, the route the candidat
	// capitalises through: ParcoursFormation (the default) or ParcoursVAE.
	Origine Parcours
	// Recevabilites lists every notification received, for the VAE route.
	Recevabilites []Recevabilite
	// FinFormation is the end of the training, for the training routes.
	FinFormation *time.Time
	// ECF tells, per CCP or CCS code, whether the results of the ECF are
	// available.
	ECF           map[string]bool
	CCPAnterieurs []CCPAnterieur
	// TitresDetenus lists the titres held from outside this history, as
	// titre codes or version IDs, for the CCS.
	TitresDetenus []string
	// MoisExperience is the experience in the trade, for direct access to
	// a CCS.
	MoisExperience int
}

// Evaluation is the jury's decision on one CCP (or CCS) at a session, and
// the elements it rested on.
type Evaluation struct {
	CCP      string
	Decision Decision
	// Motifs are the reasons of a NonAcquis decision.
	Motifs                     string
	MSP                        bool
	EntretienTechnique         bool
	QuestionnaireProfessionnel bool
	QuestionnementProductions  bool
	DossierProfessionnel       bool
	ECFPrisEnCompte            bool
}

// Passage is one enrolment of the candidat in one session, with what the
// jury recorded. Whether the entretien final was due is derived, not
// stored.
type Passage struct {
	SessionID   string
	VersionID   string
	Type        TypeSession
	Date        time.Time
	CCPInscrits []string
	Presence    Presence
	Evaluations []Evaluation
	// EntretienFinal is AvisNonTenu when no entretien final took place.
	EntretienFinal Avis
}

// Historique is a candidat and every session it was enrolled in, in any
// order.
type Historique struct {
	Candidat Candidat
	Passages []Passage
}

// SessionPrevue is a session a candidat is about to be enrolled in.
type SessionPrevue struct {
	VersionID  string
	Type       TypeSession
	Debut, Fin time.Time
}

// Origine says where a CCP counted for the titre comes from.
type Origine string

// The origins of a CCP.
const (
	// OrigineSession is a CCP acquired at the session decided.
	OrigineSession Origine = "session"
	// OrigineSessionAnterieure is a CCP acquired at an earlier session of
	// this history, under the same version.
	OrigineSessionAnterieure Origine = "session_anterieure"
	// OrigineDeclaree is a CCP declared at registration, under the same
	// version.
	OrigineDeclaree Origine = "capitalisation_declaree"
	// OrigineCorrespondance is a CCP acquired (at a session or declared)
	// under another version, counted through the correspondences.
	OrigineCorrespondance Origine = "correspondance"
)

// CCPCompte is a CCP the candidat holds at the date of a session.
type CCPCompte struct {
	// CCP is the code in the version of the session; for a CCP that has no
	// correspondence in it, its code in the version it was acquired under.
	CCP     string
	Origine Origine
	// SessionID is the session that awarded it, or the reference declared.
	SessionID string
	// VersionID and CCPOrigine identify it as it was acquired.
	VersionID  string
	CCPOrigine string
	Date       time.Time
	// Compte tells whether it counts towards the titre at that date.
	Compte bool
}

// RegleAppliquee is one step of the reasoning behind a Resultat.
type RegleAppliquee struct {
	// Code is a stable snake_case identifier of the rule.
	Code string
	// Source is the text the rule rests on.
	Source string
	// Detail is a French sentence naming the CCP and dates concerned.
	Detail string
}

// Resultat is the outcome of a candidat at one session, with its reasons.
type Resultat struct {
	Issue Issue
	// CCPAcquis lists every CCP held at the date of the session, those that
	// count first, in the order of the version.
	CCPAcquis []CCPCompte
	// CCPManquants lists the CCP of the version that do not count yet; at a
	// session CCS, the CCS not obtained.
	CCPManquants []string
	// DateLimite is the last day to complete the titre, when CCP count but
	// the titre is not obtained.
	DateLimite       *time.Time
	EntretienFinalDu bool
	Explication      []RegleAppliquee
}

// Refus is an enrolment the rules forbid. Code is stable snake_case;
// Message is French and says what is missing.
type Refus struct {
	Code    string
	Message string
}

// Error returns the code and the message.
func (e *Refus) Error() string { return "inscription refusée (" + e.Code + ") : " + e.Message }

// Incoherence is an input the rules could not have produced: a history
// whose recorded decisions contradict the rules, or an unknown reference.
type Incoherence struct {
	Code    string
	Message string
}

// Error returns the code and the message.
func (e *Incoherence) Error() string { return "données incohérentes (" + e.Code + ") : " + e.Message }

func refus(code, format string, args ...any) *Refus {
	return &Refus{Code: code, Message: fmt.Sprintf(format, args...)}
}

func incoherence(code, format string, args ...any) *Incoherence {
	return &Incoherence{Code: code, Message: fmt.Sprintf(format, args...)}
}

// The texts cited by the explanations. Parameters cite their own source.
const (
	// SourceArrete2015Art3 governs the end of validity of a titre.
	SourceArrete2015Art3 = "Arrêté du 22 décembre 2015, art. 3"
	// SourceReglementSessions governs the conduct of sessions: absences,
	// fraud.
	SourceReglementSessions = "Arrêté du 21 juillet 2016 (règlement général des sessions)"
	// SourceR3385 limits the capitalisation of CCP to the validity of the
	// titre.
	SourceR3385 = "Code de l'éducation, art. R338-5"
	// SourceReferentiel is the modalités d'obtention of the référentiel.
	SourceReferentiel = "Référentiel de certification du titre CIP, modalités d'obtention"
	// SourceUsage marks a rule that consistent secondary sources report
	// but no text states (docs/domaine.md §4).
	SourceUsage = "Usage constant de l'administration"
)
