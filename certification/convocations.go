package certification

import (
	"context"

	"gorm.io/gorm"
)

// The centre's documents: convocations and the feuille d'émargement. They
// are the centre's, not the State's: rendered on demand from the session as
// it stands, never numbered, sealed nor stored as issued documents, and
// never styled as a State document.

// CentreDocuments renders the centre's documents; the Renderer does.
type CentreDocuments interface {
	// Convocations renders the convocations in one PDF, each starting on a
	// new page.
	Convocations([]ConvocationData) ([]byte, error)
	// Emargement renders a session's attendance sheet.
	Emargement(EmargementData) ([]byte, error)
}

// CentreEmetteur is the centre that establishes a document, and whom to ask.
type CentreEmetteur struct {
	Nom        string
	Adresse    string
	CodePostal string
	Ville      string
	// Contact is the responsable de session, whom a candidat asks.
	Contact string
}

// SessionConvoquee is what a centre document says of the session.
type SessionConvoquee struct {
	Reference     string
	NumeroCeres   string
	TitreCode     string
	TitreIntitule string
	VersionCode   string
	Type          string
	Debut, Fin    Date
	Heure         string
	Lieu          string
}

// EpreuvesCCP are the épreuves of one CCP a candidat sits.
type EpreuvesCCP struct {
	CCP      string
	Intitule string
	Epreuves []string
}

// ConvocationData is one candidat's convocation to a session.
type ConvocationData struct {
	Centre  CentreEmetteur
	Session SessionConvoquee
	// Candidat's civil identity, as enrolled.
	NomNaissance, NomUsage, Prenoms string
	DateNaissance                   Date
	CCP                             []EpreuvesCCP
	// EntretienFinal is set when the candidat has the entretien final with
	// the jury at this session.
	EntretienFinal bool
	// ECF is set when the route takes the ECF into account (training, not
	// VAE): the jury reads them, the candidat sits nothing for them.
	ECF bool
	// Amenagements are the adjustments of the épreuves granted to the
	// candidat, each with the decision that grants it.
	Amenagements []string
	Apporter     []string
	// Etabli is the day the document was produced.
	Etabli Date
}

// EmargementData is a session's attendance sheet.
type EmargementData struct {
	Centre  CentreEmetteur
	Session SessionConvoquee
	Lignes  []EmargementLigne
	Etabli  Date
}

// EmargementLigne is one candidat and one épreuve to sign for.
type EmargementLigne struct {
	Candidat string // "NOM Prénoms"
	Epreuve  string
}

// EpreuvesSession are the épreuves of a CCP at a session, in the words of
// the référentiel de certification (seed 002, « modalités d'évaluation »):
// a mise en situation professionnelle completed by an entretien technique
// and a questionnaire professionnel. Every CCP of the CIP is evaluated so.
var EpreuvesSession = []string{"Mise en situation professionnelle", "Entretien technique", "Questionnaire professionnel"}

// AApporter is what a convened candidat brings: the dossier professionnel
// goes to every session (docs/domaine.md §3).
var AApporter = []string{"Une pièce d'identité en cours de validité", "Le dossier professionnel (DP)"}

// ConvocationPDF renders the convocation of one enrolment in force: for the
// session's centre, or for the candidat himself. A withdrawn enrolment has
// none (ErrNotFound: the convocation is no longer offered), nor one in a
// cancelled session (ErrConflict convocation_annulee).
func (s *Service) ConvocationPDF(ctx context.Context, a Acteur, sessionID, inscriptionID string) ([]byte, error) {
	cs, err := s.convocations(s.read(ctx), a, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	return s.opt.Renderer.Convocations(cs)
}

// ConvocationsSessionPDF renders every convocation of a session in one PDF,
// for its centre.
func (s *Service) ConvocationsSessionPDF(ctx context.Context, a Acteur, sessionID string) ([]byte, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	cs, err := s.convocations(s.read(ctx), a, sessionID, "")
	if err != nil {
		return nil, err
	}
	return s.opt.Renderer.Convocations(cs)
}

// FeuilleEmargementPDF renders a session's attendance sheet: one line per
// candidat in force and épreuve. The session's centre and jury.
func (s *Service) FeuilleEmargementPDF(ctx context.Context, a Acteur, sessionID string) ([]byte, error) {
	if !a.Is(RoleCentre, RoleJury) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	sess, err := findSession(db, a, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Statut == Annulee {
		return nil, Errorf(ErrConflict, "convocation_annulee", "La session est annulée : elle n'a plus de feuille d'émargement.")
	}
	base, err := s.convocationBase(db, sess)
	if err != nil {
		return nil, err
	}
	ins, err := inscriptionsOf(db, sessionID, "")
	if err != nil {
		return nil, err
	}
	e := EmargementData{Centre: base.Centre, Session: base.Session, Etabli: s.today()}
	for _, in := range ins {
		c := base.pour(in, "")
		nom := in.NomNaissance + " " + in.Prenoms
		for _, b := range c.CCP {
			for _, ep := range b.Epreuves {
				e.Lignes = append(e.Lignes, EmargementLigne{Candidat: nom, Epreuve: b.CCP + " — " + ep})
			}
		}
		if c.EntretienFinal {
			e.Lignes = append(e.Lignes, EmargementLigne{Candidat: nom, Epreuve: "Entretien final avec le jury"})
		}
	}
	return s.opt.Renderer.Emargement(e)
}

// convocations builds the convocations of a session, or of one of its
// enrolments when inscriptionID is set. A candidat reaches only his own.
func (s *Service) convocations(db *gorm.DB, a Acteur, sessionID, inscriptionID string) ([]ConvocationData, error) {
	if !a.Is(RoleCentre, RoleCandidat) {
		return nil, forbidden()
	}
	var sess *Session
	var err error
	if a.Is(RoleCandidat) {
		// The candidat sees no session list: his enrolment opens it.
		in, err := findInscription(db, sessionID, inscriptionID)
		if err != nil || in.CandidatID != a.CandidatID {
			return nil, notFound("Convocation")
		}
		sess, err = findSession(db, Acteur{Role: RoleAdmin}, sessionID)
		if err != nil {
			return nil, err
		}
	} else if sess, err = findSession(db, a, sessionID); err != nil {
		return nil, err
	}
	if sess.Statut == Annulee {
		return nil, Errorf(ErrConflict, "convocation_annulee", "La session est annulée : la convocation n'a plus d'objet.")
	}
	base, err := s.convocationBase(db, sess)
	if err != nil {
		return nil, err
	}
	ins, err := inscriptionsOf(db, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	if inscriptionID != "" && len(ins) == 0 {
		return nil, notFound("Convocation")
	}
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.CandidatID
	}
	var rows []struct {
		ID            string
		Parcours      Parcours
		DateNaissance Date
	}
	if len(ids) > 0 {
		if err := db.Table("candidats").Select("id, parcours, date_naissance").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
			return nil, wrap(err, "candidats of session %s: load", sessionID)
		}
	}
	ams, err := amenagementsOf(db, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	parIns := amenagementsParInscription(ams)
	parcours := map[string]Parcours{}
	naissance := map[string]Date{}
	for _, r := range rows {
		parcours[r.ID], naissance[r.ID] = r.Parcours, r.DateNaissance
	}
	out := make([]ConvocationData, 0, len(ins))
	for _, in := range ins {
		c := base.pour(in, parcours[in.CandidatID])
		c.DateNaissance = naissance[in.CandidatID]
		for _, am := range parIns[in.ID] {
			c.Amenagements = append(c.Amenagements, am.Texte()+" ("+am.Decision()+")")
		}
		out = append(out, c)
	}
	return out, nil
}

// convocationBase is what every convocation of a session says alike.
type convocationBase struct {
	ConvocationData
	blocs map[string]string // intitulé by CCP code
}

func (s *Service) convocationBase(db *gorm.DB, sess *Session) (*convocationBase, error) {
	titre, err := findTitreByCode(db, sess.TitreCode)
	if err != nil {
		return nil, err
	}
	v, _ := titreVersion(titre, sess.VersionID)
	centre, err := findCentreByID(db, sess.CentreID)
	if err != nil {
		return nil, err
	}
	b := &convocationBase{blocs: map[string]string{}}
	for _, bl := range v.Blocs {
		b.blocs[bl.Code] = bl.Intitule
	}
	b.Centre = CentreEmetteur{Nom: centre.Nom, Adresse: centre.Adresse, CodePostal: centre.CodePostal, Ville: centre.Ville, Contact: sess.Responsable}
	b.Session = SessionConvoquee{Reference: sess.Reference, NumeroCeres: sess.NumeroCeres, TitreCode: titre.Code, TitreIntitule: titre.Intitule,
		VersionCode: sess.VersionCode, Type: sess.Type, Debut: sess.Debut, Fin: sess.Fin, Heure: sess.Heure, Lieu: sess.Lieu}
	b.Apporter = AApporter
	b.Etabli = s.today()
	return b, nil
}

// pour is the convocation of one enrolment; p is the candidat's route.
func (b *convocationBase) pour(in Inscription, p Parcours) ConvocationData {
	c := b.ConvocationData
	c.NomNaissance, c.NomUsage, c.Prenoms = in.NomNaissance, in.NomUsage, in.Prenoms
	c.EntretienFinal = in.EntretienFinalDu
	// A capitalisation may follow a VAE, without ECF: its convocation
	// says nothing of them rather than something wrong.
	c.ECF = p == ParcoursFormation || p == ParcoursCCS
	c.CCP = nil
	for _, code := range in.CCP {
		c.CCP = append(c.CCP, EpreuvesCCP{CCP: code, Intitule: b.blocs[code], Epreuves: EpreuvesSession})
	}
	return c
}
