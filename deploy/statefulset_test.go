package deploy_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestOneReplicaAndNeverTwoPodsAtOnce(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	sts := statefulSet(t, s)
	if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 1 {
		t.Errorf("replicas = %s, want exactly 1: bbolt locks its file, a second pod cannot open it", replicas(sts))
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
	// Measured (deploy/README.md): an import of 250,000 rows, which runs
	// inside the server, peaked at 632 MB RSS, and serving that file took
	// 241 MB. A smaller limit would OOM-kill a national import; a smaller
	// request would place the pod where serving does not fit.
	c := container(t, &sts.Spec.Template.Spec, containerName)
	if lim := c.Resources.Limits[corev1.ResourceMemory]; lim.Cmp(resource.MustParse("640M")) < 0 {
		t.Errorf("memory limit %s is below the 632 MB a national import through the running server was measured at", lim.String())
	}
	if req := c.Resources.Requests[corev1.ResourceMemory]; req.Cmp(resource.MustParse("245M")) < 0 {
		t.Errorf("memory request %s is below the 241 MB serving the national file was measured at", req.String())
	}
	// The runtime's soft limit must sit below the container's, or the
	// kernel kills the bot before the collector tries.
	if v, ok := env(c, "GOMEMLIMIT"); ok {
		soft := goMemLimit(t, v)
		lim := c.Resources.Limits[corev1.ResourceMemory]
		if soft >= lim.Value() || soft < lim.Value()*3/4 {
			t.Errorf("GOMEMLIMIT %s is %d bytes, want between 75%% and 100%% of the limit %s", v, soft, lim.String())
		}
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

// replicas shows a StatefulSet's replicas, unset included.
func replicas(sts *appsv1.StatefulSet) string {
	if sts.Spec.Replicas == nil {
		return "unset (1)"
	}
	return strconv.Itoa(int(*sts.Spec.Replicas))
}

// goMemLimit reads a GOMEMLIMIT value: bytes, or a number with B, KiB,
// MiB, GiB or TiB, as the runtime reads it.
func goMemLimit(tb testing.TB, v string) int64 {
	tb.Helper()
	num, mult := v, int64(1)
	for i, suffix := range []string{"TiB", "GiB", "MiB", "KiB", "B"} {
		if strings.HasSuffix(v, suffix) {
			num, mult = strings.TrimSuffix(v, suffix), int64(1)<<(10*(4-i))
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		tb.Fatalf("GOMEMLIMIT %q: want bytes or a number with B, KiB, MiB, GiB or TiB", v)
	}
	return n * mult
}
