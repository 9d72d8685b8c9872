package certification

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// MessageJob sends the e-mail of an idempotency key: "resultats/<inscription
// id>" for « Vos résultats sont disponibles », "documents/<candidat
// id>:<numéros>" for « Votre document est disponible », "lien/<lien id>"
// for an invitation or a password reset (see creerLien). The worker composes it with
// MessageAEnvoyer, sends it, then records it with MessageEnvoye.
type MessageJob struct {
	Cle string `json:"cle"`
}

// Kind implements Job.
func (MessageJob) Kind() string { return "message" }

// Message is an e-mail ready to send, in French, plain text and HTML.
type Message struct {
	Cle     string
	To      string
	Subject string
	Text    string
	HTML    string
	// Pieces are the attachments: the convocation's PDF.
	Pieces []PieceJointe
	// Secret is a part of the message, a link's token, that is sent but
	// never recorded: the recorded text shows « [lien retiré] » instead.
	Secret string
}

// PieceJointe is a file attached to a message, or uploaded with a recours
// (whose type is read from its content, never from Type).
type PieceJointe struct {
	Nom     string
	Type    string
	Contenu []byte
}

// texteEnregistre is the text of m as it is recorded.
func (m Message) texteEnregistre() string {
	if m.Secret == "" {
		return m.Text
	}
	return strings.ReplaceAll(m.Text, m.Secret, "[lien retiré]")
}

type messageRow struct {
	Cle          string `gorm:"primaryKey"`
	Destinataire string
	Sujet        string
	MessageID    string
	EnvoyeAt     *time.Time
	Refus        string
	RefuseAt     *time.Time
	Texte        string
}

func (messageRow) TableName() string { return "messages" }

// systeme reads what a job needs whatever its centre or territory.
var systeme = Acteur{Role: RoleAdmin, Nom: "cipcert"}

// MessageAEnvoyer composes the message of key cle, or returns nil when it
// was already sent or refused: a retried job then does nothing. Its
// deadline of recours runs from now, the moment it is handed to the
// server.
func (s *Service) MessageAEnvoyer(ctx context.Context, cle string) (*Message, error) {
	db := s.read(ctx)
	var n int64
	if err := db.Model(&messageRow{}).Where("cle = ?", cle).Count(&n).Error; err != nil {
		return nil, wrap(err, "message %s: look up", cle)
	}
	if n > 0 {
		return nil, nil
	}
	kind, id, _ := strings.Cut(cle, "/")
	switch kind {
	case "resultats":
		return s.messageResultats(db, cle, id)
	case "documents":
		return s.messageDocuments(db, cle, id)
	case "convocation":
		return s.messageConvocation(db, cle, id)
	case "annulation":
		return s.messageAnnulation(db, cle, id)
	case "modification":
		return s.messageModification(db, cle, id)
	case "adresse":
		return s.messageAdresse(db, cle, id)
	case "rappel-jury":
		return s.messageRappelJury(db, cle, id)
	case "rappel-autorite":
		return s.messageRappelAutorite(db, cle, id)
	case "lien":
		return s.messageLien(s.write(ctx), cle, id)
	case "recours":
		return s.messageRecours(db, cle, id)
	}
	return nil, fmt.Errorf("message %s: unknown kind", cle)
}

func (s *Service) messageResultats(db *gorm.DB, cle, inscriptionID string) (*Message, error) {
	var in inscriptionRow
	if err := db.Where("id = ?", inscriptionID).Take(&in).Error; err != nil {
		return nil, wrap(err, "inscription %s", inscriptionID)
	}
	c, err := findCandidat(db, systeme, in.CandidatID)
	if err != nil {
		return nil, err
	}
	sess, err := findSessionRow(db, systeme, in.SessionID)
	if err != nil {
		return nil, err
	}
	limite, _, err := rules.DateLimiteRecours(s.opt.Parametres, s.now())
	if err != nil {
		return nil, err
	}
	lien := s.lien("/mon-espace")
	recours := fmt.Sprintf("Voies et délais de recours : vous pouvez contester cette décision par un recours gracieux auprès de l’autorité qui a validé le procès-verbal, ou par un recours contentieux devant le tribunal administratif compétent, jusqu’au %s inclus (deux mois à compter de la réception de ce message).", DateOf(limite).Francais())
	text := fmt.Sprintf("Bonjour %s %s,\n\nLes résultats de la session %s du titre %s sont disponibles.\nConsultez-les sur votre espace : %s\n\n%s\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		c.Prenoms, c.NomNaissance, sess.Reference, sess.TitreCode, lien, recours)
	html := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>Les résultats de la session %s du titre %s sont disponibles.</p><p><a href="%s">Consulter mes résultats</a></p><p>%s</p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(c.Prenoms), esc(c.NomNaissance), esc(sess.Reference), esc(sess.TitreCode), esc(lien), esc(recours))
	return &Message{Cle: cle, To: c.Email, Subject: "Vos résultats sont disponibles", Text: text, HTML: html}, nil
}

// MessageEnvoye records that the SMTP server accepted m at at, under
// messageID. For results, at's date becomes the notification date from which
// the deadline of recours runs.
func (s *Service) MessageEnvoye(ctx context.Context, m Message, messageID string, at time.Time) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		row := messageRow{Cle: m.Cle, Destinataire: m.To, Sujet: m.Subject, MessageID: messageID, EnvoyeAt: &at, Texte: m.texteEnregistre()}
		if err := tx.Create(&row).Error; err != nil {
			return wrap(err, "message %s: record", m.Cle)
		}
		if kind, id, _ := strings.Cut(m.Cle, "/"); kind == "resultats" {
			err := tx.Model(&inscriptionRow{}).Where("id = ?", id).Update("notifie_le", DateOf(at)).Error
			return wrap(err, "inscription %s: notification", id)
		}
		return nil
	})
}

// MessageRefuse records that the SMTP server refused m for good.
func (s *Service) MessageRefuse(ctx context.Context, m Message, raison string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		at := s.now()
		row := messageRow{Cle: m.Cle, Destinataire: m.To, Sujet: m.Subject, Refus: raison, RefuseAt: &at, Texte: m.texteEnregistre()}
		return wrap(tx.Create(&row).Error, "message %s: record refusal", m.Cle)
	})
}

var esc = html.EscapeString

// enqueueResultats enqueues « Vos résultats sont disponibles » for every
// candidat of a session, within tx.
func (s *Service) enqueueResultats(tx *gorm.DB, sessionID string) error {
	var ids []string
	if err := tx.Model(&inscriptionRow{}).Where("session_id = ?", sessionID).Order("id").Pluck("id", &ids).Error; err != nil {
		return wrap(err, "inscriptions of session %s", sessionID)
	}
	jobs := make([]Job, len(ids))
	for i, id := range ids {
		jobs[i] = MessageJob{Cle: "resultats/" + id}
	}
	if len(jobs) == 0 {
		return nil
	}
	return wrap(s.opt.Jobs.Enqueue(tx, jobs...), "session %s: enqueue the results messages", sessionID)
}
