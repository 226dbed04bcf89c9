//go:build tools

// Package tools pins the Kubernetes control plane that the Kubernetes test suite runs on loopback:
// kube-apiserver, kube-controller-manager and kube-scheduler of k8s.io/kubernetes (the scheduler
// puts pods on kwok's simulated nodes), built by
// bootstrap/ensure-kubernetes.mjs. `go mod tidy` keeps their dependencies because of these imports.
// The replace block of go.mod (k8s.io/kubernetes's staging modules at their published versions)
// is written by ../gen-replaces.mjs.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"

	// kube-controller-manager's packages need it and `go mod tidy` does not record its go.sum lines
	// otherwise ("missing go.sum entry" at build time).
	_ "github.com/opencontainers/cgroups"
)
