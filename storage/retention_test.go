package storage_test

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
	"kontaktbot/storage"
	"kontaktbot/storage/storagetest"
)

func TestExpireNotesErasesOldNotesOnly(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	sorø := mustJobcenter(t, db, bot.Jobcenter{Name: "Jobcenter Sorø", NoteRetentionMonths: 12})
	anne, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Anne", JobcenterID: sorø.ID, Role: bot.RoleConsultant})
	if err != nil {
		t.Fatal(err)
	}
	co := mustCompany(t, db, bot.Company{Name: "Kerteminde Kro", OwnerID: anne.ID, CadenceDays: 30})
	now := days(0)
	old := secretNote(t, db, path, co.ID, anne.ID, now.AddDate(0, -13, 0), "Gamle-Gerda")
	young := mustContact(t, db, bot.Contact{CompanyID: co.ID, ConsultantID: anne.ID, At: now.AddDate(0, -11, 0), Kind: bot.KindPhone, Note: "Unge-Ulla"})
	got, err := db.ExpireNotes(ctx, now, 36)
	if err != nil {
		t.Fatal(err)
	}
	if got.Notes != 1 {
		t.Errorf("erased %d notes, want 1", got.Notes)
	}
	if inFile(t, path, "Gamle-Gerda") {
		t.Error("the expired note is still in the file")
	}
	cs := mustContacts(t, db, co.ID)
	if len(cs) != 2 || cs[0].Note != young.Note || cs[1].Note != "" || cs[1].NoteErasedMonths != 12 || !cs[1].At.Equal(old.At) || cs[1].Kind != old.Kind || cs[1].ConsultantID != anne.ID {
		t.Errorf("contacts after retention: %+v", cs)
	}
	if c := mustGetCompany(t, db, co.ID); !c.LastContact.Equal(young.At) {
		t.Errorf("last contact moved: %+v", c)
	}
	again, err := db.ExpireNotes(ctx, now, 36)
	if err != nil || again.Notes != 0 {
		t.Errorf("a second run: %+v, %v", again, err)
	}
}

var (
	retention1M   = flag.Bool("retention1m", false, "run BenchmarkExpireNotes over 1,000,000 contacts even with -short")
	retentionBusy = flag.Int("retention.busy", 0, "goroutines that keep the CPU busy during BenchmarkExpireNotes, as serving does")
)

// busy keeps n goroutines spinning until the returned stop is called: the
// load of a server answering commands while retention runs.
func busy(n int) (stop func()) {
	done := make(chan struct{})
	for range n {
		go func() {
			x := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				for i := range 100_000 {
					x += i
				}
				_ = x
			}
		}()
	}
	return func() { close(done) }
}

// BenchmarkExpireNotes erases 10% of the notes of n contacts and reports
// the longest write-lock hold of a batch (max-lock-ms) and the whole run
// (run-s). 1,000,000 contacts without -short (or with -retention1m),
// 20,000 with it (CI). -retention.busy N keeps N goroutines busy meanwhile.
func BenchmarkExpireNotes(b *testing.B) {
	n := 1_000_000
	if testing.Short() && !*retention1M {
		n = 20_000
	}
	var longest, total time.Duration
	over, held := 0, 0
	timer := func() func() {
		start := time.Now()
		return func() {
			d := time.Since(start)
			longest = max(longest, d)
			total += d
			held++
			if d > 20*time.Millisecond {
				over++
			}
		}
	}
	for b.Loop() {
		b.StopTimer()
		db, err := storage.Open(filepath.Join(b.TempDir(), "k.db"), storage.Options{Timeout: time.Second, BatchTimer: timer,
			Clock: bot.ClockFunc(func() time.Time { return benchNow })})
		if err != nil {
			b.Fatal(err)
		}
		fillContacts(b, db, n)
		longest, total, over, held = 0, 0, 0, 0
		stop := busy(*retentionBusy)
		b.StartTimer()
		start := time.Now()
		got, err := db.ExpireNotes(context.Background(), benchNow, 36)
		run := time.Since(start)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if got.Notes != n/10 {
			b.Fatalf("erased %d notes, want %d", got.Notes, n/10)
		}
		b.ReportMetric(float64(longest.Microseconds())/1000, "max-lock-ms")
		b.ReportMetric(float64(total.Microseconds())/1000/float64(max(held, 1)), "mean-lock-ms")
		b.ReportMetric(run.Seconds(), "run-s")
		b.ReportMetric(float64(got.Batches), "batches")
		b.ReportMetric(float64(over), "batches>20ms")
		b.ReportMetric(float64(got.Scrub.Zeroed), "zeroed-pages")
		db.Close()
		b.StartTimer()
	}
}

// fillContacts stores n contacts with notes, ten a company, every tenth
// older than 36 months.
func fillContacts(tb testing.TB, db *storage.DB, n int) {
	ctx := context.Background()
	owner, err := db.CreateConsultant(ctx, bot.Consultant{Name: "Konsulent", JobcenterID: 1, Role: bot.RoleConsultant})
	if err != nil {
		tb.Fatal(err)
	}
	cs := storagetest.Portfolio(n/10, 1, benchNow, []uint64{owner.ID})
	if err := db.ImportCompanies(ctx, cs); err != nil {
		tb.Fatal(err)
	}
	note := "Talte med værkføreren om " + strings.Repeat("lager ", 10)
	const chunk = 100_000
	var batch []bot.Contact
	for i := range n {
		at := benchNow.AddDate(0, 0, -1-(i%10)*30)
		if i%10 == 9 {
			at = benchNow.AddDate(-3, -1, 0)
		}
		batch = append(batch, bot.Contact{CompanyID: uint64(i/10 + 1), ConsultantID: owner.ID, At: at, Kind: bot.KindPhone, Note: note})
		if len(batch) == chunk || i == n-1 {
			if err := db.ImportContacts(ctx, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

func TestExpireCandidatesKeepsTheCount(t *testing.T) {
	t.Parallel()
	db, path := newDB(t)
	ctx := t.Context()
	d, err := db.CreateIntroDay(ctx, bot.IntroDay{Date: days(-400), Place: "Sorø"})
	if err != nil {
		t.Fatal(err)
	}
	old := bot.Candidate{Reference: "GAMMEL-77", IntroDayID: d.ID, Skills: "Truckcertifikat-Tove", Wishes: "lager", Course: "Svejsekursus-Svend",
		Stage: bot.StageOutcome, Outcome: "job", History: []bot.Event{{At: days(-380), What: "outcome job"}}}
	fresh := bot.Candidate{Reference: "NY-12", IntroDayID: d.ID, Skills: "kok", Stage: bot.StageOutcome, Outcome: "job",
		History: []bot.Event{{At: days(-100), What: "outcome job"}}}
	for _, c := range []bot.Candidate{old, fresh} {
		if _, err := db.AddCandidate(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.ExpireCandidates(ctx, days(0), 12)
	if err != nil || n != 1 {
		t.Fatalf("erased %d, %v", n, err)
	}
	for _, s := range []string{"Truckcertifikat-Tove", "Svejsekursus-Svend", "GAMMEL-77", "gammel77"} {
		if inFile(t, path, s) {
			t.Errorf("%q is still in the file", s)
		}
	}
	cs, err := db.Candidates(ctx, d.ID)
	if err != nil || len(cs) != 2 {
		t.Fatalf("candidates after: %+v, %v", cs, err)
	}
	if n, _ := db.ExpireCandidates(ctx, days(0), 12); n != 0 {
		t.Errorf("a second run erased %d", n)
	}
	if got, err := db.CandidatesByRef(ctx, "GAMMEL-77"); err != nil || len(got) != 0 {
		t.Errorf("found by the old reference: %+v, %v", got, err)
	}
}
