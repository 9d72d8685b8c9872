package main

import (
	"strings"
	"unicode"

	"github.com/cipcert/cipcert/certification/search"
)

// The tables the generator draws candidats from. Names are combined (a nom
// de naissance, for one candidat in five a nom d'usage, one or two prénoms)
// and drawn uniformly, so that a 3-letter prefix of a nom matches a small
// share of the candidats: the surnames start with over 200 different
// prefixes, many with accents or from other alphabets' transliterations,
// as in a real French register.

// noms are surnames: common French ones, regional ones, and names of
// families from elsewhere as they are written in France.
var noms = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
	"Simon", "Michel", "Lefèbvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
	"Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
	"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
	"Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
	"Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
	"Martínez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
	"Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe",
	"Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte",
	"López", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis", "Moulin",
	"Louis", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet",
	"Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier",
	"Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet",
	"Léger", "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
	"Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré",
	"Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez",
	"Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva",
	"Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret",
	"Barthélemy", "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte",
	"Éluard", "Évrard", "Ébrard", "Égret", "Œillet", "Ibáñez", "Ollivier", "Urvoy", "Vallée", "Wagner",
	"Yvon", "Zimmermann", "Quéré", "Quintin", "Kerbrat", "Le Bihan", "Le Corre", "Tanguy", "Jégou", "Nédélec",
	"Abgrall", "Cadiou", "Guivarc'h", "Ibarra", "Etchegaray", "Oyhenart", "Çelik", "Öztürk", "Şahin", "Yılmaz",
	"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Kowalski", "Nowak", "Wiśniewski",
	"Łukasiewicz", "Popescu", "Ionescu", "Țurcanu", "Dvořák", "Novák", "Müller", "Schäfer", "Jørgensen", "Åberg",
	"Benali", "Haddad", "Mansouri", "Belkacem", "Bensaïd", "Cherif", "Boukhris", "Zeroual", "Amrani", "El Idrissi",
	"Diallo", "Traoré", "Koné", "Diop", "Ndiaye", "Camara", "Sow", "Keïta", "Touré", "Sissoko",
	"Ferreira", "Pereira", "Dos Santos", "Rodrigues", "Gonçalves", "Silva", "Araújo", "Conceição", "Ribeiro", "Fonseca",
	"Ngo", "Okafor", "Mbappé", "Tshibanda", "Ramanantsoa", "Rakotomalala", "Andrianjafy", "Vũ", "Ortiz", "Ülker",
}

// prenomsF and prenomsM are first names; a candidat has one, or two of the
// same list (about one in three).
var (
	prenomsF = []string{
		"Camille", "Éloïse", "Léa", "Chloé", "Zoé", "Inès", "Anaïs", "Noémie", "Maëlle", "Clémence", "Hélène",
		"Élodie", "Mélanie", "Aurélie", "Cécile", "Agnès", "Béatrice", "Gaëlle", "Françoise", "Geneviève",
		"Thérèse", "Renée", "Joséphine", "Océane", "Maëva", "Léonie", "Célia", "Amélie", "Mégane", "Séverine",
		"Valérie", "Stéphanie", "Sandrine", "Nathalie", "Isabelle", "Sophie", "Julie", "Laura", "Manon", "Emma",
		"Louise", "Alice", "Jeanne", "Lina", "Sarah", "Yasmine", "Fatoumata", "Aïcha", "Thị Hoa", "Ngọc Anh",
		"Małgorzata", "Ioana", "Marie", "Anne", "Adèle", "Ophélie", "Solène", "Loïse", "Naëlle", "Héloïse",
	}
	prenomsM = []string{
		"Lucas", "Théo", "Hugo", "Léo", "Raphaël", "Gabriel", "Noé", "Maël", "Loïc", "Jérôme", "Frédéric",
		"Stéphane", "Benoît", "Clément", "Sébastien", "Grégoire", "François", "Rémi", "Jérémy", "Cédric", "Hervé",
		"Joël", "Noël", "Gaël", "Éric", "Étienne", "Émile", "Mathéo", "Timothée", "Aurélien", "Valentin", "Yanis",
		"Rayan", "Mohamed", "Karim", "Mehdi", "Nabil", "Mamadou", "Moussa", "Ousmane", "Łukasz", "Ștefan", "Bogdan",
		"Tomás", "João", "Andrés", "Kévin", "Yoann", "Erwan", "Gwénaël", "Ronan", "Maxime", "Nicolas", "Julien",
		"Thomas", "Antoine", "Pierre", "Paul", "Louis", "Arthur", "Jules", "Nathan", "Quentin", "Baptiste",
		"Romain", "Florian", "Damien", "Bruno", "Didier", "Thierry", "Pascal", "Patrick", "Olivier", "Xavier",
		"Yves", "Zacharie", "Ulysse", "Ibrahim", "Wassim", "Élias",
	}
	prenoms = append(append([]string{}, prenomsF...), prenomsM...)
)

// villes are places of birth.
var villes = []string{
	"Lyon (69)", "Saint-Étienne (42)", "Villeurbanne (69)", "Grenoble (38)", "Annecy (74)", "Chambéry (73)",
	"Valence (26)", "Clermont-Ferrand (63)", "Nantes (44)", "Saint-Nazaire (44)", "Angers (49)", "Le Mans (72)",
	"Rennes (35)", "Brest (29)", "Vannes (56)", "La Roche-sur-Yon (85)", "Cholet (49)", "Paris (75)",
	"Lille (59)", "Marseille (13)", "Toulouse (31)", "Bordeaux (33)", "Nîmes (30)", "Besançon (25)",
	"Orléans (45)", "Évreux (27)", "Béziers (34)", "Pointe-à-Pitre (971)", "Saint-Denis (974)", "Mamoudzou (976)",
	"Alger (Algérie)", "Casablanca (Maroc)", "Dakar (Sénégal)", "Bamako (Mali)", "Hô-Chi-Minh-Ville (Viêt Nam)",
	"Łódź (Pologne)", "Iași (Roumanie)", "Porto (Portugal)", "Tunis (Tunisie)", "Kinshasa (RD Congo)",
}

// motifs are the jury's reasons for a CCP not acquired. They go verbatim
// into JSON strings, so they hold nothing JSON escapes (see the test).
var motifs = []string{
	"L'accompagnement décrit ne s'appuie pas sur un plan d'action formalisé avec la personne ; le suivi des étapes n'est pas démontré.",
	"La mise en situation professionnelle ne montre ni l'analyse de la demande ni la reformulation des besoins de la personne.",
	"Le dossier professionnel ne décrit aucune action collective menée en autonomie ; l'animation de l'atelier n'est pas démontrée.",
	"Les relations avec les employeurs et les partenaires du territoire ne sont pas étayées par des exemples concrets.",
	"L'entretien technique n'a pas établi la maîtrise de la veille sur le marché du travail et sur les dispositifs.",
	"La posture professionnelle et le cadre déontologique de l'accompagnement ne sont pas explicités.",
	"Le diagnostic partagé avec la personne reste incomplet : ses freins périphériques ne sont pas identifiés.",
}

// observations are remarks of the ECF; most ECF have none.
var observations = []string{
	"Entretien d'accueil mené avec méthode.",
	"Bonne connaissance des dispositifs d'insertion du territoire.",
	"Atelier collectif bien préparé ; gestion du temps à améliorer.",
	"Analyse du bassin d'emploi pertinente et documentée.",
	"Écrits professionnels clairs ; synthèses à étoffer.",
}

// asciiFold turns a name into the ASCII letters of an email address:
// lowercase, accents and other marks dropped, letters of other alphabets
// transliterated, anything else (spaces, hyphens, apostrophes) removed.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < 0x80 {
			if r >= 'a' && r <= 'z' {
				b.WriteRune(r)
			}
			continue
		}
		if t, ok := foldTable[r]; ok {
			b.WriteString(t)
			continue
		}
		if unicode.IsLetter(r) {
			b.WriteRune('x') // unknown letter: keeps the address non-empty, flagged by the test
		}
	}
	return b.String()
}

// foldTable transliterates the lowercase non-ASCII letters of the tables.
var foldTable = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'æ': "ae", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'ı': "i", 'å': "a"}
	groups := map[string]string{
		"a": "àáâãäāăąạảấầẩẫậắằẳẵặ",
		"c": "çćč",
		"d": "ď",
		"e": "èéêëēėęěẹẻẽếềểễệ",
		"g": "ğ",
		"i": "ìíîïĩīįỉị",
		"n": "ñńň",
		"o": "òóôõöōőơọỏốồổỗộớờởỡợ",
		"r": "ř",
		"s": "śšşș",
		"t": "ťţț",
		"u": "ùúûüũūůűųưụủứừửữự",
		"y": "ýÿỳỷỹỵ",
		"z": "źżž",
	}
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// foldAll returns asciiFold of every element.
func foldAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = asciiFold(s)
	}
	return out
}

// searchKeys are the search keys of names, as the service stores them.
func searchKeys(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = search.Key(s)
	}
	return out
}

// namePrefix returns the first n runes of s, lowercased as the search
// lowercases the filter: the nom a user would type to find s.
func namePrefix(s string, n int) string {
	r := []rune(strings.ToLower(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}
