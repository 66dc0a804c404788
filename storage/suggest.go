package storage

import (
	"slices"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// suggestIndex finds the company names most like a mistyped one. It is a
// trigram index held in memory: every normalized name and alias is cut
// into overlapping three-letter pieces, and a query scores each name by
// the pieces they share (the Dice coefficient), so "grunfos" still meets
// "grundfos". It is rebuilt from the name index at Open and kept in step
// by each committed write, so the file stays the only truth.
type suggestIndex struct {
	mu        sync.RWMutex
	keys      []string           // entry -> normalized name or alias
	company   []uint64           // entry -> company id; 0 for a removed entry
	grams     []uint16           // entry -> number of distinct trigrams
	byCompany map[uint64][]int32 // company id -> its entries
	postings  map[string][]int32 // trigram -> entries holding it, ascending
	dead      int
	counts    sync.Pool // *[]uint16 scratch, one count per entry
	// words is the most words any key has had: no longer run of typed
	// words can name a company, or start one's name.
	words int
}

// maxSuggestions caps a search's limit: suggestions are for a person to
// read.
const maxSuggestions = 100

// minScore is the least likeness worth suggesting: below it a "did you
// mean" would be noise.
const minScore = 0.3

func newSuggestIndex() *suggestIndex {
	return &suggestIndex{byCompany: map[uint64][]int32{}, postings: map[string][]int32{}}
}

// loadSuggest builds the index from the company name index.
func (db *DB) loadSuggest() (*suggestIndex, error) {
	ix := newSuggestIndex()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bCompNames).ForEach(func(k, v []byte) error {
			ix.add(btoi(v), string(k))
			return nil
		})
	})
	return ix, err
}

// trigrams returns the distinct trigrams of a normalized name, padded so
// that the start of a name weighs more than its middle.
func trigrams(key string, f func(g string)) int {
	s := []rune("  " + key + " ")
	seen := make(map[string]struct{}, len(s))
	for i := 0; i+3 <= len(s); i++ {
		g := string(s[i : i+3])
		if _, ok := seen[g]; ok {
			continue
		}
		seen[g] = struct{}{}
		f(g)
	}
	return len(seen)
}

// add indexes one key of company id. The caller holds mu or owns ix.
func (ix *suggestIndex) add(id uint64, key string) {
	e := int32(len(ix.keys))
	n := trigrams(key, func(g string) { ix.postings[g] = append(ix.postings[g], e) })
	ix.keys = append(ix.keys, key)
	ix.company = append(ix.company, id)
	ix.grams = append(ix.grams, uint16(min(n, 1<<16-1)))
	ix.byCompany[id] = append(ix.byCompany[id], e)
	ix.words = max(ix.words, strings.Count(key, " ")+1)
}

// longest is the most words a name or alias has, or has had: an upper
// bound, kept by every committed write before its caller hears of it.
func (ix *suggestIndex) longest() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.words
}

// set replaces the keys of company id (none removes it).
func (ix *suggestIndex) set(id uint64, keys []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, e := range ix.byCompany[id] {
		ix.company[e] = 0
		ix.dead++
	}
	delete(ix.byCompany, id)
	for _, k := range keys {
		ix.add(id, k)
	}
	if ix.dead > 1024 && ix.dead > len(ix.keys)/2 {
		ix.compact()
	}
}

// compact rebuilds the index without removed entries.
func (ix *suggestIndex) compact() {
	fresh := newSuggestIndex()
	for e, k := range ix.keys {
		if id := ix.company[e]; id != 0 {
			fresh.add(id, k)
		}
	}
	ix.keys, ix.company, ix.grams = fresh.keys, fresh.company, fresh.grams
	ix.byCompany, ix.postings, ix.dead = fresh.byCompany, fresh.postings, 0
}

type hit struct {
	company uint64
	score   float64
	key     string
}

// search returns up to limit company ids whose keys are most like q, best
// first; ties go to the shorter name, then the smaller id.
func (ix *suggestIndex) search(q string, limit int) []uint64 {
	if q == "" || limit <= 0 {
		return nil
	}
	limit = min(limit, maxSuggestions)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var qgrams []string
	nq := trigrams(q, func(g string) { qgrams = append(qgrams, g) })

	cp, _ := ix.counts.Get().(*[]uint16)
	if cp == nil || len(*cp) < len(ix.keys) {
		s := make([]uint16, len(ix.keys)+len(ix.keys)/4+64)
		cp = &s
	}
	counts := *cp
	defer ix.counts.Put(cp)
	// Rare trigrams find the candidates; common ones ("sen", "en ", "as ")
	// only add to the counts of candidates found, else one query would
	// touch most of a Danish portfolio. The rarest three always find, so a
	// query made only of common trigrams still has candidates.
	posts := make([][]int32, 0, len(qgrams))
	for _, g := range qgrams {
		if p := ix.postings[g]; len(p) > 0 {
			posts = append(posts, p)
		}
	}
	slices.SortFunc(posts, func(a, b []int32) int { return len(a) - len(b) })
	common := max(len(ix.keys)/50, 1000)
	var touched []int32
	for i, post := range posts {
		finds := i < 3 || len(post) <= common
		for _, e := range post {
			if counts[e] == 0 {
				if !finds {
					continue
				}
				touched = append(touched, e)
			}
			counts[e]++
		}
	}
	top := make([]hit, 0, limit+1)
	for _, e := range touched {
		c := counts[e]
		counts[e] = 0
		id := ix.company[e]
		if id == 0 {
			continue
		}
		score := 2 * float64(c) / float64(nq+int(ix.grams[e]))
		if strings.HasPrefix(ix.keys[e], q) {
			score += 0.25 // what was typed is the start of the name
		}
		if score < minScore {
			continue
		}
		top = insertHit(top, hit{id, score, ix.keys[e]}, limit)
	}
	ids := make([]uint64, len(top))
	for i, h := range top {
		ids[i] = h.company
	}
	return ids
}

func better(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if len(a.key) != len(b.key) {
		return len(a.key) < len(b.key)
	}
	return a.company < b.company
}

// insertHit keeps top sorted, at most limit long, one hit per company.
func insertHit(top []hit, h hit, limit int) []hit {
	for i, t := range top {
		if t.company == h.company {
			if !better(h, t) {
				return top
			}
			top = slices.Delete(top, i, i+1)
			break
		}
	}
	if len(top) == limit && !better(h, top[len(top)-1]) {
		return top
	}
	i, _ := slices.BinarySearchFunc(top, h, func(t, h hit) int {
		if better(t, h) {
			return -1
		}
		return 1
	})
	top = slices.Insert(top, i, h)
	if len(top) > limit {
		top = top[:limit]
	}
	return top
}
