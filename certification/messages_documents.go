package certification

import (
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// libelleDocument names a candidat's documents in its messages.
var libelleDocument = map[TypeDocument]string{
	DocParchemin: "parchemin",
	DocLivret:    "livret de certification",
	DocFiche:     "fiche individuelle de résultats",
}

// enqueueDocuments enqueues, within the issuance's transaction, one
// « Votre document est disponible » per candidat of the documents issued.
// The key names the candidat and its documents' numbers: issuing the same
// lot again sends nothing more, a later lot its own message.
func (s *Service) enqueueDocuments(tx *gorm.DB, issued []Document) error {
	numeros := map[string][]string{}
	for _, d := range issued {
		if d.CandidatID != nil {
			numeros[*d.CandidatID] = append(numeros[*d.CandidatID], d.Numero)
		}
	}
	if len(numeros) == 0 {
		return nil
	}
	jobs := make([]Job, 0, len(numeros))
	for candidat, ns := range numeros {
		sort.Strings(ns)
		jobs = append(jobs, MessageJob{Cle: "documents/" + candidat + ":" + strings.Join(ns, "+")})
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].(MessageJob).Cle < jobs[j].(MessageJob).Cle })
	return wrap(s.opt.Jobs.Enqueue(tx, jobs...), "enqueue the documents messages")
}

// messageDocuments composes « Votre document est disponible » for the key
// "documents/<candidat id>:<numéro>+<numéro>…".
func (s *Service) messageDocuments(db *gorm.DB, cle, id string) (*Message, error) {
	candidatID, liste, _ := strings.Cut(id, ":")
	c, err := findCandidat(db, systeme, candidatID)
	if err != nil {
		return nil, err
	}
	var docs []documentRow
	err = db.Select("type", "numero").Where("candidat_id = ? AND numero IN ?", candidatID, strings.Split(liste, "+")).
		Order("numero").Find(&docs).Error
	if err != nil {
		return nil, wrap(err, "message %s: documents", cle)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("message %s: no document", cle)
	}
	lien := s.lien("/mon-espace")
	var texte, html strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&texte, "- %s n° %s\n", libelleDocument[d.Type], d.Numero)
		fmt.Fprintf(&html, "<li>%s n° %s</li>", esc(libelleDocument[d.Type]), esc(d.Numero))
	}
	sujet, phrase, telecharger, chacun := "Votre document est disponible", "Le document suivant vous a été délivré :", "Téléchargez-le", "Il porte"
	if len(docs) > 1 {
		sujet, phrase, telecharger, chacun = "Vos documents sont disponibles", "Les documents suivants vous ont été délivrés :", "Téléchargez-les", "Chacun porte"
	}
	text := fmt.Sprintf("Bonjour %s %s,\n\n%s\n%s\n%s depuis votre espace : %s\n%s un code de vérification qui permet à quiconque d’en contrôler l’authenticité.\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		c.Prenoms, c.NomNaissance, phrase, texte.String(), telecharger, lien, chacun)
	htm := fmt.Sprintf(`<p>Bonjour %s %s,</p><p>%s</p><ul>%s</ul><p><a href="%s">Télécharger depuis mon espace</a></p><p>%s un code de vérification qui permet à quiconque d’en contrôler l’authenticité.</p><p>Ce message est envoyé automatiquement ; merci de ne pas y répondre.</p>`,
		esc(c.Prenoms), esc(c.NomNaissance), esc(phrase), html.String(), esc(lien), chacun)
	return &Message{Cle: cle, To: c.Email, Subject: sujet, Text: text, HTML: htm}, nil
}
