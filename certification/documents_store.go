package certification

import (
	"time"

	"gorm.io/gorm"
)

// documentRow is the documents table.
type documentRow struct {
	ID                  string
	Type                TypeDocument
	Numero              string
	TitreID             string
	Annee               int
	Rang                int
	CodeVerification    string
	Sha256              string `gorm:"column:sha256"`
	Gabarit             string
	Contenu             []byte
	Taille              int
	SessionID           string
	CandidatID          *string
	InscriptionID       *string
	TitulaireNom        string
	TitulairePrenoms    string
	TitulaireNaissance  *Date
	Statut              string
	RemplacePar         *string
	CategorieRevocation CategorieRevocation
	MotifRevocation     string
	RevoqueAt           *time.Time
	RevoquePar          *string
	EmisAt              time.Time
	EmisPar             string
	SceauEmpreinte      string
	SceauNom            string
	DuplicataDe         *string
}

func (documentRow) TableName() string { return "documents" }

// documentColumns is every column but the bytes, for lists and metadata.
const documentColumns = `id, type, numero, titre_id, annee, rang, code_verification, sha256, gabarit, taille, session_id,
	candidat_id, inscription_id, titulaire_nom, titulaire_prenoms, titulaire_naissance, statut, remplace_par,
	categorie_revocation, motif_revocation, revoque_at, revoque_par, emis_at, emis_par, sceau_empreinte, sceau_nom, duplicata_de`

// scopeDocuments restricts a query on documents (aliased d) to those the
// actor may read: its own for a candidat, its candidats' and sessions' for a
// centre, all for the autorité and the admin. The PV, which names every
// candidat of a session, is never a candidat's.
func scopeDocuments(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Table("documents AS d")
	switch a.Role {
	case RoleAdmin:
		return q, nil
	case RoleAutorite:
		return q.Where("d.session_id IN (SELECT id FROM sessions WHERE centre_id IN (?))", centresDu(db, a.Territoire)), nil
	case RoleCentre:
		return q.Where("d.session_id IN (SELECT id FROM sessions WHERE centre_id = ?)", a.CentreID), nil
	case RoleCandidat:
		return q.Where("d.candidat_id = ?", a.CandidatID), nil
	}
	return nil, forbidden()
}

// listDocuments runs a query on documents.
func listDocuments(q *gorm.DB) ([]Document, error) {
	var rows []documentRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	ds := make([]Document, len(rows))
	for i, r := range rows {
		ds[i] = Document(r)
	}
	return ds, nil
}

func findDocument(tx *gorm.DB, a Acteur, id string, withContent bool) (*Document, error) {
	if !validID(id) {
		return nil, notFound("Document")
	}
	q, err := scopeDocuments(tx, a)
	if err != nil {
		return nil, err
	}
	cols := documentColumns
	if withContent {
		cols += ", contenu"
	}
	ds, err := listDocuments(q.Select(cols).Where("d.id = ?", id).Limit(1))
	if err != nil {
		return nil, wrap(err, "document %s: load", id)
	}
	if len(ds) == 0 {
		return nil, notFound("Document")
	}
	return &ds[0], nil
}

// documentsOfSession returns the valid documents of a session with their bytes.
func documentsOfSession(db *gorm.DB, sessionID string) ([]Document, error) {
	ds, err := listDocuments(db.Table("documents").Select(documentColumns+", contenu").
		Where("session_id = ? AND statut = ?", sessionID, StatutValide).Order("type, numero"))
	return ds, wrap(err, "documents of session %s: load", sessionID)
}

func validDocuments(tx *gorm.DB, sessionID string) (map[string]bool, error) {
	var rows []struct {
		Type          string
		InscriptionID *string
	}
	if err := tx.Table("documents").Select("type, inscription_id").
		Where("session_id = ? AND statut = ?", sessionID, StatutValide).Find(&rows).Error; err != nil {
		return nil, wrap(err, "valid documents of session %s: load", sessionID)
	}
	m := map[string]bool{}
	for _, r := range rows {
		m[r.Type+":"+deref(r.InscriptionID)] = true
	}
	return m, nil
}

// validLivrets returns the ids and numbers of a candidat's valid livrets for a titre.
func validLivrets(tx *gorm.DB, candidatID, titreID string) ([]Document, error) {
	ds, err := listDocuments(tx.Model(&documentRow{}).Select("id, numero, session_id").Where("candidat_id = ? AND titre_id = ? AND type = ? AND statut = ?",
		candidatID, titreID, DocLivret, StatutValide))
	return ds, wrap(err, "livrets of candidat %s: load", candidatID)
}

func insertDocument(tx *gorm.DB, d *Document) error {
	row := documentRow(*d)
	return wrap(tx.Create(&row).Error, "document %s (%s): insert", d.ID, d.Numero)
}

// insertDocuments inserts rows in one statement.
func insertDocuments(tx *gorm.DB, rows []documentRow) error {
	return wrap(tx.Create(&rows).Error, "%d documents from %s: insert", len(rows), rows[0].Numero)
}

// documentConflict tells a document issued twice, which the unique
// indexes refuse, from other failures.
func documentConflict(err error) error {
	if isUniqueViolation(err) {
		return Errorf(ErrConflict, "document_deja_emis", "Ce document vient d'être émis par ailleurs.")
	}
	return err
}

// validLivretsOf returns the valid livrets for a titre of each candidat.
func validLivretsOf(tx *gorm.DB, candidatIDs []string, titreID string) (map[string][]Document, error) {
	out := map[string][]Document{}
	if len(candidatIDs) == 0 {
		return out, nil
	}
	ds, err := listDocuments(tx.Model(&documentRow{}).Select("id, numero, session_id, candidat_id").
		Where("candidat_id IN ? AND titre_id = ? AND type = ? AND statut = ?", candidatIDs, titreID, DocLivret, StatutValide).Order("numero"))
	if err != nil {
		return nil, wrap(err, "livrets of %d candidats: load", len(candidatIDs))
	}
	for _, d := range ds {
		out[*d.CandidatID] = append(out[*d.CandidatID], d)
	}
	return out, nil
}

// validDocumentsOf returns the valid documents of a session of the given
// type, of one enrolment when inscriptionID is set, without their bytes.
func validDocumentsOf(tx *gorm.DB, sessionID, inscriptionID string, types ...TypeDocument) ([]Document, error) {
	q := tx.Table("documents").Select(documentColumns).Where("session_id = ? AND statut = ? AND type IN ?", sessionID, StatutValide, types)
	if inscriptionID != "" {
		q = q.Where("inscription_id = ?", inscriptionID)
	}
	ds, err := listDocuments(q.Order("numero"))
	return ds, wrap(err, "valid documents of session %s %s: load", sessionID, inscriptionID)
}

// retireDocument marks a valid document replaced before its successor is
// issued: one enrolment holds one valid document of a kind at a time.
func retireDocument(tx *gorm.DB, id string) error {
	err := tx.Model(&documentRow{}).Where("id = ? AND statut = ?", id, StatutValide).Update("statut", StatutRemplace).Error
	return wrap(err, "document %s: retire", id)
}

// supersedeDocument marks a document replaced by another.
func supersedeDocument(tx *gorm.DB, id, par string) error {
	err := tx.Model(&documentRow{}).Where("id = ?", id).Updates(map[string]any{"statut": StatutRemplace, "remplace_par": par}).Error
	return wrap(err, "document %s: supersede by %s", id, par)
}

// revokeDocument revokes a document still in status from, and reports
// false when its status changed in between.
func revokeDocument(tx *gorm.DB, id, from, par string, categorie CategorieRevocation, motif string, at time.Time) (bool, error) {
	res := tx.Model(&documentRow{}).Where("id = ? AND statut = ?", id, from).
		Updates(map[string]any{"statut": StatutRevoque, "categorie_revocation": categorie, "motif_revocation": motif, "revoque_at": at, "revoque_par": par})
	if res.Error != nil {
		return false, wrap(res.Error, "document %s: revoke", id)
	}
	return res.RowsAffected > 0, nil
}

// verificationRow is a document as its public verification reads it.
type verificationRow struct {
	Row            documentRow `gorm:"embedded"`
	Code, Intitule string
	Remplacant     *string
	// Original is the number of the document a duplicata copies.
	Original *string
}

// findVerification returns the document with a verification code, or nil.
// It is one indexed query whatever the outcome, so that a miss costs what
// a hit costs.
func findVerification(db *gorm.DB, code string) (*verificationRow, error) {
	var rows []verificationRow
	err := db.Raw(`SELECT d.id, d.type, d.numero, d.statut, d.emis_at, d.titulaire_nom, d.titulaire_prenoms,
			d.titulaire_naissance, d.categorie_revocation, d.sceau_empreinte, d.sceau_nom, t.code, t.intitule, r.numero AS remplacant, o.numero AS original
		FROM documents d JOIN titres t ON t.id = d.titre_id LEFT JOIN documents r ON r.id = d.remplace_par
		LEFT JOIN documents o ON o.id = d.duplicata_de
		WHERE d.code_verification = ?`, code).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "verification %s: load", code)
	}
	if len(rows) == 0 || rows[0].Row.ID == "" {
		return nil, nil
	}
	return &rows[0], nil
}

// nextNumber takes the next number of the sequence, inside the caller's
// transaction: concurrent issuers queue on the counter's row, and a rolled
// back issuance gives its number back, so numbers have no gap.
func nextNumber(tx *gorm.DB, titreID string, typ TypeDocument, year int) (int, error) {
	return reserveNumbers(tx, titreID, typ, year, 1)
}

// reserveNumbers takes the next n numbers of the sequence as nextNumber
// does, and returns the last.
func reserveNumbers(tx *gorm.DB, titreID string, typ TypeDocument, year, n int) (int, error) {
	if err := tx.Exec(`INSERT INTO numerotation (titre_id, type, annee, dernier) VALUES (?, ?, ?, 0)
		ON CONFLICT (titre_id, type, annee) DO NOTHING`, titreID, typ, year).Error; err != nil {
		return 0, wrap(err, "numbering %s/%s/%d: create", titreID, typ, year)
	}
	if err := lockRow(tx, lockExclusive, "numerotation", "titre_id = ? AND type = ? AND annee = ?", titreID, typ, year); err != nil {
		return 0, err
	}
	var last int
	err := tx.Raw(`UPDATE numerotation SET dernier = dernier + ? WHERE titre_id = ? AND type = ? AND annee = ? RETURNING dernier`,
		n, titreID, typ, year).Scan(&last).Error
	return last, wrap(err, "numbering %s/%s/%d: next", titreID, typ, year)
}
