package commands

import (
	"context"
	"fmt"
	"strings"

	"kontaktbot/bot"
)

// mayEdit reports whether the actor may change the company's terms: its
// dedicated consultant may, and so may a lead of the company's jobcenter
// and admins.
func (s *Service) mayEdit(ctx context.Context, c *call, co bot.Company) error {
	if co.OwnerID != 0 && co.OwnerID == c.actor.ID {
		return nil
	}
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return err
	}
	if s.mayLead(ctx, c, jc) == nil {
		return nil
	}
	owner := ""
	if co.OwnerID != 0 {
		owner = c.tr("virksomhedens faste konsulent", "the company's dedicated consultant")
		if p, err := s.people.Consultant(ctx, co.OwnerID); err == nil {
			owner += " (" + p.Name + ")"
		}
	}
	return s.onlyLeadOf(ctx, c, jc, owner)
}

// editCompany resolves the company, checks the actor may edit it, applies
// fn in one transaction and returns the stored result.
func (s *Service) editCompany(ctx context.Context, c *call, co bot.Company, fn func(*bot.Company) error, audit ...bot.AuditEntry) (bot.Company, error) {
	if err := s.mayEdit(ctx, c, co); err != nil {
		return co, err
	}
	out, err := s.register.UpdateCompany(ctx, co.ID, fn, audit...)
	if err != nil {
		var be *bot.Error
		if ok := asBotError(err, &be); ok {
			return out, be
		}
		return out, s.conflictError(ctx, c, err)
	}
	return out, nil
}

func runCompanyAssign(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, rest, err := s.companyAt(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if len(rest) > 0 && (rest[0] == "=" || strings.EqualFold(rest[0], "til") || strings.EqualFold(rest[0], "to")) {
		rest = rest[1:]
	}
	p, err := s.person(ctx, c, rest)
	if err != nil {
		return bot.Message{}, err
	}
	// A lead hands a company on within their own jobcenter: both the
	// company's and the new consultant's must be theirs.
	jc, err := s.companyJobcenter(ctx, co)
	if err != nil {
		return bot.Message{}, err
	}
	if err := s.mayLead(ctx, c, jc); err != nil {
		return bot.Message{}, err
	}
	if err := s.mayLead(ctx, c, p.JobcenterID); err != nil {
		return bot.Message{}, err
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		if x.OwnerID != p.ID {
			x.OwnerID, x.OwnerSince = p.ID, c.now
		}
		return nil
	}, c.entry(bot.AuditAssign, p.JobcenterID, p.ID, co.Name+" #"+itoa(int(co.ID)), "-> "+p.Name))
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("✅ ", "✅ ") + p.Name + c.tr(" er nu fast konsulent for ", " is now the dedicated consultant of ") + co.Name +
		c.tr(". Næste kontakt senest ", ". Next contact due ") + bot.FormatDate(co.DueDay(), c.lang) + "."), nil
}

func runCompanyCadence(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) < 2 {
		return bot.Message{}, usageError(s, c, "company cadence")
	}
	days, err := parseCadence(c, args[len(args)-1])
	if err != nil {
		return bot.Message{}, err
	}
	co, err := s.company(ctx, c, args[:len(args)-1])
	if err != nil {
		return bot.Message{}, err
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error { x.CadenceDays = days; return nil })
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("✅ Kadencen for "+co.Name+" er nu "+itoa(days)+" dage. Næste kontakt senest ",
		"✅ The cadence for "+co.Name+" is now "+itoa(days)+" days. Next contact due ") + bot.FormatDate(co.DueDay(), c.lang) + "."), nil
}

func runCompanyPause(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	return s.setStatus(ctx, c, args, bot.StatusPaused,
		"⏸️ %s er sat på pause: ingen påmindelser, før du skriver »virksomhed genoptag %s«.",
		"⏸️ %s is paused: no reminders until you type »company resume %s«.")
}

func runCompanyResume(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	return s.setStatus(ctx, c, args, bot.StatusActive,
		"▶️ Kontakten med %s er genoptaget. (%s)", "▶️ Contact with %s is resumed. (%s)")
}

func (s *Service) setStatus(ctx context.Context, c *call, args []string, st bot.Status, da, en string) (bot.Message, error) {
	co, err := s.company(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error { x.Status = st; return nil })
	if err != nil {
		return bot.Message{}, err
	}
	second := co.Name
	if st == bot.StatusActive {
		second = c.tr("Næste kontakt senest ", "Next contact due ") + bot.FormatDate(co.DueDay(), c.lang)
	}
	return bot.Reply(fmt.Sprintf(c.tr(da, en), co.Name, second)), nil
}

// companyAndText reads "<company> = <text>", or without "=" the longest
// company name followed by the text.
func (s *Service) companyAndText(ctx context.Context, c *call, args []string, cmd string) (bot.Company, string, error) {
	var co bot.Company
	var rest []string
	var err error
	if left, right, ok := splitAt(args, "=", "til", "to", "->"); ok {
		co, err = s.company(ctx, c, left)
		rest = right
	} else {
		co, rest, err = s.companyAt(ctx, c, args)
	}
	if err != nil {
		return co, "", err
	}
	text := strings.Join(rest, " ")
	if bot.NormalizeName(text) == "" {
		return co, "", usageError(s, c, cmd)
	}
	return co, text, nil
}

func runCompanyAlias(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, alias, err := s.companyAndText(ctx, c, args, "company alias")
	if err == nil {
		err = s.checkCompanyName(ctx, c, alias, co.ID)
	}
	if err != nil {
		return bot.Message{}, err
	}
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		x.Aliases = append(x.Aliases, alias)
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("✅ "+co.Name+" kan nu også findes som »"+alias+"«.", "✅ "+co.Name+" can now also be found as »"+alias+"«.")), nil
}

func runCompanyRename(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	co, name, err := s.companyAndText(ctx, c, args, "company rename")
	if err == nil {
		err = s.checkCompanyName(ctx, c, name, co.ID)
	}
	if err != nil {
		return bot.Message{}, err
	}
	old := co.Name
	co, err = s.editCompany(ctx, c, co, func(x *bot.Company) error {
		if bot.NormalizeName(name) != bot.NormalizeName(x.Name) {
			x.Aliases = append(x.Aliases, x.Name) // the old name still finds it
		}
		x.Name = name
		return nil
	})
	if err != nil {
		return bot.Message{}, err
	}
	return bot.Reply(c.tr("✅ "+old+" hedder nu "+co.Name+"; det gamle navn virker stadig.", "✅ "+old+" is now called "+co.Name+"; the old name still works.")), nil
}

// usageError tells the person how the command is written.
func usageError(s *Service, c *call, name string) error {
	cmd := s.find(name)
	return bot.Errorf(bot.Invalid, "%s", c.tr("Sådan skrives det: ", "Write it like this: ")+cmd.Usage[c.lang]+
		c.tr(", fx »", ", e.g. »")+cmd.exampleIn(c.lang)+"«.")
}
