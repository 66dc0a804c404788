package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"kontaktbot/deploy"
)

// statefulSetDoc returns the shipped StatefulSet as a generic tree, to be
// spoilt one way at a time.
func statefulSetDoc(tb testing.TB) map[string]any {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(shippedDir, "statefulset.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	return doc
}

// at walks doc by keys and list indexes to a map.
func at(tb testing.TB, doc map[string]any, path ...any) map[string]any {
	tb.Helper()
	var cur any = doc
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		tb.Fatalf("%v: not a map", path)
	}
	return m
}

// rename moves m[from] to m[to].
func rename(m map[string]any, from, to string) {
	m[to] = m[from]
	delete(m, from)
}

func decodeBytes(tb testing.TB, b []byte) error {
	tb.Helper()
	scheme, err := deploy.NewScheme()
	if err != nil {
		tb.Fatal(err)
	}
	_, err = deploy.Decode(bytes.NewReader(b), scheme)
	return err
}

func marshal(tb testing.TB, doc map[string]any) []byte {
	tb.Helper()
	b, err := yaml.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestDecodeRefusesWhatTheAPIServerWouldRefuse(t *testing.T) {
	t.Parallel()
	container := []any{"spec", "template", "spec", "containers", 0}
	for _, tc := range []struct {
		name  string
		spoil func(tb testing.TB, doc map[string]any)
		want  string // in the error
	}{
		{"a misspelled field", func(tb testing.TB, doc map[string]any) {
			rename(at(tb, doc, container...), "readinessProbe", "readinesProbe")
		}, `unknown field "spec.template.spec.containers[0].readinesProbe"`},
		{"a field in another case", func(tb testing.TB, doc map[string]any) {
			rename(at(tb, doc, "spec"), "replicas", "Replicas")
		}, `unknown field "spec.Replicas"`},
		{"a field one level too high", func(tb testing.TB, doc map[string]any) {
			spec := at(tb, doc, "spec", "template", "spec")
			doc["spec"].(map[string]any)["terminationGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"]
		}, `unknown field "spec.terminationGracePeriodSeconds"`},
		{"a kind no API group has", func(tb testing.TB, doc map[string]any) {
			doc["kind"] = "StatefullSet"
		}, "StatefullSet"},
		{"a version that does not exist", func(tb testing.TB, doc map[string]any) {
			doc["apiVersion"] = "apps/v2"
		}, "apps/v2"},
		{"no kind", func(tb testing.TB, doc map[string]any) {
			delete(doc, "kind")
		}, "document 1: no kind"},
		{"no apiVersion", func(tb testing.TB, doc map[string]any) {
			delete(doc, "apiVersion")
		}, "document 1: no apiVersion"},
		{"a value of the wrong type", func(tb testing.TB, doc map[string]any) {
			at(tb, doc, "spec")["replicas"] = "one"
		}, "replicas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := statefulSetDoc(t)
			// Unspoilt, the same round trip decodes: the spoiling is what
			// is refused.
			if err := decodeBytes(t, marshal(t, doc)); err != nil {
				t.Fatalf("the shipped StatefulSet, re-marshalled: %v", err)
			}
			tc.spoil(t, doc)
			err := decodeBytes(t, marshal(t, doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decoded with %s: err = %v, want one naming %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestDecodeRefusesADuplicateKeyAndNamesTheDocument(t *testing.T) {
	t.Parallel()
	const docs = `# a comment-only document is skipped
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: kontaktbot}
data: {A: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  name: c
`
	err := decodeBytes(t, []byte(docs))
	if err == nil || !strings.Contains(err.Error(), "document 3") || !strings.Contains(err.Error(), `"name"`) {
		t.Fatalf("err = %v, want document 3's duplicate name refused", err)
	}
	good := strings.SplitN(docs, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b", 2)[0]
	scheme, err := deploy.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	objs, err := deploy.Decode(strings.NewReader(good), scheme)
	if err != nil {
		t.Fatalf("the comment and the good document: %v", err)
	}
	if len(objs) != 1 {
		t.Fatalf("decoded %d objects, want the one ConfigMap (the comment-only document skipped)", len(objs))
	}
	if cm, ok := objs[0].(*corev1.ConfigMap); !ok || cm.Name != "a" || cm.Data["A"] != "1" {
		t.Fatalf("decoded %#v, want ConfigMap a with A=1", objs[0])
	}
}
