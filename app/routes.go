package app

import "github.com/cipcert/cipcert/certification"

const (
	admin    = certification.RoleAdmin
	autorite = certification.RoleAutorite
	centre   = certification.RoleCentre
	jury     = certification.RoleJury
	candidat = certification.RoleCandidat
)

// routes is the whole API on one screen. Every route under /api/v1 but the
// login names the roles it admits; the service then enforces ownership.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)

	v1 := e.Group("/api/v1")
	v1.POST("/auth/connexion", s.handleConnexion)

	auth := v1.Group("", s.authenticate)
	everyone := allow(admin, autorite, centre, jury, candidat)
	auth.POST("/auth/deconnexion", s.handleDeconnexion, everyone)
	auth.GET("/moi", s.handleMoi, everyone)

	auth.GET("/titres", s.handleTitreList, everyone)
	auth.GET("/titres/:code", s.handleTitreGet, everyone)

	auth.POST("/utilisateurs", s.handleUtilisateurCreate, allow(admin, centre))

	auth.POST("/centres", s.handleCentreCreate, allow(admin))
	auth.GET("/centres", s.handleCentreList, allow(admin, autorite))
	auth.GET("/centres/:id", s.handleCentreGet, allow(admin, autorite, centre))

	auth.POST("/candidats", s.handleCandidatCreate, allow(centre))
	auth.GET("/candidats", s.handleCandidatList, allow(admin, autorite, centre))
	auth.GET("/candidats/:id", s.handleCandidatGet, allow(admin, autorite, centre, candidat))
	auth.PUT("/candidats/:id", s.handleCandidatUpdate, allow(centre))
	auth.POST("/candidats/:id/archivage", s.handleCandidatArchive, allow(centre))
}
