package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/search"
)

// Parcours is a candidat's route to the titre (docs/domaine.md §3).
type Parcours string

// The parcours.
const (
	ParcoursFormation      Parcours = "formation"
	ParcoursVAE            Parcours = "vae"
	ParcoursCapitalisation Parcours = "capitalisation"
	ParcoursCCS            Parcours = "ccs"
)

// Valid reports whether p is a known parcours.
func (p Parcours) Valid() bool {
	switch p {
	case ParcoursFormation, ParcoursVAE, ParcoursCapitalisation, ParcoursCCS:
		return true
	}
	return false
}

// Candidat is a person registered by a centre on a route to a titre.
type Candidat struct {
	ID            string
	CentreID      string
	TitreCode     string
	Parcours      Parcours
	NomNaissance  string
	NomUsage      string
	Prenoms       string
	DateNaissance Date
	LieuNaissance string
	Email         string
	Formation     *Periode
	ECF           []ECF
	Recevabilite  *Recevabilite
	// Recevabilites is every notification received, oldest first; the
	// latest is Recevabilite.
	Recevabilites  []Recevabilite
	MoisExperience *int
	CCPAnterieurs  []CCPAnterieur
	ArchiveAt      *time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Periode is a span of calendar dates, such as a training.
type Periode struct{ Debut, Fin Date }

// ECF is the result of the évaluations passées en cours de formation for one CCP.
type ECF struct {
	CCP            string
	DateEvaluation Date
	Observations   string
}

// Recevabilite is the DREETS/DDETS notification that a VAE request is admissible.
type Recevabilite struct {
	DateNotification Date
	Reference        string
	DDETS            string
	MoisExperience   int
	// TypeSession is the session the notification opens: "titre" or "ccp".
	TypeSession string
}

// CCPAnterieur is a CCP the candidat obtained before registering here.
type CCPAnterieur struct {
	CCP              string
	VersionCode      string
	DateObtention    Date
	SessionReference string
}

// CandidatSaisie is what a centre enters to create or replace a candidat.
type CandidatSaisie struct {
	TitreCode      string
	Parcours       Parcours
	NomNaissance   string
	NomUsage       string
	Prenoms        string
	DateNaissance  Date
	LieuNaissance  string
	Email          string
	Formation      *Periode
	ECF            []ECF
	Recevabilite   *Recevabilite
	MoisExperience *int
	CCPAnterieurs  []CCPAnterieur
}

// CreateCandidat registers a candidat for the acting centre. Returns
// ErrInvalid, with the fields at fault, when the input breaks a rule.
func (s *Service) CreateCandidat(ctx context.Context, a Acteur, in CandidatSaisie) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	in = in.nfc()
	id := newID()
	return writeThenRead(s, ctx, func(tx *gorm.DB) error { return s.creerCandidat(tx, a, id, in) },
		func(tx *gorm.DB) (*Candidat, error) { return findCandidat(tx, a, id) })
}

// creerCandidat checks in (already in NFC) and registers it as candidat id
// of the acting centre, with its audit event, inside tx.
func (s *Service) creerCandidat(tx *gorm.DB, a Acteur, id string, in CandidatSaisie) error {
	now := s.now()
	plan, err := s.checkSaisie(tx, a.CentreID, in)
	if err != nil {
		return err
	}
	row := plan.row(id, a.CentreID)
	row.Version, row.CreatedAt, row.UpdatedAt = 1, now, now
	if err := insertCandidat(tx, row, plan.ecf, plan.anterieurs); err != nil {
		return err
	}
	if err := s.noterRecevabilite(tx, a, id, nil, in.Recevabilite); err != nil {
		return err
	}
	return s.journal(tx, a, audit{action: "candidat_cree", objet: "candidat", objetID: id, candidatID: id, apres: snapshotSaisie(in)})
}

// UpdateCandidat replaces a candidat's data if version is still its current
// version. Returns ErrNotFound for a candidat the actor may not see,
// ErrStale if version is out of date, ErrInvalid for bad input.
func (s *Service) UpdateCandidat(ctx context.Context, a Acteur, id string, version int, in CandidatSaisie) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	in = in.nfc()
	return writeThenRead(s, ctx, func(tx *gorm.DB) error { return s.modifierCandidat(tx, a, id, version, in) },
		func(tx *gorm.DB) (*Candidat, error) { return findCandidat(tx, a, id) })
}

// modifierCandidat replaces candidat id's data (in, already in NFC) inside
// tx if version is still its current version, with its audit event.
func (s *Service) modifierCandidat(tx *gorm.DB, a Acteur, id string, version int, in CandidatSaisie) error {
	cur, err := findCandidatRow(tx, a, id)
	if err != nil {
		return err
	}
	if cur.ArchiveAt != nil {
		return Errorf(ErrConflict, "candidat_archive", "Ce candidat est archivé : il ne peut plus être modifié.")
	}
	if identiteOf(cur.NomNaissance, cur.Prenoms, cur.DateNaissance, cur.LieuNaissance) !=
		identiteOf(in.NomNaissance, in.Prenoms, in.DateNaissance, in.LieuNaissance) {
		locked, err := identiteVerrouillee(tx, id)
		if err != nil {
			return err
		}
		if locked {
			return identiteFigee()
		}
	}
	plan, err := s.checkSaisie(tx, cur.CentreID, in)
	if err != nil {
		return err
	}
	row := plan.row(id, cur.CentreID)
	row.Version, row.UpdatedAt = version+1, s.now()
	ok, err := updateCandidat(tx, row, version, plan.ecf, plan.anterieurs)
	if err != nil {
		return err
	}
	if !ok {
		return stale("Le candidat")
	}
	avant, err := hydrate(tx, []candidatRow{*cur})
	if err != nil {
		return err
	}
	if err := s.noterRecevabilite(tx, a, id, avant[0].Recevabilites, in.Recevabilite); err != nil {
		return err
	}
	return s.journal(tx, a, audit{action: "candidat_modifie", objet: "candidat", objetID: id, candidatID: id, avant: snapshotCandidat(avant[0]), apres: snapshotSaisie(in)})
}

// ArchiveCandidat archives a candidat: it leaves the default lists and can
// no longer be modified, but nothing is deleted. Returns ErrStale if version
// is out of date.
func (s *Service) ArchiveCandidat(ctx context.Context, a Acteur, id string, version int) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		cur, err := findCandidatRow(tx, a, id)
		if err != nil {
			return err
		}
		if cur.ArchiveAt != nil {
			return Errorf(ErrConflict, "candidat_archive", "Ce candidat est déjà archivé.")
		}
		now := s.now()
		ok, err := archiveCandidat(tx, id, version, now)
		if err != nil {
			return err
		}
		if !ok {
			return stale("Le candidat")
		}
		return s.journal(tx, a, audit{action: "candidat_archive", objet: "candidat", objetID: id, candidatID: id})
	}, func(tx *gorm.DB) (*Candidat, error) { return findCandidat(tx, a, id) })
}

// Candidat returns one candidat the actor may see. Returns ErrNotFound
// otherwise, so that ids cannot be probed.
func (s *Service) Candidat(ctx context.Context, a Acteur, id string) (*Candidat, error) {
	return findCandidat(s.read(ctx), a, id)
}

// FiltreCandidats selects and pages a list of candidats.
type FiltreCandidats struct {
	Parcours Parcours
	// Nom matches the start of the nom de naissance or d'usage, ignoring
	// case, accents and ligatures (search.Key): « lefe » finds Lefèvre.
	Nom      string
	CentreID string
	Archives bool
	// Apres is the id of the last candidat of the previous page.
	Apres  string
	Limite int
}

// PageCandidats is one page of candidats; Suivant is the cursor of the next
// page, empty on the last one.
type PageCandidats struct {
	Candidats []Candidat
	Suivant   string
}

// Candidats lists the candidats the actor may see, in registration order.
// Returns ErrInvalid (filtre_invalide) for a filter no name or id could match.
func (s *Service) Candidats(ctx context.Context, a Acteur, f FiltreCandidats) (*PageCandidats, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if f.Limite <= 0 || f.Limite > 200 {
		f.Limite = 50
	}
	// The details of the page's candidats keep the read pool's cached
	// plans: only the name search's own statement needs planning for its
	// values, and planning the details' union at each search cost more
	// than reading them.
	db := s.read(ctx)
	if f.Nom != "" {
		return listCandidats(s.db.forSearch().WithContext(ctx), db, a, f)
	}
	return listCandidats(db, db, a, f)
}

// noterRecevabilite keeps a notification de recevabilité entered for the
// candidat in its history, unless it is one already recorded: a new
// notification never erases the earlier ones.
func (s *Service) noterRecevabilite(tx *gorm.DB, a Acteur, candidatID string, connues []Recevabilite, r *Recevabilite) error {
	if r == nil || contains(connues, *r) {
		return nil
	}
	return insertRecevabilite(tx, candidatID, *r, a.UtilisateurID, s.now())
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// saisiePlan is a checked CandidatSaisie with its references resolved.
type saisiePlan struct {
	in         CandidatSaisie
	titreID    string
	ecf        []ecfRow
	anterieurs []anterieurRow
}

// checkSaisie applies the registration rules that need the référentiel and
// the clock, and reports every faulty field at once.
func (s *Service) checkSaisie(tx *gorm.DB, centreID string, in CandidatSaisie) (*saisiePlan, error) {
	today := s.today()
	var fe []FieldError
	add := func(field, code, msg string) { fe = append(fe, FieldError{field, code, msg}) }

	titre, err := findTitreByCode(tx, in.TitreCode)
	if err != nil {
		return nil, err
	}
	if titre == nil {
		return nil, Invalid("titre_inconnu", "Titre inconnu.",
			FieldError{"titre_code", "inconnu", fmt.Sprintf("Aucun titre n'a le code %s.", in.TitreCode)})
	}
	agrees, err := countAgrements(tx, centreID, titre.ID, today, today)
	if err != nil {
		return nil, err
	}
	if agrees == 0 {
		add("titre_code", "centre_non_agree", fmt.Sprintf("Le centre n'est pas agréé pour le titre %s à ce jour.", titre.Code))
	}
	if !in.Parcours.Valid() {
		add("parcours", "inconnu", "Parcours inconnu : formation, vae, capitalisation ou ccs.")
	}
	if strings.TrimSpace(in.NomNaissance) == "" {
		add("nom_naissance", "requis", "Le nom de naissance est obligatoire.")
	}
	if strings.TrimSpace(in.Prenoms) == "" {
		add("prenoms", "requis", "Au moins un prénom est obligatoire.")
	}
	fe = append(fe, s.imprimables("nom_naissance", in.NomNaissance, "nom_usage", in.NomUsage,
		"prenoms", in.Prenoms, "lieu_naissance", in.LieuNaissance)...)
	if in.DateNaissance.After(today) {
		add("date_naissance", "future", "La date de naissance ne peut pas être dans le futur.")
	} else if in.DateNaissance.Before(NewDate(1900, 1, 1)) {
		add("date_naissance", "invraisemblable", "La date de naissance doit être postérieure au 1er janvier 1900.")
	}
	if f := in.Formation; f != nil && f.Fin.Before(f.Debut) {
		add("formation.fin", "avant_debut", "La fin de la formation précède son début.")
	}
	current, _ := titre.VersionEnVigueur(today)
	plan := &saisiePlan{in: in, titreID: titre.ID}

	switch in.Parcours {
	case ParcoursFormation:
		if in.Formation == nil {
			add("formation", "requis", "Le parcours formation exige les dates de la formation.")
		}
	case ParcoursVAE:
		r := in.Recevabilite
		if r == nil {
			add("recevabilite", "requis", "Le parcours VAE exige la notification de recevabilité.")
		} else {
			if r.DateNotification.After(today) {
				add("recevabilite.date_notification", "future", "La date de notification ne peut pas être dans le futur.")
			}
			if r.TypeSession != "titre" && r.TypeSession != "ccp" {
				add("recevabilite.type_session", "inconnu", "Le type de session est titre ou ccp.")
			}
			if r.MoisExperience < 0 {
				add("recevabilite.mois_experience", "negatif", "La durée d'expérience ne peut pas être négative.")
			}
		}
		if len(in.ECF) > 0 {
			add("ecf", "ecf_vae", "Un candidat à la VAE ne présente pas d'ECF : ce n'est pas un parcours de formation.")
		}
	case ParcoursCapitalisation:
		if r := in.Recevabilite; r != nil && r.TypeSession != "titre" && r.TypeSession != "ccp" {
			add("recevabilite.type_session", "inconnu", "Le type de session est titre ou ccp.")
		}
		if in.Formation == nil && len(in.CCPAnterieurs) == 0 {
			add("ccp_anterieurs", "requis", "La capitalisation exige une formation ou au moins un CCP déjà obtenu.")
		}
	case ParcoursCCS:
		if in.Formation == nil && in.MoisExperience == nil {
			add("mois_experience", "requis", "Le parcours CCS exige une formation ou une durée d'expérience dans le métier.")
		}
		if !current.HasCCS() {
			add("parcours", "titre_sans_ccs", fmt.Sprintf("Le titre %s ne comporte aucun certificat complémentaire de spécialisation.", titre.Code))
		}
	}
	// A capitalisation candidat may come from the VAE: its recevabilité stays.
	if in.Parcours != ParcoursVAE && in.Parcours != ParcoursCapitalisation && in.Recevabilite != nil {
		add("recevabilite", "hors_parcours", "Seul un candidat à la VAE, ou qui capitalise après une VAE, a une notification de recevabilité.")
	}
	if in.MoisExperience != nil && *in.MoisExperience < 0 {
		add("mois_experience", "negatif", "La durée d'expérience ne peut pas être négative.")
	}

	seen := map[string]bool{}
	for i, e := range in.ECF {
		b, ok := current.Bloc(e.CCP)
		switch {
		case !ok:
			add(fieldIndex("ecf", i, "ccp"), "inconnu", fmt.Sprintf("La version %s n'a pas de bloc %s.", current.Code, e.CCP))
		case seen[e.CCP]:
			add(fieldIndex("ecf", i, "ccp"), "doublon", fmt.Sprintf("Le bloc %s apparaît deux fois.", e.CCP))
		case e.DateEvaluation.After(today):
			add(fieldIndex("ecf", i, "date_evaluation"), "future", "La date d'évaluation ne peut pas être dans le futur.")
		default:
			plan.ecf = append(plan.ecf, ecfRow{BlocID: b.ID, DateEvaluation: e.DateEvaluation, Observations: e.Observations})
		}
		seen[e.CCP] = true
	}
	seen = map[string]bool{}
	for i, x := range in.CCPAnterieurs {
		var v *Version
		for j := range titre.Versions {
			if titre.Versions[j].Code == x.VersionCode {
				v = &titre.Versions[j]
			}
		}
		if v == nil {
			add(fieldIndex("ccp_anterieurs", i, "version_code"), "inconnu",
				fmt.Sprintf("Le titre %s n'a pas de version %s.", titre.Code, x.VersionCode))
			continue
		}
		b, ok := v.Bloc(x.CCP)
		key := v.Code + "/" + x.CCP
		switch {
		case !ok:
			add(fieldIndex("ccp_anterieurs", i, "ccp"), "inconnu", fmt.Sprintf("La version %s n'a pas de bloc %s.", v.Code, x.CCP))
		case seen[key]:
			add(fieldIndex("ccp_anterieurs", i, "ccp"), "doublon", fmt.Sprintf("Le bloc %s apparaît deux fois.", x.CCP))
		case x.DateObtention.After(today):
			add(fieldIndex("ccp_anterieurs", i, "date_obtention"), "future", "La date d'obtention ne peut pas être dans le futur.")
		default:
			plan.anterieurs = append(plan.anterieurs, anterieurRow{BlocID: b.ID, DateObtention: x.DateObtention, SessionReference: x.SessionReference})
		}
		seen[key] = true
	}
	if len(fe) > 0 {
		return nil, Invalid(codeSaisie(fe), "Le dossier du candidat comporte des erreurs.", fe...)
	}
	return plan, nil
}

// reglesSaisie are the field codes of checkSaisie that are business rules,
// not malformed input: a registration they refuse answers with the rule's
// own code, as an enrolment does, rather than the generic candidat_invalide.
var reglesSaisie = []string{"centre_non_agree", "ecf_vae", "titre_sans_ccs"}

// codeSaisie is the code of a refused registration: the first rule broken,
// or candidat_invalide when the input is only malformed.
func codeSaisie(fe []FieldError) string {
	for _, f := range fe {
		if contains(reglesSaisie, f.Code) {
			return f.Code
		}
	}
	return "candidat_invalide"
}

func (p *saisiePlan) row(id, centreID string) candidatRow {
	in := p.in
	r := candidatRow{
		ID: id, CentreID: centreID, TitreID: p.titreID, Parcours: in.Parcours,
		NomNaissance: in.NomNaissance, NomUsage: in.NomUsage, Prenoms: in.Prenoms,
		NomNaissanceRecherche: search.Key(in.NomNaissance), NomUsageRecherche: search.Key(in.NomUsage),
		DateNaissance: in.DateNaissance, LieuNaissance: in.LieuNaissance, Email: in.Email,
		MoisExperience: in.MoisExperience,
	}
	if f := in.Formation; f != nil {
		r.FormationDebut, r.FormationFin = &f.Debut, &f.Fin
	}
	if v := in.Recevabilite; v != nil {
		r.VaeDateNotification, r.VaeReference, r.VaeDdets = &v.DateNotification, &v.Reference, &v.DDETS
		r.VaeMoisExperience, r.VaeTypeSession = &v.MoisExperience, &v.TypeSession
	}
	return r
}
