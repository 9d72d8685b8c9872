package certification

// siretValide checks the 14 digits and the Luhn key of a SIRET. La Poste's
// establishments (SIREN 356000000) are numbered outside Luhn: INSEE checks
// instead that their digits sum to a multiple of 5.
func siretValide(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum, plain := 0, 0
	for i := 0; i < 14; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		plain += d
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if s[:9] == "356000000" && s != "35600000000048" {
		return plain%5 == 0
	}
	return sum%10 == 0
}
