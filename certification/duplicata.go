package certification

import (
	"context"

	"gorm.io/gorm"
)

// EmettreDuplicata issues, at its holder's request, a duplicata of a
// parchemin or livret in force: a new document with a number and a
// verification code of its own, marked « Duplicata du document n° … » on
// every page, whose public verification names the original. The original
// stays valid; a later re-issuance replaces both. Autorité of the
// document's territory only. Returns ErrNotFound for a document outside
// the territory, and ErrConflict for another kind of document
// (duplicata_type_exclu), a document not in force
// (duplicata_document_non_valide) or a duplicata (duplicata_de_duplicata).
func (s *Service) EmettreDuplicata(ctx context.Context, a Acteur, id string) (*Document, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	var dup *Document
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		orig, err := findDocument(tx, a, id, false)
		if err != nil {
			return err
		}
		// Issuers of the session queue here, as for its other documents:
		// a re-issuance cannot retire the original in between.
		if err := lockSession(tx, orig.SessionID, lockExclusive); err != nil {
			return err
		}
		if orig, err = findDocument(tx, a, id, false); err != nil {
			return err
		}
		switch {
		case orig.Type != DocParchemin && orig.Type != DocLivret:
			return Errorf(ErrConflict, "duplicata_type_exclu", "Un duplicata ne se délivre que d'un parchemin ou d'un livret de certification.")
		case orig.DuplicataDe != nil:
			return Errorf(ErrConflict, "duplicata_de_duplicata", "Ce document est lui-même un duplicata : délivrez le duplicata du document original.")
		case orig.Statut != StatutValide:
			return Errorf(ErrConflict, "duplicata_document_non_valide", "Le document n° %s n'est plus en vigueur : son duplicata ne peut pas être délivré.", orig.Numero)
		}
		sess, err := findSession(tx, a, orig.SessionID)
		if err != nil {
			return err
		}
		dc, err := s.documentContext(tx, sess)
		if err != nil {
			return err
		}
		ins, err := inscriptionsOf(tx, sess.ID, deref(orig.InscriptionID))
		if err != nil {
			return err
		}
		if len(ins) == 0 {
			return notFound("Inscription")
		}
		if dup, err = s.renderCandidat(tx, a, dc, orig.Type, ins[0], orig.Numero); err != nil {
			return err
		}
		dup.DuplicataDe = &orig.ID
		if err := s.store(tx, a, dup, ins[0].CandidatID); err != nil {
			return err
		}
		if err := s.journal(tx, a, audit{action: "duplicata_emis", objet: "document", objetID: orig.ID, sessionID: orig.SessionID,
			candidatID: ins[0].CandidatID, apres: documentSnapshot{Statut: orig.Statut, Duplicata: dup.Numero}}); err != nil {
			return err
		}
		return s.enqueueDocuments(tx, []Document{*dup})
	})
	if err != nil {
		return nil, err
	}
	return dup, nil
}
