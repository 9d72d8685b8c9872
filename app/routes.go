package app

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

const (
	admin    = certification.RoleAdmin
	autorite = certification.RoleAutorite
	centre   = certification.RoleCentre
	jury     = certification.RoleJury
	candidat = certification.RoleCandidat
)

// Roles that recur in the table.
var (
	tous      = []certification.Role{admin, autorite, centre, jury, candidat}
	personnel = []certification.Role{admin, autorite}
)

func roles(rs ...certification.Role) []certification.Role { return rs }

// codesSaisie are the codes a refused candidat's dossier answers: the rule
// broken, or candidat_invalide for malformed input (certification.codeSaisie).
var codesSaisie = []string{"candidat_invalide", "centre_non_agree", "ecf_vae", "titre_sans_ccs"}

// codesFinHabilitation are the codes the service answers a change of an
// habilitation's end with, called through a function value the catalogue
// does not follow.
var codesFinHabilitation = []string{"acces_refuse", "habilitation_invalide", "introuvable", "motif_requis", "version_perimee"}

// codesPeriode are the codes of an export, whose service call the
// catalogue does not follow (a function value).
var codesPeriode = []string{"periode_invalide", "acces_refuse"}

// ifMatchMode says whether a write reads the version the client last saw.
type ifMatchMode int

const (
	sansIfMatch ifMatchMode = iota
	ifMatchRequis
	ifMatchFacultatif // without it, only a first write is accepted
	// ifMatchFin reads an habilitation's end date as the client last saw
	// it: an habilitation has no version, its end is what two people race
	// to change.
	ifMatchFin
)

// queryParam is one documented query parameter; kind is its JSON Schema
// type and, for strings, format names a format or enum lists the values.
type queryParam struct {
	name, kind, format, doc string
	enum                    []string
	min, max                int
}

// route is one operation of the API, declared once: it registers the Echo
// route, its role check and its OpenAPI operation, so they cannot disagree.
type route struct {
	method, path string
	handler      func(*Server, echo.Context) error
	// roles admitted; empty only when public is set.
	roles  []certification.Role
	public bool
	tag    string
	// summary is one line; description says what a client must know.
	summary, description string
	request              any // zero value of the JSON body type, or nil
	response             any // zero value of the 2xx JSON body type, or nil
	status               int
	binary               string // content type of a non-JSON 2xx answer
	multipart            bool   // the body is a file in a multipart/form-data field « fichier »
	query                []queryParam
	ifMatch              ifMatchMode
	etag                 bool // the 2xx answer carries an ETag
	// errors lists codes the route answers beyond those its code paths
	// show (see erreurs_catalogue.go, generated from the sources).
	errors []string
	// repete documents the 200 answer of a creation repeated when there is
	// nothing left to create.
	repete string
}

// key is "METHOD /path" as Echo lists it.
func (r route) key() string { return r.method + " " + r.path }

// handlerName is the name of the handler method, the key of the generated
// list of codes it can answer.
func (r route) handlerName() string {
	n := runtime.FuncForPC(reflect.ValueOf(r.handler).Pointer()).Name()
	n = strings.TrimSuffix(n, "-fm")
	return n[strings.LastIndex(n, ".")+1:]
}

const (
	tagSante        = "Santé"
	tagAuth         = "Authentification et comptes"
	tagReferentiel  = "Référentiel"
	tagCentres      = "Centres"
	tagCandidats    = "Candidats"
	tagJury         = "Jury"
	tagSessions     = "Sessions"
	tagInscriptions = "Inscriptions et résultats"
	tagDocuments    = "Documents"
	tagRecours      = "Recours"
	tagJournal      = "Journal"
	tagExports      = "Exports et statistiques"
	tagDoc          = "Documentation"
)

// tags orders and describes the groups of the reference.
var tags = []struct{ name, doc string }{
	{tagSante, "État du processus et de la base, pour la supervision."},
	{tagAuth, "Connexion par identifiant et mot de passe ; le jeton obtenu s'envoie dans « Authorization: Bearer … »."},
	{tagReferentiel, "Titres professionnels, versions, CCP, CCS et compétences ; leur administration (création, révision, clôture, import et export) est réservée à l'administrateur."},
	{tagCentres, "Centres agréés et leurs agréments."},
	{tagCandidats, "Dossiers des candidats d'un centre, leur parcours et leurs résultats."},
	{tagJury, "Membres de jury, habilitations et liens déclarés avec des candidats."},
	{tagSessions, "Sessions d'examen : planification, déclaration, tenue, signature du PV, validation."},
	{tagInscriptions, "Candidats inscrits à une session, présence, entretien final et décisions par CCP."},
	{tagDocuments, "PV, parchemins et livrets délivrés, leur vérification publique et leur révocation."},
	{tagRecours, "Recours gracieux ou hiérarchique d'un candidat contre un résultat validé : dépôt avec pièces jointes, instruction par l'autorité, nouvelle délibération signée par le jury."},
	{tagExports, "Sessions et résultats d'une période en CSV (UTF-8 avec BOM, « ; ») ou XLSX, dont l'export au format de la saisie CERES ; statistiques de résultats. Un centre lit les siens, l'autorité ceux des centres de son territoire, l'administrateur tous."},
	{tagJournal, "Journal d'audit : chaque écriture, son auteur, l'état avant et après."},
	{tagDoc, "Ce document et sa lecture humaine."},
}

var (
	qLimite = queryParam{name: "limite", kind: "integer", min: 1, max: 200, doc: "Taille de la page (50 par défaut)."}
	qApres  = queryParam{name: "apres", kind: "string", format: "uuid", doc: "Curseur : la valeur « suivant » de la page précédente."}
	// binaryExport are the formats of an export.
	binaryExport = "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// qPeriode selects the sessions of an export or of the statistics.
	qPeriode = []queryParam{
		{name: "debut", kind: "string", format: "date", doc: "Premier jour de la période (AAAA-MM-JJ), requis."},
		{name: "fin", kind: "string", format: "date", doc: "Dernier jour de la période (AAAA-MM-JJ), requis ; au plus cinq ans après le début."},
		{name: "centre_id", kind: "string", format: "uuid", doc: "Seulement ce centre (administrateur et autorité)."},
		{name: "session_id", kind: "string", format: "uuid", doc: "Seulement cette session."}}
	qExport = append(slices.Clone(qPeriode),
		queryParam{name: "format", kind: "string", enum: []string{"csv", "xlsx"}, doc: "csv (par défaut : UTF-8 avec BOM, « ; ») ou xlsx."})
)

// routeTable is the whole API. Every route but the public ones names the
// roles it admits; the service then enforces ownership (a centre its own
// candidats, a jury member its own sessions). It is filled in init: the
// handlers that publish the table (the OpenAPI document, the error page)
// refer to it themselves.
var routeTable []route

func init() { routeTable = routeList() }

func routeList() []route {
	return []route{
		{method: "GET", path: "/healthz", handler: (*Server).handleHealthz, public: true, tag: tagSante,
			summary: "Le processus répond.", description: "Ne consulte pas la base : sert à savoir si le processus tourne.",
			response: statusResponse{}, status: 200},
		{method: "GET", path: "/readyz", handler: (*Server).handleReadyz, public: true, tag: tagSante,
			summary: "La base de données répond.", description: "503 tant que la base ne répond pas : le service ne doit pas recevoir de trafic.",
			response: statusResponse{}, status: 200},
		{method: "GET", path: "/verification/:code", handler: (*Server).handleVerification, public: true, tag: tagDocuments,
			summary: "Vérification publique d'un document délivré.",
			description: "Le code figure sur le document et dans son QR code. Seules les initiales du titulaire sont montrées ; pour son nom complet, " +
				"POST sur la même adresse avec son nom et sa date de naissance. Un document révoqué dit la catégorie de sa révocation, jamais le motif. " +
				"Le nom et la date de naissance ne sont pas admis dans l'adresse (400 identite_dans_adresse) : elle est journalisée. " +
				"Avec « Accept: text/html », une page lisible. Limité à 60 requêtes par minute et par adresse.",
			response: verificationResponse{}, status: 200, binary: "text/html"},
		{method: "POST", path: "/verification/:code", handler: (*Server).handleVerificationIdentite, public: true, tag: tagDocuments,
			summary: "Confirme l'identité du titulaire d'un document et donne son nom complet.",
			description: "Avec le nom de naissance et la date de naissance exacts du titulaire, la réponse donne son nom complet ; sinon 422 identite_non_concordante. " +
				"Les vérifications manquées sont limitées par code : 5, puis une de plus toutes les 4 h 48 (au plus 5 par jour) ; au-delà, 429 " +
				"verifications_identite_epuisees avec Retry-After, même pour la bonne identité, le statut restant consultable par GET. " +
				"Un formulaire (application/x-www-form-urlencoded) reçoit la page de vérification.",
			request: titulaireRequest{}, response: verificationResponse{}, status: 200},

		{method: "POST", path: "/api/v1/auth/connexion", handler: (*Server).handleConnexion, public: true, tag: tagAuth,
			summary: "Connexion : renvoie un jeton d'accès.",
			description: "Le jeton vaut 8 heures. Les tentatives sont limitées par adresse et par identifiant (429 avec Retry-After). " +
				"Un compte équipé de la validation en deux étapes envoie aussi code_totp (le code de son application, ou un code de secours) : sans lui, 401 code_totp_requis ; " +
				"faux ou déjà utilisé, 401 code_totp_invalide, compté comme un échec de connexion.",
			request: connexionRequest{}, response: connexionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/auth/mot-de-passe-oublie", handler: (*Server).handleMotDePasseOublie, public: true, tag: tagAuth,
			summary: "Demande la réinitialisation du mot de passe des comptes d'une adresse électronique.",
			description: "Répond 202 et le même corps, que l'adresse soit connue ou non : la requête ne fait qu'inscrire une tâche, qui cherche ensuite les comptes actifs " +
				"de l'adresse et envoie à chacun un lien à usage unique valable une heure. La demande est au journal du compte, jamais dans la réponse.",
			request: motDePasseOublieRequest{}, response: demandeResponse{}, status: 202},
		{method: "POST", path: "/api/v1/auth/reinitialisation", handler: (*Server).handleReinitialisation, public: true, tag: tagAuth,
			summary: "Choisit un nouveau mot de passe par un lien de réinitialisation, et connecte.",
			description: "Le lien sert une fois ; tous les jetons du compte sont révoqués. Un lien utilisé, remplacé ou expiré répond 404 (lien_compte_invalide). " +
				"Un compte équipé de la validation en deux étapes reçoit 401 code_totp_requis : le mot de passe est changé, il se connecte ensuite avec son code.",
			request: lienCompteRequest{}, response: connexionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/auth/invitation", handler: (*Server).handleInvitationAcceptee, public: true, tag: tagAuth,
			summary:     "Choisit son premier mot de passe par un lien d'invitation, et connecte.",
			description: "Le lien sert une fois et active le compte. Un lien utilisé, remplacé ou expiré répond 404 (lien_compte_invalide).",
			request:     lienCompteRequest{}, response: connexionResponse{}, status: 200},
		{method: "GET", path: "/api/v1/openapi.json", handler: (*Server).handleOpenAPI, public: true, tag: tagDoc,
			summary: "Ce document (OpenAPI 3.1).", description: "Lisible par un humain à /api/docs ; catalogue des erreurs à /api/docs/erreurs.",
			status: 200, binary: "application/json"},
		{method: "GET", path: "/api/docs", handler: (*Server).handleAPIDocs, public: true, tag: tagDoc,
			summary: "La référence de l'API, en HTML.", description: "Servie par le binaire lui-même, sans rien charger d'un autre site.",
			status: 200, binary: "text/html"},
		{method: "GET", path: "/api/docs/erreurs", handler: (*Server).handleAPIErreurs, public: true, tag: tagDoc,
			summary: "Le catalogue des erreurs, en HTML.", description: "Chaque code stable, son statut HTTP et ses messages.",
			status: 200, binary: "text/html"},
		{method: "GET", path: "/api/docs/vendor/:paquet/:fichier", handler: (*Server).handleAPIVendor, public: true, tag: tagDoc,
			summary: "Fichiers statiques de la référence.", description: "Immuables : leur chemin porte leur version.",
			status: 200, binary: "text/javascript"},

		{method: "POST", path: "/api/v1/auth/deconnexion", handler: (*Server).handleDeconnexion, roles: tous, tag: tagAuth,
			summary: "Révoque le jeton utilisé.", description: "Le jeton cesse aussitôt d'être accepté.", status: 204},
		{method: "GET", path: "/api/v1/moi", handler: (*Server).handleMoi, roles: tous, tag: tagAuth,
			summary: "Le compte connecté.", description: "Son identifiant de compte sert, pour un membre de jury, à le relier à sa fiche (utilisateur_id).",
			response: moiResponse{}, status: 200},
		{method: "POST", path: "/api/v1/utilisateurs", handler: (*Server).handleUtilisateurCreate, roles: roles(admin, centre), tag: tagAuth,
			summary: "Crée un compte.",
			description: "Réservé à l'administrateur. Un centre reçoit 403 (compte_par_activation) : il ne choisit jamais le mot de passe d'un candidat, " +
				"il ouvre son compte par POST /api/v1/candidats/{id}/compte et lui remet le lien d'activation. Un compte de l'autorité a un territoire, et lui seul.",
			request: utilisateurRequest{}, response: moiResponse{}, status: 201},
		{method: "PUT", path: "/api/v1/moi/mot-de-passe", handler: (*Server).handleMotDePasse, roles: tous, tag: tagAuth,
			summary: "Change le mot de passe du compte connecté.",
			description: "Le mot de passe actuel est exigé (422 mot_de_passe_actuel_incorrect). Les autres jetons du compte sont révoqués, ses autres sessions " +
				"comme ses jetons d'API ; le jeton de la requête reste valable. Le changement est au journal.",
			request: motDePasseRequest{}, status: 204},
		{method: "POST", path: "/api/v1/invitations", handler: (*Server).handleInvitation, roles: roles(admin), tag: tagAuth,
			summary: "Crée un compte sans mot de passe et invite son titulaire par courriel.",
			description: "Le compte est créé inactif ; un lien à usage unique, valable 7 jours, part à l'adresse email : le titulaire y choisit son mot de passe. " +
				"Les autres champs comme pour POST /api/v1/utilisateurs.",
			request: invitationRequest{}, response: invitationResponse{}, status: 201},
		{method: "GET", path: "/api/v1/utilisateurs", handler: (*Server).handleUtilisateurList, roles: roles(admin), tag: tagAuth,
			summary: "Les comptes, avec le territoire de ceux de l'autorité.", description: "Par identifiant. role ne garde que les comptes de ce rôle.",
			response: utilisateurListResponse{}, status: 200,
			query: []queryParam{{name: "role", kind: "string", enum: []string{"admin", "autorite", "centre", "jury", "candidat"}, doc: "Seulement les comptes de ce rôle."}}},
		{method: "PUT", path: "/api/v1/utilisateurs/:id/territoire", handler: (*Server).handleTerritoireUpdate, roles: roles(admin), tag: tagAuth,
			summary: "Fixe le territoire d'un compte de l'autorité.",
			description: "L'autorité au nom de laquelle le compte agit et signe, et sa région (DREETS) ou ses départements (DDETS) : le compte n'agit que sur les sessions, " +
				"candidats et documents des centres de ce territoire, dès sa requête suivante. Un compte d'un autre rôle répond 409 (compte_non_autorite). Le changement est au journal, avec le territoire d'avant.",
			request: territoireRequest{}, response: utilisateurResponse{}, status: 200},
		{method: "PUT", path: "/api/v1/utilisateurs/:id/email", handler: (*Server).handleEmailUpdate, roles: roles(admin), tag: tagAuth,
			summary: "Fixe l'adresse électronique d'un compte.",
			description: "L'adresse où partent l'invitation, les liens de réinitialisation et les rappels du compte, de la forme nom@domaine.fr (422 email_invalide sinon). " +
				"Le changement est au journal, avec l'adresse d'avant ; la même adresse redonnée ne change rien.",
			request: emailRequest{}, response: utilisateurResponse{}, status: 200},
		{method: "POST", path: "/api/v1/moi/totp", handler: (*Server).handleTOTPCommencer, roles: roles(admin, autorite), tag: tagAuth,
			summary: "Commence la validation en deux étapes du compte connecté : son secret et son QR code.",
			description: "Un code à usage unique (TOTP, RFC 6238 : SHA-1, 6 chiffres, 30 secondes) pour les comptes de l'administrateur et de l'autorité. " +
				"Le secret, l'adresse otpauth:// et son QR code (PNG en base64) sont renvoyés tant que l'activation n'est pas confirmée ; redemandé, le même secret revient. " +
				"Un compte déjà équipé répond 409 (totp_deja_actif).",
			response: totpEnrolementResponse{}, status: 200},
		{method: "POST", path: "/api/v1/moi/totp/activation", handler: (*Server).handleTOTPActivation, roles: roles(admin, autorite), tag: tagAuth,
			summary: "Active la validation en deux étapes avec un premier code, et donne les codes de secours.",
			description: "Les 10 codes de secours ne sont donnés que dans cette réponse (seule leur empreinte est gardée) ; chacun remplace une fois le code de l'application. " +
				"Dès lors, la connexion exige code_totp. Un code faux répond 422 (code_activation_invalide). L'activation est au journal.",
			request: totpActivationRequest{}, response: totpActivationResponse{}, status: 200},
		{method: "POST", path: "/api/v1/utilisateurs/:id/totp/reinitialisation", handler: (*Server).handleTOTPReinitialisation, roles: roles(admin), tag: tagAuth,
			summary: "Réinitialise la validation en deux étapes d'un autre compte.",
			description: "Pour un utilisateur qui a perdu son appareil et ses codes de secours : son secret et ses codes sont effacés, il se connecte avec son mot de passe " +
				"puis s'équipe de nouveau. Le motif est au journal. Un administrateur ne réinitialise pas la sienne (409 reinitialisation_de_soi) ; " +
				"un compte sans validation en deux étapes répond 409 (totp_inactif).",
			request: motifRequest{}, status: 204},
		{method: "POST", path: "/api/v1/utilisateurs/:id/desactivation", handler: (*Server).handleCompteDesactivation, roles: roles(admin), tag: tagAuth,
			summary: "Désactive un compte, avec effet immédiat.",
			description: "Le compte ne peut plus se connecter et tous ses jetons sont révoqués dans la même transaction : sa session ouverte dans un navigateur " +
				"comme ses jetons d'API sont refusés dès leur requête suivante. Le motif est au journal. Un administrateur ne désactive pas son propre compte (409 desactivation_de_soi) ; " +
				"un compte déjà inactif répond 409 (compte_inactif).",
			request: motifRequest{}, response: utilisateurResponse{}, status: 200},
		{method: "POST", path: "/api/v1/utilisateurs/:id/reactivation", handler: (*Server).handleCompteReactivation, roles: roles(admin), tag: tagAuth,
			summary: "Réactive un compte désactivé.",
			description: "Le compte se connecte de nouveau avec son mot de passe ; les jetons révoqués à la désactivation le restent. Le motif est au journal. " +
				"Un compte actif répond 409 (compte_actif) ; le compte d'un candidat qui ne l'a jamais activé répond 409 (compte_jamais_active) : seul son lien d'activation l'ouvre.",
			request: motifRequest{}, response: utilisateurResponse{}, status: 200},

		{method: "GET", path: "/api/v1/titres", handler: (*Server).handleTitreList, roles: tous, tag: tagReferentiel,
			summary: "Le référentiel : titres, versions, CCP, compétences.", description: "Tel que l'arrêté de chaque version le définit.",
			response: titreListResponse{}, status: 200},
		{method: "GET", path: "/api/v1/titres/:code", handler: (*Server).handleTitreGet, roles: tous, tag: tagReferentiel,
			summary: "Un titre et ses versions.", description: "Le code est celui du titre, par exemple TP-00403. L'ETag est la version du titre, l'If-Match de sa prochaine modification.",
			response: titreResponse{}, status: 200, etag: true},
		{method: "POST", path: "/api/v1/titres", handler: (*Server).handleTitreCreate, roles: roles(admin), tag: tagReferentiel,
			summary: "Crée un titre, avec ses versions, CCP, CCS et correspondances.",
			description: "Le corps est un titre au format du référentiel (fixtures/referentiel.json) ; versions peut être vide. Tout le titre est vérifié : codes uniques, " +
				"périodes de validité qui se suivent, correspondances vers des CCP existants d'une version antérieure. Chaque erreur nomme son champ (422 referentiel_invalide) ; un code déjà pris répond 409.",
			request: titreFichier{}, response: titreResponse{}, status: 201, etag: true},
		{method: "POST", path: "/api/v1/titres/import", handler: (*Server).handleTitreImport, roles: roles(admin), tag: tagReferentiel,
			summary: "Importe un titre exporté (fichier du référentiel, un titre).",
			description: "Le fichier que GET /api/v1/titres/{code}/export produit, éventuellement sous un autre code. Mêmes vérifications que la création ; " +
				"les champs en erreur sont nommés par leur chemin dans le fichier (titres[0].versions[1].blocs[0].correspond[0]).",
			request: referentielFichier{}, response: titreResponse{}, status: 201, etag: true},
		{method: "GET", path: "/api/v1/titres/:code/export", handler: (*Server).handleTitreExport, roles: personnel, tag: tagReferentiel,
			summary: "Exporte un titre au format du référentiel.", description: "Un fichier au format de fixtures/referentiel.json, avec ce seul titre : il se réimporte tel quel.",
			response: referentielFichier{}, status: 200, etag: true},
		{method: "POST", path: "/api/v1/titres/:code/versions", handler: (*Server).handleVersionCreate, roles: roles(admin), tag: tagReferentiel,
			summary:     "Donne sa première version à un titre créé sans version.",
			description: "Les versions suivantes viennent par révision (409 titre_deja_versionne). If-Match porte l'ETag du titre.",
			request:     versionFichier{}, response: titreResponse{}, status: 201, ifMatch: ifMatchRequis, etag: true},
		{method: "PUT", path: "/api/v1/titres/:code/versions/:version", handler: (*Server).handleVersionReplace, roles: roles(admin), tag: tagReferentiel,
			summary: "Corrige une version qui n'a pas encore servi.",
			description: "Texte, dates, CCP, CCS et compétences. Une version dont une session ou un dossier de candidat s'est servi ne change plus (409 version_utilisee) : " +
				"elle se révise ou se clôture. Le code de la version ne change pas. If-Match porte l'ETag du titre.",
			request: versionFichier{}, response: titreResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/titres/:code/versions/:version/revision", handler: (*Server).handleVersionRevise, roles: roles(admin), tag: tagReferentiel,
			summary: "Révise la version en cours : une nouvelle version la remplace à sa date de début.",
			description: "Le corps est la nouvelle version ; la validité de l'ancienne s'arrête la veille de son début et son devenir devient revise. " +
				"Chaque CCP de la nouvelle version nomme dans correspond les CCP d'une version antérieure qu'il reprend (VERSION/CCP ; plusieurs pour un seul si l'arrêté le dit) : " +
				"un candidat qui les détient détient le nouveau. Refusée si des sessions de l'ancienne version finissent après (409). If-Match porte l'ETag du titre.",
			request: versionFichier{}, response: titreResponse{}, status: 201, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/titres/:code/versions/:version/cloture", handler: (*Server).handleVersionClose, roles: roles(admin), tag: tagReferentiel,
			summary: "Clôture le titre : sa version en cours cesse d'être valide à la date donnée.",
			description: "Un candidat qui détient des CCP dispose alors du délai de clôture (paramètre cloture_delai_mois, un an : arrêté du 22 décembre 2015, art. 3) " +
				"pour obtenir le titre. If-Match porte l'ETag du titre.",
			request: clotureRequest{}, response: titreResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "GET", path: "/api/v1/titres/:code/evenements", handler: (*Server).handleTitreEvents, roles: roles(admin), tag: tagJournal,
			summary: "Le journal d'un titre.", description: "Chaque modification du titre, de ses versions et de ses blocs, avec le titre avant et après.",
			response: evenementListResponse{}, status: 200},

		{method: "POST", path: "/api/v1/centres", handler: (*Server).handleCentreCreate, roles: roles(admin), tag: tagCentres,
			summary: "Enregistre un centre agréé.", description: "Le SIRET est vérifié (clé de Luhn) et unique.",
			request: centreRequest{}, response: centreResponse{}, status: 201},
		{method: "GET", path: "/api/v1/centres", handler: (*Server).handleCentreList, roles: personnel, tag: tagCentres,
			summary: "Les centres.", description: "Tous les centres et leurs agréments.",
			response: centreListResponse{}, status: 200},
		{method: "GET", path: "/api/v1/centres/:id", handler: (*Server).handleCentreGet, roles: roles(admin, autorite, centre), tag: tagCentres,
			summary: "Un centre.", description: "Un centre ne voit que lui-même : un autre centre répond 404. L'ETag est la version du centre, l'If-Match de sa modification.",
			response: centreResponse{}, status: 200, etag: true},
		{method: "PUT", path: "/api/v1/centres/:id", handler: (*Server).handleCentreUpdate, roles: roles(admin), tag: tagCentres,
			summary: "Modifie un centre et remplace ses agréments.",
			description: "Mêmes vérifications que l'enregistrement (SIRET, région et département) ; la liste des agréments remplace l'ancienne. " +
				"If-Match porte l'ETag du centre lu. La modification est au journal, avec le centre avant et après.",
			request: centreRequest{}, response: centreResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},

		{method: "POST", path: "/api/v1/candidats", handler: (*Server).handleCandidatCreate, roles: roles(centre), tag: tagCandidats,
			summary: "Inscrit un candidat du centre.",
			description: "Le parcours décide des pièces exigées : formation (dates de formation, ECF), vae (recevabilité), capitalisation, ccs. " +
				"Répond avec l'ETag de la version créée et l'adresse du dossier (Location). Une règle enfreinte répond 422 avec son code (ecf_vae, centre_non_agree…), une saisie mal formée candidat_invalide.",
			request: candidatRequest{}, response: candidatResponse{}, status: 201, etag: true, errors: codesSaisie},
		{method: "GET", path: "/api/v1/candidats", handler: (*Server).handleCandidatList, roles: roles(admin, autorite, centre), tag: tagCandidats,
			summary:     "Les candidats visibles, par pages.",
			description: "Dans l'ordre d'enregistrement. Pour la page suivante, reprendre la requête avec « apres » égal au « suivant » reçu ; absent sur la dernière page.",
			response:    candidatListResponse{}, status: 200,
			query: []queryParam{{name: "parcours", kind: "string", enum: []string{"formation", "vae", "capitalisation", "ccs"}, doc: "Seulement ce parcours."},
				{name: "nom", kind: "string", doc: "Début du nom de naissance ou d'usage, sans tenir compte de la casse ni des accents (« lefe » trouve Lefèvre, « oeuvre » Œuvre)."},
				{name: "centre_id", kind: "string", format: "uuid", doc: "Seulement ce centre (administrateur et autorité)."},
				{name: "archives", kind: "boolean", doc: "true : inclut les candidats archivés."}, qApres, qLimite}},
		{method: "GET", path: "/api/v1/candidats/import/modele.csv", handler: (*Server).handleImportModele, roles: roles(centre), tag: tagCandidats,
			summary: "Le modèle de fichier d'import, en CSV.", description: "UTF-8 avec BOM et « ; », qu'Excel en français ouvre tel quel : la ligne des colonnes, " +
				"qui sont les champs de POST /api/v1/candidats (formation_debut pour formation.debut…). Les ECF et les CCP déjà obtenus se saisissent ensuite dans le dossier.",
			status: 200, binary: "text/csv"},
		{method: "GET", path: "/api/v1/candidats/import/modele.xlsx", handler: (*Server).handleImportModele, roles: roles(centre), tag: tagCandidats,
			summary: "Le modèle de fichier d'import, en XLSX.", description: "Les mêmes colonnes, et une feuille qui décrit chacune.",
			status: 200, binary: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{method: "POST", path: "/api/v1/candidats/import/essai", handler: (*Server).handleImportEssai, roles: roles(centre), tag: tagCandidats,
			summary: "Essaie l'import d'un fichier de candidats : rien n'est écrit.",
			description: "Le fichier (CSV en UTF-8 ou Windows-1252, « ; » ou « , », ou XLSX ; 5 Mio au plus) vient dans le champ « fichier » d'un formulaire multipart/form-data. " +
				"Chaque ligne passe par les vérifications de POST /api/v1/candidats ; le rapport donne pour chacune ce que l'import ferait (a_creer, a_mettre_a_jour, deja_present) " +
				"ou ses erreurs, avec ligne, colonne et message. Un candidat déjà inscrit par le centre, ou deux fois dans le fichier, est reconnu à son nom de naissance, ses prénoms et sa date de naissance, " +
				"sans tenir compte de la casse ni des accents. Le fichier est gardé 30 minutes sous son empreinte SHA-256 pour la confirmation. " +
				"Un fichier vide, binaire, trop gros, aux colonnes différentes du modèle ou qui contient une formule est refusé en entier.",
			multipart: true, response: importRapportResponse{}, status: 200, errors: []string{"fichier_trop_volumineux"}},
		{method: "POST", path: "/api/v1/candidats/import/confirmation", handler: (*Server).handleImportConfirmation, roles: roles(centre), tag: tagCandidats,
			summary: "Confirme l'import d'un fichier essayé : toutes les lignes en une transaction.",
			description: "Le fichier de l'essai, nommé par son empreinte, est relu et revérifié. Mode valides : les lignes valides sont importées, les autres laissées ; " +
				"mode tout_ou_rien : une seule ligne en erreur et rien n'est importé (422 import_refuse, chaque erreur nommée ligne[n].champ). " +
				"Un candidat déjà inscrit est laissé (deja_present), ou mis à jour avec mettre_a_jour (comme par PUT, au journal ; ses ECF et CCP déjà obtenus demeurent). " +
				"Un fichier plus gardé répond 409 import_expire.",
			request: importConfirmationRequest{}, response: importRapportResponse{}, status: 200, errors: codesSaisie},
		{method: "GET", path: "/api/v1/candidats/:id", handler: (*Server).handleCandidatGet, roles: roles(admin, autorite, centre, candidat), tag: tagCandidats,
			summary: "Un candidat.", description: "L'ETag est la version du dossier : à renvoyer dans If-Match pour le modifier. Le corps se renvoie tel quel en PUT.",
			response: candidatResponse{}, status: 200, etag: true},
		{method: "PUT", path: "/api/v1/candidats/:id", handler: (*Server).handleCandidatUpdate, roles: roles(centre), tag: tagCandidats,
			summary: "Remplace le dossier d'un candidat.",
			description: "Le corps lu par GET est accepté tel quel : les champs en lecture seule (id, centre_id, version, dates) sont ignorés. " +
				"If-Match porte l'ETag lu ; une version périmée répond 412.",
			request: candidatRequest{}, response: candidatResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true, errors: codesSaisie},
		{method: "POST", path: "/api/v1/candidats/:id/archivage", handler: (*Server).handleCandidatArchive, roles: roles(centre), tag: tagCandidats,
			summary: "Archive un candidat.", description: "Un candidat archivé ne peut plus être inscrit ni modifié ; son historique demeure.",
			response: candidatResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/candidats/:id/rectification-identite", handler: (*Server).handleIdentiteRectify, roles: roles(autorite), tag: tagCandidats,
			summary: "Rectifie l'état civil d'un candidat, sur pièce justificative.",
			description: "Nom de naissance, prénoms, date et lieu de naissance ne se modifient plus par le centre une fois un résultat délibéré (409 identite_verrouillee). " +
				"L'autorité les rectifie avec un motif et la référence de la pièce ; les parchemins et livrets valides du candidat sont délivrés à nouveau, " +
				"ainsi que le PV de chaque session validée où il figure (PV rectificatif), les précédents remplacés. If-Match porte l'ETag du dossier.",
			request: identiteRequest{}, response: candidatResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "GET", path: "/api/v1/candidats/:id/parcours", handler: (*Server).handleParcoursGet, roles: roles(admin, autorite, centre, candidat), tag: tagCandidats,
			summary:     "Le parcours d'un candidat, ses résultats expliqués.",
			description: "Situation au regard du titre, prochaine étape, sessions passées avec les règles appliquées. Le candidat ne voit ses résultats qu'une fois le PV validé.",
			response:    dossierResponse{}, status: 200},
		{method: "POST", path: "/api/v1/candidats/:id/compte/invitation", handler: (*Server).handleInvitationCandidat, roles: roles(centre), tag: tagCandidats,
			summary: "Ouvre le compte d'un candidat du centre et lui envoie son lien par courriel.",
			description: "Comme POST /api/v1/candidats/{id}/compte, mais le lien part à l'adresse du candidat et le centre ne le voit jamais. " +
				"Redemandée avant l'activation, une nouvelle invitation remplace la précédente. Un candidat sans adresse valable répond 422 (candidat_sans_email).",
			response: invitationResponse{}, status: 202},
		{method: "POST", path: "/api/v1/candidats/:id/compte/desactivation", handler: (*Server).handleCompteCandidatDesactivation, roles: roles(centre), tag: tagCandidats,
			summary:     "Désactive le compte d'un candidat du centre, avec effet immédiat.",
			description: "Comme POST /api/v1/utilisateurs/{id}/desactivation : tous ses jetons sont révoqués dans la même transaction. Un candidat sans compte répond 404.",
			request:     motifRequest{}, response: utilisateurResponse{}, status: 200},
		{method: "POST", path: "/api/v1/candidats/:id/compte/reactivation", handler: (*Server).handleCompteCandidatReactivation, roles: roles(centre), tag: tagCandidats,
			summary:     "Réactive le compte désactivé d'un candidat du centre.",
			description: "Les jetons révoqués à la désactivation le restent : le candidat se reconnecte.",
			request:     motifRequest{}, response: utilisateurResponse{}, status: 200},
		{method: "POST", path: "/api/v1/candidats/:id/compte", handler: (*Server).handleCompteCandidat, roles: roles(centre), tag: tagCandidats,
			summary: "Ouvre le compte d'un candidat du centre : un lien d'activation à usage unique.",
			description: "Le compte est créé inactif, sans mot de passe ; le lien (valable 7 jours, affiché dans cette seule réponse) permet au candidat de choisir " +
				"le sien et de se connecter. Redemandé avant l'activation, un nouveau lien remplace le précédent ; un compte déjà activé répond 409.",
			response: compteCandidatResponse{}, status: 201},
		{method: "GET", path: "/api/v1/candidats/:id/evenements", handler: (*Server).handleCandidatEvents, roles: personnel, tag: tagJournal,
			summary: "Le journal d'un candidat.", description: "Chaque écriture qui le concerne, dans l'ordre.",
			response: evenementListResponse{}, status: 200},

		{method: "POST", path: "/api/v1/jury/membres", handler: (*Server).handleMembreCreate, roles: personnel, tag: tagJury,
			summary: "Enregistre un membre de jury.", description: "utilisateur_id relie la fiche au compte jury de la personne (son id lu par GET /api/v1/moi).",
			request: membreRequest{}, response: membreResponse{}, status: 201},
		{method: "GET", path: "/api/v1/jury/membres", handler: (*Server).handleMembreList, roles: roles(admin, autorite, centre), tag: tagJury,
			summary: "Les membres de jury et leurs habilitations.", description: "Pour composer le jury d'une session.",
			response: membreListResponse{}, status: 200},
		{method: "GET", path: "/api/v1/jury/comptes-liables", handler: (*Server).handleComptesJuryLiables, roles: roles(admin, autorite), tag: tagJury,
			summary: "Les comptes de membre de jury qu'aucune fiche n'utilise.", description: "Actifs, par identifiant : ceux qu'une fiche de membre peut relier.",
			response: utilisateurListResponse{}, status: 200},
		{method: "PUT", path: "/api/v1/jury/membres/:id/compte", handler: (*Server).handleMembreCompte, roles: roles(admin, autorite), tag: tagJury,
			summary: "Relie la fiche d'un membre de jury à son compte.",
			description: "Le compte doit avoir le rôle jury (422 compte_non_jury) et n'être relié à aucune autre fiche (409 compte_deja_lie) ; " +
				"une fiche déjà reliée répond 409 membre_deja_lie. Au journal.",
			request: compteMembreRequest{}, response: membreResponse{}, status: 200},
		{method: "POST", path: "/api/v1/jury/membres/:id/habilitations", handler: (*Server).handleHabilitationCreate, roles: roles(autorite), tag: tagJury,
			summary: "Habilite un membre pour un titre.", description: "Un membre ne siège que dans une session couverte entièrement par une habilitation au titre.",
			request: habilitationRequest{}, response: habilitationResponse{}, status: 201},
		{method: "POST", path: "/api/v1/jury/membres/:id/habilitations/:hid/prolongation", handler: (*Server).handleHabilitationProlong, roles: roles(autorite), tag: tagJury,
			summary: "Prolonge une habilitation.", description: "fin est la nouvelle fin, après l'actuelle ; motif est la référence de la décision de prolongation. " +
				"If-Match porte la fin lue ; la réponse la nouvelle, en ETag.",
			request: finHabilitationRequest{}, response: habilitationResponse{}, status: 200, ifMatch: ifMatchFin, etag: true,
			errors: codesFinHabilitation},
		{method: "POST", path: "/api/v1/jury/membres/:id/habilitations/:hid/fin", handler: (*Server).handleHabilitationEnd, roles: roles(autorite), tag: tagJury,
			summary: "Met fin à une habilitation avant son terme.", description: "fin est le dernier jour, pendant l'habilitation ; motif la raison. " +
				"Refusé (409 habilitation_utilisee) tant que le membre siège à une session non délibérée que l'habilitation ne couvrirait plus. " +
				"If-Match porte la fin lue ; la réponse la nouvelle, en ETag.",
			request: finHabilitationRequest{}, response: habilitationResponse{}, status: 200, ifMatch: ifMatchFin, etag: true,
			errors: append([]string{"habilitation_utilisee"}, codesFinHabilitation...)},
		{method: "POST", path: "/api/v1/liens", handler: (*Server).handleLienCreate, roles: roles(centre, jury), tag: tagJury,
			summary: "Déclare un lien entre un membre de jury et un candidat.", description: "Le membre ne pourra rien saisir pour ce candidat.",
			request: lienRequest{}, response: lienResponse{}, status: 201},

		{method: "POST", path: "/api/v1/sessions", handler: (*Server).handleSessionCreate, roles: roles(centre), tag: tagSessions,
			summary: "Planifie une session.", description: "Session titre (tous les CCP, ou ceux listés), ccp ou ccs ; le jury liste des ids de membres.",
			request: sessionRequest{}, response: sessionResponse{}, status: 201},
		{method: "GET", path: "/api/v1/sessions", handler: (*Server).handleSessionList, roles: roles(admin, autorite, centre, jury), tag: tagSessions,
			summary: "Les sessions visibles, filtrées, par pages.",
			description: "Un centre voit les siennes, un membre de jury celles où il siège, l'autorité celles des centres de son territoire, l'administrateur toutes. Dans l'ordre de création ; " +
				"pour la page suivante, reprendre la requête avec « apres » égal au « suivant » reçu. debut et fin retiennent les sessions qui recoupent cet intervalle.",
			response: sessionListResponse{}, status: 200,
			query: []queryParam{{name: "statut", kind: "string", enum: statutsSession, doc: "Seulement les sessions dans cet état."},
				{name: "type", kind: "string", enum: []string{"titre", "ccp", "ccs"}, doc: "Seulement ce type de session."},
				{name: "debut", kind: "string", format: "date", doc: "Sessions qui finissent ce jour ou après (AAAA-MM-JJ)."},
				{name: "fin", kind: "string", format: "date", doc: "Sessions qui commencent ce jour ou avant (AAAA-MM-JJ)."},
				{name: "centre_id", kind: "string", format: "uuid", doc: "Seulement ce centre (administrateur et autorité)."},
				{name: "a_delivrer", kind: "boolean", doc: "true : seulement les sessions validées dont un document dû (PV, parchemin ou livret) n'est pas délivré."},
				{name: "recherche", kind: "string", doc: "Seulement les sessions dont la référence ou le lieu contient ce texte, sans égard à la casse."}, qApres, qLimite}},
		{method: "GET", path: "/api/v1/sessions/:id", handler: (*Server).handleSessionGet, roles: roles(admin, autorite, centre, jury), tag: tagSessions,
			summary: "Une session.", description: "Une session hors de portée répond 404, comme un id inconnu.",
			response: sessionResponse{}, status: 200},
		{method: "PUT", path: "/api/v1/sessions/:id", handler: (*Server).handleSessionUpdate, roles: roles(centre), tag: tagSessions,
			summary: "Modifie les dates, l'heure, le lieu ou le responsable d'une session planifiée ou déclarée.",
			description: "If-Match porte la version lue. Une session déclarée dont les dates changent garde un jury habilité sur les nouvelles dates " +
				"(sinon 422 jury_non_habilite, qui nomme le membre) et ne peut être avancée à une date passée. Au journal, avant et après.",
			request: sessionModificationRequest{}, response: sessionResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/sessions/:id/jury/remplacement", handler: (*Server).handleJuryReplace, roles: roles(centre), tag: tagSessions,
			summary: "Remplace un membre du jury d'une session planifiée ou déclarée.",
			description: "If-Match porte la version de la session lue. Le nouveau membre doit être habilité pour le titre sur toute la session, et chaque candidat " +
				"inscrit garder le minimum de membres sans lien déclaré (sinon 422 jury_independant_insuffisant). Au journal, avant et après.",
			request: juryRemplacementRequest{}, response: sessionResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "PUT", path: "/api/v1/sessions/:id/ceres", handler: (*Server).handleCeresRecord, roles: roles(centre), tag: tagSessions,
			summary:     "Enregistre le numéro CERES de la session et la date de sa déclaration à la DREETS.",
			description: "If-Match porte la version de la session lue. Numéro de 4 à 20 lettres majuscules, chiffres, tirets ou barres obliques ; date non future. Au journal.",
			request:     ceresRequest{}, response: sessionResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "GET", path: "/api/v1/sessions/:id/convocations.pdf", handler: (*Server).handleConvocations, roles: roles(centre), tag: tagDocuments,
			summary:     "Les convocations de tous les candidats de la session, en un PDF.",
			description: "Documents du centre, établis à la demande, ni numérotés ni conservés. Une session annulée n'a plus de convocation (409 convocation_annulee).",
			status:      200, binary: "application/pdf"},
		{method: "GET", path: "/api/v1/sessions/:id/inscriptions/:iid/convocation.pdf", handler: (*Server).handleConvocation, roles: roles(centre, candidat), tag: tagDocuments,
			summary:     "La convocation d'un candidat.",
			description: "Pour le centre de la session ou le candidat lui-même. Un candidat retiré de la session n'a plus de convocation (404).",
			status:      200, binary: "application/pdf"},
		{method: "GET", path: "/api/v1/sessions/:id/emargement.pdf", handler: (*Server).handleEmargement, roles: roles(centre, jury), tag: tagDocuments,
			summary:     "La feuille d'émargement de la session.",
			description: "Une ligne par candidat et par épreuve, avec une case de signature. Document du centre, établi à la demande.",
			status:      200, binary: "application/pdf"},
		{method: "POST", path: "/api/v1/sessions/:id/declaration", handler: (*Server).handleSessionDeclare, roles: roles(centre), tag: tagSessions,
			summary: "Déclare la session au représentant territorial.", description: "Le jury doit compter le nombre minimal de membres, tous habilités sur toute la session.",
			response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/regularisation", handler: (*Server).handleSessionRegularise, roles: roles(autorite), tag: tagSessions,
			summary:     "Enregistre la déclaration tardive d'une session commencée, avec un motif.",
			description: "Une session se déclare avant son premier jour (sinon 422 declaration_tardive) ; après, seule l'autorité régularise la déclaration, motif au journal.",
			request:     motifRequest{}, response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/tenue", handler: (*Server).handleSessionHold, roles: roles(centre), tag: tagSessions,
			summary: "Ouvre les évaluations.", description: "Possible à partir du premier jour de la session ; les inscriptions sont alors closes.",
			response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/annulation", handler: (*Server).handleSessionCancel, roles: roles(centre, autorite), tag: tagSessions,
			summary: "Annule la session, avec un motif.", description: "Avant la délibération seulement.",
			request: motifRequest{}, response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/signature", handler: (*Server).handleSessionSign, roles: roles(jury), tag: tagSessions,
			summary: "Signe le PV ; la dernière signature délibère.", description: "Chaque membre du jury signe ; toutes les décisions doivent être saisies.",
			response: sessionResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/validation", handler: (*Server).handleSessionValidate, roles: roles(autorite), tag: tagSessions,
			summary: "Valide le PV : les résultats sont publiés.", description: "Les candidats voient alors leurs résultats ; les documents peuvent être délivrés.",
			response: sessionResponse{}, status: 200},
		{method: "GET", path: "/api/v1/exports/resultats", handler: (*Server).handleExportResultats, roles: roles(admin, autorite, centre), tag: tagExports,
			summary: "Les résultats d'une période, au format de la saisie CERES.",
			description: "Une ligne par candidat et par CCP des sessions non annulées qui recoupent la période : session, dates, identité, parcours, CCP, présence, " +
				"décision et sa date, résultat. Les candidats retirés n'y figurent pas. Colonnes décrites dans le README. Le fichier est écrit au fil de la lecture. " +
				"Une cellule qui commencerait par =, +, -, @, une tabulation ou un retour chariot est précédée d'une apostrophe.",
			status: 200, binary: binaryExport, query: qExport, errors: codesPeriode},
		{method: "GET", path: "/api/v1/exports/sessions", handler: (*Server).handleExportSessions, roles: roles(admin, autorite, centre), tag: tagExports,
			summary:     "Les sessions d'une période, avec leurs effectifs.",
			description: "Une ligne par session non annulée qui recoupe la période : référence, type, statut, dates, lieu, titre, centre, inscrits et résultats une fois délibérés.",
			status:      200, binary: binaryExport, query: qExport, errors: codesPeriode},
		{method: "GET", path: "/api/v1/statistiques", handler: (*Server).handleStatistiques, roles: roles(admin, autorite, centre), tag: tagExports,
			summary: "Statistiques de résultats d'une période.",
			description: "Sur les candidats délibérés des sessions qui recoupent la période : candidats, présentés, taux de titres, de réussites partielles, d'échecs " +
				"et d'absents (parts des candidats, entre 0 et 1), par centre, par parcours, par session (les " + strconv.Itoa(certification.MaxSessionsStatistiques) +
				" plus récentes) et au total ; taux de réussite de chaque CCP. La période couvre au plus cinq ans.",
			response: statistiquesResponse{}, status: 200, query: qPeriode},
		{method: "GET", path: "/api/v1/statistiques/export", handler: (*Server).handleStatistiquesExport, roles: roles(admin, autorite, centre), tag: tagExports,
			summary: "Les mêmes statistiques, en fichier.", description: "Une ligne par regroupement (ensemble, centre, parcours, session), puis une par CCP.",
			status: 200, binary: binaryExport, query: qExport},
		{method: "GET", path: "/api/v1/sessions/:id/evenements", handler: (*Server).handleSessionEvents, roles: personnel, tag: tagJournal,
			summary: "Le journal d'une session.", description: "Chaque écriture qui la concerne, dans l'ordre.",
			response: evenementListResponse{}, status: 200},

		{method: "GET", path: "/api/v1/sessions/:id/inscriptions", handler: (*Server).handleInscriptionList, roles: roles(admin, autorite, centre, jury), tag: tagInscriptions,
			summary: "Les candidats inscrits et leurs résultats.", description: "Chaque inscription porte sa version (ETag des saisies de présence).",
			response: inscriptionListResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions", handler: (*Server).handleInscriptionCreate, roles: roles(centre), tag: tagInscriptions,
			summary:     "Inscrit un candidat à la session.",
			description: "Les règles d'inscription (DOMAIN §3) s'appliquent : un refus répond 422 avec le code de la règle. ccp, facultatif, restreint une session titre à certains CCP.",
			request:     inscriptionRequest{}, response: inscriptionResponse{}, status: 201},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/retrait", handler: (*Server).handleInscriptionWithdraw, roles: roles(centre), tag: tagInscriptions,
			summary:     "Retire un candidat d'une session pas encore tenue, avec un motif.",
			description: "L'inscription demeure, marquée retirée, motif au journal ; le candidat peut alors être inscrit à une autre session pour les mêmes CCP (sinon 422 double_inscription).",
			request:     motifRequest{}, status: 204},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/excuse", handler: (*Server).handleInscriptionExcuse, roles: roles(centre), tag: tagInscriptions,
			summary:     "Note que le candidat s'est excusé, avant la session.",
			description: "Une note du centre, au journal : le jour de la session, la présence est saisie par le jury, et c'est elle qui compte.",
			request:     motifRequest{}, status: 204},
		{method: "PUT", path: "/api/v1/sessions/:id/inscriptions/:iid/presence", handler: (*Server).handlePresenceRecord, roles: roles(jury), tag: tagInscriptions,
			summary: "Présence et entretien final.", description: "If-Match porte la version de l'inscription lue.",
			request: presenceRequest{}, response: inscriptionResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "PUT", path: "/api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp", handler: (*Server).handleResultatRecord, roles: roles(jury), tag: tagInscriptions,
			summary: "Décision sur un CCP.", description: "Sans If-Match : première saisie, refusée si une décision existe. Avec If-Match (ETag de la décision) : la remplace.",
			request: evaluationRequest{}, response: evaluationResponse{}, status: 200, ifMatch: ifMatchFacultatif, etag: true},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp/correction", handler: (*Server).handleResultatCorrect, roles: roles(autorite), tag: tagInscriptions,
			summary:     "Corrige une erreur matérielle : révoque une décision et la remplace, avec un motif.",
			description: "Après la délibération seulement ; l'ancienne décision reste au journal. If-Match porte l'ETag de la décision lue : de corrections concurrentes, une seule aboutit. Une session validée reçoit un PV rectificatif, et les documents du candidat sont délivrés à nouveau, les précédents remplacés.",
			request:     correctionRequest{}, response: inscriptionResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},

		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/incidents", handler: (*Server).handleIncidentCreate, roles: roles(jury), tag: tagInscriptions,
			summary: "Signale un incident ou une observation sur un candidat.",
			description: "Pendant la session tenue, par un membre du jury sans lien avec le candidat : une catégorie (retard, épreuve interrompue…) et un texte libre, " +
				"obligatoire pour « autre ». Imprimé sur le PV ; les signatures déjà données sont retirées.",
			request: incidentRequest{}, response: incidentResponse{}, status: 201},
		{method: "POST", path: "/api/v1/sessions/:id/incidents/:nid/retrait", handler: (*Server).handleIncidentWithdraw, roles: roles(jury), tag: tagInscriptions,
			summary: "Retire un incident ou une observation signalé par erreur.",
			description: "Pendant la session tenue, par un membre du jury sans lien avec le candidat ; refusé (409 resultats_verrouilles) une fois le PV signé par tout le jury. " +
				"Le PV change : les signatures déjà données sont retirées. L'incident reste au journal.",
			status: 204},
		{method: "GET", path: "/api/v1/sessions/:id/incidents", handler: (*Server).handleIncidentList, roles: roles(admin, autorite, centre, jury), tag: tagInscriptions,
			summary: "Les incidents et observations de la session.", description: "Dans l'ordre où le jury les a signalés.",
			response: incidentListResponse{}, status: 200},

		{method: "GET", path: "/api/v1/sessions/:id/amenagements", handler: (*Server).handleAmenagementSessionList, roles: roles(autorite, centre, jury), tag: tagInscriptions,
			summary: "Les aménagements d'épreuves accordés aux candidats de la session.",
			description: "Pour le centre de la session, son jury et l'autorité de son territoire ; 404 pour tout autre centre ou membre de jury. " +
				"Un aménagement dit ce qui est adapté et la décision qui l'accorde, jamais le handicap. Jamais montré par la vérification publique.",
			response: amenagementListResponse{}, status: 200},
		{method: "GET", path: "/api/v1/sessions/:id/inscriptions/:iid/amenagements", handler: (*Server).handleAmenagementList, roles: roles(autorite, centre, jury, candidat), tag: tagInscriptions,
			summary:     "Les aménagements d'épreuves accordés à un candidat inscrit.",
			description: "Pour le candidat lui-même, le centre de la session, son jury et l'autorité de son territoire ; 404 pour tout autre.",
			response:    amenagementListResponse{}, status: 200},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/amenagements", handler: (*Server).handleAmenagementCreate, roles: roles(centre), tag: tagInscriptions,
			summary: "Enregistre un aménagement d'épreuves accordé au candidat.",
			description: "Par le centre de la session, avant qu'elle soit tenue (sinon 409 amenagements_clos) : un type (temps_majore, assistance_humaine, aide_technique, " +
				"format_adapte, salle_adaptee, autre), le détail de l'aménagement (obligatoire pour « autre »), la référence et la date de la décision qui l'accorde. " +
				"Le détail décrit l'aménagement seul : ni le handicap ni aucune donnée de santé. La convocation et le PV l'énoncent. Au journal.",
			request: amenagementRequest{}, response: amenagementResponse{}, status: 201, etag: true},
		{method: "PUT", path: "/api/v1/sessions/:id/amenagements/:aid", handler: (*Server).handleAmenagementUpdate, roles: roles(centre), tag: tagInscriptions,
			summary:     "Modifie un aménagement d'épreuves.",
			description: "Mêmes règles que l'enregistrement ; If-Match porte la version lue (412 version_perimee si un autre l'a changé). L'état d'avant reste au journal.",
			request:     amenagementRequest{}, response: amenagementResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/sessions/:id/amenagements/:aid/retrait", handler: (*Server).handleAmenagementWithdraw, roles: roles(centre), tag: tagInscriptions,
			summary:     "Retire un aménagement enregistré par erreur.",
			description: "Par le centre, avant que la session soit tenue ; If-Match porte la version lue. L'aménagement reste au journal.",
			status:      204, ifMatch: ifMatchRequis},

		{method: "GET", path: "/api/v1/sessions/:id/pv-brouillon.pdf", handler: (*Server).handlePVDraft, roles: roles(autorite, centre, jury), tag: tagDocuments,
			summary: "Brouillon du PV, sans valeur officielle.", description: "Marqué « document de travail, sans valeur officielle ».",
			status: 200, binary: "application/pdf"},
		{method: "GET", path: "/api/v1/sessions/:id/inscriptions/:iid/livret-apercu.pdf", handler: (*Server).handleLivretPreview, roles: roles(autorite, centre, jury), tag: tagDocuments,
			summary: "Aperçu du livret, sans valeur officielle.", description: "Marqué « document de travail, sans valeur officielle ».",
			status: 200, binary: "application/pdf"},
		{method: "POST", path: "/api/v1/sessions/:id/documents", handler: (*Server).handleDocumentsIssue, roles: roles(autorite), tag: tagDocuments,
			summary: "Délivre le PV et les documents des candidats.", description: "Après validation du PV : le PV, un parchemin par titre obtenu, un livret par CCP acquis sans le titre. Répété, ne délivre que ce qui manque : 200 et une liste vide quand tout est délivré.",
			response: documentListResponse{}, status: 201, repete: "Tout est déjà délivré : rien n'est créé, la liste est vide."},
		{method: "POST", path: "/api/v1/sessions/:id/inscriptions/:iid/documents", handler: (*Server).handleDocumentIssue, roles: roles(autorite), tag: tagDocuments,
			summary: "Délivre le document d'un candidat.", description: "Après validation du PV, pour un candidat dont le document manque.",
			response: documentResponse{}, status: 201},
		{method: "GET", path: "/api/v1/sessions/:id/documents.zip", handler: (*Server).handleDocumentsZip, roles: roles(admin, autorite, centre), tag: tagDocuments,
			summary: "Les documents de la session, en archive ZIP.", description: "Les PDF tels que délivrés.",
			status: 200, binary: "application/zip"},
		{method: "GET", path: "/api/v1/documents", handler: (*Server).handleDocumentList, roles: roles(admin, autorite, centre, candidat), tag: tagDocuments,
			summary: "Les documents visibles.", description: "Un candidat voit les siens, un centre ceux de ses candidats.",
			response: documentListResponse{}, status: 200,
			query: []queryParam{{name: "candidat_id", kind: "string", format: "uuid", doc: "Seulement les documents de ce candidat."},
				{name: "session_id", kind: "string", format: "uuid", doc: "Seulement les documents de cette session."}}},
		{method: "GET", path: "/api/v1/documents/:fichier", handler: (*Server).handleDocumentGet, roles: roles(admin, autorite, centre, candidat), tag: tagDocuments,
			summary:     "Un document : {id} ses métadonnées, {id}.pdf ses octets.",
			description: "Les octets délivrés ne changent jamais : l'ETag est leur SHA-256, If-None-Match répond 304.",
			response:    documentResponse{}, status: 200, binary: "application/pdf", etag: true},
		{method: "POST", path: "/api/v1/documents/:fichier/revocation", handler: (*Server).handleDocumentRevoke, roles: roles(autorite), tag: tagDocuments,
			summary: "Révoque un document, avec un motif.", description: "La vérification publique l'annonce alors révoqué.",
			request: revocationRequest{}, response: documentResponse{}, status: 200},
		{method: "POST", path: "/api/v1/documents/:fichier/duplicata", handler: (*Server).handleDocumentDuplicata, roles: roles(autorite), tag: tagDocuments,
			summary: "Délivre le duplicata d'un parchemin ou d'un livret en vigueur.",
			description: "À la demande du titulaire qui l'a perdu : un nouveau document, numéroté, marqué « Duplicata du document n° … » ; sa vérification publique nomme l'original, qui reste valide. " +
				"Un PV, une fiche, un document remplacé ou révoqué et un duplicata n'en reçoivent pas (409).",
			response: documentResponse{}, status: 201},

		{method: "GET", path: "/api/v1/recours", handler: (*Server).handleRecoursList, roles: tous, tag: tagRecours,
			summary: "Les recours visibles, la date de rejet implicite la plus proche d'abord.",
			description: "La liste de travail de l'autorité (les recours des centres de son territoire) ; un centre voit ceux de ses candidats, un candidat les siens, " +
				"un membre de jury ceux des sessions où il siège. hors_delai signale un recours formé après le délai calculé depuis la notification ; " +
				"silence_depasse, un recours encore ouvert après sa date de rejet implicite (deux mois de silence : CRPA, art. L231-4).",
			response: recoursListResponse{}, status: 200,
			query: []queryParam{{name: "ouverts", kind: "string", enum: []string{"true", "false"}, doc: "true : seulement les recours en attente de leur issue."},
				{name: "candidat_id", kind: "string", format: "uuid", doc: "Seulement les recours de ce candidat."}}},
		{method: "POST", path: "/api/v1/recours", handler: (*Server).handleRecoursCreate, roles: roles(centre, candidat), tag: tagRecours,
			summary: "Forme un recours gracieux ou hiérarchique contre un résultat validé.",
			description: "Par le candidat ou son centre pour lui, avec ses motifs ; les pièces jointes s'ajoutent ensuite. Un recours formé après le délai " +
				"est enregistré et signalé hors délai à l'autorité, jamais refusé : elle seule peut le rejeter comme tardif. " +
				"Avant la validation du PV : 409 recours_premature ; un recours du même type en cours : 409 recours_en_cours.",
			request: recoursRequest{}, response: recoursResponse{}, status: 201, etag: true},
		{method: "GET", path: "/api/v1/recours/:id", handler: (*Server).handleRecoursGet, roles: tous, tag: tagRecours,
			summary:     "Un recours, ses pièces jointes et, en nouvelle délibération, la décision proposée et ses signatures.",
			description: "L'ETag est la version du recours, l'If-Match de sa décision. prochains_recours dit, une fois la réponse donnée, les voies et délais qui restent.",
			response:    recoursResponse{}, status: 200, etag: true},
		{method: "POST", path: "/api/v1/recours/:id/pieces", handler: (*Server).handlePieceCreate, roles: roles(centre, candidat), tag: tagRecours,
			summary: "Joint un fichier à un recours déposé.",
			description: "PDF, PNG ou JPEG, reconnu à son contenu et non à son nom ; 5 Mio au plus par fichier (413 au-delà), 10 Mio et 5 fichiers par recours. " +
				"Conservé avec son SHA-256. Un recours en instruction ne reçoit plus de pièce (409 recours_instruit).",
			response: pieceResponse{}, status: 201, multipart: true, errors: []string{"fichier_trop_volumineux"}},
		{method: "GET", path: "/api/v1/recours/:id/pieces/:pid", handler: (*Server).handlePieceGet, roles: tous, tag: tagRecours,
			summary: "Les octets d'une pièce jointe.", description: "Tels que déposés ; l'ETag est leur SHA-256.",
			status: 200, binary: "application/pdf, image/png, image/jpeg", etag: true},
		{method: "POST", path: "/api/v1/recours/:id/decision", handler: (*Server).handleRecoursDecide, roles: roles(autorite), tag: tagRecours,
			summary: "Décide d'un recours : rejet, erreur matérielle corrigée ou nouvelle délibération.",
			description: "rejete : motif_rejet (tardif, non_fonde, irrecevable) et reponse, lue par le candidat ; rien d'autre ne change. " +
				"erreur_materielle_corrigee : ccp et evaluation, la décision telle que le jury l'a prise ; la correction passe par le chemin des corrections " +
				"(PV rectificatif, documents délivrés à nouveau) et son motif nomme la transcription erronée. " +
				"nouvelle_deliberation : renvoie d'abord le recours au jury ; une fois la décision signée par assez de membres du jury, l'enregistre de même " +
				"(409 deliberation_incomplete avant). L'autorité n'apprécie jamais elle-même les compétences. Le courriel au candidat part avec la décision. " +
				"If-Match porte l'ETag du recours.",
			request: decisionRecoursRequest{}, response: recoursResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "PUT", path: "/api/v1/recours/:id/proposition", handler: (*Server).handleRecoursPropose, roles: roles(jury), tag: tagRecours,
			summary: "Propose la décision du jury qui délibère à nouveau sur un recours.",
			description: "Par un membre du jury de la session sans lien déclaré avec le candidat, sur un recours renvoyé au jury : une décision par CCP réexaminé et ses motifs. " +
				"Les signatures d'une proposition précédente sont retirées. If-Match porte l'ETag du recours.",
			request: propositionRequest{}, response: recoursResponse{}, status: 200, ifMatch: ifMatchRequis, etag: true},
		{method: "POST", path: "/api/v1/recours/:id/signature", handler: (*Server).handleRecoursSign, roles: roles(jury), tag: tagRecours,
			summary:     "Signe la décision proposée.",
			description: "Chaque membre signe la proposition qu'il a lue ; il en faut autant que le jury minimal (paramètre jury_taille_min) pour que l'autorité l'enregistre.",
			response:    recoursResponse{}, status: 200, etag: true},
	}
}

// routes registers the table. A route that is neither public nor restricted
// to roles stops the server from starting: authorisation is never implicit.
//
// The routes that need a token hang from a group under /api/v1 that
// authenticates first: an unknown address there answers 401 to a client
// without a token, as a known one would, rather than telling it which exist.
// The group's middleware answers only those unknown addresses: a route's
// own checks are wrapped around its handler here, once, because Echo v4
// wraps a route in its middleware again at each request.
func (s *Server) routes() {
	const prefix = "/api/v1"
	s.echo.Group(prefix, s.authenticate)
	for _, r := range routeTable {
		h := r.handler
		handler := func(c echo.Context) error { return h(s, c) }
		switch {
		case r.public:
			s.echo.Add(r.method, r.path, handler)
		case len(r.roles) == 0:
			panic(fmt.Sprintf("route %s: no role admitted and not public", r.key()))
		case !strings.HasPrefix(r.path, prefix+"/"):
			panic(fmt.Sprintf("route %s: a route that needs a token lives under %s", r.key(), prefix))
		default:
			s.echo.Add(r.method, r.path, s.authenticate(allow(r.roles...)(handler)))
		}
	}
}
