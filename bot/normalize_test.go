package bot_test

import (
	"slices"
	"strings"
	"testing"

	"kontaktbot/bot"
)

func TestNameVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"grundfos", []string{"grundfos"}},
		{"foetex", []string{"foetex", "fotex"}},
		{"aeroe", []string{"aeroe", "aroe", "eroe", "aero", "aro", "ero"}},
		{"aalborg", []string{"aalborg", "alborg"}},
		{"aae", []string{"aae", "ae"}}, // "aa" is read first, then the lone "e"
		{"", []string{""}},
	} {
		if got := bot.NameVariants(tc.key); !slices.Equal(got, tc.want) {
			t.Errorf("NameVariants(%q) = %q; want %q", tc.key, got, tc.want)
		}
	}
	if got := bot.NameVariants(strings.Repeat("ae", 10)); len(got) != bot.MaxNameVariants {
		t.Errorf("NameVariants of ten æ gives %d variants; want the bound %d", len(got), bot.MaxNameVariants)
	}
}

func TestLooseEqual(t *testing.T) {
	t.Parallel()
	n := bot.NormalizeName
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Føtex", "Fotex", true},
		{"Søren Ørsted", "soren orsted", true},
		{"Soren", "Søren", true}, // stored in ASCII, typed with ø
		{"Ærø", "Erø", true},
		{"Ærø", "Aro", true},
		{"Ærø", "Aero", true},
		{"Ærø", "Ero Byg", false},
		{"Aalborg", "Alborg", true},
		{"Fakta", "Fokta", false},
		{"Bæk", "Bak", true},
		{"Bæk", "Bok", false},
	} {
		if got := bot.LooseEqual(n(tc.a), n(tc.b)); got != tc.want {
			t.Errorf("LooseEqual(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
		if got := bot.LooseEqual(n(tc.b), n(tc.a)); got != tc.want {
			t.Errorf("LooseEqual(%q, %q) = %v; want %v (it must be symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
	for _, tc := range []struct {
		key, prefix string
		want        bool
	}{
		{"soeren oersted", "soren", true},
		{"soeren oersted", "soren orsted", true},
		{"soeren oersted", "sor", false},
		{"fakta tarup", "fakta", true},
		{"fakta", "fakta tarup", false},
		{"fakta", "", false},
	} {
		if got := bot.LooseHasPrefix(tc.key, tc.prefix); got != tc.want {
			t.Errorf("LooseHasPrefix(%q, %q) = %v; want %v", tc.key, tc.prefix, got, tc.want)
		}
	}
}

// FuzzNameVariants checks that every variant of a normalized name is
// itself normalized, has as many words, that the key comes first, the
// count is bounded, and that every variant is spelt alike with the key.
func FuzzNameVariants(f *testing.F) {
	for _, s := range []string{"Ærø Maskinfabrik", "Føtex", "Søren Ørsted", "Aalborg Zoo", "aae", "Åæøåæøåæø", "Michael", "", "a e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := bot.NormalizeName(s)
		vs := bot.NameVariants(key)
		if len(vs) == 0 || vs[0] != key {
			t.Fatalf("NameVariants(%q) = %q: the key does not come first", key, vs)
		}
		if len(vs) > bot.MaxNameVariants {
			t.Fatalf("NameVariants(%q) gives %d variants, over %d", key, len(vs), bot.MaxNameVariants)
		}
		words := strings.Count(key, " ")
		for _, v := range vs {
			if bot.NormalizeName(v) != v {
				t.Fatalf("variant %q of %q is not a NormalizeName fixed point", v, key)
			}
			if key != "" && strings.Count(v, " ") != words {
				t.Fatalf("variant %q of %q has another number of words", v, key)
			}
			if key != "" && !bot.LooseEqual(key, v) {
				t.Fatalf("variant %q of %q is not LooseEqual to it", v, key)
			}
		}
	})
}
