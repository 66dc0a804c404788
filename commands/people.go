package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kontaktbot/bot"
)

// directory is what the commands about people, jobcenters, absences,
// channels and closed days use of the store (the contracts are in
// store.go).
type directory interface {
	EnsureConsultant(ctx context.Context, id bot.Identity, name, jobcenter string) (c bot.Consultant, created bool, err error)
	Consultant(ctx context.Context, id uint64) (bot.Consultant, error)
	Consultants(ctx context.Context) ([]bot.Consultant, error)
	UpdateConsultant(ctx context.Context, id uint64, fn func(*bot.Consultant) error, audit ...bot.AuditEntry) (bot.Consultant, error)
	LinkConsultants(ctx context.Context, a, b uint64, audit ...bot.AuditEntry) (bot.Consultant, error)
	DeleteConsultant(ctx context.Context, id uint64, audit ...bot.AuditEntry) (bot.Consultant, error)
	CreateJobcenter(ctx context.Context, j bot.Jobcenter, audit ...bot.AuditEntry) (bot.Jobcenter, error)
	Jobcenter(ctx context.Context, id uint64) (bot.Jobcenter, error)
	Jobcenters(ctx context.Context) ([]bot.Jobcenter, error)
	UpdateJobcenter(ctx context.Context, id uint64, fn func(*bot.Jobcenter) error, audit ...bot.AuditEntry) (bot.Jobcenter, error)
}

// roles are the values »rolle« takes, in the order help lists them.
var roles = []Choice[bot.Role]{
	{word("konsulent", "consultant", "virksomhedskonsulent"), bot.RoleConsultant},
	{word("leder", "lead", "teamleder"), bot.RoleLead},
	{word("tovholder", "coordinator", "koordinator"), bot.RoleCoordinator},
	{word("admin", "admin", "administrator"), bot.RoleAdmin},
}

// languages are the values »sprog« takes.
var languages = []Choice[bot.Lang]{
	{word("da", "da", "dansk", "danish"), bot.Danish},
	{word("en", "en", "engelsk", "english"), bot.English},
}

// roleName is r's name in lang, as »rolle« takes it.
func roleName(lang bot.Lang, r bot.Role) string {
	for _, x := range roles {
		if x.Value == r {
			return x.Word.In(lang)
		}
	}
	return string(r)
}

func runLanguage(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	lang, ok := choose(languages, strings.Join(args, " "))
	if !ok || len(args) != 1 {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Skriv »sprog da« for dansk eller »sprog en« for engelsk.", "Type »language da« for Danish or »language en« for English."))
	}
	if _, err := s.people.UpdateConsultant(ctx, c.actor.ID, func(p *bot.Consultant) error { p.Lang = lang; return nil }); err != nil {
		return bot.Message{}, fmt.Errorf("set language: %w", err)
	}
	return bot.Reply(tr(lang, "✅ Jeg svarer dig nu på dansk.", "✅ I will answer you in English from now on.")), nil
}

func runRole(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	if len(args) < 2 {
		return bot.Message{}, usageError(s, c, "role")
	}
	role, ok := choose(roles, args[len(args)-1])
	if !ok {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Rollen skal være ", "The role must be ")+orList(c.lang, names(roles, c.lang))+
			c.tr(", fx »rolle Hanne Jensen leder«.", ", e.g. »role Hanne Jensen lead«."))
	}
	p, err := s.person(ctx, c, args[:len(args)-1])
	if err != nil {
		return bot.Message{}, err
	}
	if p.Role == bot.RoleAdmin && role != bot.RoleAdmin {
		if err := s.keepAnAdmin(ctx, c, p); err != nil {
			return bot.Message{}, err
		}
	}
	audit := c.entry(bot.AuditRole, p.JobcenterID, p.ID, p.Name, string(p.Role)+" -> "+string(role))
	if _, err := s.people.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error { x.Role = role; return nil }, audit); err != nil {
		return bot.Message{}, fmt.Errorf("set role: %w", err)
	}
	return bot.Reply(c.tr("✅ ", "✅ ") + p.Name + c.tr(" er nu ", " is now ") + roleName(c.lang, role) + "."), nil
}

// keepAnAdmin refuses to take the admin role from the last admin, which
// would leave no one able to give roles.
func (s *Service) keepAnAdmin(ctx context.Context, c *call, p bot.Consultant) error {
	all, err := s.people.Consultants(ctx)
	if err != nil {
		return fmt.Errorf("list consultants: %w", err)
	}
	for _, x := range all {
		if x.ID != p.ID && x.Role == bot.RoleAdmin {
			return nil
		}
	}
	return bot.Errorf(bot.Conflict, "%s", c.tr(
		p.Name+" er den eneste admin. Gør en anden til admin først, så nogen stadig kan give roller.",
		p.Name+" is the only admin. Make someone else admin first, so that someone can still give roles."))
}

func runJobcenterAdd(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	name := strings.Join(args, " ")
	if bot.NormalizeName(name) == "" {
		return bot.Message{}, usageError(s, c, "jobcenter add")
	}
	j, err := s.people.CreateJobcenter(ctx, bot.Jobcenter{Name: name, Created: c.now}, c.entry(bot.AuditJobcenter, 0, 0, name, "created"))
	if err != nil {
		if errors.Is(err, bot.ErrConflict) {
			return bot.Message{}, bot.Errorf(bot.Conflict, "%s", c.tr("Jobcentret »"+clip(name)+"« findes allerede.", "The jobcenter »"+clip(name)+"« already exists."))
		}
		return bot.Message{}, fmt.Errorf("add jobcenter: %w", err)
	}
	return bot.Reply(c.tr("✅ Oprettet: ", "✅ Registered: ") + j.Name + "."), nil
}

// twoJobcenters reads "<a> og <b>", or without a separator the one split
// of the words where both sides name known jobcenters.
func (s *Service) twoJobcenters(ctx context.Context, c *call, args []string) (bot.Jobcenter, bot.Jobcenter, error) {
	if l, r, ok := splitAt(args, "og", "and", "+", "&", "=", ","); ok {
		a, err := s.jobcenter(ctx, c, l)
		if err != nil {
			return a, a, err
		}
		b, err := s.jobcenter(ctx, c, r)
		return a, b, err
	}
	for i := 1; i < len(args); i++ {
		a, errA := s.jobcenter(ctx, c, args[:i])
		b, errB := s.jobcenter(ctx, c, args[i:])
		if errA == nil && errB == nil {
			return a, b, nil
		}
	}
	return bot.Jobcenter{}, bot.Jobcenter{}, usageError(s, c, "jobcenter partner")
}

func runJobcenterPartner(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	a, b, err := s.twoJobcenters(ctx, c, args)
	if err != nil {
		return bot.Message{}, err
	}
	if a.ID == b.ID {
		return bot.Message{}, bot.Errorf(bot.Invalid, "%s", c.tr("Et jobcenter kan ikke være partner med sig selv.", "A jobcenter cannot partner with itself."))
	}
	link := func(x, y bot.Jobcenter) error {
		_, err := s.people.UpdateJobcenter(ctx, x.ID, func(j *bot.Jobcenter) error {
			if !slices.Contains(j.Partners, y.ID) {
				j.Partners = append(j.Partners, y.ID)
			}
			return nil
		}, c.entry(bot.AuditPartner, x.ID, 0, x.Name, "partner: "+y.Name))
		return err
	}
	// Two transactions; each is idempotent, so running the command again
	// mends a half-done link.
	if err := link(a, b); err != nil {
		return bot.Message{}, fmt.Errorf("partner jobcenters: %w", err)
	}
	if err := link(b, a); err != nil {
		return bot.Message{}, fmt.Errorf("partner jobcenters: %w", err)
	}
	return bot.Reply(c.tr("✅ "+a.Name+" og "+b.Name+" deler nu stillinger og intromøder.", "✅ "+a.Name+" and "+b.Name+" now share positions and intro days.")), nil
}

func runJobcenterJoin(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	var p bot.Consultant
	var j bot.Jobcenter
	var err error
	if l, r, ok := splitAt(args, "=", "til", "to", "i", "in"); ok {
		if p, err = s.person(ctx, c, l); err != nil {
			return bot.Message{}, err
		}
		if j, err = s.jobcenter(ctx, c, r); err != nil {
			return bot.Message{}, err
		}
	} else if p, j, err = s.personAndJobcenter(ctx, c, args); err != nil {
		return bot.Message{}, err
	}
	// Each jobcenter's lead sees the move in their own trail.
	audit := []bot.AuditEntry{c.entry(bot.AuditJoin, j.ID, p.ID, p.Name, "joined "+j.Name)}
	if p.JobcenterID != j.ID && p.JobcenterID != 0 {
		audit = append(audit, c.entry(bot.AuditJoin, p.JobcenterID, p.ID, p.Name, "left for "+j.Name))
	}
	if _, err := s.people.UpdateConsultant(ctx, p.ID, func(x *bot.Consultant) error { x.JobcenterID = j.ID; return nil }, audit...); err != nil {
		return bot.Message{}, fmt.Errorf("join jobcenter: %w", err)
	}
	return bot.Reply(c.tr("✅ "+p.Name+" hører nu til "+j.Name+".", "✅ "+p.Name+" now belongs to "+j.Name+".")), nil
}

func (s *Service) personAndJobcenter(ctx context.Context, c *call, args []string) (bot.Consultant, bot.Jobcenter, error) {
	// Without "=" the split is unknown: try every one, the person's name
	// shortest first, and take the first where both sides are known.
	var firstErr error
	for i := 1; i < len(args); i++ {
		j, err := s.jobcenter(ctx, c, args[i:])
		if err != nil {
			continue
		}
		p, err := s.person(ctx, c, args[:i])
		if err == nil {
			return p, j, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return bot.Consultant{}, bot.Jobcenter{}, firstErr
	}
	return bot.Consultant{}, bot.Jobcenter{}, usageError(s, c, "jobcenter join")
}

func runJobcenterList(ctx context.Context, s *Service, c *call, args []string) (bot.Message, error) {
	all, err := s.people.Jobcenters(ctx)
	if err != nil {
		return bot.Message{}, fmt.Errorf("list jobcenters: %w", err)
	}
	names := map[uint64]string{}
	for _, j := range all {
		names[j.ID] = j.Name
	}
	items := make([]string, 0, len(all))
	for _, j := range all {
		line := j.Name
		if len(j.Partners) > 0 {
			ps := make([]string, 0, len(j.Partners))
			for _, id := range j.Partners {
				ps = append(ps, names[id])
			}
			line += c.tr(" — samarbejder med ", " — partners: ") + strings.Join(ps, ", ")
		}
		if j.ID == c.actor.JobcenterID {
			line += c.tr(" (dit)", " (yours)")
		}
		items = append(items, line)
	}
	return bot.Message{Blocks: []bot.Block{bot.Heading{Text: c.tr("Jobcentre", "Jobcenters")}, bot.List{Items: items}}}, nil
}
