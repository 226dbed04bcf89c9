// pulumi-resource-kubernetes for the Kubernetes test suite: the Pulumi Kubernetes provider of
// github.com/pulumi/pulumi-kubernetes/provider/v4, served with the schema and Terraform mapping
// that ./embedgen makes from the provider module's schema.json and terraform-mapping.json (the
// module's own main embeds files that `go generate` makes and that its zip lacks).
// bootstrap/ensure-kubernetes.mjs runs embedgen, then builds this with the version stamped:
//
//	go run ./embedgen -version 4.25.0
//	go build -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=4.25.0" .
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
