package storage

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// suggestIndex finds the company names most like a mistyped one. It is a
// trigram index held in memory: every normalized name and alias is cut
// into overlapping three-letter pieces, and a query scores each name by
// the pieces they share (the Dice coefficient), so "grunfos" still meets
// "grundfos". It is rebuilt from the name index at Open and kept in step
// by each committed write, so the file stays the only truth.
type suggestIndex struct {
	mu       sync.RWMutex
	keys     []string     // entry -> normalized name or alias
	company  []uint64     // entry -> company id; 0 for a removed entry
	grams    []uint16     // entry -> number of distinct trigrams
	first    firstEntries // company id -> its first entry; the rest follow it
	postings gramPostings // trigram -> entries holding it, ascending
	dead     int
	counts   sync.Pool // *[]uint16 scratch, one count per entry
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
	return &suggestIndex{postings: gramPostings{rare: map[trigram][]int32{}}}
}

// gramPostings holds each trigram's entries. The trigrams of normalized
// names are nearly all of space, a-z and 0-9: those have a slot each in an
// array (6 MB), which spares a national index's 12 million map updates at
// Open; any other goes in a map.
type gramPostings struct {
	dense [][]int32
	rare  map[trigram][]int32
}

// gramCode numbers the runes of dense trigrams from 1; 0 is any other.
var gramCode = func() (code [128]uint8) {
	n := uint8(1)
	for _, r := range " abcdefghijklmnopqrstuvwxyz0123456789" {
		code[r] = n
		n++
	}
	return code
}()

// slot is g's place in dense, if it has one.
func (p *gramPostings) slot(g trigram) (int, bool) {
	i := 0
	for shift := 42; shift >= 0; shift -= 21 {
		r := g >> shift & (1<<21 - 1)
		if r >= 128 || gramCode[r] == 0 {
			return 0, false
		}
		i = i<<6 | int(gramCode[r])
	}
	return i, true
}

func (p *gramPostings) add(g trigram, e int32) {
	if i, ok := p.slot(g); ok {
		if p.dense == nil {
			p.dense = make([][]int32, 1<<18)
		}
		p.dense[i] = append(p.dense[i], e)
		return
	}
	p.rare[g] = append(p.rare[g], e)
}

func (p *gramPostings) get(g trigram) []int32 {
	if i, ok := p.slot(g); ok {
		if p.dense == nil {
			return nil
		}
		return p.dense[i]
	}
	return p.rare[g]
}

// buildSuggest builds the index from every company's keys.
func buildSuggest(keys []companyKey) *suggestIndex {
	ix := newSuggestIndex()
	ix.keys = make([]string, 0, len(keys))
	ix.company = make([]uint64, 0, len(keys))
	ix.grams = make([]uint16, 0, len(keys))
	for _, k := range keys {
		ix.add(k.id, k.key)
	}
	return ix
}

// trigram is three runes of a name, 21 bits each: a map key that costs
// no string.
type trigram uint64

// trigrams calls f with each distinct trigram of a normalized name, padded
// so that the start of a name weighs more than its middle, and returns
// how many there are.
func trigrams(key string, f func(g trigram)) int {
	// Names are short: a scan of the few seen beats a map, up to a point.
	var seenBuf [64]trigram
	seen := seenBuf[:0]
	var many map[trigram]struct{}
	n := 0
	var a, b rune = ' ', ' '
	emit := func(c rune) {
		g := trigram(a)<<42 | trigram(b)<<21 | trigram(c)
		a, b = b, c
		switch {
		case many != nil:
			if _, ok := many[g]; ok {
				return
			}
			many[g] = struct{}{}
		case slices.Contains(seen, g):
			return
		default:
			if seen = append(seen, g); len(seen) == 128 {
				many = make(map[trigram]struct{}, 256)
				for _, s := range seen {
					many[s] = struct{}{}
				}
			}
		}
		n++
		f(g)
	}
	for _, c := range key {
		emit(c)
	}
	emit(' ')
	return n
}

// add indexes one key of company id; a company's keys are added one after
// the other. The caller holds mu or owns ix.
func (ix *suggestIndex) add(id uint64, key string) {
	e := int32(len(ix.keys))
	n := trigrams(key, func(g trigram) { ix.postings.add(g, e) })
	ix.keys = append(ix.keys, key)
	ix.company = append(ix.company, id)
	ix.grams = append(ix.grams, uint16(min(n, 1<<16-1)))
	if _, ok := ix.first.get(id); !ok {
		ix.first.set(id, e)
	}
	ix.words = max(ix.words, strings.Count(key, " ")+1)
}

// longest is the most words a name or alias has, or has had: an upper
// bound, kept by every committed write before its caller hears of it.
func (ix *suggestIndex) longest() int {
	if ix == nil {
		return math.MaxInt // not kept: every run of words may be a name
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.words
}

// set replaces the keys of company id (none removes it).
func (ix *suggestIndex) set(id uint64, keys []string) {
	if ix == nil {
		return // not kept (Options.NoSuggest)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if e, ok := ix.first.get(id); ok {
		for ; int(e) < len(ix.keys) && ix.company[e] == id; e++ {
			ix.company[e] = 0
			ix.dead++
		}
		ix.first.del(id)
	}
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
	ix.first, ix.postings, ix.dead = fresh.first, fresh.postings, 0
}

type hit struct {
	company uint64
	score   float64
	key     string
}

// search returns up to limit company ids whose keys are most like q, best
// first; ties go to the shorter name, then the smaller id.
func (ix *suggestIndex) search(q string, limit int) []uint64 {
	if ix == nil || q == "" || limit <= 0 {
		return nil
	}
	limit = min(limit, maxSuggestions)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var qgrams []trigram
	nq := trigrams(q, func(g trigram) { qgrams = append(qgrams, g) })

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
		if p := ix.postings.get(g); len(p) > 0 {
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
