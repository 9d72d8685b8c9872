package certification

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// The référentiel administered by the operator (role admin): titres created
// or imported whole, versions added, replaced while no one has used them,
// revised or closed once they have. Every change goes through
// changeReferentiel: one transaction, one audit event with the titre before
// and after, and the titre's version checked and bumped.

// referentielTx runs fn, a write of the référentiel, in a transaction. Every
// write of the référentiel passes here, the seed's as the administrator's,
// so that whatever derives from the référentiel (a cache) can learn of the
// change in the same transaction, in one place.
func (s *Service) referentielTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := referentielModifie(tx); err != nil {
			return err
		}
		return fn(tx)
	})
}

// changeReferentiel runs an administrator's change of the référentiel: fn
// makes it in the transaction and returns the audit event that records it,
// written in the same transaction. Returns ErrForbidden for any other role.
func (s *Service) changeReferentiel(ctx context.Context, a Acteur, fn func(tx *gorm.DB) (audit, error)) error {
	if !a.Is(RoleAdmin) {
		return forbidden()
	}
	return s.referentielTx(ctx, func(tx *gorm.DB) error {
		e, err := fn(tx)
		if err != nil {
			return err
		}
		return s.journal(tx, a, e)
	})
}

// CreerTitre creates a titre, with any versions, CCP, CCS and
// correspondences it comes with: a new titre or the import of an exported
// one. Returns ErrInvalid naming each faulty field (as versions[1].blocs[0].code)
// and ErrConflict (titre_existant) if the code is taken.
func (s *Service) CreerTitre(ctx context.Context, a Acteur, def TitreDef) (*Titre, error) {
	err := s.changeReferentiel(ctx, a, func(tx *gorm.DB) (audit, error) {
		existe, err := findTitreByCode(tx, def.Code)
		if err != nil {
			return audit{}, err
		}
		if existe != nil {
			return audit{}, Errorf(ErrConflict, "titre_existant", "Le titre %s existe déjà : choisissez un autre code, ou modifiez celui-ci.", def.Code)
		}
		if err := validerTitre(tx, "", def); err != nil {
			return audit{}, err
		}
		row := titreRow{ID: newID(), Version: 1}
		if err := syncTitre(tx, &row, def); err != nil {
			return audit{}, isDuplicate(err, def.Code)
		}
		return audit{action: "titre_cree", objet: "titre", objetID: row.ID, apres: snapshotTitre(def, row.Version)}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Titre(ctx, def.Code)
}

// AjouterVersion gives a titre created without any its first version; later
// ones come by révision. version is the titre's version the client last
// read. Returns ErrNotFound, ErrStale, ErrConflict (titre_deja_versionne) and
// ErrInvalid naming each faulty field.
func (s *Service) AjouterVersion(ctx context.Context, a Acteur, code string, version int, vd VersionDef) (*Titre, error) {
	return s.modifierTitre(ctx, a, code, version, "version_ajoutee", func(tx *gorm.DB, t *Titre, def *TitreDef) (int, error) {
		if n := len(t.Versions); n > 0 {
			return 0, Errorf(ErrConflict, "titre_deja_versionne",
				"Le titre %s a déjà une version (%s) : une nouvelle version la remplace par une révision, à enregistrer sur celle-ci.", t.Code, t.Versions[n-1].Code)
		}
		def.Versions = append(def.Versions, vd)
		return len(def.Versions) - 1, nil
	})
}

// RemplacerVersion replaces the texte, dates and blocs of a version no
// session and no candidat has used yet. Returns ErrConflict
// (version_utilisee) once one has: a used version is only revised or closed.
func (s *Service) RemplacerVersion(ctx context.Context, a Acteur, code, versionCode string, version int, vd VersionDef) (*Titre, error) {
	return s.modifierTitre(ctx, a, code, version, "version_remplacee", func(tx *gorm.DB, t *Titre, def *TitreDef) (int, error) {
		i, err := indexVersion(t, versionCode)
		if err != nil {
			return 0, err
		}
		if err := versionLibre(tx, t.Versions[i]); err != nil {
			return 0, err
		}
		if vd.Code != versionCode {
			return 0, Invalid("referentiel_invalide", "Le code d'une version ne change pas : créez une nouvelle version.",
				FieldError{"code", "code_modifie", fmt.Sprintf("Le code de la version est %s.", versionCode)})
		}
		def.Versions[i] = vd
		return i, nil
	})
}

// ReviserVersion records a révision (arrêté du 22 décembre 2015, art. 3): the
// last version of the titre is replaced by a new one from its start date,
// the old one's validity ending the day before. The new version's blocs name
// in Correspond the CCP of earlier versions they take over, several to one if
// the arrêté says so. Returns ErrConflict if the version is not the titre's
// last one in force or sessions of it start on or after the new one's start.
func (s *Service) ReviserVersion(ctx context.Context, a Acteur, code, versionCode string, version int, nouvelle VersionDef) (*Titre, error) {
	return s.modifierTitre(ctx, a, code, version, "version_revisee", func(tx *gorm.DB, t *Titre, def *TitreDef) (int, error) {
		i, err := versionEnCours(t, versionCode)
		if err != nil {
			return 0, err
		}
		v := t.Versions[i]
		if !nouvelle.Debut.After(v.Debut) || nouvelle.Debut.After(lendemain(v.Fin, 1)) {
			return 0, Invalid("referentiel_invalide", "La date de la révision est incohérente.", FieldError{"debut", "date_revision",
				fmt.Sprintf("La nouvelle version commence après le %s (début de %s) et au plus tard le lendemain de sa fin de validité, le %s.",
					v.Debut.Francais(), v.Code, lendemain(v.Fin, 1).Francais())})
		}
		fin := lendemain(nouvelle.Debut, -1)
		if err := pasDeSessionApres(tx, v, fin); err != nil {
			return 0, err
		}
		def.Versions[i].Fin, def.Versions[i].Devenir = fin, "revise"
		def.Versions = append(def.Versions, nouvelle)
		return len(def.Versions) - 1, nil
	})
}

// CloturerVersion records the clôture of a titre (arrêté du 22 décembre
// 2015, art. 3): its last version stops being valid on date, after which a
// candidat holding CCP has the delay of the rule parameter cloture_delai_mois
// to complete the titre. Returns ErrConflict if the version is not the
// titre's last one in force, ErrInvalid if date is outside its validity.
func (s *Service) CloturerVersion(ctx context.Context, a Acteur, code, versionCode string, version int, date Date) (*Titre, error) {
	return s.modifierTitre(ctx, a, code, version, "version_cloturee", func(tx *gorm.DB, t *Titre, def *TitreDef) (int, error) {
		i, err := versionEnCours(t, versionCode)
		if err != nil {
			return 0, err
		}
		v := t.Versions[i]
		if date.Before(v.Debut) || date.After(v.Fin) {
			return 0, Invalid("referentiel_invalide", "La date de clôture est incohérente.", FieldError{"date", "date_cloture",
				fmt.Sprintf("La clôture prend effet pendant la validité de %s, du %s au %s.", v.Code, v.Debut.Francais(), v.Fin.Francais())})
		}
		def.Versions[i].Fin, def.Versions[i].Devenir = date, "cloture"
		return -1, nil
	})
}

// modifierTitre is the frame of every change of an existing titre: lock it
// at the version the client read, change its description in memory,
// validate the whole, write it and record the before and after. change
// returns the index of the version the client sent, or -1: the faulty
// fields of that version are named as the client wrote them (blocs[0].code
// rather than versions[1].blocs[0].code).
func (s *Service) modifierTitre(ctx context.Context, a Acteur, code string, version int, action string,
	change func(tx *gorm.DB, t *Titre, def *TitreDef) (int, error)) (*Titre, error) {
	err := s.changeReferentiel(ctx, a, func(tx *gorm.DB) (audit, error) {
		t, err := findTitreByCode(tx, code)
		if err != nil {
			return audit{}, err
		}
		if t == nil {
			return audit{}, notFound("Titre " + code)
		}
		// Bumping the version first locks the row: a concurrent change
		// waits here, then finds the version moved on.
		res := tx.Model(&titreRow{}).Where("id = ? AND version = ?", t.ID, version).Update("version", gorm.Expr("version + 1"))
		if res.Error != nil {
			return audit{}, wrap(res.Error, "titre %s: bump version", code)
		}
		if res.RowsAffected == 0 {
			return audit{}, stale("Le titre " + code)
		}
		avant := DefOf(*t)
		apres := DefOf(*t)
		envoyee, err := change(tx, t, &apres)
		if err != nil {
			return audit{}, err
		}
		if err := validerTitre(tx, t.ID, apres); err != nil {
			return audit{}, relatif(err, envoyee)
		}
		row := titreRow{ID: t.ID, Version: version + 1}
		if err := syncTitre(tx, &row, apres); err != nil {
			return audit{}, isDuplicate(err, code)
		}
		return audit{action: action, objet: "titre", objetID: t.ID,
			avant: snapshotTitre(avant, version), apres: snapshotTitre(apres, version+1)}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Titre(ctx, code)
}

// isDuplicate reports a unique violation that validation could not foresee
// (two administrators creating the same code at once) as a conflict.
func isDuplicate(err error, code string) error {
	if isUniqueViolation(err) {
		return Errorf(ErrConflict, "titre_existant", "Le titre %s ou l'une de ses versions vient d'être enregistré par ailleurs : relisez le référentiel.", code)
	}
	return err
}

// relatif names the fields of version i relative to it.
func relatif(err error, i int) error {
	var e *Error
	if i < 0 || !errors.As(err, &e) {
		return err
	}
	prefix := fieldIndex("versions", i, "")
	out := *e
	out.Fields = make([]FieldError, len(e.Fields))
	for k, f := range e.Fields {
		f.Field = strings.TrimPrefix(f.Field, prefix)
		out.Fields[k] = f
	}
	return &out
}

func indexVersion(t *Titre, code string) (int, error) {
	for i, v := range t.Versions {
		if v.Code == code {
			return i, nil
		}
	}
	return 0, notFound("Version " + code + " du titre " + t.Code)
}

// versionEnCours finds the version a révision or a clôture applies to: the
// last one of the titre, whose fate is not decided yet.
func versionEnCours(t *Titre, code string) (int, error) {
	i, err := indexVersion(t, code)
	if err != nil {
		return 0, err
	}
	if v := t.Versions[i]; i != len(t.Versions)-1 || v.Devenir != "" {
		return 0, Errorf(ErrConflict, "version_terminee",
			"La version %s n'est plus la version en cours du titre %s (%s) : seule la dernière version, pas encore révisée ni clôturée, peut l'être.",
			v.Code, t.Code, devenirLibelle(v.Devenir))
	}
	return i, nil
}

func devenirLibelle(d string) string {
	switch d {
	case "revise":
		return "révisée"
	case "cloture":
		return "clôturée"
	case "proroge":
		return "prorogée"
	}
	return "une version plus récente la suit"
}

// versionLibre refuses to change a version that sessions or candidats'
// dossiers refer to: what the jury evaluated, and what was acquired, must
// keep meaning what it meant.
func versionLibre(tx *gorm.DB, v Version) error {
	n, err := usagesVersion(tx, v.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ErrConflict, "version_utilisee",
			"La version %s a déjà servi (sessions ou dossiers de candidats) : elle ne peut plus changer ; enregistrez sa révision ou sa clôture.", v.Code)
	}
	return nil
}

// pasDeSessionApres refuses a révision that would leave sessions of the old
// version after its new end of validity: their candidats would be evaluated
// under a version no longer in force.
func pasDeSessionApres(tx *gorm.DB, v Version, fin Date) error {
	n, err := sessionsApres(tx, v.ID, fin)
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ErrConflict, "sessions_apres_revision",
			"%d session(s) de la version %s se tiennent après le %s : annulez-les ou choisissez une date de révision postérieure.", n, v.Code, fin.Francais())
	}
	return nil
}

// DefOf describes a stored titre as the fixtures do, the format of its
// export: correspondences are named on the newer bloc, as "VERSION/BLOC" of
// the older one.
func DefOf(t Titre) TitreDef {
	td := TitreDef{Code: t.Code, Intitule: t.Intitule, NSF: t.NSF, ROME: t.ROME, RNCP: t.RNCP, Niveau: t.Niveau,
		Versions: []VersionDef{}}
	anciens := map[string][]string{} // "VERSION/BLOC" of the newer bloc → older ones
	for _, v := range t.Versions {
		for _, b := range v.Blocs {
			for _, cible := range b.Correspondances {
				anciens[cible] = append(anciens[cible], v.Code+"/"+b.Code)
			}
		}
	}
	for _, v := range t.Versions {
		vd := VersionDef{Code: v.Code, Texte: v.Texte, Devenir: v.Devenir, Debut: v.Debut, Fin: v.Fin, Blocs: []BlocDef{}}
		for _, b := range v.Blocs {
			bd := BlocDef{Code: b.Code, Nature: b.Nature, Intitule: b.Intitule, RNCPBloc: b.RNCPBloc, Competences: []string{},
				Correspond: anciens[v.Code+"/"+b.Code]}
			for _, c := range b.Competences {
				bd.Competences = append(bd.Competences, c.Intitule)
			}
			vd.Blocs = append(vd.Blocs, bd)
		}
		td.Versions = append(td.Versions, vd)
	}
	return td
}

// ExporterTitre returns a titre as the fixtures describe it. Returns
// ErrNotFound if no titre has that code.
func (s *Service) ExporterTitre(ctx context.Context, code string) (TitreDef, int, error) {
	t, err := s.Titre(ctx, code)
	if err != nil {
		return TitreDef{}, 0, err
	}
	return DefOf(*t), t.Version, nil
}

var (
	codeReferentiel = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)
	codeRNCP        = regexp.MustCompile(`^RNCP[0-9]{1,6}$`)
	codeRNCPBloc    = regexp.MustCompile(`^RNCP[0-9]{1,6}BC[0-9]{2}$`)
)

// validerTitre checks a titre as a whole, every problem at once, each named
// by its path (versions[1].blocs[0].correspond[0]): codes well formed and
// unique (version codes across the référentiel, titreID being the titre's own
// id when it exists), validity periods that follow each other, a fate
// consistent with what comes next, every correspondence naming a CCP of an
// earlier version of the same titre.
func validerTitre(tx *gorm.DB, titreID string, td TitreDef) error {
	var fe []FieldError
	add := func(champ, code, format string, args ...any) {
		fe = append(fe, FieldError{champ, code, fmt.Sprintf(format, args...)})
	}
	code := func(champ, v, quoi string) {
		if !codeReferentiel.MatchString(v) {
			add(champ, "code_invalide", "Le code %s est obligatoire : 40 caractères au plus, lettres, chiffres, « . », « - » ou « _ », sans espace ni « / ».", quoi)
		}
	}
	texte := func(champ, v, quoi string) {
		if strings.TrimSpace(v) == "" {
			add(champ, "requis", "%s est obligatoire.", quoi)
		}
	}
	code("code", td.Code, "du titre")
	texte("intitule", td.Intitule, "L'intitulé")
	texte("nsf", td.NSF, "Le code NSF")
	texte("rome", td.ROME, "Le code ROME")
	if td.Niveau < 1 || td.Niveau > 8 {
		add("niveau", "niveau_invalide", "Le niveau du cadre national des certifications va de 1 à 8.")
	}
	if !codeRNCP.MatchString(td.RNCP) {
		add("rncp", "rncp_invalide", "Le numéro de fiche RNCP s'écrit RNCP suivi de chiffres, par exemple RNCP37274.")
	}
	// vues lists, per version code, its rank and its CCP, for the correspondences.
	type versionVue struct {
		rang int
		ccp  []string
	}
	vues := map[string]versionVue{}
	for i, vd := range td.Versions {
		p := fieldIndex("versions", i, "")
		code(p+"code", vd.Code, "de la version")
		if _, dup := vues[vd.Code]; dup && vd.Code != "" {
			add(p+"code", "code_en_double", "La version %s figure deux fois.", vd.Code)
		}
		texte(p+"texte", vd.Texte, "L'arrêté qui définit la version")
		if vd.Debut.IsZero() || vd.Fin.IsZero() || vd.Fin.Before(vd.Debut) {
			add(p+"fin", "dates_incoherentes", "La fin de validité suit le début (%s → %s).", vd.Debut, vd.Fin)
		}
		if i > 0 {
			prec := td.Versions[i-1]
			if !vd.Debut.After(prec.Fin) {
				add(p+"debut", "dates_incoherentes", "La version commence après la fin de validité de la précédente, %s (%s).", prec.Code, prec.Fin.Francais())
			}
		}
		last := i == len(td.Versions)-1
		switch {
		case vd.Devenir != "" && vd.Devenir != "revise" && vd.Devenir != "proroge" && vd.Devenir != "cloture":
			add(p+"devenir", "devenir_inconnu", "Devenir inconnu : vide (en vigueur), revise, proroge ou cloture.")
		case !last && vd.Devenir != "revise" && vd.Devenir != "proroge":
			add(p+"devenir", "devenir_incoherent", "Une version suivie d'une autre a été révisée ou prorogée (revise ou proroge).")
		case last && (vd.Devenir == "revise" || vd.Devenir == "proroge"):
			add(p+"devenir", "devenir_incoherent", "Une version révisée ou prorogée est suivie de la version qui la remplace.")
		}
		vue := versionVue{rang: i}
		blocs, rncp := map[string]bool{}, map[string]bool{}
		for j, bd := range vd.Blocs {
			q := p + fieldIndex("blocs", j, "")
			code(q+"code", bd.Code, "du bloc")
			if blocs[bd.Code] {
				add(q+"code", "code_en_double", "Le bloc %s figure deux fois dans la version %s.", bd.Code, vd.Code)
			}
			blocs[bd.Code] = true
			switch bd.Nature {
			case "ccp":
				vue.ccp = append(vue.ccp, bd.Code)
			case "ccs":
			default:
				add(q+"nature", "nature_inconnue", "Nature inconnue : ccp ou ccs.")
			}
			texte(q+"intitule", bd.Intitule, "L'intitulé du bloc")
			if bd.RNCPBloc != "" {
				if !codeRNCPBloc.MatchString(bd.RNCPBloc) {
					add(q+"rncp_bloc", "rncp_invalide", "Le code RNCP d'un bloc s'écrit comme RNCP37274BC01.")
				} else if rncp[bd.RNCPBloc] {
					add(q+"rncp_bloc", "code_en_double", "Le bloc RNCP %s figure deux fois dans la version %s.", bd.RNCPBloc, vd.Code)
				}
				rncp[bd.RNCPBloc] = true
			}
			if len(bd.Competences) == 0 {
				add(q+"competences", "requis", "Un bloc compte au moins une compétence.")
			}
			for k, c := range bd.Competences {
				texte(q+indexed("competences", k), c, "L'intitulé de la compétence")
			}
		}
		if len(vue.ccp) == 0 {
			add(p+"blocs", "ccp_aucun", "La version %s compte au moins un CCP.", vd.Code)
		}
		vues[vd.Code] = vue
	}
	for i, vd := range td.Versions {
		for j, bd := range vd.Blocs {
			vus := map[string]bool{}
			for k, ref := range bd.Correspond {
				champ := fieldIndex("versions", i, "") + fieldIndex("blocs", j, "") + indexed("correspond", k)
				vc, bc, _ := cutLast(ref, "/")
				vue, ok := vues[vc]
				switch {
				case bd.Nature != "ccp":
					add(champ, "correspondance_invalide", "Seul un CCP reprend des CCP d'une version antérieure.")
				case !ok || !slices.Contains(vue.ccp, bc):
					add(champ, "correspondance_inconnue", "%q ne désigne aucun CCP d'une version de ce titre (VERSION/CCP attendu, par exemple %s/CCP1).", ref, td.Versions[0].Code)
				case vue.rang >= i:
					add(champ, "correspondance_invalide", "%s n'est pas une version antérieure à %s : une correspondance reprend un CCP plus ancien.", vc, vd.Code)
				case vus[ref]:
					add(champ, "code_en_double", "La correspondance %s figure deux fois.", ref)
				}
				vus[ref] = true
			}
		}
	}
	if len(fe) == 0 && tx != nil {
		// Version codes name sessions across the référentiel: unique there too.
		codes := make([]string, len(td.Versions))
		for i, vd := range td.Versions {
			codes[i] = vd.Code
		}
		pris, err := versionCodesAilleurs(tx, titreID, codes)
		if err != nil {
			return err
		}
		for i, vd := range td.Versions {
			if pris[vd.Code] {
				add(fieldIndex("versions", i, "code"), "code_pris", "Le code de version %s appartient déjà à un autre titre.", vd.Code)
			}
		}
	}
	if len(fe) > 0 {
		return Invalid("referentiel_invalide", "Le titre décrit est incohérent : chaque erreur nomme le champ en cause.", fe...)
	}
	return nil
}

// indexed names an element of a list, as "competences[2]".
func indexed(list string, i int) string { return fmt.Sprintf("%s[%d]", list, i) }

// lendemain returns the date n days after d (before it for a negative n).
func lendemain(d Date, n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// EvenementsTitre returns the audit trail of a titre, oldest first: every
// change of it, its versions and blocs, with the titre before and after.
// Administrator only.
func (s *Service) EvenementsTitre(ctx context.Context, a Acteur, code string) ([]Evenement, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	t, err := findTitreByCode(db, code)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, notFound("Titre " + code)
	}
	return evenementsObjet(db, "titre", t.ID)
}
