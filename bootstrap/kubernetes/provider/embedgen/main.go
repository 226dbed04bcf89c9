// embedgen writes schema-embed.json and terraform-mapping-embed.json, which ../main.go embeds,
// from schema.json and terraform-mapping.json in the provider module's
// cmd/pulumi-resource-kubernetes folder (at the version go.mod requires). The schema gets the provider's version; both are written compact.
//
//	go run ./embedgen -version 4.25.0 [-out DIR]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const (
	providerModule = "github.com/pulumi/pulumi-kubernetes/provider/v4"
	// The folder of the module's own main, which holds schema.json and terraform-mapping.json.
	providerMain = "cmd/pulumi-resource-kubernetes"
)

func main() {
	version := flag.String("version", "", "the provider's version, written into the schema")
	out := flag.String("out", ".", "the folder to write the embed files to")
	flag.Parse()
	if err := run(*version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "embedgen:", err)
		os.Exit(1)
	}
}

func run(version, out string) error {
	if version == "" {
		return fmt.Errorf("-version is required")
	}
	moduleDir, err := downloadedModule(providerModule)
	if err != nil {
		return err
	}
	dir := filepath.Join(moduleDir, providerMain)

	// The schema as a map of raw values: every field the module has is kept as it is, and only
	// "version" is set. Marshalling compacts the raw values.
	var schema map[string]json.RawMessage
	if err := readJSON(filepath.Join(dir, "schema.json"), &schema); err != nil {
		return err
	}
	if schema["name"] == nil || schema["resources"] == nil {
		return fmt.Errorf("%s/schema.json has no name or resources: not a Pulumi package schema", dir)
	}
	schema["version"], _ = json.Marshal(version)
	if err := writeJSON(filepath.Join(out, "schema-embed.json"), schema); err != nil {
		return err
	}

	var mapping json.RawMessage
	if err := readJSON(filepath.Join(dir, "terraform-mapping.json"), &mapping); err != nil {
		return err
	}
	return writeJSON(filepath.Join(out, "terraform-mapping-embed.json"), mapping)
}

// downloadedModule is the folder of a module at the version go.mod requires, downloaded when needed.
// (`go list` of the module's main package fails: its embed files are missing, which is why this exists.)
func downloadedModule(path string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	output, err := cmd.Output()
	var info struct{ Dir, Version, Error string }
	if jsonErr := json.Unmarshal(output, &info); jsonErr != nil || info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %v %s\n%s", path, err, info.Error, stderr.String())
	}
	return info.Dir, nil
}

func readJSON(file string, into any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	return nil
}

func writeJSON(file string, value any) error {
	data, err := json.Marshal(value)
	if err != nil {
		return err
	}
	// Written beside the old file and renamed: a build never sees half a file.
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
