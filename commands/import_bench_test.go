package commands_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"time"

	"flag"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"os"
	"runtime"
	"slices"
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
// real bbolt file with fsync, creating the owners as --create-people does,
// and reports the time against a bare bbolt load of the same records
// (x-bare; the goal is under 3). The bare load runs after every import,
// outside the timer, and x-bare compares the medians of the two: fsync
// times on a shared machine drift by a third within minutes, so one bare
// load measured once could tilt the ratio either way.
func BenchmarkImport(b *testing.B) {
	data := benchCSV(*importRows, min(max(*importRows/50, 1), 5000))
	b.ReportAllocs()
	var heap uint64
	var imports, bares []time.Duration
	var rss float64 // peak RSS before the first bare load, which holds every record
	for b.Loop() {
		b.StopTimer()
		tb := newBot(b)
		b.StartTimer()
		start := time.Now()
		res, err := tb.svc.ImportCompanies(t0, bytes.NewReader(data), commands.ImportOptions{CreatePeople: true})
		if err != nil {
			b.Fatalf("import: %v", err)
		}
		took := time.Since(start)
		if res.Companies != *importRows {
			b.Fatalf("imported %d of %d", res.Companies, *importRows)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapSys)
		b.StopTimer()
		tb.db.Close() // for bareLoad to read it
		if len(bares) == 0 {
			rss = vmHWM()
		}
		imports = append(imports, took)
		bares = append(bares, bareLoad(b, tb.path))
		runtime.GC() // the bare load's copy of every record is garbage now
		b.StartTimer()
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(*importRows)/perOp, "rows/s")
	b.ReportMetric(float64(heap), "heapsys-B")
	b.ReportMetric(rss, "peak-rss-B")
	b.StopTimer()
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return ds[len(ds)/2].Seconds()
	}
	bare := median(bares)
	b.ReportMetric(bare, "bare-s")
	b.ReportMetric(median(imports)/bare, "x-bare")
}

// bareLoad is the floor BenchmarkImport is held against: the records the
// import stored in the file at path (every key and value of every bucket,
// read into memory first) put into a fresh file by bare bbolt, each
// bucket in key order into pages filled 90%, in fsync'd transactions of
// 20,000 records, as the import writes them.
func bareLoad(b *testing.B, path string) time.Duration {
	type bucket struct {
		name []byte
		seq  uint64
		kvs  [][2][]byte
	}
	var all []bucket
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	err = src.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			one := bucket{name: bytes.Clone(name), seq: bk.Sequence()}
			err := bk.ForEach(func(k, v []byte) error {
				one.kvs = append(one.kvs, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
				return nil
			})
			all = append(all, one)
			return err
		})
	})
	if err := errors.Join(err, src.Close()); err != nil {
		b.Fatal(err)
	}
	dst, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Close()
	start := time.Now()
	for _, bk := range all {
		for lo := 0; lo == 0 || lo < len(bk.kvs); lo += 20_000 {
			err := dst.Update(func(tx *bolt.Tx) error {
				to, err := tx.CreateBucketIfNotExists(bk.name)
				if err != nil {
					return err
				}
				to.FillPercent = 0.9
				for _, kv := range bk.kvs[lo:min(lo+20_000, len(bk.kvs))] {
					if err := to.Put(kv[0], kv[1]); err != nil {
						return err
					}
				}
				return to.SetSequence(bk.seq)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	return time.Since(start)
}
