package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/google/shlex"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// findNode is the `node` on PATH: the engine's environment decides which Node.js runs programs.
func findNode() (string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("no `node` on PATH (%s): install Node.js or put it on PATH", os.Getenv("PATH"))
	}
	return node, nil
}

func commandOutput(name string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout = &out
	err := cmd.Run()
	return out.String(), err
}

// resolveFromDir finds `node_modules/<module>` from dir upwards, as Node.js resolves a package.
func resolveFromDir(dir, module string) (string, bool) {
	for current := dir; ; current = filepath.Dir(current) {
		candidate := filepath.Join(current, "node_modules", module)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, true
		}
		if filepath.Dir(current) == current {
			return "", false
		}
	}
}

// sdkEntry is one of the SDK's command entry points (cmd/run, cmd/run-policy-pack), from dir's node_modules.
func sdkEntry(dir, command string) (string, error) {
	entry, ok := resolveFromDir(dir, filepath.Join("@pulumi", "pulumi", "cmd", command))
	if !ok {
		return "", fmt.Errorf("@pulumi/pulumi is not installed for %s (no node_modules/@pulumi/pulumi/cmd/%s from there up): run `npm install` in %s", dir, command, dir)
	}
	return entry, nil
}

// runtimeOptions are Pulumi.yaml's `runtime.options` for nodejs that this host honours.
type runtimeOptions struct {
	// typescript: compile .ts with the SDK's ts-node (Pulumi's default: true).
	typescript bool
	// nodeargs: extra arguments to node, such as `--import tsx`, split as a shell would.
	nodeArgs []string
}

func optionsOf(info *pulumirpc.ProgramInfo) (runtimeOptions, error) {
	options := runtimeOptions{typescript: true}
	fields := info.GetOptions().GetFields()
	if value, ok := fields["typescript"]; ok {
		options.typescript = value.GetBoolValue()
	}
	if value, ok := fields["nodeargs"]; ok && value.GetStringValue() != "" {
		args, err := shlex.Split(value.GetStringValue())
		if err != nil {
			return options, fmt.Errorf("runtime option nodeargs %q cannot be split into arguments: %v; fix `runtime.options.nodeargs` in Pulumi.yaml", value.GetStringValue(), err)
		}
		options.nodeArgs = args
	}
	return options, nil
}

// programDirectory is where the program lives: ProgramInfo when the engine sends it, else pwd.
func programDirectory(info *pulumirpc.ProgramInfo, pwd string) string {
	if dir := info.GetProgramDirectory(); dir != "" {
		return dir
	}
	return pwd
}
