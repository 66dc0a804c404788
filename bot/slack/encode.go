package slack

import (
	"encoding/json"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"
)

// encodeReply is json.Marshal(reply), byte for byte, for the replies
// Response builds, written by hand: slack-go's blocks marshal through
// MarshalJSON methods that encoding/json then compacts again, which made
// encoding the reply a fifth of the Slack adapter's cost. A field or block
// that Response never sets is left to encoding/json.
func encodeReply(r *Reply) ([]byte, error) {
	if b, ok := appendReply(make([]byte, 0, 1024), r); ok {
		return b, nil
	}
	return json.Marshal(r)
}

func appendReply(b []byte, r *Reply) ([]byte, bool) {
	if r.Username != "" || r.IconEmoji != "" || r.IconURL != "" || r.Channel != "" || r.ThreadTimestamp != "" ||
		len(r.Attachments) > 0 || r.Parse != "" || r.ReplyBroadcast || r.UnfurlLinks != nil || r.UnfurlMedia != nil {
		return b, false
	}
	b = append(b, '{')
	if r.Text != "" {
		b = append(b, `"text":`...)
		b = appendString(b, r.Text)
		b = append(b, ',')
	}
	if r.Blocks != nil {
		b = append(b, `"blocks":`...)
		var ok bool
		if b, ok = appendBlocks(b, r.Blocks.BlockSet); !ok {
			return b, false
		}
		b = append(b, ',')
	}
	if r.ResponseType != "" {
		b = append(b, `"response_type":`...)
		b = appendString(b, r.ResponseType)
		b = append(b, ',')
	}
	b = append(b, `"replace_original":`...)
	b = appendBool(b, r.ReplaceOriginal)
	b = append(b, `,"delete_original":`...)
	b = appendBool(b, r.DeleteOriginal)
	return append(b, '}'), true
}

func appendBlocks(b []byte, blocks []slackapi.Block) ([]byte, bool) {
	if blocks == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, blk := range blocks {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = appendBlock(b, blk); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// appendBlock writes the blocks the renderer makes, with their fields in
// slack-go's order.
func appendBlock(b []byte, blk slackapi.Block) ([]byte, bool) {
	switch v := blk.(type) {
	case *slackapi.HeaderBlock:
		if v.Level != 0 {
			return b, false
		}
		b = appendType(b, string(v.Type))
		if v.Text != nil {
			b = append(b, `,"text":`...)
			b = appendText(b, v.Text)
		}
		b = appendBlockID(b, v.BlockID)
	case *slackapi.SectionBlock:
		if v.Accessory != nil || v.Expand {
			return b, false
		}
		b = appendType(b, string(v.Type))
		if v.Text != nil {
			b = append(b, `,"text":`...)
			b = appendText(b, v.Text)
		}
		b = appendBlockID(b, v.BlockID)
		if len(v.Fields) > 0 {
			b = append(b, `,"fields":[`...)
			for i, f := range v.Fields {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendText(b, f)
			}
			b = append(b, ']')
		}
	case *slackapi.DividerBlock:
		b = appendType(b, string(v.Type))
		b = appendBlockID(b, v.BlockID)
	case *slackapi.ActionBlock:
		b = appendType(b, string(v.Type))
		b = appendBlockID(b, v.BlockID)
		b = append(b, `,"elements":`...)
		var ok bool
		if b, ok = appendButtons(b, v.Elements); !ok {
			return b, false
		}
	case *slackapi.ContextBlock:
		b = appendType(b, string(v.Type))
		b = appendBlockID(b, v.BlockID)
		b = append(b, `,"elements":`...)
		if v.ContextElements.Elements == nil {
			b = append(b, "null"...)
			break
		}
		b = append(b, '[')
		for i, e := range v.ContextElements.Elements {
			t, ok := e.(*slackapi.TextBlockObject)
			if !ok {
				return b, false
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendText(b, t)
		}
		b = append(b, ']')
	default:
		return b, false
	}
	return append(b, '}'), true
}

func appendButtons(b []byte, els *slackapi.BlockElements) ([]byte, bool) {
	if els == nil {
		return append(b, "null"...), true
	}
	if els.ElementSet == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, e := range els.ElementSet {
		btn, ok := e.(*slackapi.ButtonBlockElement)
		if !ok || btn.URL != "" || btn.Confirm != nil || btn.AccessibilityLabel != "" || btn.AgentPrompt != "" ||
			btn.AgentPromptDisplay != "" || len(btn.VisibleToUserIDs) > 0 {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if btn.Type != "" {
			b = append(b, `"type":`...)
			b = appendString(b, string(btn.Type))
			b = append(b, ',')
		}
		b = append(b, `"text":`...)
		b = appendText(b, btn.Text)
		if btn.ActionID != "" {
			b = append(b, `,"action_id":`...)
			b = appendString(b, btn.ActionID)
		}
		if btn.Value != "" {
			b = append(b, `,"value":`...)
			b = appendString(b, btn.Value)
		}
		if btn.Style != "" {
			b = append(b, `,"style":`...)
			b = appendString(b, string(btn.Style))
		}
		b = append(b, '}')
	}
	return append(b, ']'), true
}

func appendType(b []byte, t string) []byte {
	b = append(b, `{"type":`...)
	return appendString(b, t)
}

func appendBlockID(b []byte, id string) []byte {
	if id == "" {
		return b
	}
	b = append(b, `,"block_id":`...)
	return appendString(b, id)
}

func appendText(b []byte, t *slackapi.TextBlockObject) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"type":`...)
	b = appendString(b, t.Type)
	b = append(b, `,"text":`...)
	b = appendString(b, t.Text)
	if t.Emoji != nil {
		b = append(b, `,"emoji":`...)
		b = appendBool(b, *t.Emoji)
	}
	if t.Verbatim {
		b = append(b, `,"verbatim":true`...)
	}
	return append(b, '}')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s exactly as encoding/json does: HTML characters,
// control characters, U+2028 and U+2029 escaped, invalid UTF-8 replaced.
func appendString(b []byte, s string) []byte {
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
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
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
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
