// Package deploy holds kontaktbot's Kubernetes manifests (kubernetes/) and
// reads them as the API server would: strictly, into the official
// k8s.io/api types. It is a module of its own, so that the bot's go.mod
// does not carry the Kubernetes libraries.
package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	serializerjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// NewScheme returns a scheme of the API groups the manifests may use,
// core/v1 and apps/v1: a kind from any other group is unknown to it.
func NewScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := errors.Join(corev1.AddToScheme(s), appsv1.AddToScheme(s)); err != nil {
		return nil, fmt.Errorf("deploy: building the scheme: %w", err)
	}
	return s, nil
}

// Decode reads every YAML document of r into the typed object its
// apiVersion and kind name, in order, with the API server's own strict
// decoder: a kind the scheme does not know, a field its type does not have
// (or has under another spelling or case) and a key given twice are each
// an error that names the document (1-based). Documents holding only
// comments are skipped.
func Decode(r io.Reader, scheme *runtime.Scheme) ([]runtime.Object, error) {
	dec := serializerjson.NewSerializerWithOptions(serializerjson.DefaultMetaFactory, scheme, scheme,
		serializerjson.SerializerOptions{Yaml: true, Strict: true})
	docs := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var out []runtime.Object
	for n := 1; ; n++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		if empty, err := isEmpty(doc); err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		} else if empty {
			continue
		}
		// A strict decoding error comes with the object decoded leniently:
		// the object is dropped, the error is the answer.
		obj, _, err := dec.Decode(doc, nil, nil)
		switch {
		// These two errors quote the whole document; the number is enough.
		case runtime.IsMissingKind(err):
			return nil, fmt.Errorf("document %d: no kind", n)
		case runtime.IsMissingVersion(err):
			return nil, fmt.Errorf("document %d: no apiVersion", n)
		case err != nil:
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		out = append(out, obj)
	}
}

// isEmpty says whether a YAML document holds nothing but comments and
// blank lines.
func isEmpty(doc []byte) (bool, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return false, err
	}
	return bytes.Equal(bytes.TrimSpace(j), []byte("null")), nil
}
