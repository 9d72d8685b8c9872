package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The référentiel's administration speaks the format of
// fixtures/referentiel.json: a titre exported here loads as a fixture, and a
// fixture's titre imports here as it is.

// referentielFichier is a référentiel file holding one titre.
type referentielFichier struct {
	Source string         `json:"source" validate:"max=2000,nocontrol"`
	Titres []titreFichier `json:"titres" validate:"required,len=1,dive"`
}

type titreFichier struct {
	Code     string           `json:"code" validate:"required,max=40"`
	Intitule string           `json:"intitule" validate:"required,notblank,max=300,nocontrol"`
	Niveau   int              `json:"niveau" validate:"min=1,max=8"`
	NSF      string           `json:"nsf" validate:"required,max=10,nocontrol"`
	ROME     string           `json:"rome" validate:"required,max=10,nocontrol"`
	RNCP     string           `json:"rncp" validate:"required,max=12"`
	Versions []versionFichier `json:"versions" validate:"max=50,dive"`
}

type versionFichier struct {
	Code    string        `json:"code" validate:"required,max=40"`
	Texte   string        `json:"texte" validate:"required,notblank,max=500,nocontrol"`
	Debut   string        `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin     string        `json:"fin" validate:"required,datetime=2006-01-02"`
	Devenir string        `json:"devenir" validate:"max=10"`
	Blocs   []blocFichier `json:"blocs" validate:"required,min=1,max=30,dive"`
}

type blocFichier struct {
	Code        string   `json:"code" validate:"required,max=40"`
	Nature      string   `json:"nature" validate:"required,oneof=ccp ccs"`
	Intitule    string   `json:"intitule" validate:"required,notblank,max=500,nocontrol"`
	RNCPBloc    string   `json:"rncp_bloc,omitempty" validate:"max=20"`
	Competences []string `json:"competences" validate:"required,min=1,max=50,dive,required,notblank,max=500,nocontrol"`
	Correspond  []string `json:"correspond,omitempty" validate:"max=30,dive,required,max=81"`
}

type clotureRequest struct {
	Date string `json:"date" validate:"required,datetime=2006-01-02"`
}

func (t titreFichier) def() certification.TitreDef {
	td := certification.TitreDef{Code: t.Code, Intitule: t.Intitule, Niveau: t.Niveau, NSF: t.NSF, ROME: t.ROME, RNCP: t.RNCP}
	for _, v := range t.Versions {
		td.Versions = append(td.Versions, v.def())
	}
	return td
}

func (v versionFichier) def() certification.VersionDef {
	vd := certification.VersionDef{Code: v.Code, Texte: v.Texte, Devenir: v.Devenir, Debut: date(v.Debut), Fin: date(v.Fin)}
	for _, b := range v.Blocs {
		vd.Blocs = append(vd.Blocs, certification.BlocDef(b))
	}
	return vd
}

func toFichier(td certification.TitreDef) titreFichier {
	t := titreFichier{Code: td.Code, Intitule: td.Intitule, Niveau: td.Niveau, NSF: td.NSF, ROME: td.ROME, RNCP: td.RNCP,
		Versions: []versionFichier{}}
	for _, v := range td.Versions {
		vf := versionFichier{Code: v.Code, Texte: v.Texte, Debut: v.Debut.String(), Fin: v.Fin.String(), Devenir: v.Devenir,
			Blocs: []blocFichier{}}
		for _, b := range v.Blocs {
			vf.Blocs = append(vf.Blocs, blocFichier(b))
		}
		t.Versions = append(t.Versions, vf)
	}
	return t
}

// titreJSON answers a titre with its version as ETag, the If-Match of its
// next change.
func titreJSON(c echo.Context, status int, t *certification.Titre) error {
	c.Response().Header().Set("ETag", etag(t.Version))
	return c.JSON(status, toTitre(*t))
}

func (s *Server) handleTitreCreate(c echo.Context) error {
	var req titreFichier
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := s.svc.CreerTitre(c.Request().Context(), acteur(c), req.def())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/titres/"+t.Code)
	return titreJSON(c, http.StatusCreated, t)
}

func (s *Server) handleTitreImport(c echo.Context) error {
	var req referentielFichier
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := s.svc.CreerTitre(c.Request().Context(), acteur(c), req.Titres[0].def())
	if err != nil {
		return dansLeFichier(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/titres/"+t.Code)
	return titreJSON(c, http.StatusCreated, t)
}

// dansLeFichier names the faulty fields of an imported titre by their path
// in the file, where the client will look for them.
func dansLeFichier(err error) error {
	return renommerChamps(err, func(f string) string { return "titres[0]." + f })
}

// renommerChamps returns err with its field errors renamed by nom; other
// errors come back as they are.
func renommerChamps(err error, nom func(string) string) error {
	var e *certification.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]certification.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = nom(f.Field)
		out.Fields[i] = f
	}
	return &out
}

func (s *Server) handleTitreExport(c echo.Context) error {
	td, version, err := s.svc.ExporterTitre(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(version))
	return c.JSON(http.StatusOK, referentielFichier{Source: sourceExport(s.svc, td.Code), Titres: []titreFichier{toFichier(td)}})
}

// sourceExport is the source line of an exported titre.
func sourceExport(svc *certification.Service, code string) string {
	return "Référentiel cipcert, titre " + code + ", exporté le " + svc.Now().Format("2006-01-02") + "."
}

// referentielFormat gives the web pages the référentiel file format the API
// speaks, so that a file downloaded from a page imports through the API and
// the other way round.
type referentielFormat struct{ svc *certification.Service }

func (f referentielFormat) Import(data []byte) (certification.TitreDef, error) {
	td, err := ImportReferentiel(data)
	if err != nil {
		var e *certification.Error
		if !errors.As(err, &e) {
			// A file that is not JSON, or not of this format.
			return td, certification.Invalid("fichier_invalide", "Le fichier n'est pas un référentiel au format JSON de cipcert : "+err.Error()+".",
				certification.FieldError{Field: "fichier", Code: "format", Message: "Choisissez un fichier exporté par cipcert (un titre, au format JSON)."})
		}
	}
	return td, err
}

func (f referentielFormat) Export(td certification.TitreDef) ([]byte, error) {
	return ExportReferentiel(td, sourceExport(f.svc, td.Code))
}

func (s *Server) handleVersionCreate(c echo.Context) error {
	return s.versionChange(c, http.StatusCreated, func(version int, vd certification.VersionDef) (*certification.Titre, error) {
		return s.svc.AjouterVersion(c.Request().Context(), acteur(c), c.Param("code"), version, vd)
	})
}

func (s *Server) handleVersionReplace(c echo.Context) error {
	return s.versionChange(c, http.StatusOK, func(version int, vd certification.VersionDef) (*certification.Titre, error) {
		return s.svc.RemplacerVersion(c.Request().Context(), acteur(c), c.Param("code"), c.Param("version"), version, vd)
	})
}

func (s *Server) handleVersionRevise(c echo.Context) error {
	return s.versionChange(c, http.StatusCreated, func(version int, vd certification.VersionDef) (*certification.Titre, error) {
		return s.svc.ReviserVersion(c.Request().Context(), acteur(c), c.Param("code"), c.Param("version"), version, vd)
	})
}

// versionChange reads If-Match and a version, then makes the change.
func (s *Server) versionChange(c echo.Context, status int, change func(int, certification.VersionDef) (*certification.Titre, error)) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req versionFichier
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := change(version, req.def())
	if err != nil {
		return err
	}
	return titreJSON(c, status, t)
}

func (s *Server) handleVersionClose(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req clotureRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := s.svc.CloturerVersion(c.Request().Context(), acteur(c), c.Param("code"), c.Param("version"), version, date(req.Date))
	if err != nil {
		return err
	}
	return titreJSON(c, http.StatusOK, t)
}

func (s *Server) handleTitreEvents(c echo.Context) error {
	evs, err := s.svc.EvenementsTitre(c.Request().Context(), acteur(c), c.Param("code"))
	if err != nil {
		return err
	}
	return evenementsJSON(c, evs)
}

// ExportReferentiel writes a titre as a référentiel file, indented as the
// fixtures are: what `cipcert referentiel export` prints.
func ExportReferentiel(td certification.TitreDef, source string) ([]byte, error) {
	return json.MarshalIndent(referentielFichier{Source: source, Titres: []titreFichier{toFichier(td)}}, "", "  ")
}

// ImportReferentiel reads a référentiel file holding one titre, with the
// checks of POST /api/v1/titres/import: unknown fields, types and formats.
// The service checks the rest when it creates the titre.
func ImportReferentiel(data []byte) (certification.TitreDef, error) {
	var f referentielFichier
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return certification.TitreDef{}, fmt.Errorf("référentiel: %w", err)
	}
	if err := validate(&f); err != nil {
		var he *httpError
		if errors.As(err, &he) {
			fields := make([]certification.FieldError, len(he.fields))
			for i, c := range he.fields {
				fields[i] = certification.FieldError{Field: c.Champ, Code: c.Code, Message: c.Message}
			}
			return certification.TitreDef{}, certification.Invalid(he.code, he.detail, fields...)
		}
		return certification.TitreDef{}, err
	}
	return f.Titres[0].def(), nil
}
