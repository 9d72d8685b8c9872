package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
)

// juryDesk is a session titre held today, with candidats in formation
// continue enrolled, for the jury's pages.
type juryDesk struct {
	session string
	// ins and cands map a candidat's nom de naissance to its enrolment
	// and to its id.
	ins, cands map[string]string
	order      []string
}

// membre returns the id of the jury member of a demo jury account.
func (s *site) membre(identifiant string) string {
	s.t.Helper()
	a := s.acteur(identifiant)
	ms, err := s.svc.Membres(context.Background(), s.acteur("centre"))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, m := range ms {
		if m.UtilisateurID != nil && *m.UtilisateurID == a.UtilisateurID {
			return m.ID
		}
	}
	s.t.Fatalf("no jury member for %s", identifiant)
	return ""
}

// autreMembre records a habilitated jury member without an account.
func (s *site) autreMembre() string {
	s.t.Helper()
	ctx := context.Background()
	dreets := s.acteur("dreets")
	m, err := s.svc.CreateMembre(ctx, dreets, certification.NouveauMembre{Nom: "Dubois", Prenoms: "Claire", Email: "claire.dubois@example.fr"})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.svc.Habiliter(ctx, dreets, m.ID, certification.NouvelleHabilitation{TitreCode: "TP-00403",
		Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2028, 12, 31), Reference: "DREETS-ARA-HAB-2026-099"}); err != nil {
		s.t.Fatal(err)
	}
	return m.ID
}

// nouveauCandidat registers a candidat in formation continue with an ECF
// for each CCP, or a VAE candidat with its recevabilité.
func nouveauCandidat(t testing.TB, svc *certification.Service, centre certification.Acteur, nom, prenoms string, vae bool) string {
	t.Helper()
	in := certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: certification.ParcoursFormation,
		NomNaissance: nom, Prenoms: prenoms, DateNaissance: certification.NewDate(1991, 3, 14), LieuNaissance: "Lyon (69)",
		Email: "candidat@example.fr"}
	if vae {
		in.Parcours = certification.ParcoursVAE
		m := 36
		in.MoisExperience = &m
		in.Recevabilite = &certification.Recevabilite{DateNotification: certification.NewDate(2026, 6, 1), Reference: "REC-2026-" + nom,
			DDETS: "DDETS du Rhône", MoisExperience: 36, TypeSession: "titre"}
	} else {
		in.Formation = &certification.Periode{Debut: certification.NewDate(2026, 1, 5), Fin: certification.NewDate(2026, 9, 25)}
		in.ECF = []certification.ECF{{CCP: "CCP1", DateEvaluation: certification.NewDate(2026, 3, 20), Observations: "Entretien d’accueil conduit avec méthode."},
			{CCP: "CCP2", DateEvaluation: certification.NewDate(2026, 6, 12)}, {CCP: "CCP3", DateEvaluation: certification.NewDate(2026, 9, 11)}}
	}
	c, err := svc.CreateCandidat(context.Background(), centre, in)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// heldSession plans a session titre today with that jury, enrols the
// candidats (nom → prénoms; a nom starting with "VAE-" is a VAE candidat),
// declares and holds it.
func (s *site) heldSession(t *testing.T, jury []string, candidats ...[2]string) juryDesk {
	t.Helper()
	return heldSession(t, s.svc, s.acteur("centre"), jury, candidats...)
}

func heldSession(t testing.TB, svc *certification.Service, centre certification.Acteur, jury []string, candidats ...[2]string) juryDesk {
	t.Helper()
	ctx := context.Background()
	today := certification.DateOf(svc.Now())
	sess, err := svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: today, Fin: certification.DateOf(today.Time().AddDate(0, 0, 1)), Lieu: "Lyon, 12 rue de la République",
		Responsable: "Sophie Garnier", Jury: jury})
	if err != nil {
		t.Fatal(err)
	}
	d := juryDesk{session: sess.ID, ins: map[string]string{}, cands: map[string]string{}}
	for _, c := range candidats {
		id := nouveauCandidat(t, svc, centre, c[0], c[1], strings.HasPrefix(c[0], "VAE-"))
		in, err := svc.Inscrire(ctx, centre, sess.ID, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.ins[c[0]], d.cands[c[0]] = in.ID, id
	}
	if _, err := svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TenirSession(ctx, centre, sess.ID); err != nil {
		t.Fatal(err)
	}
	ins, err := svc.Inscriptions(ctx, centre, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		d.order = append(d.order, in.NomNaissance)
	}
	return d
}
