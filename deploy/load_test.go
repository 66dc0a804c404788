package deploy_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kontaktbot/deploy"
)

// The manifests are read from where they are shipped: everything in
// kubernetes/ (what `kubectl apply -f deploy/kubernetes/` applies) and the
// examples beside it (applied by hand, after editing).
const (
	shippedDir    = "kubernetes"
	examplesGlob  = "*.example.yaml"
	namespace     = "kontaktbot"
	containerName = "kontaktbot"
	// sources are the bot's own files: the env names, paths and defaults
	// the manifests rely on are checked against them.
	sourcesDir = "../cmd/kontaktbot"
	dockerfile = "../Dockerfile"
)

// set is every manifest file's objects, by the file's path.
type set map[string][]runtime.Object

// mustLoad strictly decodes every YAML document of every manifest file.
func mustLoad(tb testing.TB) set {
	tb.Helper()
	scheme, err := deploy.NewScheme()
	if err != nil {
		tb.Fatal(err)
	}
	shipped, err := filepath.Glob(filepath.Join(shippedDir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	examples, err := filepath.Glob(examplesGlob)
	if err != nil {
		tb.Fatal(err)
	}
	if len(shipped) == 0 || len(examples) == 0 {
		tb.Fatalf("no manifests: %d in %s/, %d examples", len(shipped), shippedDir, len(examples))
	}
	s := set{}
	for _, path := range append(shipped, examples...) {
		// kubectl applies .yml and .json from the directory too: only
		// .yaml is read here, so only .yaml may be there.
		if filepath.Ext(path) != ".yaml" {
			tb.Fatalf("%s: manifests are .yaml files, so that this test reads every file kubectl applies", path)
		}
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		objs, err := deploy.Decode(f, scheme)
		f.Close()
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		if len(objs) == 0 {
			tb.Fatalf("%s: no document", path)
		}
		s[path] = objs
	}
	return s
}

// shipped is the objects `kubectl apply -f deploy/kubernetes/` applies.
func (s set) shipped() []runtime.Object {
	var out []runtime.Object
	for path, objs := range s {
		if filepath.Dir(path) == shippedDir {
			out = append(out, objs...)
		}
	}
	return out
}

// all is every object, shipped or example.
func (s set) all() []runtime.Object {
	var out []runtime.Object
	for _, objs := range s {
		out = append(out, objs...)
	}
	return out
}

// only returns the objects of type T in objs.
func only[T runtime.Object](objs []runtime.Object) []T {
	var out []T
	for _, o := range objs {
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// one returns the single object of type T in objs, named name.
func one[T interface {
	runtime.Object
	GetName() string
}](tb testing.TB, objs []runtime.Object, name string) T {
	tb.Helper()
	var found []T
	for _, o := range only[T](objs) {
		if o.GetName() == name {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		var zero T
		tb.Fatalf("want one %T named %q, found %d", zero, name, len(found))
	}
	return found[0]
}

func statefulSet(tb testing.TB, s set) *appsv1.StatefulSet {
	tb.Helper()
	sets := only[*appsv1.StatefulSet](s.shipped())
	if len(sets) != 1 {
		tb.Fatalf("want one StatefulSet shipped, found %d", len(sets))
	}
	return sets[0]
}

func container(tb testing.TB, spec *corev1.PodSpec, name string) *corev1.Container {
	tb.Helper()
	for i := range spec.Containers {
		if spec.Containers[i].Name == name {
			return &spec.Containers[i]
		}
	}
	tb.Fatalf("no container %q", name)
	return nil
}

// env returns the value a container sets for name, and whether it sets it
// to a literal value.
func env(c *corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom == nil {
			return e.Value, true
		}
	}
	return "", false
}

// image is what the Dockerfile's final stage declares.
type image struct {
	ports    []int32
	uid, gid int64
	env      map[string]string
	volumes  []string
}

// readDockerfile reads EXPOSE, USER, ENV and VOLUME of the Dockerfile's
// last stage: the image the pod runs.
func readDockerfile(tb testing.TB) image {
	tb.Helper()
	b, err := os.ReadFile(dockerfile)
	if err != nil {
		tb.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	lines := strings.Split(text, "\n")
	last := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(l)), "FROM ") {
			last = i
		}
	}
	if last < 0 {
		tb.Fatal("Dockerfile: no FROM")
	}
	img := image{uid: -1, gid: -1, env: map[string]string{}}
	for _, l := range lines[last:] {
		f := strings.Fields(l)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "EXPOSE":
			for _, p := range f[1:] {
				n, err := strconv.ParseInt(strings.TrimSuffix(p, "/tcp"), 10, 32)
				if err != nil {
					tb.Fatalf("Dockerfile: EXPOSE %s: %v", p, err)
				}
				img.ports = append(img.ports, int32(n))
			}
		case "USER":
			u, g, _ := strings.Cut(f[1], ":")
			var err1, err2 error
			img.uid, err1 = strconv.ParseInt(u, 10, 64)
			img.gid, err2 = strconv.ParseInt(g, 10, 64)
			if err1 != nil || err2 != nil {
				tb.Fatalf("Dockerfile: USER %s is not numeric uid:gid (runAsNonRoot needs a number)", f[1])
			}
		case "ENV":
			for _, kv := range f[1:] {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					tb.Fatalf("Dockerfile: ENV %s: want KEY=value", kv)
				}
				img.env[k] = v
			}
		case "VOLUME":
			for _, v := range f[1:] {
				img.volumes = append(img.volumes, strings.Trim(v, `[]",`))
			}
		}
	}
	if len(img.ports) == 0 || img.uid < 0 {
		tb.Fatalf("Dockerfile: no EXPOSE or USER in the final stage: %+v", img)
	}
	return img
}

// sources returns the bot's non-test Go sources in cmd/kontaktbot, joined.
func sources(tb testing.TB) string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(sourcesDir, "*.go"))
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		b.Write(data)
	}
	if b.Len() == 0 {
		tb.Fatalf("no sources in %s", sourcesDir)
	}
	return b.String()
}

// port returns the number of the container's port named name.
func port(tb testing.TB, c *corev1.Container, name string) int32 {
	tb.Helper()
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	tb.Fatalf("container %s declares no port %q", c.Name, name)
	return 0
}

// resolve returns the container port a probe or a Service's targetPort
// means, by name or number; 0 when the container declares none such.
func resolve(c *corev1.Container, p intstr.IntOrString) int32 {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	return 0
}
