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
	if !bytes.Contains(mustReadFile(t, db), []byte(`"action":"retention"`)) || !bytes.Contains(mustReadFile(t, db), []byte("notes=1 candidates=0")) {
		t.Error("the retention run is not in the audit trail")
	}
	if _, _, err := runCmd(t, "", map[string]string{"KONTAKTBOT_NOTE_RETENTION_MONTHS": "nul"}, "remind", "--db", db); err == nil {
		t.Error("a retention period that is not a number was accepted")
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
