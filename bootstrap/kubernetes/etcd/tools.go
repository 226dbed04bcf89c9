//go:build tools

// Package tools pins etcd, the store of the Kubernetes test suite's API server: the `etcd` binary is
// the main package at the root of go.etcd.io/etcd/server/v3, built by
// bootstrap/ensure-kubernetes.mjs. `go mod tidy` keeps its dependencies because of this import.
package tools

import _ "go.etcd.io/etcd/server/v3"
