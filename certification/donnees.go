package certification

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// tablePersonnelle is a table holding personal data of candidats: how a
// candidat's rows are found, and the columns left out of its export, each
// with the reason (a secret, or bytes downloadable elsewhere).
type tablePersonnelle struct {
	table, description string
	// where selects the candidat's rows; every ? is the candidat's id.
	where  string
	omises map[string]string
}

const (
	sesInscriptions = "inscription_id IN (SELECT id FROM inscriptions WHERE candidat_id = ?)"
	sesComptes      = "utilisateur_id IN (SELECT id FROM utilisateurs WHERE candidat_id = ?)"
)

// tablesPersonnelles lists every table that holds a candidat's personal
// data. The export gives all their columns but the omitted ones; the
// retention (conservation.go) deletes or pseudonymises them.
var tablesPersonnelles = []tablePersonnelle{
	{table: "candidats", description: "Votre dossier de candidat", where: "id = ?"},
	{table: "candidat_ecf", description: "Vos évaluations passées en cours de formation", where: "candidat_id = ?"},
	{table: "candidat_ccp_anterieurs", description: "Vos CCP obtenus avant ce dossier", where: "candidat_id = ?"},
	{table: "candidat_recevabilites", description: "Vos recevabilités VAE", where: "candidat_id = ?"},
	{table: "inscriptions", description: "Vos inscriptions aux sessions et leurs résultats", where: "candidat_id = ?"},
	{table: "inscription_blocs", description: "Les CCP de chaque inscription", where: sesInscriptions},
	{table: "evaluations", description: "Les décisions du jury", where: sesInscriptions},
	{table: "amenagements", description: "Les aménagements d’épreuves accordés pour vos inscriptions", where: sesInscriptions},
	{table: "recours", description: "Vos recours contre les résultats et leurs réponses", where: "candidat_id = ?"},
	{table: "recours_pieces", description: "Les pièces jointes à vos recours", where: "recours_id IN (SELECT id FROM recours WHERE candidat_id = ?)",
		omises: map[string]string{"contenu": "le fichier déposé, que vous avez gardé ; son empreinte SHA-256 figure ici"}},
	{table: "recours_signatures", description: "Les signatures du jury sur les nouvelles décisions prises sur vos recours",
		where: "recours_id IN (SELECT id FROM recours WHERE candidat_id = ?)"},
	{table: "incidents", description: "Les incidents et observations relevés en session", where: sesInscriptions},
	{table: "liens", description: "Les liens déclarés entre vous et un membre du jury", where: "candidat_id = ?"},
	{table: "documents", description: "Vos documents délivrés et les procès-verbaux des sessions où vous figurez",
		where:  "candidat_id = ? OR (type = 'pv' AND session_id IN (SELECT session_id FROM inscriptions WHERE candidat_id = ?))",
		omises: map[string]string{"contenu": "le fichier PDF, téléchargeable depuis votre espace"}},
	{table: "utilisateurs", description: "Votre compte", where: "candidat_id = ?",
		omises: map[string]string{"mot_de_passe_hash": "l’empreinte de votre mot de passe, un secret"}},
	{table: "jetons", description: "Vos connexions en cours", where: sesComptes,
		omises: map[string]string{"hash": "l’empreinte du jeton de connexion, un secret"}},
	{table: "activations", description: "Les liens d’activation de votre compte", where: "candidat_id = ?",
		omises: map[string]string{"hash": "l’empreinte du lien d’activation, un secret"}},
	{table: "liens_compte", description: "Les liens d’invitation et de réinitialisation du mot de passe de votre compte", where: sesComptes,
		omises: map[string]string{"hash": "l’empreinte du lien, un secret"}},
	{table: "messages", description: "Les messages qui vous ont été envoyés",
		where: "cle IN (SELECT p || i.id FROM inscriptions i, (SELECT 'resultats/' AS p UNION ALL SELECT 'convocation/' UNION ALL SELECT 'annulation/') k WHERE i.candidat_id = ?)" +
			" OR cle IN (SELECT 'recours/' || id FROM recours WHERE candidat_id = ?)" +
			" OR cle IN (SELECT 'adresse/' || e.id FROM evenements e JOIN utilisateurs u ON u.id = e.objet_id WHERE u.candidat_id = ? AND e.action = 'compte_email_modifie')" +
			" OR EXISTS (SELECT 1 FROM inscriptions i WHERE i.candidat_id = ? AND cle LIKE 'modification/' || i.id || ':%')" +
			" OR cle LIKE 'documents/' || ? || ':%'" +
			" OR cle IN (SELECT 'lien/' || l.id FROM liens_compte l JOIN utilisateurs u ON u.id = l.utilisateur_id WHERE u.candidat_id = ?)"},
	{table: "demandes_droits", description: "Vos demandes de rectification et d’effacement", where: "candidat_id = ?"},
	{table: "evenements", description: "Le journal des actions qui vous concernent", where: "candidat_id = ?"},
	{table: "evenements_pseudonymises", description: "Les événements du journal pseudonymisés à l’échéance de leur conservation",
		where: "evenement_id IN (SELECT id FROM evenements WHERE candidat_id = ?)"},
}

// TablesSansDonneesCandidat are the tables that hold no personal data of a
// candidat, each with the reason; with tablesPersonnelles they cover the
// whole schema, which a test checks, so that a new table is classified.
var TablesSansDonneesCandidat = map[string]string{
	"titres": "référentiel", "titre_versions": "référentiel", "blocs": "référentiel", "competences": "référentiel",
	"correspondances": "référentiel", "referentiel_generation": "compteur du référentiel",
	"centres": "personnes morales", "agrements": "personnes morales",
	"sessions":      "la session, son lieu et son responsable, pas ses candidats",
	"session_blocs": "référentiel de la session", "session_jury": "signatures du jury",
	"jury_membres": "données des membres du jury, pas des candidats", "habilitations": "données des membres du jury",
	"numerotation":          "compteur des numéros de documents",
	"totp":                  "second facteur des comptes de l’administration et de l’autorité, jamais d’un candidat",
	"totp_secours":          "codes de secours de ces mêmes comptes",
	"rappels":               "clés des rappels envoyés au jury et à l’autorité, sans donnée de candidat",
	"statistiques_sessions": "effectifs par session et par parcours, sans identifiant de personne",
	"statistiques_ccp":      "effectifs par session et par CCP, sans identifiant de personne",
	"conservation_journal":  "nombres de lignes purgées, sans identifiant de personne",
	"goose_db_version":      "version du schéma",
	"river_job":             "file des tâches : la clé d’un message, dont le contenu est dans messages",
	"river_leader":          "file des tâches", "river_migration": "file des tâches", "river_queue": "file des tâches",
	"river_client": "file des tâches", "river_client_queue": "file des tâches", "river_notification": "file des tâches",
	"sqlite_sequence": "compteur interne de SQLite",
}

// TablesDonneesCandidat names the tables that hold a candidat's personal
// data, in the export's order.
func TablesDonneesCandidat() []string {
	out := make([]string, len(tablesPersonnelles))
	for i, t := range tablesPersonnelles {
		out[i] = t.table
	}
	return out
}

// TableDonnees is one table's rows concerning a candidat.
type TableDonnees struct {
	Table       string `json:"table"`
	Description string `json:"description"`
	// Colonnes are the columns given, in the table's order.
	Colonnes []string `json:"colonnes"`
	// Omises are the columns left out, with the reason.
	Omises map[string]string `json:"colonnes_omises,omitempty"`
	Lignes []map[string]any  `json:"lignes"`
}

// DonneesCandidat is everything held about a candidat (access and
// portability, RGPD art. 15 and 20).
type DonneesCandidat struct {
	CandidatID string         `json:"candidat_id"`
	GenereLe   time.Time      `json:"genere_le"`
	Tables     []TableDonnees `json:"tables"`
	// Conservation is the retention table in force.
	Conservation Conservation `json:"conservation"`
}

// DonneesPersonnelles returns everything held about the signed-in
// candidat, table by table, every column but secrets. Candidat only.
func (s *Service) DonneesPersonnelles(ctx context.Context, a Acteur) (*DonneesCandidat, error) {
	if !a.Is(RoleCandidat) || a.CandidatID == "" {
		return nil, forbidden()
	}
	out := &DonneesCandidat{CandidatID: a.CandidatID, GenereLe: s.now(), Conservation: s.opt.Conservation}
	db := s.read(ctx)
	for _, t := range tablesPersonnelles {
		td, err := lireTable(db, t, a.CandidatID)
		if err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, td)
	}
	return out, nil
}

// DonneesPersonnellesPDF is DonneesPersonnelles laid out as a PDF.
func (s *Service) DonneesPersonnellesPDF(ctx context.Context, a Acteur) ([]byte, error) {
	d, err := s.DonneesPersonnelles(ctx, a)
	if err != nil {
		return nil, err
	}
	b, err := s.opt.Renderer.DonneesPersonnelles(*d)
	if err != nil {
		return nil, fmt.Errorf("données personnelles %s: pdf: %w", a.CandidatID, err)
	}
	return b, nil
}

// lireTable reads a candidat's rows of one table, as column → value.
func lireTable(db *gorm.DB, t tablePersonnelle, candidatID string) (TableDonnees, error) {
	td := TableDonnees{Table: t.table, Description: t.description, Omises: t.omises, Lignes: []map[string]any{}}
	args := make([]any, strings.Count(t.where, "?"))
	for i := range args {
		args[i] = candidatID
	}
	rows, err := db.Raw("SELECT * FROM "+t.table+" WHERE "+t.where+" ORDER BY 1", args...).Rows()
	if err != nil {
		return td, wrap(err, "données personnelles: %s", t.table)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return td, wrap(err, "données personnelles: %s: columns", t.table)
	}
	for _, c := range cols {
		if _, omise := t.omises[c]; !omise {
			td.Colonnes = append(td.Colonnes, c)
		}
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return td, wrap(err, "données personnelles: %s: scan", t.table)
		}
		line := map[string]any{}
		for i, c := range cols {
			if _, omise := t.omises[c]; omise {
				continue
			}
			line[c] = valeurExport(vals[i])
		}
		td.Lignes = append(td.Lignes, line)
	}
	return td, wrap(rows.Err(), "données personnelles: %s: rows", t.table)
}

// valeurExport makes a column's value readable in JSON: text as text,
// instants in UTC.
func valeurExport(v any) any {
	switch x := v.(type) {
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
		return fmt.Sprintf("%x", x)
	case time.Time:
		return x.UTC()
	}
	return v
}
