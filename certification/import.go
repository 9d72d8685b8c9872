package certification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/search"
)

// LigneImport is one row of a file of candidats, read by the transport into
// a saisie. Erreurs are the faults found while reading it (a date that is
// not one, a bad e-mail address): such a row goes no further.
type LigneImport struct {
	// Ligne is the row's line number in the file, the header being line 1.
	Ligne   int
	Saisie  CandidatSaisie
	Erreurs []FieldError
}

// OptionsImport are the centre's choices for an import.
type OptionsImport struct {
	// Confirmer writes the rows; without it the import is a dry run that
	// reports what it would do and writes nothing.
	Confirmer bool
	// ToutOuRien writes nothing at all when any row is in error; without
	// it, only the valid rows are written.
	ToutOuRien bool
	// MettreAJour replaces the dossier of a candidat already registered
	// (same identity) with the row; without it the row is left aside.
	MettreAJour bool
}

// StatutLigne is what an import does, or would do, with a row.
type StatutLigne string

// The statuses of a row. A dry run answers the « à » forms; a confirmed
// import the past ones.
const (
	LigneACreer       StatutLigne = "a_creer"
	LigneCreee        StatutLigne = "cree"
	LigneAMettreAJour StatutLigne = "a_mettre_a_jour"
	LigneMiseAJour    StatutLigne = "mis_a_jour"
	LigneDejaPresente StatutLigne = "deja_present"
	LigneEnErreur     StatutLigne = "erreur"
)

// LigneRapport is the outcome of one row.
type LigneRapport struct {
	Ligne  int
	Statut StatutLigne
	// CandidatID is the candidat created, updated or already present.
	CandidatID    string
	NomNaissance  string
	Prenoms       string
	DateNaissance Date
	// Erreurs name the saisie's fields (nom_naissance, formation.fin…).
	Erreurs []FieldError
}

// RapportImport is the report of an import, row by row, with its counts.
type RapportImport struct {
	Lignes []LigneRapport
	// Confirme is true when the rows were written.
	Confirme bool
	// ACreer counts the rows created (or to create, in a dry run);
	// AMettreAJour those updated; DejaPresentes those left aside.
	ACreer, AMettreAJour, DejaPresentes, EnErreur int
}

// errEssai rolls back the transaction of a dry run.
var errEssai = errors.New("import: dry run")

// ImporterCandidats imports rows of candidats into the acting centre. Every
// row goes through the same path as CreateCandidat and UpdateCandidat
// (checks, versions, audit trail) inside ONE transaction; a dry run makes
// the same writes and rolls them back, so that it reports exactly what
// the import would do. A row is the candidat of an earlier row, or of a
// candidat already registered by the centre, when its nom de naissance,
// prénoms and date de naissance are the same, ignoring case, accents and
// Unicode form. Returns ErrInvalid (import_refuse) when the centre asked
// for all or nothing and a row is in error: nothing is written then.
func (s *Service) ImporterCandidats(ctx context.Context, a Acteur, lignes []LigneImport, o OptionsImport) (*RapportImport, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	// Each row reads the référentiel; the process's copy is filled only
	// outside a transaction, so it is filled first, once.
	if _, err := loadTitres(s.read(ctx), ""); err != nil {
		return nil, err
	}
	var rapport *RapportImport
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if rapport, err = s.importer(tx, a, lignes, o); err != nil {
			return err
		}
		if rapport.EnErreur > 0 && o.ToutOuRien && o.Confirmer {
			return importRefuse(rapport)
		}
		if !o.Confirmer {
			return errEssai
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEssai) {
		return nil, err
	}
	rapport.Confirme = o.Confirmer
	if !o.Confirmer {
		for i := range rapport.Lignes {
			switch l := &rapport.Lignes[i]; l.Statut {
			case LigneCreee:
				l.Statut, l.CandidatID = LigneACreer, ""
			case LigneMiseAJour:
				l.Statut = LigneAMettreAJour
			}
		}
	}
	return rapport, nil
}

// importRefuse names every faulty row of an all-or-nothing import.
func importRefuse(r *RapportImport) *Error {
	var fe []FieldError
	for _, l := range r.Lignes {
		for _, e := range l.Erreurs {
			fe = append(fe, FieldError{Field: fmt.Sprintf("ligne[%d].%s", l.Ligne, e.Field), Code: e.Code, Message: e.Message})
		}
	}
	return Invalid("import_refuse", fmt.Sprintf(
		"%d ligne(s) du fichier comportent des erreurs : rien n'a été importé, puisque vous avez choisi « tout ou rien ».", r.EnErreur), fe...)
}

// importer writes each row in tx and reports what became of it.
func (s *Service) importer(tx *gorm.DB, a Acteur, lignes []LigneImport, o OptionsImport) (*RapportImport, error) {
	connus, err := identitesDuCentre(tx, a.CentreID)
	if err != nil {
		return nil, err
	}
	r := &RapportImport{Lignes: make([]LigneRapport, 0, len(lignes))}
	vues := map[string]int{}
	for _, l := range lignes {
		in := l.Saisie.nfc()
		lr := LigneRapport{Ligne: l.Ligne, NomNaissance: in.NomNaissance, Prenoms: in.Prenoms, DateNaissance: in.DateNaissance, Erreurs: l.Erreurs}
		cle := cleIdentite(in.NomNaissance, in.Prenoms, in.DateNaissance)
		if len(lr.Erreurs) == 0 && cle != "" {
			if premiere, ok := vues[cle]; ok {
				lr.Erreurs = []FieldError{{Field: "nom_naissance", Code: "doublon_fichier", Message: fmt.Sprintf(
					"Même candidat (nom de naissance, prénoms et date de naissance) que la ligne %d du fichier.", premiere)}}
			}
		}
		if cle != "" {
			if _, ok := vues[cle]; !ok {
				vues[cle] = l.Ligne
			}
		}
		if len(lr.Erreurs) == 0 {
			if err := s.importerLigne(tx, a, in, connus[cle], o, &lr); err != nil {
				var de *Error
				if !errors.As(err, &de) || !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrConflict) || errors.Is(err, ErrStale)) {
					return nil, err
				}
				lr.Erreurs = erreursDe(de)
			}
		}
		if len(lr.Erreurs) > 0 {
			lr.Statut, lr.CandidatID = LigneEnErreur, ""
		}
		switch lr.Statut {
		case LigneCreee:
			r.ACreer++
		case LigneMiseAJour:
			r.AMettreAJour++
		case LigneDejaPresente:
			r.DejaPresentes++
		case LigneEnErreur:
			r.EnErreur++
		}
		r.Lignes = append(r.Lignes, lr)
	}
	return r, nil
}

// importerLigne creates the row's candidat, or updates the one already
// registered with its identity when the centre allows it.
func (s *Service) importerLigne(tx *gorm.DB, a Acteur, in CandidatSaisie, connu *identiteConnue, o OptionsImport, lr *LigneRapport) error {
	if connu == nil {
		id := newID()
		if err := s.creerCandidat(tx, a, id, in); err != nil {
			return err
		}
		lr.Statut, lr.CandidatID = LigneCreee, id
		return nil
	}
	lr.CandidatID = connu.id
	if !o.MettreAJour || connu.traite {
		lr.Statut = LigneDejaPresente
		return nil
	}
	cur, err := findCandidat(tx, a, connu.id)
	if err != nil {
		return err
	}
	// The file has no columns for the ECF and the CCP already held: those
	// entered in the dossier stay.
	in.ECF, in.CCPAnterieurs = cur.ECF, cur.CCPAnterieurs
	if err := s.modifierCandidat(tx, a, connu.id, cur.Version, in); err != nil {
		return err
	}
	connu.traite = true
	lr.Statut = LigneMiseAJour
	return nil
}

// erreursDe turns a refusal of a row into its field errors.
func erreursDe(e *Error) []FieldError {
	if len(e.Fields) > 0 {
		return e.Fields
	}
	return []FieldError{{Field: "", Code: e.Code, Message: e.Message}}
}

// identiteConnue is a candidat already registered by the centre.
type identiteConnue struct {
	id string
	// traite marks a candidat already updated by an earlier row.
	traite bool
}

// identitesDuCentre maps the identity key of each candidat of a centre to it.
func identitesDuCentre(tx *gorm.DB, centreID string) (map[string]*identiteConnue, error) {
	var rows []struct {
		ID            string
		NomNaissance  string
		Prenoms       string
		DateNaissance Date
		CreatedAt     time.Time
	}
	err := tx.Table("candidats").Select("id, nom_naissance, prenoms, date_naissance, created_at").
		Where("centre_id = ?", centreID).Order("created_at, id").Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "candidats of centre %s: identities", centreID)
	}
	out := make(map[string]*identiteConnue, len(rows))
	for _, r := range rows {
		k := cleIdentite(r.NomNaissance, r.Prenoms, r.DateNaissance)
		if _, ok := out[k]; !ok {
			out[k] = &identiteConnue{id: r.ID}
		}
	}
	return out, nil
}

// cleIdentite is the key two rows of the same person share: nom de
// naissance, prénoms and date de naissance compared as name searches
// compare them (search.Key), spaces collapsed; empty without a name.
func cleIdentite(nom, prenoms string, d Date) string {
	k := func(s string) string { return strings.Join(strings.Fields(search.Key(s)), " ") }
	n, p := k(nom), k(prenoms)
	if n == "" || p == "" {
		return ""
	}
	return n + "\x00" + p + "\x00" + d.String()
}
