package bot

import "time"

// ContainsCPR reports whether s holds something shaped like a Danish CPR
// number: six digits that are a real date (DDMMYY), then "-", a space or
// nothing, then four digits, not part of a longer run of digits. Since 2007
// valid CPR numbers need not pass modulus 11, so none is checked: a date
// followed by four digits is treated as personal data.
func ContainsCPR(s string) bool {
	for i := 0; i+10 <= len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		if !allDigits(s[i:i+6]) || !realDate(s[i:i+6]) {
			continue
		}
		rest := s[i+6:]
		if len(rest) >= 5 && (rest[0] == '-' || rest[0] == ' ') {
			rest = rest[1:]
		}
		if len(rest) >= 4 && allDigits(rest[:4]) && (len(rest) == 4 || !isDigit(rest[4])) {
			return true
		}
	}
	return false
}

func realDate(ddmmyy string) bool {
	d := int(ddmmyy[0]-'0')*10 + int(ddmmyy[1]-'0')
	m := int(ddmmyy[2]-'0')*10 + int(ddmmyy[3]-'0')
	y := int(ddmmyy[4]-'0')*10 + int(ddmmyy[5]-'0')
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	// The century is unknown; 2000 is a leap year, so 29 February counts
	// for any yy divisible by 4, including 00.
	full := 1900 + y
	if y%4 == 0 {
		full = 2000 + y
	}
	return d <= time.Date(full, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
