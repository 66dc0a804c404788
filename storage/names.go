package storage

import (
	"slices"
	"strings"
	"sync"

	"kontaktbot/bot"
)

// nameIndex finds companies by any run of whole words of a name or alias,
// spelt loosely: "zoo" finds Odense Zoo, "fotex" finds Føtex (see
// bot.NameVariants). It is held in memory, rebuilt from the name index at
// Open and kept in step by each committed write, as suggestIndex is, so
// the file keeps no second copy and needs no migration.
//
// Words are shared: each distinct word is stored once with its variants,
// and a name is a run of word ids, so a company costs a few bytes per
// word (see TestNameIndexMemory).
type nameIndex struct {
	mu      sync.RWMutex
	words   []string           // word id -> normalized word
	loose   map[string][]int32 // a variant of a word -> ids of the words that have it
	posts   [][]posting        // word id -> where the word stands in entries
	entries []nameEntry        // entry -> one name or alias of a company
	wordIDs []int32            // the entries' words, entry after entry
	first   firstEntries       // company id -> its first entry; the rest follow it
	dead    int                // entries of companies renamed since
}

// nameEntry is one name or alias: its words are wordIDs[off : off+n].
type nameEntry struct {
	company uint64 // 0 once the company's names have changed
	off     uint32
	n       uint16
}

// posting says that a word is word pos of the n words of an entry.
type posting struct {
	entry  int32
	pos, n uint16
}

// maxNameWordsIndexed bounds the words of one name that are indexed; a
// longer name is still found exactly through the file's name index.
const maxNameWordsIndexed = 1<<16 - 1

func newNameIndex() *nameIndex {
	return &nameIndex{loose: map[string][]int32{}}
}

// firstEntries maps a company id to the first of its entries in an
// index, as a slice: company ids are dense, and a map of 250,000 costs a
// national Open a tenth of a second.
type firstEntries []int32 // id -> entry + 1, or 0

func (f firstEntries) get(id uint64) (int32, bool) {
	if id >= uint64(len(f)) || f[id] == 0 {
		return 0, false
	}
	return f[id] - 1, true
}

func (f *firstEntries) set(id uint64, e int32) {
	if id >= uint64(len(*f)) {
		*f = slices.Grow(*f, int(id)+1-len(*f))[:id+1]
	}
	(*f)[id] = e + 1
}

func (f firstEntries) del(id uint64) {
	if id < uint64(len(f)) {
		f[id] = 0
	}
}

// buildNames builds the index from every company's keys, in company
// order (see loadIndexes).
func buildNames(keys []companyKey) *nameIndex {
	// Sized for a name of a few words, most of them seen before: growing
	// as it goes cost a national Open a third of this.
	ix := &nameIndex{loose: make(map[string][]int32, len(keys)), entries: make([]nameEntry, 0, len(keys)),
		wordIDs: make([]int32, 0, 4*len(keys)), words: make([]string, 0, len(keys)/2), posts: make([][]posting, 0, len(keys)/2)}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j].id == keys[i].id {
			j++
		}
		ks := make([]string, j-i)
		for k := range ks {
			ks[k] = keys[i+k].key
		}
		ix.add(keys[i].id, ks)
		i = j
	}
	return ix
}

// word returns the id of the normalized word w, adding it if new. The
// caller holds mu or owns ix.
func (ix *nameIndex) word(w string) int32 {
	for _, id := range ix.loose[w] {
		if ix.words[id] == w {
			return id
		}
	}
	id := int32(len(ix.words))
	ix.words = append(ix.words, w)
	ix.posts = append(ix.posts, nil)
	for _, v := range bot.NameVariants(w) {
		ix.loose[v] = append(ix.loose[v], id)
	}
	return id
}

// add indexes the keys of company id, which has none indexed. The caller
// holds mu or owns ix.
func (ix *nameIndex) add(id uint64, keys []string) {
	if len(keys) == 0 {
		return
	}
	ix.first.set(id, int32(len(ix.entries)))
	for _, k := range keys {
		e := int32(len(ix.entries))
		ws := strings.Split(k, " ")
		ws = ws[:min(len(ws), maxNameWordsIndexed)]
		ix.entries = append(ix.entries, nameEntry{company: id, off: uint32(len(ix.wordIDs)), n: uint16(len(ws))})
		for pos, w := range ws {
			wid := ix.word(w)
			ix.wordIDs = append(ix.wordIDs, wid)
			ix.posts[wid] = append(ix.posts[wid], posting{entry: e, pos: uint16(pos), n: uint16(len(ws))})
		}
	}
}

// set replaces the keys of company id (none removes it).
func (ix *nameIndex) set(id uint64, keys []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if e, ok := ix.first.get(id); ok {
		for ; int(e) < len(ix.entries) && ix.entries[e].company == id; e++ {
			ix.entries[e].company = 0
			ix.dead++
		}
		ix.first.del(id)
	}
	ix.add(id, keys)
	if ix.dead > 1024 && ix.dead > len(ix.entries)/2 {
		ix.compact()
	}
}

// compact rebuilds the index without the entries of changed names.
func (ix *nameIndex) compact() {
	fresh := newNameIndex()
	for e := 0; e < len(ix.entries); {
		id := ix.entries[e].company
		if id == 0 {
			e++
			continue
		}
		var keys []string
		for ; e < len(ix.entries) && ix.entries[e].company == id; e++ {
			en := ix.entries[e]
			ws := make([]string, en.n)
			for i, wid := range ix.wordIDs[en.off : en.off+uint32(en.n)] {
				ws[i] = ix.words[wid]
			}
			keys = append(keys, strings.Join(ws, " "))
		}
		fresh.add(id, keys)
	}
	ix.words, ix.loose, ix.posts = fresh.words, fresh.loose, fresh.posts
	ix.entries, ix.wordIDs, ix.first, ix.dead = fresh.entries, fresh.wordIDs, fresh.first, 0
}

// match finds the companies with a name or alias whose words, spelt
// loosely (bot.LooseWordEqual), include the words of q (a NormalizeName
// result) as a run: anywhere in the name, or only at its start when
// prefix is set. It returns up to limit company ids, in ascending order,
// and none that skip rejects. A word of q that no name has ends the
// search after a few map lookups; otherwise it costs a look at each place
// where q's rarest word stands.
func (ix *nameIndex) match(q string, prefix bool, limit int, skip func(uint64) bool) []uint64 {
	if q == "" || limit <= 0 {
		return nil
	}
	qw := strings.Split(q, " ")
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	// Each typed word's matching word ids; the rarest word's postings are
	// the candidates, the others only check them.
	sets := make([][]int32, len(qw))
	best, bestN := -1, 0
	for i, w := range qw {
		for _, v := range bot.NameVariants(w) {
			for _, wid := range ix.loose[v] {
				if !slices.Contains(sets[i], wid) {
					sets[i] = append(sets[i], wid)
				}
			}
		}
		if len(sets[i]) == 0 {
			return nil
		}
		n := 0
		for _, wid := range sets[i] {
			n += len(ix.posts[wid])
		}
		if best < 0 || n < bestN {
			best, bestN = i, n
		}
	}
	var ids []uint64
	for _, wid := range sets[best] {
		for _, p := range ix.posts[wid] {
			start := int(p.pos) - best
			if start < 0 || start+len(qw) > int(p.n) || (prefix && start != 0) {
				continue
			}
			en := ix.entries[p.entry]
			if en.company == 0 || slices.Contains(ids, en.company) || skip(en.company) || !ix.runAt(en, start, sets, best) {
				continue
			}
			if ids = append(ids, en.company); len(ids) == limit {
				slices.Sort(ids)
				return ids
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// runAt reports whether the words of en from start on are in sets, the
// set at index known being already known to hold.
func (ix *nameIndex) runAt(en nameEntry, start int, sets [][]int32, known int) bool {
	for t, set := range sets {
		if t != known && !slices.Contains(set, ix.wordIDs[int(en.off)+start+t]) {
			return false
		}
	}
	return true
}
