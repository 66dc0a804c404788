package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
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

// allowedKinds are the kinds the manifests use. Anything else, even a kind
// the scheme knows (a Deployment would start a second writer during an
// update), is refused.
var allowedKinds = []string{"Namespace", "ConfigMap", "Service", "StatefulSet", "Secret", "Pod"}

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

func TestEveryDocumentIsAKnownKindInTheNamespace(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	for path, objs := range s {
		for _, o := range objs {
			kind := o.GetObjectKind().GroupVersionKind().Kind
			if !slices.Contains(allowedKinds, kind) {
				t.Errorf("%s: kind %s is not one the deployment uses (%v)", path, kind, allowedKinds)
			}
			switch o := o.(type) {
			case *corev1.Namespace:
				if o.Name != namespace {
					t.Errorf("%s: Namespace %q, want %q", path, o.Name, namespace)
				}
			case interface{ GetNamespace() string }:
				if o.GetNamespace() != namespace {
					t.Errorf("%s: %s in namespace %q, want %q", path, kind, o.GetNamespace(), namespace)
				}
			}
		}
	}
	if n := len(only[*corev1.Namespace](s.shipped())); n != 1 {
		t.Errorf("%d Namespaces shipped, want 1", n)
	}
}

func TestOneReplicaAndNeverTwoPodsAtOnce(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	sts := statefulSet(t, s)
	if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 1 {
		t.Errorf("replicas = %v, want exactly 1: bbolt locks its file, a second pod cannot open it", sts.Spec.Replicas)
	}
	if sts.Spec.PodManagementPolicy != appsv1.OrderedReadyPodManagement {
		t.Errorf("podManagementPolicy = %q, want OrderedReady", sts.Spec.PodManagementPolicy)
	}
	u := sts.Spec.UpdateStrategy
	if u.Type != appsv1.RollingUpdateStatefulSetStrategyType {
		t.Errorf("updateStrategy = %q, want RollingUpdate (the old pod is gone before the new one starts)", u.Type)
	}
	if r := u.RollingUpdate; r != nil {
		if r.MaxUnavailable != nil && r.MaxUnavailable.IntValue() != 1 {
			t.Errorf("rollingUpdate.maxUnavailable = %v, want unset", r.MaxUnavailable)
		}
		if r.Partition != nil && *r.Partition != 0 {
			t.Errorf("rollingUpdate.partition = %d: the one pod would never be updated", *r.Partition)
		}
	}
	if p := sts.Spec.PersistentVolumeClaimRetentionPolicy; p == nil ||
		p.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType ||
		p.WhenScaled != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
		t.Errorf("persistentVolumeClaimRetentionPolicy = %+v, want Retain on delete and scale: the claims hold the database", p)
	}
	if n := len(only[*corev1.Pod](s.shipped())); n != 0 {
		t.Errorf("%d bare Pods shipped in %s/: a second process would meet the locked file", n, shippedDir)
	}
}

func TestContainerIsTheDockerfilesImage(t *testing.T) {
	t.Parallel()
	s, img := mustLoad(t), readDockerfile(t)
	sts := statefulSet(t, s)
	c := container(t, &sts.Spec.Template.Spec, containerName)
	if len(c.Command) != 0 || len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Errorf("command %q args %q: want the image's ENTRYPOINT with args [serve]", c.Command, c.Args)
	}
	http := port(t, c, "http")
	if !slices.Contains(img.ports, http) {
		t.Errorf("container port http = %d, the Dockerfile EXPOSEs %v", http, img.ports)
	}
	addr, ok := env(c, "KONTAKTBOT_ADDR")
	if !ok {
		addr = img.env["KONTAKTBOT_ADDR"]
	}
	if !strings.HasSuffix(addr, ":"+strconv.Itoa(int(http))) {
		t.Errorf("KONTAKTBOT_ADDR = %q: the bot would not listen on the declared port %d", addr, http)
	}
	metricsAddr, _ := env(c, "KONTAKTBOT_METRICS_ADDR")
	if m := port(t, c, "metrics"); !strings.HasSuffix(metricsAddr, ":"+strconv.Itoa(int(m))) || strings.HasPrefix(metricsAddr, "127.") {
		t.Errorf("KONTAKTBOT_METRICS_ADDR = %q: the port named metrics (%d) would not reach it", metricsAddr, m)
	}
	pod := sts.Spec.Template.Spec.SecurityContext
	if pod == nil || pod.RunAsUser == nil || *pod.RunAsUser != img.uid || pod.RunAsGroup == nil || *pod.RunAsGroup != img.gid ||
		pod.FSGroup == nil || *pod.FSGroup != img.gid {
		t.Errorf("pod securityContext %+v: want runAsUser %d, runAsGroup and fsGroup %d as the Dockerfile's USER", pod, img.uid, img.gid)
	}
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

func TestProbesAskTheBotsHealthEndpoints(t *testing.T) {
	t.Parallel()
	s, src := mustLoad(t), sources(t)
	c := container(t, &statefulSet(t, s).Spec.Template.Spec, containerName)
	http := port(t, c, "http")
	for _, tc := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"livenessProbe", c.LivenessProbe, "/healthz"},
		{"readinessProbe", c.ReadinessProbe, "/readyz"},
		{"startupProbe", c.StartupProbe, "/healthz"},
	} {
		if !strings.Contains(src, `"GET `+tc.path+`"`) {
			t.Fatalf("cmd/kontaktbot serves no GET %s any more", tc.path)
		}
		if tc.probe == nil || tc.probe.HTTPGet == nil {
			t.Errorf("%s: want an httpGet probe on %s", tc.name, tc.path)
			continue
		}
		g := tc.probe.HTTPGet
		if g.Path != tc.path || resolve(c, g.Port) != http {
			t.Errorf("%s: GET %s on port %s, want %s on the http port %d", tc.name, g.Path, g.Port.String(), tc.path, http)
		}
		// /readyz gives the database a second to answer.
		if tc.probe.TimeoutSeconds <= 1 {
			t.Errorf("%s: timeoutSeconds %d, want more than /readyz's own 1 s", tc.name, tc.probe.TimeoutSeconds)
		}
	}
}

// defaultGrace reads the bot's default shutdown grace from serve.go.
func defaultGrace(tb testing.TB, src string) time.Duration {
	tb.Helper()
	m := regexp.MustCompile(`defaultShutdownGrace\s*=\s*(\d+)\s*\*\s*time\.Second`).FindStringSubmatch(src)
	if m == nil {
		tb.Fatal("cmd/kontaktbot: no defaultShutdownGrace = N * time.Second")
	}
	n, _ := strconv.Atoi(m[1])
	return time.Duration(n) * time.Second
}

func TestPodOutlivesTheBotsShutdownGrace(t *testing.T) {
	t.Parallel()
	s, src := mustLoad(t), sources(t)
	spec := statefulSet(t, s).Spec.Template.Spec
	c := container(t, &spec, containerName)
	grace := defaultGrace(t, src)
	if v, ok := env(c, "KONTAKTBOT_SHUTDOWN_GRACE"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("KONTAKTBOT_SHUTDOWN_GRACE = %q: %v", v, err)
		}
		grace = d
	}
	var preStop time.Duration
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
		t.Error("no preStop sleep: requests would still be routed to a pod that has begun to stop")
	} else {
		preStop = time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	}
	// The grace period counts from the start of preStop; SIGTERM comes
	// after it, and the bot's own grace after that.
	if spec.TerminationGracePeriodSeconds == nil {
		t.Fatalf("terminationGracePeriodSeconds unset (30 s): want more than preStop %v + grace %v", preStop, grace)
	}
	if tgp := time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second; tgp <= preStop+grace {
		t.Errorf("terminationGracePeriodSeconds %v, want more than preStop %v + the bot's grace %v", tgp, preStop, grace)
	}
}

func TestEveryEnvNameIsReadByTheBot(t *testing.T) {
	t.Parallel()
	s, src := mustLoad(t), sources(t)
	read := func(where, name string) {
		if !strings.Contains(src, strconv.Quote(name)) {
			t.Errorf("%s: %s is read nowhere in %s", where, name, sourcesDir)
		}
	}
	for _, sts := range only[*appsv1.StatefulSet](s.all()) {
		for _, c := range sts.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				read("StatefulSet "+c.Name, e.Name)
			}
		}
	}
	for _, cm := range only[*corev1.ConfigMap](s.all()) {
		for k := range cm.Data {
			read("ConfigMap "+cm.Name, k)
		}
	}
	for _, sec := range only[*corev1.Secret](s.all()) {
		for k := range sec.StringData {
			read("Secret "+sec.Name, k)
		}
		for k := range sec.Data {
			read("Secret "+sec.Name, k)
		}
	}
}

func TestSecretsAreReferencedNotShipped(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	if n := len(only[*corev1.Secret](s.shipped())); n != 0 {
		t.Fatalf("%d Secrets in %s/: kubectl apply would ship them; keep only the example outside", n, shippedDir)
	}
	secrets := only[*corev1.Secret](s.all())
	if len(secrets) != 1 {
		t.Fatalf("want one example Secret, found %d", len(secrets))
	}
	example := secrets[0]
	if len(example.Data) != 0 {
		t.Errorf("the example Secret has data: ship no values")
	}
	for k, v := range example.StringData {
		if v != "" {
			t.Errorf("the example Secret's %s has a value: ship none", k)
		}
	}
	cms := only[*corev1.ConfigMap](s.shipped())
	sts := statefulSet(t, s)
	c := container(t, &sts.Spec.Template.Spec, containerName)
	refs := 0
	for _, e := range c.Env {
		if e.Value != "" && (strings.Contains(e.Name, "SECRET") || strings.Contains(e.Name, "TOKEN") || strings.Contains(e.Name, "PASSWORD")) {
			t.Errorf("%s has a literal value in the StatefulSet: take it from the Secret", e.Name)
		}
		if e.ValueFrom == nil {
			continue
		}
		if r := e.ValueFrom.SecretKeyRef; r != nil {
			refs++
			if r.Name != example.Name {
				t.Errorf("%s: from Secret %q, the example is %q", e.Name, r.Name, example.Name)
			}
			if _, ok := example.StringData[r.Key]; !ok {
				t.Errorf("%s: key %s is not in the example Secret", e.Name, r.Key)
			}
			if r.Optional == nil || !*r.Optional {
				t.Errorf("%s: not optional: a Slack-only or Teams-only Secret would keep the pod from starting", e.Name)
			}
		}
		if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
			found := false
			for _, cm := range cms {
				_, ok := cm.Data[r.Key]
				found = found || (cm.Name == r.Name && ok)
			}
			if !found {
				t.Errorf("%s: ConfigMap %s key %s is not shipped", e.Name, r.Name, r.Key)
			}
		}
	}
	if refs == 0 {
		t.Error("the StatefulSet takes nothing from the Secret")
	}
}

// checkRestricted checks a pod against the "restricted" Pod Security
// Standard and the house rules: non-root, read-only root, no capabilities.
func checkRestricted(t *testing.T, what string, spec *corev1.PodSpec) {
	t.Helper()
	p := spec.SecurityContext
	if p == nil || p.RunAsNonRoot == nil || !*p.RunAsNonRoot || p.SeccompProfile == nil ||
		p.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext %+v: want runAsNonRoot and the RuntimeDefault seccomp profile", what, p)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: mounts a service account token; the bot calls no Kubernetes API", what)
	}
	if spec.EnableServiceLinks == nil || *spec.EnableServiceLinks {
		t.Errorf("%s: enableServiceLinks would inject KONTAKTBOT_* variables for the Service named kontaktbot", what)
	}
	for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			(sc.Privileged != nil && *sc.Privileged) ||
			sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
			t.Errorf("%s: container %s securityContext %+v: want no privilege escalation, a read-only root, all capabilities dropped", what, c.Name, sc)
		}
		checkResources(t, what+" "+c.Name, c.Resources)
	}
}

func checkResources(t *testing.T, what string, r corev1.ResourceRequirements) {
	t.Helper()
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, okReq := r.Requests[name]
		lim, okLim := r.Limits[name]
		if !okReq || !okLim || req.Cmp(lim) > 0 || req.IsZero() {
			t.Errorf("%s: %s request %v limit %v: want both, request at most limit", what, name, req.String(), lim.String())
		}
	}
}

func TestPodsAreLockedDown(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	sts := statefulSet(t, s)
	checkRestricted(t, "StatefulSet "+sts.Name, &sts.Spec.Template.Spec)
	for _, p := range only[*corev1.Pod](s.all()) {
		checkRestricted(t, "Pod "+p.Name, &p.Spec)
	}
	// Issue 13 measured 1.5 GB for an import of 250,000 rows, which runs
	// inside the server: a smaller limit would OOM-kill a national import.
	c := container(t, &sts.Spec.Template.Spec, containerName)
	if lim := c.Resources.Limits[corev1.ResourceMemory]; lim.Cmp(resource.MustParse("1500M")) < 0 {
		t.Errorf("memory limit %s is below the 1.5 GB a national import was measured at", lim.String())
	}
}

// claimMount returns the volumeClaimTemplate whose mount holds path, or
// "" when path is on no claim (on the read-only root, or nowhere).
func claimMount(sts *appsv1.StatefulSet, c *corev1.Container, path string) string {
	for _, m := range c.VolumeMounts {
		if m.ReadOnly || (path != m.MountPath && !strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/")) {
			continue
		}
		for _, tpl := range sts.Spec.VolumeClaimTemplates {
			if tpl.Name == m.Name {
				return tpl.Name
			}
		}
	}
	return ""
}

func TestDatabaseAndBackupsAreOnClaims(t *testing.T) {
	t.Parallel()
	s, img := mustLoad(t), readDockerfile(t)
	sts := statefulSet(t, s)
	c := container(t, &sts.Spec.Template.Spec, containerName)
	db, ok := env(c, "KONTAKTBOT_DB")
	if !ok {
		db = img.env["KONTAKTBOT_DB"]
	}
	backups, _ := env(c, "KONTAKTBOT_BACKUP_DIR")
	dbClaim, backupClaim := claimMount(sts, c, db), claimMount(sts, c, backups)
	if dbClaim == "" {
		t.Errorf("KONTAKTBOT_DB %q is on no writable volumeClaimTemplate", db)
	}
	if backups == "" || backupClaim == "" {
		t.Errorf("KONTAKTBOT_BACKUP_DIR %q is on no writable volumeClaimTemplate", backups)
	}
	if dbClaim != "" && dbClaim == backupClaim {
		t.Errorf("the database and its backups share the claim %s: a full backup disk would stop the database", dbClaim)
	}
	// The image declares its data volume; the pod must mount a claim there,
	// or the runtime gives it an anonymous volume that dies with the pod.
	for _, v := range img.volumes {
		if claimMount(sts, c, v) == "" {
			t.Errorf("the Dockerfile's VOLUME %s has no claim mounted", v)
		}
	}
	for _, tpl := range sts.Spec.VolumeClaimTemplates {
		if _, ok := tpl.Spec.Resources.Requests[corev1.ResourceStorage]; !ok || !slices.Contains(tpl.Spec.AccessModes, corev1.ReadWriteOnce) {
			t.Errorf("claim %s: want a storage request and ReadWriteOnce", tpl.Name)
		}
	}
}

func TestServiceReachesTheContainer(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	sts := statefulSet(t, s)
	svc := one[*corev1.Service](t, s.shipped(), sts.Spec.ServiceName)
	c := container(t, &sts.Spec.Template.Spec, containerName)
	labels := sts.Spec.Template.Labels
	if len(svc.Spec.Selector) == 0 {
		t.Fatal("the Service selects nothing")
	}
	for k, v := range svc.Spec.Selector {
		if labels[k] != v {
			t.Errorf("the Service selects %s=%s, the pod has %q", k, v, labels[k])
		}
	}
	for k, v := range sts.Spec.Selector.MatchLabels {
		if labels[k] != v {
			t.Errorf("the StatefulSet selects %s=%s, its pod template has %q", k, v, labels[k])
		}
	}
	for _, name := range []string{"http", "metrics"} {
		found := false
		for _, p := range svc.Spec.Ports {
			if p.Name == name {
				found = true
				if resolve(c, p.TargetPort) != port(t, c, name) {
					t.Errorf("Service port %s targets %s, not the container's port %s", name, p.TargetPort.String(), name)
				}
			}
		}
		if !found {
			t.Errorf("the Service has no port %s", name)
		}
	}
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("Service type %s: the metrics port would be reachable from outside; route /slack/* and /api/messages with an Ingress", svc.Spec.Type)
	}
}

func TestRestoreExampleRunsTheRealSubcommandOnTheSetsClaims(t *testing.T) {
	t.Parallel()
	s, src := mustLoad(t), sources(t)
	if !strings.Contains(src, "kontaktbot restore --from BACKUP --db FILE") {
		t.Fatal("cmd/kontaktbot's restore usage changed: check restore.example.yaml's args")
	}
	sts := statefulSet(t, s)
	bot := container(t, &sts.Spec.Template.Spec, containerName)
	pod := one[*corev1.Pod](t, s.all(), "kontaktbot-restore")
	if pod.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %s: a failed restore must stop, not repeat", pod.Spec.RestartPolicy)
	}
	c := container(t, &pod.Spec, "restore")
	if c.Image != bot.Image {
		t.Errorf("restore image %s, the bot's is %s", c.Image, bot.Image)
	}
	db, _ := env(bot, "KONTAKTBOT_DB")
	if len(c.Args) != 5 || c.Args[0] != "restore" || c.Args[1] != "--from" || c.Args[3] != "--db" || c.Args[4] != db {
		t.Errorf("args %q: want restore --from BACKUP --db %s", c.Args, db)
	}
	// The pod mounts the set's own claims, named <template>-<set>-0, where
	// the bot mounts them.
	claims := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		}
	}
	for _, tpl := range sts.Spec.VolumeClaimTemplates {
		if want := tpl.Name + "-" + sts.Name + "-0"; claims[tpl.Name] != want {
			t.Errorf("volume %s: claim %q, want the set's %q", tpl.Name, claims[tpl.Name], want)
		}
	}
	mounts := map[string]string{}
	for _, m := range bot.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	for _, m := range c.VolumeMounts {
		if mounts[m.Name] != m.MountPath {
			t.Errorf("restore mounts %s at %s, the bot at %s", m.Name, m.MountPath, mounts[m.Name])
		}
	}
	backups, _ := env(bot, "KONTAKTBOT_BACKUP_DIR")
	if len(c.Args) == 5 && filepath.Dir(c.Args[2]) != backups {
		t.Errorf("--from %s is not in the backup directory %s", c.Args[2], backups)
	}
}
