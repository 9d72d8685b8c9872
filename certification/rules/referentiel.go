package rules

import (
	"slices"
	"time"
)

type cleCCP struct{ version, ccp string }

// index is a Referentiel checked once and shaped for the questions the
// rules ask of it.
type index struct {
	versions map[string]*Version
	// suivante is the next version of the same titre, by start date.
	suivante map[string]*Version
	corr     map[cleCCP][]cleCCP
}

func indexer(ref Referentiel) (*index, error) {
	x := &index{
		versions: make(map[string]*Version, len(ref.Versions)),
		suivante: map[string]*Version{},
		corr:     map[cleCCP][]cleCCP{},
	}
	for i := range ref.Versions {
		v := &ref.Versions[i]
		switch {
		case v.ID == "" || v.TitreCode == "":
			return nil, incoherence("referentiel_invalide", "Une version du référentiel n'a pas d'identifiant ou de code titre.")
		case x.versions[v.ID] != nil:
			return nil, incoherence("referentiel_invalide", "La version %s figure deux fois dans le référentiel.", v.nom())
		case v.Debut.IsZero() || v.Fin.IsZero() || v.Fin.Before(v.Debut):
			return nil, incoherence("referentiel_invalide", "La version %s n'a pas de période de validité cohérente.", v.nom())
		}
		blocs := slices.Concat(v.CCP, v.CCS)
		slices.Sort(blocs)
		if len(slices.Compact(blocs)) != len(v.CCP)+len(v.CCS) {
			return nil, incoherence("referentiel_invalide", "La version %s contient deux fois le même code de CCP ou de CCS.", v.nom())
		}
		switch v.Devenir {
		case EnVigueur, Proroge, Revise, Cloture:
		default:
			return nil, incoherence("valeur_inconnue", "Devenir %q inconnu pour la version %s.", v.Devenir, v.nom())
		}
		x.versions[v.ID] = v
	}
	for _, v := range x.versions {
		for _, w := range x.versions {
			if w.TitreCode == v.TitreCode && w.Debut.After(v.Debut) {
				if s := x.suivante[v.ID]; s == nil || w.Debut.Before(s.Debut) {
					x.suivante[v.ID] = w
				}
			}
		}
	}
	for _, c := range ref.Correspondances {
		av, nv := x.versions[c.AncienneVersionID], x.versions[c.NouvelleVersionID]
		if av == nil || nv == nil || !slices.Contains(av.CCP, c.AncienCCP) || !slices.Contains(nv.CCP, c.NouveauCCP) {
			return nil, incoherence("referentiel_invalide", "La correspondance %s/%s → %s/%s désigne un CCP inconnu.",
				c.AncienneVersionID, c.AncienCCP, c.NouvelleVersionID, c.NouveauCCP)
		}
		if !nv.Debut.After(av.Debut) {
			return nil, incoherence("referentiel_invalide", "La correspondance %s → %s ne va pas vers une version plus récente.",
				av.nom(), nv.nom())
		}
		k := cleCCP{c.AncienneVersionID, c.AncienCCP}
		x.corr[k] = append(x.corr[k], cleCCP{c.NouvelleVersionID, c.NouveauCCP})
	}
	return x, nil
}

// correspondre finds what the CCP ccp of version v counts as in version
// cible, following correspondences after a révision and identical codes
// after a prorogation, across as many versions as it takes. Versions only
// lead to later ones, so the search ends.
func (x *index) correspondre(v, ccp, cible string) (string, bool) {
	pile := []cleCCP{{v, ccp}}
	for len(pile) > 0 {
		k := pile[len(pile)-1]
		pile = pile[:len(pile)-1]
		if k.version == cible {
			return k.ccp, true
		}
		pile = append(pile, x.corr[k]...)
		if x.versions[k.version].Devenir == Proroge {
			if s := x.suivante[k.version]; s != nil && slices.Contains(s.CCP, k.ccp) {
				pile = append(pile, cleCCP{s.ID, k.ccp})
			}
		}
	}
	return "", false
}

// derniere follows révisions and prorogations from v to the version a
// candidat will end up being evaluated under.
func (x *index) derniere(v *Version) *Version {
	for v.Devenir == Revise || v.Devenir == Proroge {
		s := x.suivante[v.ID]
		if s == nil {
			break
		}
		v = s
	}
	return v
}

// nom names the version in a message: its code, or its id when the
// référentiel gives none.
func (v *Version) nom() string {
	if v.Code != "" {
		return v.Code
	}
	return v.ID
}

// nom names a version by its id in a message; an unknown id stays as it is.
func (x *index) nom(id string) string {
	if v := x.versions[id]; v != nil {
		return v.nom()
	}
	return id
}

func valideLe(v *Version, d time.Time) bool { return !d.Before(v.Debut) && !d.After(v.Fin) }
