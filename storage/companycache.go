package storage

import (
	"slices"
	"sync"

	"kontaktbot/bot"
)

// maxCachedCompanies bounds the decoded companies kept: a busy month's
// worth of the companies consultants log contacts with.
const maxCachedCompanies = 50000

// companyCache holds companies decoded, as last committed, so that naming
// a company in a command costs a map lookup instead of a JSON decode (the
// largest single cost of resolving a name: 7% of a signed /visit). Only
// committed writes fill it, on commit and in commit order (putCompany
// registers them under writeMu), so it is never older than the file was
// when its entry was set; a reader that misses decodes from its own
// transaction and adds nothing, since its snapshot may already be old.
type companyCache struct {
	mu sync.RWMutex
	m  map[uint64]bot.Company
}

func newCompanyCache() *companyCache { return &companyCache{m: map[uint64]bot.Company{}} }

// get returns a copy of the cached company with the id.
func (cc *companyCache) get(id uint64) (bot.Company, bool) {
	cc.mu.RLock()
	c, ok := cc.m[id]
	cc.mu.RUnlock()
	c.Aliases = slices.Clone(c.Aliases)
	return c, ok
}

// set keeps a copy of c, dropping some other entry when full.
func (cc *companyCache) set(c bot.Company) {
	c.Aliases = slices.Clone(c.Aliases)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if _, ok := cc.m[c.ID]; !ok && len(cc.m) >= maxCachedCompanies {
		for id := range cc.m { // an arbitrary one: map order is random
			delete(cc.m, id)
			break
		}
	}
	cc.m[c.ID] = c
}

// del forgets the company with the id (deleted or merged away).
func (cc *companyCache) del(id uint64) {
	cc.mu.Lock()
	delete(cc.m, id)
	cc.mu.Unlock()
}
