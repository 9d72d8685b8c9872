package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/cipcert/cipcert/certification"
)

// The file of candidats: one row per candidat, one column per field of the
// candidat creation API (POST /api/v1/candidats), the nested ones joined by
// « _ » (formation_debut). The ECF and the CCP already held, which are
// lists, are entered in the dossier afterwards.

// MaxFichierImport is the largest file of candidats accepted: 5 Mio hold
// some 40 000 rows, far more than a centre registers at once.
const MaxFichierImport = 5 << 20

// maxLignesImport caps the rows of a file, so that a small file of empty
// cells cannot make the server check millions of rows.
const maxLignesImport = 10000

// colonneImport is one column of the file.
type colonneImport struct {
	nom, libelle string
	requise      bool
	date         bool
}

// colonnesImport are the columns, in the template's order.
var colonnesImport = []colonneImport{
	{nom: "nom_naissance", libelle: "Nom de naissance", requise: true},
	{nom: "nom_usage", libelle: "Nom d'usage, s'il diffère"},
	{nom: "prenoms", libelle: "Prénoms, dans l'ordre de l'état civil", requise: true},
	{nom: "date_naissance", libelle: "Date de naissance (JJ/MM/AAAA ou AAAA-MM-JJ)", requise: true, date: true},
	{nom: "lieu_naissance", libelle: "Lieu de naissance", requise: true},
	{nom: "email", libelle: "Adresse électronique", requise: true},
	{nom: "titre_code", libelle: "Code du titre visé (TP-00403…)", requise: true},
	{nom: "parcours", libelle: "Parcours : formation, vae, capitalisation ou ccs", requise: true},
	{nom: "formation_debut", libelle: "Début de la formation", date: true},
	{nom: "formation_fin", libelle: "Fin de la formation", date: true},
	{nom: "mois_experience", libelle: "Durée d'expérience dans le métier, en mois (CCS)"},
	{nom: "recevabilite_date_notification", libelle: "VAE : date de la notification de recevabilité", date: true},
	{nom: "recevabilite_reference", libelle: "VAE : référence de la notification"},
	{nom: "recevabilite_ddets", libelle: "VAE : service qui l'a notifiée (DREETS ou DDETS)"},
	{nom: "recevabilite_mois_experience", libelle: "VAE : durée d'expérience retenue, en mois"},
	{nom: "recevabilite_type_session", libelle: "VAE : session ouverte, titre ou ccp"},
}

// ligneFichier is one row of the file with its line number.
type ligneFichier struct {
	numero  int
	valeurs map[string]string
}

// lireFichier reads a file of candidats, CSV or XLSX, into its rows. A file
// that cannot be one, or whose columns are not those of the template, or
// that holds a formula, is refused as a whole, naming what is at fault.
func lireFichier(data []byte) ([]ligneFichier, error) {
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0 {
		return nil, certification.Invalid("fichier_vide", "Le fichier est vide : déposez le modèle rempli, une ligne par candidat.")
	}
	if len(data) > MaxFichierImport {
		return nil, fichierTropGros
	}
	var rows [][]string
	var lines []int
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, lines, err = lireXLSX(data)
	} else {
		rows, lines, err = lireCSV(data)
	}
	if err != nil {
		return nil, err
	}
	return lignesDe(rows, lines)
}

// fichierTropGros refuses a file over MaxFichierImport.
var fichierTropGros = &httpError{status: http.StatusRequestEntityTooLarge, code: "fichier_trop_volumineux",
	detail: "Le fichier dépasse 5 Mio : découpez-le en plusieurs fichiers."}

func fichierBinaire() error {
	return certification.Invalid("fichier_binaire",
		"Ce fichier n'est ni un CSV ni un classeur XLSX : enregistrez-le depuis votre tableur au format CSV ou Excel (.xlsx).")
}

// lireCSV decodes UTF-8 (with or without a BOM) or, when the bytes are not
// UTF-8, the Windows-1252 that spreadsheets still write; the separator is
// the one of « ; » and « , » the header line uses most.
func lireCSV(data []byte) ([][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.ContainsFunc(data, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f }) {
		return nil, nil, fichierBinaire()
	}
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, nil, fichierBinaire()
		}
		data = dec
	}
	entete, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ','
	if bytes.Count(entete, []byte(";")) >= bytes.Count(entete, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, nil, certification.Invalid("fichier_illisible", fmt.Sprintf(
				"Le fichier CSV est mal formé à la ligne %d (guillemet non refermé ?) : enregistrez-le à nouveau depuis votre tableur.", line))
		}
		line, _ := r.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
		if len(rows) > maxLignesImport+1 {
			return nil, nil, tropDeLignes()
		}
	}
	return rows, lines, nil
}

func tropDeLignes() error {
	return certification.Invalid("fichier_trop_de_lignes",
		fmt.Sprintf("Le fichier compte plus de %d lignes : découpez-le en plusieurs fichiers.", maxLignesImport))
}

// lireXLSX reads the first sheet of a workbook, refusing formulas: the
// value a formula shows is not what the file holds.
func lireXLSX(data []byte) ([][]string, []int, error) {
	// A zip that inflates to gigabytes must not be inflated.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, nil, fichierBinaire()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, certification.Invalid("fichier_vide", "Le classeur n'a aucune feuille.")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, fichierBinaire()
	}
	if len(rows) > maxLignesImport+1 {
		return nil, nil, tropDeLignes()
	}
	lines := make([]int, len(rows))
	for i, row := range rows {
		lines[i] = i + 1
		for j := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if fx, _ := f.GetCellFormula(sheets[0], cell); fx != "" {
				return nil, nil, formule(i+1, cell)
			}
		}
	}
	return rows, lines, nil
}

// formule refuses a file holding a formula, naming its cell.
func formule(line int, cell string) error {
	return certification.Invalid("formule_interdite", fmt.Sprintf(
		"La cellule %s (ligne %d) contient une formule : le fichier doit contenir des valeurs. Copiez les cellules puis « collage spécial, valeurs », et déposez-le à nouveau.", cell, line),
		certification.FieldError{Field: fmt.Sprintf("ligne[%d]", line), Code: "formule", Message: "Cette cellule contient une formule."})
}

// lignesDe checks the header and keeps the rows that hold something.
func lignesDe(rows [][]string, lines []int) ([]ligneFichier, error) {
	if len(rows) == 0 {
		return nil, certification.Invalid("fichier_vide", "Le fichier est vide : déposez le modèle rempli, une ligne par candidat.")
	}
	connues := map[string]colonneImport{}
	for _, c := range colonnesImport {
		connues[c.nom] = c
	}
	var fe []certification.FieldError
	index := map[int]string{}
	vues := map[string]bool{}
	for i, h := range rows[0] {
		nom := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		lettre, _ := excelize.ColumnNumberToName(i + 1)
		switch _, ok := connues[nom]; {
		case nom == "":
			continue
		case !ok:
			fe = append(fe, certification.FieldError{Field: nom, Code: "colonne_inconnue",
				Message: fmt.Sprintf("La colonne %s (« %s ») n'est pas une colonne du modèle.", lettre, tronquer(h))})
		case vues[nom]:
			fe = append(fe, certification.FieldError{Field: nom, Code: "colonne_en_double",
				Message: fmt.Sprintf("La colonne « %s » apparaît deux fois (colonne %s).", nom, lettre)})
		}
		vues[nom] = true
		index[i] = nom
	}
	for _, c := range colonnesImport {
		if c.requise && !vues[c.nom] {
			fe = append(fe, certification.FieldError{Field: c.nom, Code: "colonne_manquante",
				Message: fmt.Sprintf("La colonne « %s » (%s) manque.", c.nom, c.libelle)})
		}
	}
	if len(fe) > 0 {
		return nil, certification.Invalid("colonnes_invalides",
			"Les colonnes du fichier ne sont pas celles du modèle : téléchargez le modèle et reprenez sa première ligne telle quelle.", fe...)
	}
	var out []ligneFichier
	for r, row := range rows[1:] {
		l := ligneFichier{numero: lines[r+1], valeurs: map[string]string{}}
		vide := true
		for i, v := range row {
			nom, ok := index[i]
			v = strings.TrimSpace(v)
			if !ok || v == "" {
				continue
			}
			if strings.ContainsAny(v[:1], "=+-@") {
				cell, _ := excelize.CoordinatesToCellName(i+1, l.numero)
				return nil, formule(l.numero, cell)
			}
			vide = false
			l.valeurs[nom] = v
		}
		if !vide {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, certification.Invalid("fichier_vide", "Le fichier n'a aucune ligne de candidat sous la ligne des colonnes.")
	}
	return out, nil
}

func tronquer(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

var (
	dateFR     = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	serieExcel = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)
)

// dateISO writes a date of the file as the API reads it: JJ/MM/AAAA, as
// French spreadsheets show it, and a workbook's date serial become
// AAAA-MM-JJ; anything else is left for the API's check to refuse.
func dateISO(v string) string {
	if m := dateFR.FindStringSubmatch(v); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d)
	}
	if serieExcel.MatchString(v) {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Format(certification.DateLayout)
			}
		}
	}
	return v
}

// requete is a row as the body of POST /api/v1/candidats, so that it goes
// through the same checks.
func (l ligneFichier) requete() (candidatRequest, []certification.FieldError) {
	v := func(nom string) string {
		for _, c := range colonnesImport {
			if c.nom == nom && c.date {
				return dateISO(l.valeurs[nom])
			}
		}
		return l.valeurs[nom]
	}
	var fe []certification.FieldError
	entier := func(nom string) *int {
		s := v(nom)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fe = append(fe, certification.FieldError{Field: nom, Code: "entier", Message: "Un nombre entier de mois est attendu."})
			return nil
		}
		return &n
	}
	req := candidatRequest{TitreCode: v("titre_code"), Parcours: v("parcours"), NomNaissance: v("nom_naissance"),
		NomUsage: v("nom_usage"), Prenoms: v("prenoms"), DateNaissance: v("date_naissance"),
		LieuNaissance: v("lieu_naissance"), Email: v("email"), MoisExperience: entier("mois_experience")}
	if v("formation_debut") != "" || v("formation_fin") != "" {
		req.Formation = &periodeRequest{Debut: v("formation_debut"), Fin: v("formation_fin")}
	}
	if v("recevabilite_date_notification") != "" || v("recevabilite_reference") != "" || v("recevabilite_ddets") != "" ||
		v("recevabilite_mois_experience") != "" || v("recevabilite_type_session") != "" {
		req.Recevabilite = &recevabiliteRequest{DateNotification: v("recevabilite_date_notification"),
			Reference: v("recevabilite_reference"), DDETS: v("recevabilite_ddets"), TypeSession: v("recevabilite_type_session")}
		if n := entier("recevabilite_mois_experience"); n != nil {
			req.Recevabilite.MoisExperience = *n
		}
	}
	return req, fe
}

// ligneImport reads a row into the service's input, with the API's checks
// of form: its validation tags and its refusal of invisible characters.
func (l ligneFichier) ligneImport() certification.LigneImport {
	req, fe := l.requete()
	if err := validate(&req); err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			fe = append(fe, certification.FieldError{Code: "invalide", Message: err.Error()})
		}
		if he != nil {
			for _, f := range he.fields {
				fe = append(fe, certification.FieldError{Field: f.Champ, Code: f.Code, Message: f.Message})
			}
		}
	}
	out := certification.LigneImport{Ligne: l.numero, Erreurs: fe}
	if len(fe) == 0 {
		out.Saisie = req.saisie()
	} else {
		// The report still names the row's candidat.
		out.Saisie = certification.CandidatSaisie{NomNaissance: req.NomNaissance, Prenoms: req.Prenoms, DateNaissance: date(req.DateNaissance)}
	}
	return out
}

// ColonneImport is the file's column of a field of the candidat (its
// path in the API's body, such as « formation.fin »).
func ColonneImport(champ string) string {
	switch champ {
	case "formation", "ccp_anterieurs":
		return "formation_debut"
	case "recevabilite":
		return "recevabilite_date_notification"
	}
	return strings.ReplaceAll(champ, ".", "_")
}
