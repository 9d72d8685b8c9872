package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
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
	ID             string
	CentreID       string
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

// candidatRow is the candidats table; Candidat nests what it flattens.
type candidatRow struct {
	ID                  string
	CentreID            string
	TitreID             string
	Parcours            Parcours
	NomNaissance        string
	NomUsage            string
	Prenoms             string
	DateNaissance       Date
	LieuNaissance       string
	Email               string
	FormationDebut      *Date
	FormationFin        *Date
	VaeDateNotification *Date
	VaeReference        *string
	VaeDdets            *string
	VaeMoisExperience   *int
	VaeTypeSession      *string
	MoisExperience      *int
	ArchiveAt           *time.Time
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (candidatRow) TableName() string { return "candidats" }

type ecfRow struct {
	ID             string
	CandidatID     string
	BlocID         string
	DateEvaluation Date
	Observations   string
}

func (ecfRow) TableName() string { return "candidat_ecf" }

type anterieurRow struct {
	ID               string
	CandidatID       string
	BlocID           string
	DateObtention    Date
	SessionReference string
}

func (anterieurRow) TableName() string { return "candidat_ccp_anterieurs" }

// CreateCandidat registers a candidat for the acting centre. Returns
// ErrInvalid, with the fields at fault, when the input breaks a rule.
func (s *Service) CreateCandidat(ctx context.Context, a Acteur, in CandidatSaisie) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	now := s.now()
	id := newID()
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		plan, err := s.checkSaisie(tx, a.CentreID, in)
		if err != nil {
			return err
		}
		row := plan.row(id, a.CentreID)
		row.Version, row.CreatedAt, row.UpdatedAt = 1, now, now
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := plan.writeChildren(tx, id); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "candidat_cree", objet: "candidat", objetID: id, candidatID: id, apres: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Candidat(ctx, a, id)
}

// UpdateCandidat replaces a candidat's data if version is still its current
// version. Returns ErrNotFound for a candidat the actor may not see,
// ErrStale if version is out of date, ErrInvalid for bad input.
func (s *Service) UpdateCandidat(ctx context.Context, a Acteur, id string, version int, in CandidatSaisie) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cur, err := findCandidatRow(tx, a, id)
		if err != nil {
			return err
		}
		if cur.ArchiveAt != nil {
			return Errorf(ErrConflict, "candidat_archive", "Ce candidat est archivé : il ne peut plus être modifié.")
		}
		plan, err := s.checkSaisie(tx, cur.CentreID, in)
		if err != nil {
			return err
		}
		row := plan.row(id, cur.CentreID)
		res := tx.Model(&candidatRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"titre_id": row.TitreID, "parcours": row.Parcours,
			"nom_naissance": row.NomNaissance, "nom_usage": row.NomUsage, "prenoms": row.Prenoms,
			"date_naissance": row.DateNaissance, "lieu_naissance": row.LieuNaissance, "email": row.Email,
			"formation_debut": row.FormationDebut, "formation_fin": row.FormationFin,
			"vae_date_notification": row.VaeDateNotification, "vae_reference": row.VaeReference,
			"vae_ddets": row.VaeDdets, "vae_mois_experience": row.VaeMoisExperience,
			"vae_type_session": row.VaeTypeSession, "mois_experience": row.MoisExperience,
			"version": version + 1, "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return stale("Le candidat")
		}
		if err := tx.Where("candidat_id = ?", id).Delete(&ecfRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("candidat_id = ?", id).Delete(&anterieurRow{}).Error; err != nil {
			return err
		}
		if err := plan.writeChildren(tx, id); err != nil {
			return err
		}
		avant, err := hydrate(tx, []candidatRow{*cur})
		if err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "candidat_modifie", objet: "candidat", objetID: id, candidatID: id, avant: avant[0], apres: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Candidat(ctx, a, id)
}

// ArchiveCandidat archives a candidat: it leaves the default lists and can
// no longer be modified, but nothing is deleted. Returns ErrStale if version
// is out of date.
func (s *Service) ArchiveCandidat(ctx context.Context, a Acteur, id string, version int) (*Candidat, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cur, err := findCandidatRow(tx, a, id)
		if err != nil {
			return err
		}
		if cur.ArchiveAt != nil {
			return Errorf(ErrConflict, "candidat_archive", "Ce candidat est déjà archivé.")
		}
		now := s.now()
		res := tx.Model(&candidatRow{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"archive_at": now, "version": version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return stale("Le candidat")
		}
		return s.journal(tx, a, audit{action: "candidat_archive", objet: "candidat", objetID: id, candidatID: id})
	})
	if err != nil {
		return nil, err
	}
	return s.Candidat(ctx, a, id)
}

// Candidat returns one candidat the actor may see. Returns ErrNotFound
// otherwise, so that ids cannot be probed.
func (s *Service) Candidat(ctx context.Context, a Acteur, id string) (*Candidat, error) {
	return findCandidat(s.read(ctx), a, id)
}

// FiltreCandidats selects and pages a list of candidats.
type FiltreCandidats struct {
	Parcours Parcours
	// Nom matches the start of the nom de naissance or d'usage, ignoring case.
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
func (s *Service) Candidats(ctx context.Context, a Acteur, f FiltreCandidats) (*PageCandidats, error) {
	db := s.read(ctx)
	if f.Nom != "" {
		db = s.db.forSearch().WithContext(ctx)
	}
	if f.Limite <= 0 || f.Limite > 200 {
		f.Limite = 50
	}
	// filtered is the actor's scope and every filter but the name; the
	// candidats AS c it selects from is what the pages are cut from.
	filtered := func(cols string) (*gorm.DB, error) {
		q, err := scopeCandidats(db, a)
		if err != nil {
			return nil, err
		}
		q = q.Select(cols)
		if f.Parcours != "" {
			q = q.Where("c.parcours = ?", f.Parcours)
		}
		if f.CentreID != "" {
			q = q.Where("c.centre_id = ?", f.CentreID)
		}
		if !f.Archives {
			q = q.Where("c.archive_at IS NULL")
		}
		if f.Apres != "" {
			q = q.Where("c.id > ?", f.Apres)
		}
		return q, nil
	}
	q, err := filtered("c.*")
	if err != nil {
		return nil, err
	}
	if f.Nom != "" {
		// A prefix of a few letters matches thousands of candidats out of a
		// million. An OR of both names leaves PostgreSQL two bad plans:
		// read every matching row then sort, or walk the ids testing each.
		// Each name on its own is read from its covering index (migration
		// 7) without touching the rows, keeping the first ids of the page;
		// the two short lists are then merged. Ordering by id || '' keeps
		// the planner from walking the ids instead: it underrates what
		// LOWER costs on each of the tens of thousands of rows walked.
		lower := "LOWER"
		if s.db.Dialect == "sqlite" {
			lower = sqliteLower
		}
		pat := likePrefix(strings.ToLower(f.Nom))
		var branches []any
		for _, col := range []string{"c.nom_naissance", "c.nom_usage"} {
			b, _ := filtered("c.id")
			branches = append(branches, b.Where(lower+"("+col+`) LIKE ? ESCAPE '\'`, pat).Order("c.id || ''").Limit(f.Limite+1))
		}
		page := db.Raw(`SELECT m.id FROM (SELECT n.id FROM (?) n UNION SELECT u.id FROM (?) u) m ORDER BY m.id LIMIT ?`,
			branches[0], branches[1], f.Limite+1)
		q = q.Where("c.id IN (?)", page)
	}
	var rows []candidatRow
	if err := q.Order("c.id").Limit(f.Limite + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	page := &PageCandidats{}
	if len(rows) > f.Limite {
		rows = rows[:f.Limite]
		page.Suivant = rows[len(rows)-1].ID
	}
	page.Candidats, err = hydrate(db, rows)
	return page, err
}

// validID reports whether id could be one of ours, a UUID. Anything else
// names no row and must not reach the database: PostgreSQL fails on text
// holding a NUL or bytes that are not UTF-8.
func validID(id string) bool { return uuid.Validate(id) == nil }

func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// scopeCandidats restricts a query on candidats (aliased c) to what the
// actor may see.
func scopeCandidats(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Table("candidats AS c").Select("c.*")
	switch a.Role {
	case RoleAdmin, RoleAutorite:
		return q, nil
	case RoleCentre:
		return q.Where("c.centre_id = ?", a.CentreID), nil
	case RoleCandidat:
		return q.Where("c.id = ?", a.CandidatID), nil
	}
	return nil, forbidden()
}

func findCandidatRow(tx *gorm.DB, a Acteur, id string) (*candidatRow, error) {
	if !validID(id) {
		return nil, notFound("Candidat")
	}
	q, err := scopeCandidats(tx, a)
	if err != nil {
		return nil, err
	}
	var rows []candidatRow
	if err := q.Where("c.id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound("Candidat")
	}
	return &rows[0], nil
}

func findCandidat(tx *gorm.DB, a Acteur, id string) (*Candidat, error) {
	row, err := findCandidatRow(tx, a, id)
	if err != nil {
		return nil, err
	}
	cs, err := hydrate(tx, []candidatRow{*row})
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// hydrate turns rows into Candidats with their ECF and CCP antérieurs, in
// three queries whatever the number of rows.
func hydrate(db *gorm.DB, rows []candidatRow) ([]Candidat, error) {
	out := make([]Candidat, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	titreIDs := map[string]bool{}
	for i, r := range rows {
		ids[i] = r.ID
		titreIDs[r.TitreID] = true
	}
	var titres []struct{ ID, Code string }
	tids := make([]string, 0, len(titreIDs))
	for id := range titreIDs {
		tids = append(tids, id)
	}
	if err := db.Table("titres").Select("id, code").Where("id IN ?", tids).Find(&titres).Error; err != nil {
		return nil, err
	}
	codes := map[string]string{}
	for _, t := range titres {
		codes[t.ID] = t.Code
	}
	var ecfs []struct {
		CandidatID     string
		Code           string
		DateEvaluation Date
		Observations   string
	}
	if err := db.Raw(`SELECT e.candidat_id, b.code, e.date_evaluation, e.observations FROM candidat_ecf e
		JOIN blocs b ON b.id = e.bloc_id WHERE e.candidat_id IN ? ORDER BY b.rang`, ids).Scan(&ecfs).Error; err != nil {
		return nil, err
	}
	var ants []struct {
		CandidatID       string
		Code             string
		VersionCode      string
		DateObtention    Date
		SessionReference string
	}
	if err := db.Raw(`SELECT a.candidat_id, b.code, v.code AS version_code, a.date_obtention, a.session_reference
		FROM candidat_ccp_anterieurs a JOIN blocs b ON b.id = a.bloc_id JOIN titre_versions v ON v.id = b.version_id
		WHERE a.candidat_id IN ? ORDER BY b.rang`, ids).Scan(&ants).Error; err != nil {
		return nil, err
	}
	idx := map[string]*Candidat{}
	for i, r := range rows {
		c := Candidat{
			ID: r.ID, CentreID: r.CentreID, TitreCode: codes[r.TitreID], Parcours: r.Parcours,
			NomNaissance: r.NomNaissance, NomUsage: r.NomUsage, Prenoms: r.Prenoms,
			DateNaissance: r.DateNaissance, LieuNaissance: r.LieuNaissance, Email: r.Email,
			MoisExperience: r.MoisExperience, ArchiveAt: r.ArchiveAt, Version: r.Version,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			ECF: []ECF{}, CCPAnterieurs: []CCPAnterieur{},
		}
		if r.FormationDebut != nil && r.FormationFin != nil {
			c.Formation = &Periode{*r.FormationDebut, *r.FormationFin}
		}
		if r.VaeDateNotification != nil {
			c.Recevabilite = &Recevabilite{DateNotification: *r.VaeDateNotification, Reference: deref(r.VaeReference),
				DDETS: deref(r.VaeDdets), TypeSession: deref(r.VaeTypeSession)}
			if r.VaeMoisExperience != nil {
				c.Recevabilite.MoisExperience = *r.VaeMoisExperience
			}
		}
		out[i] = c
		idx[r.ID] = &out[i]
	}
	for _, e := range ecfs {
		c := idx[e.CandidatID]
		c.ECF = append(c.ECF, ECF{CCP: e.Code, DateEvaluation: e.DateEvaluation, Observations: e.Observations})
	}
	for _, x := range ants {
		c := idx[x.CandidatID]
		c.CCPAnterieurs = append(c.CCPAnterieurs, CCPAnterieur{CCP: x.Code, VersionCode: x.VersionCode,
			DateObtention: x.DateObtention, SessionReference: x.SessionReference})
	}
	return out, nil
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
	var agrees int64
	if err := tx.Model(&Agrement{}).Where("centre_id = ? AND titre_id = ? AND debut <= ? AND fin >= ?",
		centreID, titre.ID, today, today).Count(&agrees).Error; err != nil {
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
		return nil, Invalid("candidat_invalide", "Le dossier du candidat comporte des erreurs.", fe...)
	}
	return plan, nil
}

func (p *saisiePlan) row(id, centreID string) candidatRow {
	in := p.in
	r := candidatRow{
		ID: id, CentreID: centreID, TitreID: p.titreID, Parcours: in.Parcours,
		NomNaissance: in.NomNaissance, NomUsage: in.NomUsage, Prenoms: in.Prenoms,
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

func (p *saisiePlan) writeChildren(tx *gorm.DB, candidatID string) error {
	for _, e := range p.ecf {
		e.ID, e.CandidatID = newID(), candidatID
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
	}
	for _, x := range p.anterieurs {
		x.ID, x.CandidatID = newID(), candidatID
		if err := tx.Create(&x).Error; err != nil {
			return err
		}
	}
	return nil
}
