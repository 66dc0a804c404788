package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"kontaktbot/bot"
)

// A company is the record written most: every change of a company, and
// 250,000 of them in a national import, where encoding/json's reflection
// took a tenth of the import. appendCompany writes the very bytes
// json.Marshal writes for a bot.Company (TestCompanyJSONIsMarshal and
// FuzzCompanyJSON hold it to that), so a file does not change with it and
// it is read back with json.Unmarshal as before. Keep it in step with the
// struct's fields and tags; the test fails when a field is added.

// encodeCompany is json.Marshal(c), faster.
func encodeCompany(c *bot.Company) ([]byte, error) {
	for _, t := range []time.Time{c.OwnerSince, c.SnoozedUntil, c.PlannedNext, c.LastContact, c.Created} {
		if !rfc3339able(t) {
			data, err := json.Marshal(c) // with encoding/json's own error
			if err != nil {
				return nil, fmt.Errorf("encode: %w", err)
			}
			return data, nil
		}
	}
	n := 300 + len(c.Name) + len(c.CVR) + len(c.Area) + len(c.Street) + len(c.Postcode) + len(c.Town)
	for _, a := range c.Aliases {
		n += 4 + len(a)
	}
	b := make([]byte, 0, n)
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, c.ID, 10)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.Name)
	if len(c.Aliases) > 0 {
		b = append(b, `,"aliases":[`...)
		for i, a := range c.Aliases {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, a)
		}
		b = append(b, ']')
	}
	b = appendOmitString(b, `,"cvr":`, c.CVR)
	b = appendOmitString(b, `,"area":`, c.Area)
	b = appendOmitString(b, `,"street":`, c.Street)
	b = appendOmitString(b, `,"postcode":`, c.Postcode)
	b = appendOmitString(b, `,"town":`, c.Town)
	if c.OwnerID != 0 {
		b = append(b, `,"owner":`...)
		b = strconv.AppendUint(b, c.OwnerID, 10)
	}
	b = appendJSONTime(append(b, `,"owner_since":`...), c.OwnerSince)
	b = strconv.AppendInt(append(b, `,"cadence":`...), int64(c.CadenceDays), 10)
	b = appendJSONString(append(b, `,"tier":`...), string(c.Tier))
	b = appendJSONString(append(b, `,"status":`...), string(c.Status))
	b = appendOmitTime(b, `,"snoozed_until":`, c.SnoozedUntil)
	if c.SnoozeCount != 0 {
		b = strconv.AppendInt(append(b, `,"snooze_count":`...), int64(c.SnoozeCount), 10)
	}
	b = appendOmitTime(b, `,"planned_next":`, c.PlannedNext)
	b = appendOmitTime(b, `,"last_contact":`, c.LastContact)
	b = appendOmitString(b, `,"last_kind":`, string(c.LastKind))
	if c.LastBy != 0 {
		b = strconv.AppendUint(append(b, `,"last_by":`...), c.LastBy, 10)
	}
	b = appendJSONTime(append(b, `,"created":`...), c.Created)
	return append(b, '}'), nil
}

func appendOmitString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

func appendOmitTime(b []byte, key string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return appendJSONTime(append(b, key...), t)
}

// appendJSONTime is t as time.Time.MarshalJSON writes it; rfc3339able(t)
// must hold.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// rfc3339able reports whether time.Time.MarshalJSON takes t: a year of
// four digits and a zone offset under 24 hours.
func rfc3339able(t time.Time) bool {
	if y := t.Year(); y < 0 || y > 9999 {
		return false
	}
	_, off := t.Zone()
	return off > -24*3600 && off < 24*3600
}

// appendJSONString is s as encoding/json writes a string, HTML-escaped:
// '<', '>' and '&' as \u003c, \u003e and \u0026, control characters
// escaped, invalid UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
