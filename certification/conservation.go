package certification

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/search"
)

// The categories of the retention table, each with its own lifetime.
const (
	ConservationJamaisInscrits = "candidats_jamais_inscrits"
	ConservationArchives       = "candidats_archives"
	ConservationRecours        = "recours_amenagements"
	ConservationJournaux       = "journaux"
	ConservationAudit          = "journal_audit"
	ConservationDocuments      = "documents_certifications"
)

var categoriesConservation = []string{ConservationJamaisInscrits, ConservationArchives, ConservationRecours,
	ConservationJournaux, ConservationAudit, ConservationDocuments}

// CategorieConservation is one row of the retention table: how long a kind
// of personal data is kept, from when, what happens at the end, and why.
type CategorieConservation struct {
	Cle     string `json:"cle"`
	Libelle string `json:"libelle"`
	// DureeMois is the period in months; 0 keeps the data without limit.
	DureeMois int    `json:"duree_mois"`
	Depart    string `json:"depart"`
	// Traitement is suppression, pseudonymisation or conservation.
	Traitement string `json:"traitement"`
	Motif      string `json:"motif"`
	Effet      string `json:"effet"`
}

// Conservation is the retention table, the operator's to set
// (fixtures/conservation.json by default).
type Conservation []CategorieConservation

// ParseConservation reads a retention table in JSON and checks that it
// names every category once, with a period, a treatment and a reason. The
// issued documents are never purged: they must stay verifiable.
func ParseConservation(data []byte) (Conservation, error) {
	var c Conservation
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("conservation: %w", err)
	}
	seen := map[string]bool{}
	var problems []string
	for _, k := range c {
		switch {
		case !slices.Contains(categoriesConservation, k.Cle):
			problems = append(problems, fmt.Sprintf("catégorie inconnue %q", k.Cle))
		case seen[k.Cle]:
			problems = append(problems, fmt.Sprintf("catégorie %q en double", k.Cle))
		case k.DureeMois < 0 || (k.DureeMois == 0) != (k.Traitement == "conservation"):
			problems = append(problems, fmt.Sprintf("%s : une durée nulle va avec le traitement « conservation », et seulement elle", k.Cle))
		case k.Cle == ConservationDocuments && k.Traitement != "conservation":
			problems = append(problems, "documents_certifications : les documents délivrés restent vérifiables, ils ne sont jamais purgés")
		case !slices.Contains([]string{"suppression", "pseudonymisation", "conservation"}, k.Traitement):
			problems = append(problems, fmt.Sprintf("%s : traitement inconnu %q", k.Cle, k.Traitement))
		case k.Libelle == "" || k.Motif == "" || k.Depart == "":
			problems = append(problems, fmt.Sprintf("%s : libellé, point de départ et motif sont obligatoires", k.Cle))
		}
		seen[k.Cle] = true
	}
	for _, k := range categoriesConservation {
		if !seen[k] {
			problems = append(problems, fmt.Sprintf("catégorie %q absente", k))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("conservation: %v", problems)
	}
	return c, nil
}

// Categorie returns the row of a category.
func (c Conservation) Categorie(cle string) CategorieConservation {
	for _, k := range c {
		if k.Cle == cle {
			return k
		}
	}
	return CategorieConservation{Cle: cle}
}

// echeance is the instant before which data of the category has expired at
// now, or the zero time when the category is kept without limit.
func (c Conservation) echeance(cle string, now time.Time) time.Time {
	k := c.Categorie(cle)
	if k.DureeMois <= 0 {
		return time.Time{}
	}
	return now.AddDate(0, -k.DureeMois, 0)
}

// Conservation returns the retention table in force.
func (s *Service) Conservation() Conservation { return s.opt.Conservation }

// LigneConservation is what one run of the retention did to one table.
type LigneConservation struct {
	Categorie  string `json:"categorie"`
	Objet      string `json:"objet"`
	Traitement string `json:"traitement"`
	Nombre     int    `json:"nombre"`
}

// RoleSysteme is the author, in the audit trail, of what the service does
// on its own schedule (the retention); no account has it.
const RoleSysteme Role = "systeme"

// Pseudonyme replaces a pseudonymised name.
const Pseudonyme = "Pseudonymisé"

// AppliquerConservation purges or pseudonymises, at the service's clock,
// what the retention table says has expired, in one transaction, and
// records each step in conservation_journal and the run in the audit
// trail. The scheduled job calls it daily; running it again the same day
// does nothing more.
func (s *Service) AppliquerConservation(ctx context.Context) ([]LigneConservation, error) {
	if s.opt.Conservation == nil {
		return nil, fmt.Errorf("conservation: no retention table configured")
	}
	var out []LigneConservation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		p := &purge{s: s, tx: tx, now: s.now()}
		for _, step := range []func() error{p.journaux, p.recoursAmenagements, p.jamaisInscrits, p.archives, p.audit} {
			if err := step(); err != nil {
				return err
			}
		}
		out = p.lignes
		if len(out) == 0 {
			return nil
		}
		return s.journal(tx, Acteur{Role: RoleSysteme}, audit{action: "conservation_appliquee", objet: "conservation",
			objetID: p.lignesID[0], apres: out})
	})
	return out, err
}

// purge is one run of the retention within its transaction.
type purge struct {
	s        *Service
	tx       *gorm.DB
	now      time.Time
	lignes   []LigneConservation
	lignesID []string
}

// log records a step in conservation_journal and returns its id.
func (p *purge) log(categorie, objet, traitement string, n int) (string, error) {
	if n == 0 {
		return "", nil
	}
	id := newID()
	if err := p.tx.Exec(`INSERT INTO conservation_journal (id, at, categorie, objet, traitement, nombre) VALUES (?, ?, ?, ?, ?, ?)`,
		id, p.now, categorie, objet, traitement, n).Error; err != nil {
		return "", wrap(err, "conservation_journal: insert")
	}
	p.lignes = append(p.lignes, LigneConservation{Categorie: categorie, Objet: objet, Traitement: traitement, Nombre: n})
	p.lignesID = append(p.lignesID, id)
	return id, nil
}

// del deletes the rows of a table matching a condition and logs them.
func (p *purge) del(categorie, table, where string, args ...any) error {
	res := p.tx.Exec("DELETE FROM "+table+" WHERE "+where, args...)
	if res.Error != nil {
		return wrap(res.Error, "%s: purge %s", categorie, table)
	}
	_, err := p.log(categorie, table, "suppression", int(res.RowsAffected))
	return err
}

func (p *purge) journaux() error {
	limite := p.s.opt.Conservation.echeance(ConservationJournaux, p.now)
	if limite.IsZero() {
		return nil
	}
	if err := p.del(ConservationJournaux, "messages", "COALESCE(envoye_at, refuse_at) <= ?", limite); err != nil {
		return err
	}
	if err := p.del(ConservationJournaux, "jetons", "expire_at <= ?", limite); err != nil {
		return err
	}
	if err := p.del(ConservationJournaux, "activations", "expire_at <= ?", limite); err != nil {
		return err
	}
	return p.del(ConservationJournaux, "liens_compte", "expire_at <= ?", limite)
}

// recoursAmenagements deletes the recours closed, by a decision or by the
// administration's silence, and the aménagements of the sessions ended,
// before the period's start. A corrected decision lives on in the
// evaluations and the documents, which keep their own periods.
func (p *purge) recoursAmenagements() error {
	limite := p.s.opt.Conservation.echeance(ConservationRecours, p.now)
	if limite.IsZero() {
		return nil
	}
	jour := limite.Format(time.DateOnly)
	clos := "SELECT id FROM recours WHERE decide_at <= ? OR (statut = 'depose' AND rejet_implicite_le <= ?)"
	for _, table := range []string{"recours_pieces", "recours_signatures"} {
		if err := p.del(ConservationRecours, table, "recours_id IN ("+clos+")", limite, jour); err != nil {
			return err
		}
	}
	if err := p.del(ConservationRecours, "recours", "id IN ("+clos+")", limite, jour); err != nil {
		return err
	}
	return p.del(ConservationRecours, "amenagements", "session_id IN (SELECT id FROM sessions WHERE fin <= ?)", jour)
}

// ids reads one column of a query.
func (p *purge) ids(query string, args ...any) ([]string, error) {
	var out []string
	if err := p.tx.Raw(query, args...).Scan(&out).Error; err != nil {
		return nil, wrap(err, "conservation: select")
	}
	return out, nil
}

// comptes deletes the candidats' accounts with their tokens and links.
func (p *purge) comptes(categorie string, candidats []string) error {
	// Rare and possibly many: every resolved token is read again.
	if err := invaliderCle(p.tx, cleTout); err != nil {
		return err
	}
	comptes := "SELECT id FROM utilisateurs WHERE candidat_id IN ?"
	if err := p.del(categorie, "jetons", "utilisateur_id IN ("+comptes+")", candidats); err != nil {
		return err
	}
	if err := p.del(categorie, "activations", "candidat_id IN ?", candidats); err != nil {
		return err
	}
	if err := p.del(categorie, "liens_compte", "utilisateur_id IN ("+comptes+")", candidats); err != nil {
		return err
	}
	return p.del(categorie, "utilisateurs", "candidat_id IN ?", candidats)
}

func (p *purge) jamaisInscrits() error {
	limite := p.s.opt.Conservation.echeance(ConservationJamaisInscrits, p.now)
	if limite.IsZero() {
		return nil
	}
	ids, err := p.ids(`SELECT c.id FROM candidats c WHERE c.updated_at <= ?
		AND NOT EXISTS (SELECT 1 FROM inscriptions i WHERE i.candidat_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.candidat_id = c.id) ORDER BY c.id`, limite)
	if err != nil || len(ids) == 0 {
		return err
	}
	if err := p.evenements(ConservationJamaisInscrits, "candidat_id IN ?", ids); err != nil {
		return err
	}
	if err := p.comptes(ConservationJamaisInscrits, ids); err != nil {
		return err
	}
	for _, t := range []string{"candidat_ecf", "candidat_ccp_anterieurs", "candidat_recevabilites", "liens", "demandes_droits"} {
		if err := p.del(ConservationJamaisInscrits, t, "candidat_id IN ?", ids); err != nil {
			return err
		}
	}
	return p.del(ConservationJamaisInscrits, "candidats", "id IN ?", ids)
}

func (p *purge) archives() error {
	limite := p.s.opt.Conservation.echeance(ConservationArchives, p.now)
	if limite.IsZero() {
		return nil
	}
	ids, err := p.ids(`SELECT id FROM candidats WHERE archive_at IS NOT NULL AND archive_at <= ?
		AND pseudonymise_at IS NULL ORDER BY id`, limite)
	if err != nil || len(ids) == 0 {
		return err
	}
	// A holder of a CCP, a titre or a document keeps its civil identity:
	// the record of what it obtained stays verifiable.
	titulaires, err := p.ids(`SELECT c.id FROM candidats c WHERE c.id IN ? AND (
		EXISTS (SELECT 1 FROM documents d WHERE d.candidat_id = c.id AND d.type <> 'pv')
		OR EXISTS (SELECT 1 FROM candidat_ccp_anterieurs a WHERE a.candidat_id = c.id)
		OR EXISTS (SELECT 1 FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id
			WHERE i.candidat_id = c.id AND e.decision = 'acquis' AND e.revoque_at IS NULL))`, ids)
	if err != nil {
		return err
	}
	var autres []string
	for _, id := range ids {
		if !slices.Contains(titulaires, id) {
			autres = append(autres, id)
		}
	}
	if err := p.comptes(ConservationArchives, ids); err != nil {
		return err
	}
	if len(autres) > 0 {
		if err := p.evenements(ConservationArchives, "candidat_id IN ?", autres); err != nil {
			return err
		}
		if err := p.del(ConservationArchives, "liens", "candidat_id IN ?", autres); err != nil {
			return err
		}
		res := p.tx.Exec(`UPDATE candidat_ecf SET observations = '' WHERE candidat_id IN ? AND observations <> ''`, autres)
		if res.Error != nil {
			return wrap(res.Error, "conservation: candidat_ecf")
		}
		if _, err := p.log(ConservationArchives, "candidat_ecf", "pseudonymisation", int(res.RowsAffected)); err != nil {
			return err
		}
	}
	n := 0
	for _, id := range ids {
		cols := map[string]any{"email": "", "pseudonymise_at": p.now}
		if !slices.Contains(titulaires, id) {
			var naissance Date
			if err := p.tx.Raw("SELECT date_naissance FROM candidats WHERE id = ?", id).Scan(&naissance).Error; err != nil {
				return wrap(err, "conservation: candidat %s", id)
			}
			cols["nom_naissance"], cols["prenoms"], cols["nom_usage"] = Pseudonyme, Pseudonyme, ""
			cols["nom_naissance_recherche"], cols["nom_usage_recherche"] = search.Key(Pseudonyme), ""
			cols["date_naissance"] = NewDate(naissance.Time().Year(), time.January, 1)
			cols["lieu_naissance"], cols["vae_reference"] = "", nil
		}
		if err := p.tx.Table("candidats").Where("id = ?", id).Updates(cols).Error; err != nil {
			return wrap(err, "conservation: candidat %s", id)
		}
		n++
	}
	_, err = p.log(ConservationArchives, "candidats", "pseudonymisation", n)
	return err
}

func (p *purge) audit() error {
	limite := p.s.opt.Conservation.echeance(ConservationAudit, p.now)
	if limite.IsZero() {
		return nil
	}
	return p.evenements(ConservationAudit, "at <= ?", limite)
}

// evenements pseudonymises the personal fields of the events matching a
// condition that still hold some: the pseudonymised copy is recorded in
// evenements_pseudonymises first, which is what the trail's trigger checks
// before it lets the row's avant and apres change, and nothing else.
func (p *purge) evenements(categorie, where string, args ...any) error {
	// Only the events naming a personal field are read: the others would
	// be read again every night, for nothing.
	var champs []string
	var motifs []any
	for _, k := range ChampsPersonnelsAudit {
		champs = append(champs, "avant LIKE ? OR apres LIKE ?")
		motifs = append(motifs, `%"`+k+`":%`, `%"`+k+`":%`)
	}
	var rows []evenementRow
	if err := p.tx.Where(where, args...).Where("("+strings.Join(champs, " OR ")+")", motifs...).
		Where("id NOT IN (SELECT evenement_id FROM evenements_pseudonymises)").
		Order("id").Find(&rows).Error; err != nil {
		return wrap(err, "conservation: evenements")
	}
	type copie struct{ id, avant, apres string }
	var copies []copie
	for _, r := range rows {
		avant, apres := PseudonymiserSnapshot(r.Avant), PseudonymiserSnapshot(r.Apres)
		if avant != r.Avant || apres != r.Apres {
			copies = append(copies, copie{r.ID, avant, apres})
		}
	}
	purgeID, err := p.log(categorie, "evenements", "pseudonymisation", len(copies))
	if err != nil {
		return err
	}
	for _, c := range copies {
		if err := p.tx.Exec(`INSERT INTO evenements_pseudonymises (evenement_id, purge_id, avant, apres) VALUES (?, ?, ?, ?)`,
			c.id, purgeID, c.avant, c.apres).Error; err != nil {
			return wrap(err, "conservation: evenement %s: copy", c.id)
		}
		if err := p.tx.Exec(`UPDATE evenements SET avant = ?, apres = ? WHERE id = ?`, c.avant, c.apres, c.id).Error; err != nil {
			return wrap(err, "conservation: evenement %s: pseudonymise", c.id)
		}
	}
	return nil
}

// ChampsPersonnelsAudit are the keys of the audit snapshots that hold
// personal data, pseudonymised when the trail's period ends.
var ChampsPersonnelsAudit = []string{"nom_naissance", "nom_usage", "prenoms", "date_naissance", "lieu_naissance",
	"email", "nom", "observations", "piece_justificative", "description", "identifiant",
	// A recours's reasons and answer, the jury's reasons on it and an
	// aménagement's detail are free texts about a person.
	"motifs", "reponse", "motif", "proposition", "detail"}

// PseudonymiserSnapshot replaces, in an audit snapshot (JSON), the value of
// every personal field by Pseudonyme, at any depth; the rest is unchanged.
// A value that is not JSON is returned as it is.
func PseudonymiserSnapshot(s string) string {
	if s == "" {
		return s
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return s
	}
	changed := false
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if slices.Contains(ChampsPersonnelsAudit, k) && e != nil && e != "" && e != Pseudonyme {
					x[k], changed = Pseudonyme, true
					continue
				}
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		}
		return v
	}
	v = walk(v)
	if !changed {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}
