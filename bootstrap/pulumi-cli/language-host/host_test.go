package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestEngineAddressIsTheLastPositionalArgument(t *testing.T) {
	got, err := engineAddressFrom([]string{"-root=/p", "-tracing=x", "127.0.0.1:4242"})
	if err != nil || got != "127.0.0.1:4242" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := engineAddressFrom([]string{"-root=/p"}); err == nil {
		t.Fatal("no address: want a usage error")
	}
}

func info(t *testing.T, dir string, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	opts, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "stacks/main.ts", Options: opts}
}

func TestRuntimeOptions(t *testing.T) {
	options, err := optionsOf(info(t, "/p", map[string]any{"typescript": false, "nodeargs": `--import tsx --title "a b"`}))
	if err != nil {
		t.Fatal(err)
	}
	if options.typescript || !reflect.DeepEqual(options.nodeArgs, []string{"--import", "tsx", "--title", "a b"}) {
		t.Fatalf("got %+v", options)
	}
	defaults, _ := optionsOf(info(t, "/p", map[string]any{}))
	if !defaults.typescript || len(defaults.nodeArgs) != 0 {
		t.Fatalf("Pulumi's default is typescript on, no node arguments; got %+v", defaults)
	}
	if _, err := optionsOf(info(t, "/p", map[string]any{"nodeargs": `--import "tsx`})); err == nil || !strings.Contains(err.Error(), "runtime.options.nodeargs") {
		t.Fatalf("an unbalanced quote names the option to fix; got %v", err)
	}
}

func TestRunArgumentsFollowTheSDKsRunEntryPoint(t *testing.T) {
	req := &pulumirpc.RunRequest{
		Project: "switchyard", Stack: "local", Pwd: "/p", MonitorAddress: "127.0.0.1:1", Organization: "org",
		Parallel: 8, DryRun: true, Info: info(t, "/p", nil), Args: []string{"extra"},
	}
	want := []string{
		"--monitor=127.0.0.1:1", "--engine=127.0.0.1:2", "--project=switchyard", "--stack=local", "--pwd=/p",
		"--organization=org", "--root-directory=/p", "--parallel=8", "--dry-run", "/p/stacks/main.ts", "extra",
	}
	if got := runArgs(req, "127.0.0.1:2", "/p"); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestProgramEnvironmentCarriesConfigAndSecretKeys(t *testing.T) {
	req := &pulumirpc.RunRequest{Config: map[string]string{"switchyard:target": "local"}, ConfigSecretKeys: []string{"switchyard:token"}}
	env, err := programEnv(req, runtimeOptions{typescript: false})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(env, "\n")
	for _, want := range []string{`PULUMI_CONFIG={"switchyard:target":"local"}`, `PULUMI_CONFIG_SECRET_KEYS=["switchyard:token"]`, "PULUMI_NODEJS_TYPESCRIPT=false"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %s", want)
		}
	}
}

func writeJSON(t *testing.T, file, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPluginsComeFromTheInstalledDependencyGraph(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "package.json"), `{"dependencies": {"@pulumi/aws": "7.48.0", "lib": "1.0.0"}}`)
	writeJSON(t, filepath.Join(dir, "node_modules/@pulumi/aws/package.json"), `{"name": "@pulumi/aws", "version": "7.48.0", "pulumi": {"resource": true, "name": "aws", "version": "7.48.0"}}`)
	// A transitive dependency that needs a plugin, found through the package that depends on it.
	writeJSON(t, filepath.Join(dir, "node_modules/lib/package.json"), `{"name": "lib", "version": "1.0.0", "dependencies": {"@pulumi/random": "4.0.0"}}`)
	writeJSON(t, filepath.Join(dir, "node_modules/lib/node_modules/@pulumi/random/package.json"), `{"name": "@pulumi/random", "version": "4.0.0", "pulumi": {"resource": true, "name": "random", "server": "https://example.test"}}`)

	plugins, err := resourcePlugins(filepath.Join(dir, "stacks"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range plugins {
		got = append(got, p.Name+"@"+p.Version+" "+p.Server)
	}
	want := []string{"aws@7.48.0 ", "random@4.0.0 https://example.test"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestAMissingDependencySaysToInstall(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "package.json"), `{"dependencies": {"@pulumi/aws": "7.48.0"}}`)
	_, err := resourcePlugins(dir)
	if err == nil || !strings.Contains(err.Error(), "npm install") {
		t.Fatalf("want an error saying to run npm install; got %v", err)
	}
}

func TestPolicyPacksStartWithTheEngineAddressThenTheirFolder(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"), "")
	args, err := pluginArgs(&pulumirpc.RunPluginRequest{Kind: "analyzer", Args: []string{"127.0.0.1:9"}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:9", dir}
	if !reflect.DeepEqual(args, want) {
		t.Fatalf("got %q, want %q", args, want)
	}
	if _, err := pluginArgs(&pulumirpc.RunPluginRequest{Kind: "converter"}, dir); err == nil {
		t.Fatal("a kind this host does not run is refused")
	}
	if _, err := pluginArgs(&pulumirpc.RunPluginRequest{Kind: "analyzer"}, t.TempDir()); err == nil || !strings.Contains(err.Error(), "npm install") {
		t.Fatalf("a pack without its dependencies says to install them; got %v", err)
	}
}
