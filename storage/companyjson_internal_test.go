package storage

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"kontaktbot/bot"
)

// companyFields are the fields of bot.Company appendCompany writes: a
// field added to the struct fails TestCompanyJSONIsMarshal until
// encodeCompany writes it too.
var companyFields = []string{"ID", "Name", "Aliases", "CVR", "Area", "Street", "Postcode", "Town", "OwnerID", "OwnerSince",
	"CadenceDays", "Tier", "Status", "SnoozedUntil", "SnoozeCount", "PlannedNext", "LastContact", "LastKind", "LastBy", "Created"}

func TestCompanyJSONIsMarshal(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[bot.Company]()
	var have []string
	for i := range typ.NumField() {
		have = append(have, typ.Field(i).Name)
	}
	if !reflect.DeepEqual(have, companyFields) {
		t.Fatalf("bot.Company has the fields %v; encodeCompany writes %v: write the new field in encodeCompany", have, companyFields)
	}
	cph := bot.Copenhagen
	at := time.Date(2026, 11, 23, 9, 30, 15, 123456000, cph)
	for _, c := range []bot.Company{
		{},
		{ID: 1, Name: "L-tek"},
		{ID: 7, Name: "Ærø Maskinfabrik <ApS> & søn \"nr. 1\"", Aliases: []string{"Ærø", "Maskin\\fabrik"}, CVR: "10403782", Area: "Ærøskøbing",
			Street: "Havnegade 12", Postcode: "5970", Town: "Ærøskøbing", OwnerID: 3, OwnerSince: at, CadenceDays: 30, Tier: bot.TierIntensified,
			Status: bot.StatusActive, SnoozedUntil: at.AddDate(0, 0, 7), SnoozeCount: 2, PlannedNext: at.AddDate(0, 1, 0),
			LastContact: at.Add(-time.Hour), LastKind: bot.KindVisit, LastBy: 3, Created: at.UTC()},
		{ID: 1 << 63, Name: "ctl \x00\x01\x1f\b\f\n\r\t \u2028\u2029 bad \xff\xfe utf8 \U0001F600", Aliases: []string{}, CadenceDays: -5, SnoozeCount: -1,
			Created: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), OwnerSince: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", -(23*3600+59*60)))},
	} {
		same(t, c)
	}
}

func same(t *testing.T, c bot.Company) {
	t.Helper()
	want, werr := json.Marshal(&c)
	got, gerr := encodeCompany(&c)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
		t.Errorf("encodeCompany(%+v)\n got %s (%v)\nwant %s (%v)", c, got, gerr, want, werr)
	}
}

// Times json.Marshal refuses are refused as it refuses them.
func TestCompanyJSONRefusesWhatMarshalRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []bot.Company{
		{Name: "x", Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Name: "x", LastContact: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Name: "x", OwnerSince: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("far", 24*3600))},
	} {
		if _, err := encodeCompany(&c); err == nil || !strings.Contains(err.Error(), "Time.MarshalJSON") {
			t.Errorf("encodeCompany(%v): %v, want json.Marshal's error", c, err)
		}
	}
}

func FuzzCompanyJSON(f *testing.F) {
	f.Add("Ærø <&> \"x\"", "alias\u2028", "10403782", int64(1700000000), int64(3600), uint64(3), 30)
	f.Add("\xff\x00", "", "", int64(-62135596800), int64(0), uint64(0), -1)
	f.Fuzz(func(t *testing.T, name, alias, cvr string, unix, off int64, owner uint64, cadence int) {
		zone := time.FixedZone("z", int(off%(30*3600)))
		at := time.Unix(unix, unix%1e9).In(zone)
		c := bot.Company{ID: owner * 7, Name: name, Aliases: []string{alias, name}, CVR: cvr, Area: alias, OwnerID: owner,
			OwnerSince: at, CadenceDays: cadence, Tier: bot.Tier(alias), Status: bot.Status(cvr), LastContact: at, Created: at, LastKind: bot.ContactKind(name)}
		same(t, c)
	})
}
