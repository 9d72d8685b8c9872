package certification

import (
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// A candidat's enrolment is confirmed when its session is declared to the
// autorité: from then on the session takes place unless cancelled. The
// convocation goes then, with its PDF, to every candidat enrolled, and at
// enrolment to a candidat enrolled in a session already declared; not for
// a session whose first day is past (a late declaration the autorité
// regularises). Its key is "convocation/<inscription id>": one convocation
// per enrolment.
//
// A withdrawal, an excuse noted by the centre or the cancellation of the
// session, before the session is held, enqueues "annulation/<inscription
// id>", which is sent only if the convocation was: a candidat never
// convened is not told of a cancellation.
//
// A declared session whose dates, hour or place change enqueues
// "modification/<inscription id>:<session version>": the new convocation,
// sent only if the first one was and only while the session is still at
// that version, so that a candidat convened twice over a series of changes
// receives the latest one, not each step.

// lien is an address of the service as its messages print it: from the
// public URL, so that the link works from the recipient's mailbox.
func (s *Service) lien(path string) string {
	return strings.TrimRight(s.opt.PublicURL, "/") + path
}

// enqueueConvocations enqueues, within tx, the convocation of each given
// enrolment.
func (s *Service) enqueueConvocations(tx *gorm.DB, inscriptionIDs ...string) error {
	return s.enqueueCles(tx, "convocation/", inscriptionIDs)
}

// enqueueAnnulations enqueues, within tx, the cancellation of each given
// enrolment's convocation.
func (s *Service) enqueueAnnulations(tx *gorm.DB, inscriptionIDs ...string) error {
	return s.enqueueCles(tx, "annulation/", inscriptionIDs)
}

// enqueueModifications enqueues, within tx, the new convocation of each
// enrolment convened to session sessionID, now at version.
func (s *Service) enqueueModifications(tx *gorm.DB, sessionID string, version int) error {
	ids, err := idsConvoques(tx, sessionID)
	if err != nil {
		return err
	}
	for i, id := range ids {
		ids[i] = id + ":" + strconv.Itoa(version)
	}
	return s.enqueueCles(tx, "modification/", ids)
}

func (s *Service) enqueueCles(tx *gorm.DB, prefix string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	jobs := make([]Job, len(ids))
	for i, id := range ids {
		jobs[i] = MessageJob{Cle: prefix + id}
	}
	return wrap(s.opt.Jobs.Enqueue(tx, jobs...), "enqueue %s messages", strings.TrimSuffix(prefix, "/"))
}

// idsConvoques returns the enrolments of a session in force and not
// excused: those a convocation goes to.
func idsConvoques(tx *gorm.DB, sessionID string) ([]string, error) {
	var ids []string
	err := tx.Model(&inscriptionRow{}).Where("session_id = ? AND retiree_at IS NULL AND excusee_at IS NULL", sessionID).
		Order("id").Pluck("id", &ids).Error
	return ids, wrap(err, "inscriptions of session %s", sessionID)
}

// convocationMessage loads what a convocation's or a cancellation's message
// says: the enrolment as it stands, its session and its candidat.
func convocationMessage(db *gorm.DB, inscriptionID string) (*inscriptionRow, *Session, *Candidat, error) {
	var in inscriptionRow
	if err := db.Where("id = ?", inscriptionID).Take(&in).Error; err != nil {
		return nil, nil, nil, wrap(err, "inscription %s", inscriptionID)
	}
	sess, err := findSessionRow(db, systeme, in.SessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := findCandidat(db, systeme, in.CandidatID)
	if err != nil {
		return nil, nil, nil, err
	}
	return &in, sess, c, nil
}

// messageConvocation composes the convocation of an enrolment, with its
// PDF, or nothing when the enrolment was withdrawn or excused, or its
// session cancelled or held, before the job ran.
func (s *Service) messageConvocation(db *gorm.DB, cle, inscriptionID string) (*Message, error) {
	return s.composerConvocation(db, cle, inscriptionID, -1)
}

// messageModification composes the new convocation of an enrolment after
// its session changed, or nothing when the first convocation was not sent
// or the session changed again since (the later change sends its own).
func (s *Service) messageModification(db *gorm.DB, cle, id string) (*Message, error) {
	inscriptionID, v, _ := strings.Cut(id, ":")
	version, err := strconv.Atoi(v)
	if err != nil {
		return nil, fmt.Errorf("message %s: no session version", cle)
	}
	var n int64
	if err := db.Model(&messageRow{}).Where("cle = ? AND envoye_at IS NOT NULL", "convocation/"+inscriptionID).Count(&n).Error; err != nil {
		return nil, wrap(err, "message %s: convocation sent", cle)
	}
	if n == 0 {
		return nil, nil
	}
	return s.composerConvocation(db, cle, inscriptionID, version)
}

// composerConvocation composes an enrolment's convocation; version, when
// not negative, makes it the new convocation of a session changed to that
// version, and nothing once the session is at another.
func (s *Service) composerConvocation(db *gorm.DB, cle, inscriptionID string, version int) (*Message, error) {
	in, sess, c, err := convocationMessage(db, inscriptionID)
	if err != nil {
		return nil, err
	}
	if in.RetireeAt != nil || in.ExcuseeAt != nil || sess.Statut != Declaree || (version >= 0 && sess.Version != version) {
		return nil, nil
	}
	cs, err := s.convocations(db, Acteur{Role: RoleCentre, CentreID: sess.CentreID}, sess.ID, inscriptionID)
	if err != nil {
		return nil, err
	}
	pdf, err := s.opt.Renderer.Convocations(cs)
	if err != nil {
		return nil, wrap(err, "message %s: convocation", cle)
	}
	cv := cs[0]
	quand := fmt.Sprintf("du %s au %s", cv.Session.Debut.Francais(), cv.Session.Fin.Francais())
	if cv.Session.Debut == cv.Session.Fin {
		quand = "le " + cv.Session.Debut.Francais()
	}
	if cv.Session.Heure != "" {
		quand += ", à " + strings.Replace(cv.Session.Heure, ":", " h ", 1) + " le premier jour"
	}
	lien := s.lien("/mon-espace")
	apporter := strings.Join(cv.Apporter, " ; ")
	convoque, joint, sujet := "vous convoque", "Votre convocation est jointe", "Votre convocation à la session "+cv.Session.Reference
	if version >= 0 {
		convoque, joint = "a modifié la session "+cv.Session.Reference+" à laquelle vous êtes convoqué(e). Il vous convoque désormais",
			"Votre nouvelle convocation, qui remplace la précédente, est jointe"
		sujet += " est modifiée"
	}
	text := fmt.Sprintf("Bonjour %s %s,\n\nLe centre %s %s à la session %s du titre professionnel %s (%s), %s, au lieu suivant : %s.\n\n%s à ce message ; elle est aussi sur votre espace : %s\nÀ apporter : %s.\n\nPour toute question, adressez-vous au centre (%s).\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		c.Prenoms, c.NomNaissance, cv.Centre.Nom, convoque, cv.Session.Reference, cv.Session.TitreIntitule, cv.Session.TitreCode, quand, cv.Session.Lieu,
		joint, lien, apporter, cv.Centre.Contact)
	html := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>Le centre %s %s à la session %s du titre professionnel %s (%s), %s, au lieu suivant : %s.</p><p>%s à ce message ; elle est aussi sur <a href="%s">votre espace</a>.</p><p>À apporter : %s.</p><p>Pour toute question, adressez-vous au centre (%s).</p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(c.Prenoms), esc(c.NomNaissance), esc(cv.Centre.Nom), esc(convoque), esc(cv.Session.Reference), esc(cv.Session.TitreIntitule), esc(cv.Session.TitreCode),
		esc(quand), esc(cv.Session.Lieu), esc(joint), esc(lien), esc(apporter), esc(cv.Centre.Contact))
	return &Message{Cle: cle, To: c.Email, Subject: sujet, Text: text, HTML: html,
		Pieces: []PieceJointe{{Nom: "convocation-" + cv.Session.Reference + ".pdf", Type: "application/pdf", Contenu: pdf}}}, nil
}

// messageAnnulation composes the cancellation of an enrolment's
// convocation, or nothing when no convocation was sent or the enrolment is
// back in force.
func (s *Service) messageAnnulation(db *gorm.DB, cle, inscriptionID string) (*Message, error) {
	var n int64
	if err := db.Model(&messageRow{}).Where("cle = ? AND envoye_at IS NOT NULL", "convocation/"+inscriptionID).Count(&n).Error; err != nil {
		return nil, wrap(err, "message %s: convocation sent", cle)
	}
	if n == 0 {
		return nil, nil
	}
	in, sess, c, err := convocationMessage(db, inscriptionID)
	if err != nil {
		return nil, err
	}
	var pourquoi string
	switch {
	case sess.Statut == Annulee:
		pourquoi = fmt.Sprintf("La session %s est annulée. Motif indiqué : %s.", sess.Reference, sess.MotifAnnulation)
	case in.RetireeAt != nil:
		pourquoi = fmt.Sprintf("Le centre a retiré votre inscription à la session %s.", sess.Reference)
	case in.ExcuseeAt != nil:
		pourquoi = fmt.Sprintf("Le centre a pris note de votre excuse pour la session %s.", sess.Reference)
	default:
		return nil, nil
	}
	text := fmt.Sprintf("Bonjour %s %s,\n\n%s\nLa convocation qui vous a été envoyée pour le %s est donc annulée : vous n’avez pas à vous présenter.\nPour toute question, adressez-vous à votre centre.\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		c.Prenoms, c.NomNaissance, pourquoi, sess.Debut.Francais())
	html := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>%s</p><p>La convocation qui vous a été envoyée pour le %s est donc annulée : vous n’avez pas à vous présenter.</p><p>Pour toute question, adressez-vous à votre centre.</p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(c.Prenoms), esc(c.NomNaissance), esc(pourquoi), esc(sess.Debut.Francais()))
	return &Message{Cle: cle, To: c.Email, Subject: "Votre convocation à la session " + sess.Reference + " est annulée", Text: text, HTML: html}, nil
}
