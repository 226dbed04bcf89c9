package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// bailExitCode is what the SDK's cmd/run exits with after it has itself reported the program's
// error to the engine: the engine then adds nothing more.
const bailExitCode = 32

// Run runs the program once under the SDK's cmd/run, connected to the engine's resource monitor.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDirectory(req.GetInfo(), req.GetPwd())
	options, err := optionsOf(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	node, err := findNode()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	entry, err := sdkEntry(dir, "run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := programEnv(req, options)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}

	cmd := exec.CommandContext(ctx, node, append(append(options.nodeArgs, entry), runArgs(req, h.engine(), dir)...)...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	// The program writes what the user should see; the engine shows the host's output.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// Its own process group, so that stopping it stops what it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start %s: %v", node, err)}, nil
	}
	h.track(cmd.Process)
	defer h.untrack(cmd.Process)
	err = cmd.Wait()

	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the Node.js program exited with code %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the Node.js program stopped: %v", err)}, nil
	}
}

// runArgs are cmd/run's flags (see its usage), then the program and its own arguments.
func runArgs(req *pulumirpc.RunRequest, engineAddress, dir string) []string {
	args := []string{
		"--monitor=" + req.GetMonitorAddress(),
		"--engine=" + engineAddress,
		"--project=" + req.GetProject(),
		"--stack=" + req.GetStack(),
		"--pwd=" + req.GetPwd(),
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if root := req.GetInfo().GetRootDirectory(); root != "" {
		args = append(args, "--root-directory="+root)
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	program := req.GetProgram()
	if entry := req.GetInfo().GetEntryPoint(); entry != "" {
		program = entry
	}
	if program == "" {
		program = "."
	}
	if program != "." && !filepath.IsAbs(program) {
		program = filepath.Join(dir, program)
	}
	return append(append(args, program), req.GetArgs()...)
}

// programEnv passes the stack's config the way the SDK reads it (PULUMI_CONFIG and its secret keys).
func programEnv(req *pulumirpc.RunRequest, options runtimeOptions) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("stack config cannot be encoded: %v", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("secret config keys cannot be encoded: %v", err)
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	if options.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	} else {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=false")
	}
	return env, nil
}
