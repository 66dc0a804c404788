package bot

// ValidCVR reports whether s is a Danish CVR number: eight digits, the first
// not 0, whose weighted sum with weights 2,7,6,5,4,3,2,1 is divisible by 11.
func ValidCVR(s string) bool {
	if len(s) != 8 || s[0] == '0' {
		return false
	}
	weights := [8]int{2, 7, 6, 5, 4, 3, 2, 1}
	sum := 0
	for i := 0; i < 8; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * weights[i]
	}
	return sum%11 == 0
}

// CleanCVR strips the spaces, dashes and "DK" prefix people write around a
// CVR number ("DK 12 34 56 78" → "12345678"). It does not validate.
func CleanCVR(s string) string {
	out := make([]byte, 0, 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			out = append(out, c)
		case c == ' ' || c == '-' || c == '.':
		case (c == 'D' || c == 'd') && i+1 < len(s) && (s[i+1] == 'K' || s[i+1] == 'k') && len(out) == 0:
			i++
		default:
			return s
		}
	}
	return string(out)
}
