package commands

import (
	"sync/atomic"
	"testing"
)

// eachPart covers every item once, and a panic in a part comes back on
// the caller's goroutine, as if the work had run there.
func TestEachPart(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 3, 1000, 1001} {
		seen := make([]atomic.Int32, n)
		eachPart(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		for i := range seen {
			if got := seen[i].Load(); got != 1 {
				t.Fatalf("n=%d: item %d done %d times", n, i, got)
			}
		}
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the part's panic", p)
		}
	}()
	eachPart(1000, func(lo, hi int) {
		if hi == 1000 { // the last part, whether there are one or more
			panic("boom")
		}
	})
	t.Error("eachPart returned after a part panicked")
}
