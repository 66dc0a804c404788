package storage_test

import (
	"context"
	"errors"
	"testing"

	"kontaktbot/bot"
)

func TestConversationsPutGetDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := newDB(t)
	user, ch := "teams:T1:U1", "teams/T1/channel/19:abc"
	if _, err := db.Conversation(ctx, user); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("missing: err = %v, want ErrNotFound", err)
	}
	data := []byte(`{"conversation":"a:1"}`)
	if changed, err := db.PutConversation(ctx, user, data); err != nil || !changed {
		t.Fatalf("first put: changed=%v err=%v", changed, err)
	}
	data[2] = 'X' // the caller keeps its bytes: storage must have copied them
	if changed, err := db.PutConversation(ctx, user, []byte(`{"conversation":"a:1"}`)); err != nil || changed {
		t.Fatalf("same put: changed=%v err=%v, want unchanged", changed, err)
	}
	if _, err := db.PutConversation(ctx, ch, []byte(`{"c":2}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutConversation(ctx, "teams/T2/channel/x", []byte(`{"c":3}`)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, path) // what was acknowledged persists
	got, err := db.Conversation(ctx, user)
	if err != nil || string(got) != `{"conversation":"a:1"}` {
		t.Fatalf("after reopen: %s, %v", got, err)
	}
	list, err := db.Conversations(ctx, "teams/T1/")
	if err != nil || len(list) != 1 || string(list[ch]) != `{"c":2}` {
		t.Fatalf("Conversations(teams/T1/) = %q, %v", list, err)
	}
	for range 2 { // deleting twice is harmless
		if err := db.DeleteConversation(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Conversation(ctx, ch); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("deleted: err = %v", err)
	}
	if _, err := db.PutConversation(ctx, "", nil); err == nil {
		t.Fatal("empty key accepted")
	}
}
