//go:build tools

// Package tools pins kwok, which simulates nodes and the pods on them for the Kubernetes test suite
// (there is no kubelet): its `kwok` controller is built by bootstrap/ensure-kubernetes.mjs, and its
// stages (how a simulated node and pod move through their lifecycle) are read from the same
// module's kustomize/stage folder. `go mod tidy` keeps its dependencies because of this import.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
