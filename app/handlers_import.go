package app

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// importConfirmationRequest confirms the import of a file dry-run before.
type importConfirmationRequest struct {
	// Empreinte is the file's SHA-256, as the dry run answered it.
	Empreinte string `json:"empreinte" validate:"required,len=64,hexadecimal"`
	// Mode is « valides » (only the valid rows) or « tout_ou_rien ».
	Mode        string `json:"mode" validate:"required,oneof=valides tout_ou_rien"`
	MettreAJour bool   `json:"mettre_a_jour"`
}

type importLigneResponse struct {
	Ligne         int                `json:"ligne"`
	Statut        string             `json:"statut"`
	CandidatID    string             `json:"candidat_id,omitempty"`
	NomNaissance  string             `json:"nom_naissance"`
	Prenoms       string             `json:"prenoms"`
	DateNaissance string             `json:"date_naissance"`
	Erreurs       []importErreurJSON `json:"erreurs"`
}

type importErreurJSON struct {
	Ligne   int    `json:"ligne"`
	Colonne string `json:"colonne"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type importRapportResponse struct {
	// Empreinte names the file for its confirmation (dry run only).
	Empreinte    string                `json:"empreinte,omitempty"`
	Confirme     bool                  `json:"confirme"`
	ACreer       int                   `json:"a_creer"`
	AMettreAJour int                   `json:"a_mettre_a_jour"`
	DejaPresents int                   `json:"deja_presents"`
	EnErreur     int                   `json:"en_erreur"`
	Lignes       []importLigneResponse `json:"lignes"`
}

func toRapport(r *certification.RapportImport, empreinte string) importRapportResponse {
	out := importRapportResponse{Empreinte: empreinte, Confirme: r.Confirme, ACreer: r.ACreer, AMettreAJour: r.AMettreAJour,
		DejaPresents: r.DejaPresentes, EnErreur: r.EnErreur, Lignes: make([]importLigneResponse, len(r.Lignes))}
	for i, l := range r.Lignes {
		lr := importLigneResponse{Ligne: l.Ligne, Statut: string(l.Statut), CandidatID: l.CandidatID,
			NomNaissance: l.NomNaissance, Prenoms: l.Prenoms, Erreurs: []importErreurJSON{}}
		if !l.DateNaissance.IsZero() {
			lr.DateNaissance = l.DateNaissance.String()
		}
		for _, e := range l.Erreurs {
			lr.Erreurs = append(lr.Erreurs, importErreurJSON{l.Ligne, e.Field, e.Code, e.Message})
		}
		out.Lignes[i] = lr
	}
	return out
}

// fichierPoste reads the file part « fichier » of a multipart upload.
func fichierPoste(c echo.Context) ([]byte, error) {
	data, _, err := fichierPosteMax(c, MaxFichierImport, fichierTropGros)
	return data, err
}

// fichierPosteMax reads the file part « fichier » of a multipart upload of
// at most max bytes, refusing a larger one with trop; it returns the name
// the client gave, which says nothing of the content.
func fichierPosteMax(c echo.Context, max int64, trop error) ([]byte, string, error) {
	fh, err := c.FormFile("fichier")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", trop
		}
		return nil, "", badRequest("fichier_requis", "Joignez le fichier dans le champ « fichier » d'un formulaire multipart/form-data.",
			ChampErreur{"fichier", "requis", "Le fichier est obligatoire."})
	}
	if fh.Size > max {
		return nil, "", trop
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", badRequest("corps_illisible", "Le corps de la requête n'a pas pu être lu.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		return nil, "", trop
	}
	return data, fh.Filename, err
}

func (s *Server) handleImportEssai(c echo.Context) error {
	data, err := fichierPoste(c)
	if err != nil {
		return err
	}
	r, empreinte, err := s.imports.Essai(c.Request().Context(), acteur(c), data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRapport(r, empreinte))
}

func (s *Server) handleImportConfirmation(c echo.Context) error {
	var req importConfirmationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := s.imports.Confirmer(c.Request().Context(), acteur(c), req.Empreinte,
		certification.OptionsImport{ToutOuRien: req.Mode == "tout_ou_rien", MettreAJour: req.MettreAJour})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRapport(r, ""))
}

func (s *Server) handleImportModele(c echo.Context) error {
	format := "xlsx"
	if c.Path() == "/api/v1/candidats/import/modele.csv" {
		format = "csv"
	}
	ct, data, err := s.imports.Modele(format)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="modele-candidats.`+format+`"`)
	return c.Blob(http.StatusOK, ct, data)
}
