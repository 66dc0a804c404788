package commands_test

import "testing"

// TestContactAcrossJobcenters: a company with sites in several
// municipalities keeps one dedicated consultant. A consultant of another
// jobcenter may log a contact with it; the reply names the dedicated
// consultant and their jobcenter. The card shows the dedicated
// consultant's jobcenter and its partners every contact, each from another
// jobcenter marked with it, and shows the visitor their own jobcenter's
// contacts only.
func TestContactAcrossJobcenters(t *testing.T) {
	t.Parallel()
	b, _ := region(t)
	b.ok("Anne", "virksomhed tildel L-tek Hanne")

	got := b.ok("Rita", "besøg L-tek mødte Lars om to svejsere")
	contains(t, got, "Gemt", "L-tek har fast konsulent Hanne i Jobcenter Sorø", "næste morgenpåmindelse")
	got = b.ok("Per", "besøg L-tek telefon aftalte praktik for Ali")
	contains(t, got, "Hanne er fast konsulent for L-tek")
	lacks(t, got, "morgenpåmindelse")
	got = b.ok("Hanne", "besøg L-tek mail sendte kontrakt")
	lacks(t, got, "fast konsulent")

	card := b.ok("Hanne", "virksomhed L-tek")
	contains(t, card, "(Rita, Jobcenter Ringsted): mødte Lars om to svejsere", "(Per): aftalte praktik for Ali", "(Hanne): sendte kontrakt")
	card = b.ok("Sofie", "virksomhed L-tek") // Slagelse is Sorø's partner
	contains(t, card, "mødte Lars", "aftalte praktik")

	card = b.ok("Rita", "virksomhed L-tek")
	contains(t, card, "Jeres egne kontakter", "(Rita): mødte Lars om to svejsere")
	lacks(t, card, "aftalte praktik", "sendte kontrakt")

	b.ok("Rita", "sprog engelsk")
	got = b.ok("Rita", "visit L-tek phone follow-up call")
	contains(t, got, "L-tek's dedicated consultant is Hanne of Jobcenter Sorø, who hears of the contact in their next morning nudge")
	contains(t, b.ok("Rita", "company L-tek"), "Your jobcentre's own contacts", "follow-up call", "mødte Lars")
}
