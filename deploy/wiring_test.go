package deploy_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// allowedKinds are the kinds the manifests use. Anything else, even a kind
// the scheme knows (a Deployment would start a second writer during an
// update), is refused.
var allowedKinds = []string{"Namespace", "ConfigMap", "Service", "StatefulSet", "Secret", "Pod"}

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

// runtimeEnv are read by the Go runtime, not by the bot.
var runtimeEnv = []string{"GOMEMLIMIT"}

func TestEveryEnvNameIsReadByTheBot(t *testing.T) {
	t.Parallel()
	s, src := mustLoad(t), sources(t)
	read := func(where, name string) {
		if slices.Contains(runtimeEnv, name) {
			return
		}
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

// TestNamesAreValid applies the API server's rules for names, which
// decoding does not: a StatefulSet's name must be a DNS label (its pods'
// hostnames), ports named at most 15 characters, and so on.
func TestNamesAreValid(t *testing.T) {
	t.Parallel()
	s := mustLoad(t)
	check := func(what, value string, errs []string) {
		if len(errs) > 0 {
			t.Errorf("%s %q: %s", what, value, strings.Join(errs, "; "))
		}
	}
	for _, o := range s.all() {
		m, ok := o.(metav1.Object)
		if !ok {
			t.Fatalf("%T has no metadata", o)
		}
		check("name", m.GetName(), validation.IsDNS1123Label(m.GetName()))
		for k, v := range m.GetLabels() {
			check("label key", k, validation.IsQualifiedName(k))
			check("label value", v, validation.IsValidLabelValue(v))
		}
	}
	for _, cm := range only[*corev1.ConfigMap](s.all()) {
		for k := range cm.Data {
			check("ConfigMap key", k, validation.IsConfigMapKey(k))
		}
	}
	for _, sec := range only[*corev1.Secret](s.all()) {
		for k := range sec.StringData {
			check("Secret key", k, validation.IsConfigMapKey(k))
		}
	}
	var specs []*corev1.PodSpec
	for _, sts := range only[*appsv1.StatefulSet](s.all()) {
		specs = append(specs, &sts.Spec.Template.Spec)
		for _, tpl := range sts.Spec.VolumeClaimTemplates {
			// The claim is named <template>-<set>-<ordinal>.
			check("claim", tpl.Name+"-"+sts.Name+"-0", validation.IsDNS1123Subdomain(tpl.Name+"-"+sts.Name+"-0"))
		}
	}
	for _, p := range only[*corev1.Pod](s.all()) {
		specs = append(specs, &p.Spec)
	}
	for _, spec := range specs {
		for _, c := range spec.Containers {
			check("container", c.Name, validation.IsDNS1123Label(c.Name))
			for _, p := range c.Ports {
				check("port name", p.Name, validation.IsValidPortName(p.Name))
				check("port", strconv.Itoa(int(p.ContainerPort)), validation.IsValidPortNum(int(p.ContainerPort)))
			}
			for _, e := range c.Env {
				check("env", e.Name, validation.IsEnvVarName(e.Name))
			}
		}
	}
	for _, svc := range only[*corev1.Service](s.all()) {
		check("Service", svc.Name, validation.IsDNS1035Label(svc.Name))
		for _, p := range svc.Spec.Ports {
			check("Service port name", p.Name, validation.IsDNS1123Label(p.Name))
		}
	}
}
