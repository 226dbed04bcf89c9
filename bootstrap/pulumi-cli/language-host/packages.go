package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// packageJSON is the part of a package.json this host reads.
type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	// Pulumi marks a package that needs a resource plugin: {"resource": true, "name", "version", "server"}.
	Pulumi struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

type installedPackage struct {
	dir      string
	manifest packageJSON
}

func readPackage(dir string) (installedPackage, error) {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return installedPackage{}, err
	}
	var manifest packageJSON
	if err := json.Unmarshal(data, &manifest); err != nil {
		return installedPackage{}, fmt.Errorf("%s: %v", filepath.Join(dir, "package.json"), err)
	}
	return installedPackage{dir: dir, manifest: manifest}, nil
}

// packageRoot is the nearest folder from dir upwards that has a package.json.
func packageRoot(dir string) (string, error) {
	for current := dir; ; current = filepath.Dir(current) {
		if _, err := os.Stat(filepath.Join(current, "package.json")); err == nil {
			return current, nil
		}
		if filepath.Dir(current) == current {
			return "", fmt.Errorf("no package.json in %s or above: a Node.js program needs one (run `npm init` there)", dir)
		}
	}
}

// installedDependencies walks the program's dependency graph as Node.js resolves it, from its
// package.json: the direct dependencies, or every package reachable from them.
func installedDependencies(dir string, transitive bool) ([]installedPackage, error) {
	root, err := packageRoot(dir)
	if err != nil {
		return nil, err
	}
	program, err := readPackage(root)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var found []installedPackage
	queue := []installedPackage{program}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		for _, name := range sortedKeys(from.manifest.Dependencies) {
			location, ok := resolveFromDir(from.dir, name)
			if !ok {
				return nil, fmt.Errorf("%s depends on %s, which is not installed: run `npm install` in %s", from.dir, name, root)
			}
			if seen[location] {
				continue
			}
			seen[location] = true
			pkg, err := readPackage(location)
			if err != nil {
				return nil, err
			}
			found = append(found, pkg)
			if transitive {
				queue = append(queue, pkg)
			}
		}
	}
	return found, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// resourcePlugins are the provider plugins the program's packages declare, once each.
func resourcePlugins(dir string) ([]*pulumirpc.PackageDependency, error) {
	packages, err := installedDependencies(dir, true)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var plugins []*pulumirpc.PackageDependency
	for _, pkg := range packages {
		declared := pkg.manifest.Pulumi
		if !declared.Resource || declared.Name == "" {
			continue
		}
		version := declared.Version
		if version == "" {
			version = pkg.manifest.Version
		}
		key := declared.Name + "@" + version
		if seen[key] {
			continue
		}
		seen[key] = true
		plugins = append(plugins, &pulumirpc.PackageDependency{Name: declared.Name, Kind: "resource", Version: version, Server: declared.Server})
	}
	return plugins, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := resourcePlugins(programDirectory(req.GetInfo(), ""))
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: plugins}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	packages, err := resourcePlugins(programDirectory(req.GetInfo(), req.GetPwd()))
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, p := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	packages, err := installedDependencies(programDirectory(req.GetInfo(), req.GetPwd()), req.GetTransitiveDependencies())
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, pkg := range packages {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: pkg.manifest.Name, Version: pkg.manifest.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// InstallDependencies (`pulumi install`) runs `npm install` in the program's folder.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	dir := programDirectory(req.GetInfo(), req.GetDirectory())
	npm, err := exec.LookPath("npm")
	if err != nil {
		return status.Errorf(codes.FailedPrecondition, "no `npm` on PATH to install %s's dependencies: install Node.js with npm", dir)
	}
	out := &installStream{stream: stream}
	cmd := exec.CommandContext(stream.Context(), npm, "install")
	cmd.Dir = dir
	cmd.Stdout = writerFunc(func(b []byte) (int, error) {
		return out.send(&pulumirpc.InstallDependenciesResponse{Stdout: append([]byte(nil), b...)}, len(b))
	})
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		return out.send(&pulumirpc.InstallDependenciesResponse{Stderr: append([]byte(nil), b...)}, len(b))
	})
	if err := cmd.Run(); err != nil {
		return status.Errorf(codes.Internal, "npm install in %s failed: %v", dir, err)
	}
	return nil
}

type installStream struct {
	mu     sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]
}

func (s *installStream) send(msg *pulumirpc.InstallDependenciesResponse, n int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.stream.Send(msg); err != nil {
		return 0, err
	}
	return n, nil
}
