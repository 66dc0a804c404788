package slack

import (
	"encoding/json"
	"time"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// Callback ids of our modals, and the block and action ids of their
// inputs: a view_submission names them back to us.
const (
	VisitCallback = "kontaktbot-visit"
	PlanCallback  = "kontaktbot-plan"

	BlockDate  = "date"
	BlockKind  = "kind"
	BlockNote  = "note"
	actionDate = "date"
	actionKind = "kind"
	actionNote = "note"
)

// Modal limits that Slack enforces on views.open.
const (
	MaxModalTitle   = 24   // a modal's title, submit and close labels
	MaxNote         = 2000 // what we let a note be in the modal (Slack allows 3000)
	MaxPrivateMeta  = 3000 // private_metadata, in characters
	MaxErrorMessage = 300  // what we put under a field; Slack shows it whole
)

// maxCompanyShown is how much of a company's name a modal shows.
const maxCompanyShown = 300

// modalMeta is what a modal carries in its private_metadata: the company
// it is about, and where to say that it was saved (the response_url of the
// button that opened it, valid for 30 minutes, and the button's channel).
type modalMeta struct {
	Company     string `json:"company"`
	ResponseURL string `json:"response_url,omitempty"`
	Channel     string `json:"channel,omitempty"`
}

// encodeMeta returns meta as private_metadata, leaving out the
// response_url when the whole would be too long (the confirmation then
// goes to the channel).
func encodeMeta(m modalMeta) string {
	data, _ := json.Marshal(m) // strings only: cannot fail
	if len(data) > MaxPrivateMeta {
		m.ResponseURL = ""
		data, _ = json.Marshal(m)
	}
	return string(data)
}

func decodeMeta(s string) modalMeta {
	var m modalMeta
	_ = json.Unmarshal([]byte(s), &m) // a missing or foreign value reads as empty
	return m
}

// VisitModal is the "log contact" modal for company: date (today in
// Europe/Copenhagen by default, none later than today), kind of contact
// (a visit by default) and a required note.
func VisitModal(now time.Time, company string, lang bot.Lang, meta string) slackapi.ModalViewRequest {
	today := now.In(bot.Copenhagen).Format(time.DateOnly)
	date := slackapi.NewDatePickerBlockElement(actionDate)
	date.InitialDate = today
	var opts []*slackapi.OptionBlockObject
	for _, k := range []bot.ContactKind{bot.KindVisit, bot.KindPhone, bot.KindMail, bot.KindMeeting} {
		opts = append(opts, slackapi.NewOptionBlockObject(string(k), plain(k.Label(lang)), nil))
	}
	kind := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, actionKind, opts...)
	kind.InitialOption = opts[0]
	note := slackapi.NewPlainTextInputBlockElement(plain(lang.Pick("Fx: mødte Lars om to svejsere", "E.g. met Lars about two welders")), actionNote)
	note.Multiline, note.MaxLength = true, MaxNote
	return modal(VisitCallback, lang.Pick("Noter kontakt", "Log contact"), lang.Pick("Gem", "Save"), lang, meta,
		slackapi.NewSectionBlock(mrkdwn("*"+clipEscaped(company, maxCompanyShown)+"*"), nil, nil),
		slackapi.NewInputBlock(BlockDate, plain(lang.Pick("Dato", "Date")), nil, date),
		slackapi.NewInputBlock(BlockKind, plain(lang.Pick("Type", "Kind")), nil, kind),
		slackapi.NewInputBlock(BlockNote, plain(lang.Pick("Note", "Note")), nil, note),
	)
}

// PlanModal is the "plan a contact" modal for company: one date, today or
// later.
func PlanModal(now time.Time, company string, lang bot.Lang, meta string) slackapi.ModalViewRequest {
	date := slackapi.NewDatePickerBlockElement(actionDate)
	date.InitialDate = now.In(bot.Copenhagen).AddDate(0, 0, 7).Format(time.DateOnly)
	return modal(PlanCallback, lang.Pick("Planlæg kontakt", "Plan contact"), lang.Pick("Planlæg", "Plan"), lang, meta,
		slackapi.NewSectionBlock(mrkdwn("*"+clipEscaped(company, maxCompanyShown)+"*\n"+lang.Pick(
			"Påmindelsen om virksomheden venter til den dag.", "The nudge about the company waits until that day.")), nil, nil),
		slackapi.NewInputBlock(BlockDate, plain(lang.Pick("Næste kontakt", "Next contact")), nil, date),
	)
}

func modal(callback, title, submit string, lang bot.Lang, meta string, blocks ...slackapi.Block) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		CallbackID:      callback,
		Title:           plain(clip(title, MaxModalTitle)),
		Submit:          plain(clip(submit, MaxModalTitle)),
		Close:           plain(lang.Pick("Annullér", "Cancel")),
		Blocks:          slackapi.Blocks{BlockSet: blocks},
		PrivateMetadata: meta,
	}
}

// MaxHomeBlocks is the most blocks a home tab may have.
const MaxHomeBlocks = 100

// HomeView is the App Home tab: the messages one after another (each
// within Block Kit's limits), divided, and cut to MaxHomeBlocks.
func HomeView(msgs ...bot.Message) slackapi.HomeTabViewRequest {
	var blocks []slackapi.Block
	for i, m := range msgs {
		if i > 0 {
			blocks = append(blocks, slackapi.NewDividerBlock())
		}
		blocks = append(blocks, Blocks(m)...)
	}
	if len(blocks) > MaxHomeBlocks {
		blocks = append(blocks[:MaxHomeBlocks-1:MaxHomeBlocks-1], slackapi.NewContextBlock("", mrkdwn(ellipsis)))
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: blocks}}
}
