package certification

import (
	"gorm.io/gorm"
)

// This file re-issues documents when the record they print changes after
// issuance: a correction of a decision, a rectification of the holder's
// identity. An issued document never changes (DOMAIN §6): its successor is
// a new document, with a new number, and the previous one says "remplacé".

// rectifierDocuments follows a correction in a validated session: if the PV
// was issued, a rectified PV replaces it, and the enrolment's parchemin or
// livret, if issued, is re-issued as the outcome now stands.
// raison is what the rectified PV says of it, motif the reason of the act.
func (s *Service) rectifierDocuments(tx *gorm.DB, a Acteur, sess *Session, inscriptionID, raison, motif string, categorie CategorieRevocation) error {
	if sess.Statut != Validee {
		return nil
	}
	dc, err := s.documentContext(tx, sess)
	if err != nil {
		return err
	}
	pvs, err := validDocumentsOf(tx, sess.ID, "", DocPV)
	if err != nil {
		return err
	}
	for _, old := range pvs {
		if err := s.rectifierPV(tx, a, dc, old, raison); err != nil {
			return err
		}
	}
	return s.reemettreInscriptionID(tx, a, dc, inscriptionID, motif, categorie)
}

// reemettreInscriptionID is reemettreInscription for the enrolment of the
// session of dc with that id.
func (s *Service) reemettreInscriptionID(tx *gorm.DB, a Acteur, dc *docContext, inscriptionID, motif string, categorie CategorieRevocation) error {
	ins, err := inscriptionsOf(tx, dc.sess.ID, inscriptionID)
	if err != nil {
		return err
	}
	for _, in := range ins {
		if err := s.reemettreInscription(tx, a, dc, in, motif, categorie); err != nil {
			return err
		}
	}
	return nil
}

// rectifierPV issues the PV of the session as it now stands, saying which
// PV it replaces and why (raison: what was rectified, and its reason), and
// marks that one replaced.
func (s *Service) rectifierPV(tx *gorm.DB, a Acteur, dc *docContext, old Document, raison string) error {
	if err := retireDocument(tx, old.ID); err != nil {
		return err
	}
	ins, err := inscriptionsOf(tx, dc.sess.ID, "")
	if err != nil {
		return err
	}
	liens, err := liensDuJury(tx, dc.sess.ID)
	if err != nil {
		return err
	}
	p, err := pvData(tx, dc, ins, liens, anterieursDelibere)
	if err != nil {
		return err
	}
	p.Remplace = &PVRemplace{Numero: old.Numero, EmisAt: old.EmisAt, Motif: raison}
	d, err := s.issue(tx, a, dc, DocPV, nil, func(e EnTete) ([]byte, error) {
		p.EnTete = e
		return s.opt.Renderer.PV(p)
	})
	if err != nil {
		return err
	}
	if err := s.store(tx, a, d, ""); err != nil {
		return err
	}
	dc.pvNumero = d.Numero
	return s.remplacer(tx, a, old, d, "")
}

// reemettreInscription replaces the valid parchemin or livret of an
// enrolment by the document its outcome now gives; when it gives none any
// more, the document is revoked with the reason, under categorie, what
// changed the outcome, which the public verification shows. An enrolment
// whose document was never issued is left to the issuance.
func (s *Service) reemettreInscription(tx *gorm.DB, a Acteur, dc *docContext, in Inscription, motif string, categorie CategorieRevocation) error {
	if err := s.reemettreFiche(tx, a, dc, in); err != nil {
		return err
	}
	olds, err := validDocumentsOf(tx, in.SessionID, in.ID, DocParchemin, DocLivret)
	if err != nil || len(olds) == 0 {
		return err
	}
	for _, o := range olds {
		if err := retireDocument(tx, o.ID); err != nil {
			return err
		}
	}
	typ, ok := documentFor(in)
	if !ok {
		for _, o := range olds {
			// The outcome changed after validation (docs/domaine.md §6 bis).
			if _, err := revokeDocument(tx, o.ID, StatutRemplace, a.UtilisateurID, categorie, motif, s.now()); err != nil {
				return err
			}
			if err := s.journal(tx, a, audit{action: "document_revoque", objet: "document", objetID: o.ID, sessionID: o.SessionID,
				candidatID: in.CandidatID, avant: documentSnapshot{Statut: StatutValide}, apres: documentSnapshot{Statut: StatutRevoque, Categorie: categorie, Motif: motif}}); err != nil {
				return err
			}
		}
		return nil
	}
	return s.remplacerPar(tx, a, dc, typ, in, olds)
}

// remplacerPar issues the enrolment's document of type typ and records
// that it replaces olds, already retired.
func (s *Service) remplacerPar(tx *gorm.DB, a Acteur, dc *docContext, typ TypeDocument, in Inscription, olds []Document) error {
	d, err := s.issueCandidat(tx, a, dc, typ, in)
	if err != nil {
		return err
	}
	for _, o := range olds {
		if err := s.remplacer(tx, a, o, d, in.CandidatID); err != nil {
			return err
		}
	}
	return nil
}

// reemettreFiche replaces the valid fiche de résultats of an enrolment by
// one that prints its record as it now stands.
func (s *Service) reemettreFiche(tx *gorm.DB, a Acteur, dc *docContext, in Inscription) error {
	olds, err := validDocumentsOf(tx, in.SessionID, in.ID, DocFiche)
	if err != nil || len(olds) == 0 {
		return err
	}
	for _, o := range olds {
		if err := retireDocument(tx, o.ID); err != nil {
			return err
		}
	}
	return s.remplacerPar(tx, a, dc, DocFiche, in, olds)
}

// remplacer records that old is replaced by d.
func (s *Service) remplacer(tx *gorm.DB, a Acteur, old Document, d *Document, candidatID string) error {
	if err := supersedeDocument(tx, old.ID, d.ID); err != nil {
		return err
	}
	return s.journal(tx, a, audit{action: "document_remplace", objet: "document", objetID: old.ID, sessionID: old.SessionID,
		candidatID: candidatID, avant: documentSnapshot{Statut: StatutValide}, apres: documentSnapshot{Statut: StatutRemplace, RemplacePar: d.Numero}})
}
