package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cipcert/cipcert/certification"
)

// How long, and how many, files wait between their dry run and their
// confirmation. The confirmation reads the file again and checks it again:
// what waits is only the bytes, so that the centre does not send them twice.
const (
	attenteImport       = 30 * time.Minute
	maxImportsEnAttente = 32
)

// importeur reads files of candidats and hands their rows to the service;
// the API and the pages share it, so that a file is judged one way.
type importeur struct {
	svc *certification.Service
	mu  sync.Mutex
	// attente holds the files dry-run, by centre and SHA-256.
	attente map[string]fichierEnAttente
}

type fichierEnAttente struct {
	data   []byte
	expire time.Time
}

func newImporteur(svc *certification.Service) *importeur {
	return &importeur{svc: svc, attente: map[string]fichierEnAttente{}}
}

// lignes reads a file into the service's rows.
func lignesImport(data []byte) ([]certification.LigneImport, error) {
	lignes, err := lireFichier(data)
	if err != nil {
		return nil, err
	}
	out := make([]certification.LigneImport, len(lignes))
	for i, l := range lignes {
		out[i] = l.ligneImport()
	}
	return out, nil
}

// Essai dry-runs an import of the file and keeps it for its confirmation;
// it returns the report and the file's SHA-256, which names it then.
func (im *importeur) Essai(ctx context.Context, a certification.Acteur, data []byte) (*certification.RapportImport, string, error) {
	if !a.Is(certification.RoleCentre) {
		return nil, "", certification.Errorf(certification.ErrForbidden, "acces_refuse", "Votre rôle ne permet pas cette action.")
	}
	lignes, err := lignesImport(data)
	if err != nil {
		return nil, "", err
	}
	r, err := im.svc.ImporterCandidats(ctx, a, lignes, certification.OptionsImport{})
	if err != nil {
		return nil, "", enColonnes(err)
	}
	enColonnesRapport(r)
	sum := sha256.Sum256(data)
	empreinte := hex.EncodeToString(sum[:])
	im.garder(a.CentreID+"/"+empreinte, data)
	return r, empreinte, nil
}

// Confirmer imports the file a dry run of the same centre kept, checking
// every row again. Returns ErrConflict (import_expire) when the file is no
// longer kept.
func (im *importeur) Confirmer(ctx context.Context, a certification.Acteur, empreinte string, o certification.OptionsImport) (*certification.RapportImport, error) {
	if !a.Is(certification.RoleCentre) {
		return nil, certification.Errorf(certification.ErrForbidden, "acces_refuse", "Votre rôle ne permet pas cette action.")
	}
	key := a.CentreID + "/" + empreinte
	data, ok := im.reprendre(key)
	if !ok {
		return nil, certification.Errorf(certification.ErrConflict, "import_expire",
			"Ce fichier n'est plus en attente (plus de %d minutes depuis l'essai, ou déjà importé) : déposez-le à nouveau.", int(attenteImport.Minutes()))
	}
	lignes, err := lignesImport(data)
	if err != nil {
		return nil, err
	}
	o.Confirmer = true
	r, err := im.svc.ImporterCandidats(ctx, a, lignes, o)
	if err != nil {
		return nil, enColonnes(err)
	}
	enColonnesRapport(r)
	im.oublier(key)
	return r, nil
}

func (im *importeur) garder(key string, data []byte) {
	im.mu.Lock()
	defer im.mu.Unlock()
	now := im.svc.Now()
	for k, f := range im.attente {
		if now.After(f.expire) {
			delete(im.attente, k)
		}
	}
	// Past the cap the oldest goes: a centre that dry-runs many files
	// re-sends the one it confirms.
	for len(im.attente) >= maxImportsEnAttente {
		var oldest string
		for k, f := range im.attente {
			if oldest == "" || f.expire.Before(im.attente[oldest].expire) {
				oldest = k
			}
		}
		delete(im.attente, oldest)
	}
	im.attente[key] = fichierEnAttente{data: bytes.Clone(data), expire: now.Add(attenteImport)}
}

func (im *importeur) reprendre(key string) ([]byte, bool) {
	im.mu.Lock()
	defer im.mu.Unlock()
	f, ok := im.attente[key]
	if !ok || im.svc.Now().After(f.expire) {
		return nil, false
	}
	return f.data, true
}

func (im *importeur) oublier(key string) {
	im.mu.Lock()
	defer im.mu.Unlock()
	delete(im.attente, key)
}

// Modele is the template file: CSV in UTF-8 with a BOM and « ; », which
// French Excel opens as is, or XLSX with a sheet describing the columns.
func (im *importeur) Modele(format string) (string, []byte, error) {
	noms := make([]string, len(colonnesImport))
	for i, c := range colonnesImport {
		noms[i] = c.nom
	}
	if format == "csv" {
		var b bytes.Buffer
		b.WriteString("\ufeff")
		w := csv.NewWriter(&b)
		w.Comma = ';'
		w.UseCRLF = true
		_ = w.Write(noms)
		w.Flush()
		return "text/csv; charset=utf-8", b.Bytes(), w.Error()
	}
	f := excelize.NewFile()
	defer f.Close()
	const feuille, aide = "Candidats", "Colonnes"
	if err := f.SetSheetName("Sheet1", feuille); err != nil {
		return "", nil, err
	}
	if _, err := f.NewSheet(aide); err != nil {
		return "", nil, err
	}
	_ = f.SetSheetRow(aide, "A1", &[]any{"Colonne", "Contenu", "Obligatoire"})
	for i, c := range colonnesImport {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(feuille, cell, c.nom); err != nil {
			return "", nil, err
		}
		obligatoire := "non"
		if c.requise {
			obligatoire = "oui"
		}
		row, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow(aide, row, &[]any{c.nom, c.libelle, obligatoire})
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return "", nil, err
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes(), nil
}

// enColonnesRapport names each fault of a report by its column in the file.
func enColonnesRapport(r *certification.RapportImport) {
	for i := range r.Lignes {
		for j := range r.Lignes[i].Erreurs {
			e := &r.Lignes[i].Erreurs[j]
			e.Field = ColonneImport(e.Field)
		}
	}
}

// enColonnes names the faults of a refused import (« ligne[4].formation.fin »)
// by their column in the file (« ligne[4].formation_fin »).
func enColonnes(err error) error {
	return renommerChamps(err, func(f string) string {
		if ligne, champ, ok := strings.Cut(f, "]."); ok {
			return ligne + "]." + ColonneImport(champ)
		}
		return f
	})
}
