package certification

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// DemandeDroits is a candidat's request under its rights: a rectification
// or an erasure, in its own words, and who must answer it.
type DemandeDroits struct {
	ID         string
	CandidatID string
	// Type is rectification or effacement.
	Type  string
	Texte string
	// Destinataire is centre, or autorite once a result is deliberated: the
	// civil identity is then the one the State certifies, which only the
	// autorité rectifies (RectifierIdentite).
	Destinataire string
	CreatedAt    time.Time
}

func (DemandeDroits) TableName() string { return "demandes_droits" }

// DonneeConservee is what an erasure leaves in place, for how long, and why.
type DonneeConservee struct {
	Donnees string
	Duree   string
	Motif   string
}

// ReponseEffacement answers an erasure request: the request recorded, and
// what is kept, for how long and why.
type ReponseEffacement struct {
	Demande   DemandeDroits
	Conservee []DonneeConservee
}

// TexteDemandeMax is the longest text of a request, in characters.
const TexteDemandeMax = 2000

// demandeSnapshot is a request in the audit trail; its text, the
// candidat's own words, is under a key the retention pseudonymises.
type demandeSnapshot struct {
	Type         string `json:"type"`
	Destinataire string `json:"destinataire"`
	Texte        string `json:"description"`
}

// DemanderRectification records the signed-in candidat's rectification
// request, addressed to its centre, or to the autorité once a result is
// deliberated. Candidat only; ErrInvalid when the text is empty or too long.
func (s *Service) DemanderRectification(ctx context.Context, a Acteur, texte string) (*DemandeDroits, error) {
	return s.demander(ctx, a, "rectification", texte, "Indiquez ce qui est inexact et ce qu’il faut écrire à la place.")
}

// DemanderEffacement records the signed-in candidat's erasure request,
// addressed to its centre, and answers what is kept and why: the
// certification is a public-interest task, so data it needs stays
// (RGPD art. 17 §3 b) for the periods of the retention table. Candidat only.
func (s *Service) DemanderEffacement(ctx context.Context, a Acteur, texte string) (*ReponseEffacement, error) {
	d, err := s.demander(ctx, a, "effacement", texte, "")
	if err != nil {
		return nil, err
	}
	r := &ReponseEffacement{Demande: *d}
	db := s.read(ctx)
	var titulaire, inscrit int64
	if err := db.Raw(`SELECT COUNT(*) FROM documents WHERE candidat_id = ? AND type <> 'pv'`, a.CandidatID).Scan(&titulaire).Error; err != nil {
		return nil, wrap(err, "effacement %s: documents", a.CandidatID)
	}
	if err := db.Raw(`SELECT COUNT(*) FROM inscriptions WHERE candidat_id = ?`, a.CandidatID).Scan(&inscrit).Error; err != nil {
		return nil, wrap(err, "effacement %s: inscriptions", a.CandidatID)
	}
	c := s.opt.Conservation
	duree := func(cle, apres string) string {
		k := c.Categorie(cle)
		if k.DureeMois == 0 {
			return "Sans limite de durée"
		}
		return DureeMois(k.DureeMois) + " à compter de " + k.Depart + apres
	}
	if titulaire > 0 {
		r.Conservee = append(r.Conservee, DonneeConservee{"Votre identité civile, vos résultats et les documents qui vous ont été délivrés",
			duree(ConservationDocuments, ""), c.Categorie(ConservationDocuments).Motif})
	}
	if inscrit > 0 {
		r.Conservee = append(r.Conservee, DonneeConservee{"Votre dossier de candidat et vos inscriptions aux sessions",
			"Tant que votre dossier est actif ; " + duree(ConservationArchives, ", puis pseudonymisé"), c.Categorie(ConservationArchives).Motif})
	} else {
		r.Conservee = append(r.Conservee, DonneeConservee{"Votre dossier de candidat",
			duree(ConservationJamaisInscrits, ", puis supprimé"), c.Categorie(ConservationJamaisInscrits).Motif})
	}
	r.Conservee = append(r.Conservee,
		DonneeConservee{"Le journal des actions qui vous concernent", duree(ConservationAudit, ", puis pseudonymisé"), c.Categorie(ConservationAudit).Motif},
		DonneeConservee{"Les messages qui vous ont été envoyés et vos connexions", duree(ConservationJournaux, ", puis supprimés"), c.Categorie(ConservationJournaux).Motif})
	return r, nil
}

// DureeMois says a period of n months in words: « 5 ans », « 18 mois ».
func DureeMois(n int) string {
	switch {
	case n%12 != 0:
		return strconv.Itoa(n) + " mois"
	case n == 12:
		return "1 an"
	default:
		return strconv.Itoa(n/12) + " ans"
	}
}

func (s *Service) demander(ctx context.Context, a Acteur, typ, texte, requis string) (*DemandeDroits, error) {
	if !a.Is(RoleCandidat) || a.CandidatID == "" {
		return nil, forbidden()
	}
	texte = strings.TrimSpace(texte)
	// A text with no letter and no digit (spaces, invisible characters)
	// says nothing: it counts as empty.
	if !strings.ContainsFunc(texte, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		texte = ""
	}
	switch {
	case texte == "" && requis != "":
		return nil, Invalid("demande_invalide", "La demande comporte des erreurs.", FieldError{"texte", "requis", requis})
	case utf8.RuneCountInString(texte) > TexteDemandeMax:
		return nil, Invalid("demande_invalide", "La demande comporte des erreurs.",
			FieldError{"texte", "trop_long", "Le texte ne doit pas dépasser " + strconv.Itoa(TexteDemandeMax) + " caractères."})
	case !utf8.ValidString(texte) || strings.ContainsRune(texte, 0):
		return nil, Invalid("demande_invalide", "La demande comporte des erreurs.",
			FieldError{"texte", "invalide", "Le texte contient des caractères non autorisés."})
	}
	d := &DemandeDroits{ID: newID(), CandidatID: a.CandidatID, Type: typ, Texte: texte, Destinataire: "centre", CreatedAt: s.now()}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if _, err := findCandidatRow(tx, a, a.CandidatID); err != nil {
			return err
		}
		if typ == "rectification" {
			verrou, err := identiteVerrouillee(tx, a.CandidatID)
			if err != nil {
				return err
			}
			if verrou {
				d.Destinataire = "autorite"
			}
		}
		if err := tx.Create(d).Error; err != nil {
			return wrap(err, "demande %s %s: insert", typ, a.CandidatID)
		}
		return s.journal(tx, a, audit{action: "demande_" + typ, objet: "demande", objetID: d.ID, candidatID: a.CandidatID,
			apres: demandeSnapshot{Type: typ, Destinataire: d.Destinataire, Texte: texte}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DemandesDroits returns the requests of a candidat, newest first: to the
// candidat its own, to its centre and to the autorité of its territory those
// of their candidats (the autorité only those addressed to it). A candidat
// out of reach has none: the pages that show them have already answered
// 404 for it, and one statement keeps them within their budget.
func (s *Service) DemandesDroits(ctx context.Context, a Acteur, candidatID string) ([]DemandeDroits, error) {
	if !a.Is(RoleCandidat, RoleCentre, RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	if !validID(candidatID) {
		return nil, nil
	}
	db := s.read(ctx)
	scope, err := scopeCandidats(db, a)
	if err != nil {
		return nil, err
	}
	q := db.Where("candidat_id = ? AND candidat_id IN (?)", candidatID, scope.Select("c.id").Where("c.id = ?", candidatID))
	if a.Is(RoleAutorite) {
		q = q.Where("destinataire = 'autorite'")
	}
	var out []DemandeDroits
	if err := q.Order("created_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, wrap(err, "demandes of %s: list", candidatID)
	}
	return out, nil
}
