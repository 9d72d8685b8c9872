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
	e.GET("/verification/:code", s.handleVerification)

	v1 := e.Group("/api/v1")
	v1.POST("/auth/connexion", s.handleConnexion)
	v1.GET("/openapi.json", s.handleOpenAPI)

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
	auth.GET("/candidats/:id/parcours", s.handleParcoursGet, allow(admin, autorite, centre, candidat))
	auth.GET("/candidats/:id/evenements", s.handleCandidatEvents, allow(admin, autorite))

	auth.POST("/jury/membres", s.handleMembreCreate, allow(admin, autorite))
	auth.GET("/jury/membres", s.handleMembreList, allow(admin, autorite, centre))
	auth.POST("/jury/membres/:id/habilitations", s.handleHabilitationCreate, allow(autorite))
	auth.POST("/liens", s.handleLienCreate, allow(centre, jury))

	auth.POST("/sessions", s.handleSessionCreate, allow(centre))
	auth.GET("/sessions", s.handleSessionList, allow(admin, autorite, centre, jury))
	auth.GET("/sessions/:id", s.handleSessionGet, allow(admin, autorite, centre, jury))
	auth.POST("/sessions/:id/declaration", s.handleSessionDeclare, allow(centre))
	auth.POST("/sessions/:id/tenue", s.handleSessionHold, allow(centre))
	auth.POST("/sessions/:id/annulation", s.handleSessionCancel, allow(centre, autorite))
	auth.POST("/sessions/:id/signature", s.handleSessionSign, allow(jury))
	auth.POST("/sessions/:id/validation", s.handleSessionValidate, allow(autorite))
	auth.GET("/sessions/:id/evenements", s.handleSessionEvents, allow(admin, autorite))
	auth.GET("/sessions/:id/inscriptions", s.handleInscriptionList, allow(admin, autorite, centre, jury))
	auth.POST("/sessions/:id/inscriptions", s.handleInscriptionCreate, allow(centre))
	auth.PUT("/sessions/:id/inscriptions/:iid/presence", s.handlePresenceRecord, allow(jury))
	auth.PUT("/sessions/:id/inscriptions/:iid/evaluations/:ccp", s.handleResultatRecord, allow(jury))
	auth.POST("/sessions/:id/inscriptions/:iid/evaluations/:ccp/correction", s.handleResultatCorrect, allow(autorite))

	auth.GET("/sessions/:id/pv-brouillon.pdf", s.handlePVDraft, allow(autorite, centre, jury))
	auth.GET("/sessions/:id/inscriptions/:iid/livret-apercu.pdf", s.handleLivretPreview, allow(autorite, centre, jury))
	auth.POST("/sessions/:id/documents", s.handleDocumentsIssue, allow(autorite))
	auth.POST("/sessions/:id/inscriptions/:iid/documents", s.handleDocumentIssue, allow(autorite))
	auth.GET("/sessions/:id/documents.zip", s.handleDocumentsZip, allow(admin, autorite, centre))
	auth.GET("/documents", s.handleDocumentList, allow(admin, autorite, centre, candidat))
	auth.GET("/documents/:fichier", s.handleDocumentGet, allow(admin, autorite, centre, candidat))
	auth.POST("/documents/:fichier/revocation", s.handleDocumentRevoke, allow(autorite))
}
