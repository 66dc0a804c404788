package commands_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"kontaktbot/commands"
)

// importRows is the size of the file BenchmarkImport imports; the default
// is small enough for CI, -import.rows=250000 is a national import.
var importRows = flag.Int("import.rows", 5000, "rows in the CSV file BenchmarkImport imports")

var (
	benchFirst = []string{"Ærø", "Søndergård", "Vestjysk", "Nordfyns", "Østbirk", "Hørsholm", "Brøndby", "Kjærgaard", "Fjordens", "Løgstør", "Skærbæk", "Århus", "Bøgebjerg", "Hjørring", "Møllers", "Grønbech"}
	benchTrade = []string{"Maskinfabrik", "Tømrer", "Rengøring", "Vognmand", "Bageri", "Elektro", "Smedie", "Murer", "Catering", "Gartneri", "Autoværksted", "Revision"}
	benchForm  = []string{"ApS", "A/S", "I/S", "IVS", ""}
	benchAreas = []string{"Odense", "Aarhus", "Aalborg", "Esbjerg", "Ærøskøbing", "Køge", "Næstved", "Sønderborg", "Holstebro", "Vejle"}
)

// benchCVR returns a CVR number with a valid modulus-11 check digit, or ""
// when the seven digits have none.
func benchCVR(i int) string {
	d := fmt.Sprintf("%07d", 1000000+i%8999999)
	w := []int{2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for k := range 7 {
		sum += int(d[k]-'0') * w[k]
	}
	c := (11 - sum%11) % 11
	if c == 10 {
		return ""
	}
	return d + strconv.Itoa(c)
}

// benchCSV writes n rows: unique Danish company names, owners from a pool
// of the given size, a last contact within the past year, every third row
// with a CVR number.
func benchCSV(n, owners int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeffname;cvr;owner;cadence;tier;area;last_contact\n")
	day := sunday.AddDate(0, 0, -1)
	for i := range n {
		name := fmt.Sprintf("%s %s %d %s", benchFirst[i%len(benchFirst)], benchTrade[(i/len(benchFirst))%len(benchTrade)], i, benchForm[i%len(benchForm)])
		cvr := ""
		if i%3 == 0 {
			cvr = benchCVR(i)
		}
		owner := benchOwner(i % owners)
		last := day.AddDate(0, 0, -(i % 365)).Format("2006-01-02")
		fmt.Fprintf(&b, "%s;%s;%s;30;normal;%s;%s\n", strings.TrimSpace(name), cvr, owner, benchAreas[i%len(benchAreas)], last)
	}
	return b.Bytes()
}

// benchOwner is the name of the k'th consultant of benchCSV's pool.
func benchOwner(k int) string { return fmt.Sprintf("Konsulent %s %d", benchFirst[k%7], k) }

// vmHWM returns the process's peak resident set in bytes, or 0 where
// /proc is not there.
func vmHWM() float64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(s), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkImport imports -import.rows rows through the real path, over a
// real bbolt file with fsync, creating the owners as --create-people does.
func BenchmarkImport(b *testing.B) {
	data := benchCSV(*importRows, min(max(*importRows/50, 1), 5000))
	b.ReportAllocs()
	var heap uint64
	for b.Loop() {
		b.StopTimer()
		tb := newBot(b)
		b.StartTimer()
		res, err := tb.svc.ImportCompanies(t0, bytes.NewReader(data), commands.ImportOptions{CreatePeople: true})
		if err != nil {
			b.Fatalf("import: %v", err)
		}
		if res.Companies != *importRows {
			b.Fatalf("imported %d of %d", res.Companies, *importRows)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapSys)
	}
	b.ReportMetric(float64(*importRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(heap), "heapsys-B")
	b.ReportMetric(vmHWM(), "peak-rss-B")
}
