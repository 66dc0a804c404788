package main

import (
	"bytes"
	"os"
	"testing"
)

func TestRemindRunsRetention(t *testing.T) {
	t.Parallel()
	db := remindFixture(t)
	mustRun(t, "besøg L-tek talte med Gamle-Gunver\n", nil, "--db", db, "--as", "Hanne")
	held := func() bool {
		data, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(data, []byte("Gamle-Gunver"))
	}
	if !held() {
		t.Fatal("the note is not in the file")
	}
	env := map[string]string{"KONTAKTBOT_NOTE_RETENTION_MONTHS": "1"}
	out := mustRun(t, "", env, "remind", "--db", db, "--at", rfc(workingMonday(70), 8))
	contains(t, out, "Opbevaring: teksten af 1 noter og 0 kandidater er slettet.")
	if held() {
		t.Error("the expired note is still in the file after remind")
	}
	if _, _, err := runCmd(t, "", map[string]string{"KONTAKTBOT_NOTE_RETENTION_MONTHS": "nul"}, "remind", "--db", db); err == nil {
		t.Error("a retention period that is not a number was accepted")
	}
}
