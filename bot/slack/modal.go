package slack

import (
	"encoding/json"

	slackapi "github.com/slack-go/slack"

	"kontaktbot/bot"
)

// Callback ids of our modals, and the block and action ids of their
// inputs: a view_submission names them back to us.
const (
	VisitCallback = formCallbackBase + bot.FormVisit
	PlanCallback  = formCallbackBase + bot.FormPlan

	BlockDate = bot.InputDate
	BlockKind = bot.InputKind
	BlockNote = bot.InputNote
)

// Modal limits that Slack enforces on views.open.
const (
	MaxModalTitle   = 24          // a modal's title, submit and close labels
	MaxNote         = bot.MaxNote // what we let a note be in the modal (Slack allows 3000)
	MaxPrivateMeta  = 3000        // private_metadata, in characters
	MaxErrorMessage = 300         // what we put under a field; Slack shows it whole
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

// formCallbackBase begins the callback id of a form's modal; the form's
// kind follows.
const formCallbackBase = "kontaktbot-"

// formButton is the value of a button that opens a form: the form, and
// the command line to run where no modal can open.
type formButton struct {
	Form    string `json:"form"`
	Subject string `json:"subject"`
	Command string `json:"command,omitempty"`
}

func encodeFormButton(f bot.FormRef, command string) string {
	data, _ := json.Marshal(formButton{Form: f.Kind, Subject: f.Subject, Command: command}) // strings only: cannot fail
	return string(data)
}

func decodeFormButton(value string) (bot.FormRef, string, bool) {
	var fb formButton
	if err := json.Unmarshal([]byte(value), &fb); err != nil || fb.Form == "" || fb.Subject == "" {
		return bot.FormRef{}, "", false
	}
	return bot.FormRef{Kind: fb.Form, Subject: fb.Subject}, fb.Command, true
}

// Modal renders a form as a modal: the subject (and the form's intro) on
// top, then one input block per input, whose block and action ids are the
// input's id, so a view_submission names the values back by them.
func Modal(f bot.Form, meta string) slackapi.ModalViewRequest {
	head := "*" + clipEscaped(f.Subject, maxCompanyShown) + "*"
	if f.Intro != "" {
		head += "\n" + escape(f.Intro)
	}
	blocks := []slackapi.Block{slackapi.NewSectionBlock(mrkdwn(head), nil, nil)}
	for _, in := range f.Fields {
		var el slackapi.BlockElement
		switch in.Type {
		case bot.InputDateType:
			d := slackapi.NewDatePickerBlockElement(in.ID)
			d.InitialDate = in.Value
			el = d
		case bot.InputChoice:
			var opts []*slackapi.OptionBlockObject
			var initial *slackapi.OptionBlockObject
			for _, o := range in.Options {
				opt := slackapi.NewOptionBlockObject(o.Value, plain(o.Label), nil)
				if o.Value == in.Value {
					initial = opt
				}
				opts = append(opts, opt)
			}
			sel := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, in.ID, opts...)
			sel.InitialOption = initial
			el = sel
		default:
			t := slackapi.NewPlainTextInputBlockElement(plain(in.Placeholder), in.ID)
			if in.Placeholder == "" {
				t.Placeholder = nil
			}
			t.Multiline, t.InitialValue = in.Multiline, in.Value
			if t.MaxLength = in.MaxLength; t.MaxLength == 0 || t.MaxLength > MaxNote {
				t.MaxLength = MaxNote
			}
			el = t
		}
		block := slackapi.NewInputBlock(in.ID, plain(in.Label), nil, el)
		block.Optional = !in.Required
		blocks = append(blocks, block)
	}
	return modal(formCallbackBase+f.Kind, f.Title, f.Submit, f.Cancel, meta, blocks...)
}

func modal(callback, title, submit, cancel, meta string, blocks ...slackapi.Block) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		CallbackID:      callback,
		Title:           plain(clip(title, MaxModalTitle)),
		Submit:          plain(clip(submit, MaxModalTitle)),
		Close:           plain(clip(cancel, MaxModalTitle)),
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
