package storage

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"kontaktbot/bot"
)

// What a whole export (kontaktbot export all) reads and its import writes
// besides companies (ImportPortfolio) and contacts (ImportContacts).

// ReadRecords calls fn with a view of the whole file in one read
// transaction, so that what fn reads is consistent however long it takes
// (a whole export of a national file: seconds). Writers go on meanwhile;
// the file cannot reuse the pages they free until fn returns. fn must not
// call the DB.
func (db *DB) ReadRecords(ctx context.Context, fn func(bot.Records) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error { return fn(records{tx}) })
}

// records is bot.Records over one read transaction.
type records struct{ tx *bolt.Tx }

func (r records) Jobcenters() ([]bot.Jobcenter, error) {
	var out []bot.Jobcenter
	return out, r.tx.Bucket(bJobcenters).ForEach(func(k, v []byte) error {
		var j bot.Jobcenter
		if err := decode(v, &j, bJobcenters, k); err != nil {
			return err
		}
		out = append(out, j)
		return nil
	})
}

func (r records) Consultants() ([]bot.Consultant, error) {
	var out []bot.Consultant
	return out, r.tx.Bucket(bConsultants).ForEach(func(k, v []byte) error {
		var c bot.Consultant
		if err := decode(v, &c, bConsultants, k); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
}

func (r records) EachCompany(fn func(bot.Company) error) error { return eachCompany(r.tx, fn) }

func (r records) EachContact(fn func(bot.Contact) error) error {
	cur := r.tx.Bucket(bCompanies).Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if len(k) == 8 {
			continue // the company itself
		}
		var rec contactRecord
		if err := decode(v, &rec, bCompanies, contactID(k)); err != nil {
			return err
		}
		if err := fn(rec.Contact); err != nil {
			return err
		}
	}
	return nil
}

func (r records) EachPosition(fn func(bot.Position) error) error {
	return r.tx.Bucket(bPositions).ForEach(func(k, v []byte) error {
		var p bot.Position
		if err := decode(v, &p, bPositions, k); err != nil {
			return err
		}
		return fn(p)
	})
}

// ImportDirectory creates the jobcenters jcs and the people in one
// transaction: all or none. Their references point into the two slices,
// not at stored ids: a jobcenter's Partners, a person's JobcenterID and
// StandInID are 1-based indexes into jcs (Partners, JobcenterID) and
// people (StandInID); 0 means none. It returns them as stored, with
// their new ids and references. A name (or a person's identity) that is
// taken, in the file or in the slices, gives a *bot.ConflictError; an
// index out of range is bot.Invalid. The audit entries are appended in
// the same transaction.
func (db *DB) ImportDirectory(ctx context.Context, jcs []bot.Jobcenter, people []bot.Consultant, audit ...bot.AuditEntry) (outJ []bot.Jobcenter, outP []bot.Consultant, err error) {
	now := db.clock.Now()
	err = db.update(ctx, db.audited(audit, func(tx *bolt.Tx) error {
		outJ, outP = slices.Clone(jcs), slices.Clone(people)
		jobID := make([]uint64, len(jcs))
		for i := range outJ {
			j := &outJ[i]
			j.Partners = nil
			if j.Created.IsZero() {
				j.Created = now
			}
			stored, err := createJobcenter(tx, *j)
			if err != nil {
				return fmt.Errorf("jobcenter %q: %w", j.Name, err)
			}
			*j, jobID[i] = stored, stored.ID
		}
		ref := func(i uint64, ids []uint64, what string) (uint64, error) {
			if i == 0 {
				return 0, nil
			}
			if i > uint64(len(ids)) {
				return 0, bot.Errorf(bot.Invalid, "%s %d is not in the import", what, i)
			}
			return ids[i-1], nil
		}
		for i := range outJ {
			for _, p := range jcs[i].Partners {
				id, err := ref(p, jobID, "partner")
				if err != nil {
					return err
				}
				outJ[i].Partners = append(outJ[i].Partners, id)
			}
			if len(outJ[i].Partners) > 0 {
				if err := put(tx, bJobcenters, outJ[i].ID, outJ[i]); err != nil {
					return err
				}
			}
		}
		personID := make([]uint64, len(people))
		for i := range outP {
			p := &outP[i]
			if p.Created.IsZero() {
				p.Created = now
			}
			jc, err := ref(p.JobcenterID, jobID, "jobcenter")
			if err != nil {
				return err
			}
			p.JobcenterID, p.StandInID = jc, 0
			for _, id := range p.Identities {
				if other := lookup(tx, bIdentities, id.Key()); other != 0 {
					return fmt.Errorf("consultant %q: %w", p.Name, &bot.ConflictError{What: "identity", Key: id.Key(), ID: other})
				}
			}
			stored, err := db.createConsultant(tx, *p)
			if err != nil {
				return fmt.Errorf("consultant %q: %w", p.Name, err)
			}
			*p, personID[i] = stored, stored.ID
		}
		for i := range outP {
			if people[i].StandInID == 0 {
				continue
			}
			id, err := ref(people[i].StandInID, personID, "stand-in")
			if err != nil {
				return err
			}
			outP[i].StandInID = id
			if err := db.putConsultant(tx, outP[i]); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		return nil, nil, err
	}
	return outJ, outP, nil
}

// ImportPositions stores positions that keep their numbers (an export's
// #N, which people quote in chat), in one transaction: all or none. Each
// needs an existing company (else bot.ErrNotFound) and a number no
// stored position has (else a *bot.ConflictError, What "number"); two
// open positions of one company with the same title conflict as in
// CreatePosition. The numbering goes on after the highest.
func (db *DB) ImportPositions(ctx context.Context, ps []bot.Position) error {
	now := db.clock.Now()
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b bot.Position) int { return bytes.Compare(itob(a.ID), itob(b.ID)) })
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bPositions)
		high := b.Sequence()
		for _, p := range ps {
			if p.ID == 0 {
				return bot.Errorf(bot.Invalid, "position %q has no number", p.Title)
			}
			if b.Get(itob(p.ID)) != nil {
				return &bot.ConflictError{What: "number", Key: fmt.Sprint(p.ID), ID: p.ID}
			}
			if tx.Bucket(bCompanies).Get(itob(p.CompanyID)) == nil {
				return fmt.Errorf("position #%d: company #%d: %w", p.ID, p.CompanyID, bot.ErrNotFound)
			}
			if p.Created.IsZero() {
				p.Created = now
			}
			if p.Status == "" {
				p.Status = bot.PositionOpen
			}
			if err := putPosition(tx, nil, &p); err != nil {
				return fmt.Errorf("position #%d: %w", p.ID, err)
			}
			high = max(high, p.ID)
		}
		return b.SetSequence(high)
	})
}
