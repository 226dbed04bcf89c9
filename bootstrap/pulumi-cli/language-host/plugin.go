package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// RunPlugin starts a plugin kept as a Node.js folder: a policy pack (`--policy-pack <folder>`) or a
// resource provider. Its stdout and stderr stream back to the engine, which reads the plugin's
// port from stdout, then its exit code.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	dir := programDirectory(req.GetInfo(), req.GetPwd())
	options, err := optionsOf(req.GetInfo())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	node, err := findNode()
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}
	args, err := pluginArgs(req, dir)
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}

	cmd := exec.CommandContext(stream.Context(), node, append(options.nodeArgs, args...)...)
	// From the plugin's own folder: a policy pack reads its version from ./package.json.
	cmd.Dir = dir
	cmd.Env = req.GetEnv()
	if len(cmd.Env) == 0 {
		cmd.Env = os.Environ()
	}
	if !options.typescript {
		cmd.Env = append(cmd.Env, "PULUMI_NODEJS_TYPESCRIPT=false")
	}
	sender := &streamSender{stream: stream}
	cmd.Stdout = sender.writer(func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	cmd.Stderr = sender.writer(func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		return status.Errorf(codes.Internal, "could not start %s: %v", node, err)
	}
	h.track(cmd.Process)
	defer h.untrack(cmd.Process)

	code := int32(0)
	var exit *exec.ExitError
	if err := cmd.Wait(); errors.As(err, &exit) {
		code = int32(exit.ExitCode())
	} else if err != nil {
		return status.Errorf(codes.Internal, "plugin %s: %v", dir, err)
	}
	return sender.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// pluginArgs: the SDK's entry point for the plugin's kind, with the arguments it expects.
func pluginArgs(req *pulumirpc.RunPluginRequest, dir string) ([]string, error) {
	switch req.GetKind() {
	case "analyzer":
		entry, err := sdkEntry(dir, "run-policy-pack")
		if err != nil {
			return nil, err
		}
		// run-policy-pack <engine-address> <program>
		return append(append([]string{entry}, req.GetArgs()...), dir), nil
	case "resource", "":
		entry, err := sdkEntry(dir, "run-plugin")
		if err != nil {
			return nil, err
		}
		// run-plugin <program> [plugin arguments...]
		return append([]string{entry, dir}, req.GetArgs()...), nil
	default:
		return nil, fmt.Errorf("plugins of kind %q cannot run from a Node.js folder (%s); this host runs analyzer and resource plugins", req.GetKind(), filepath.Base(dir))
	}
}

// streamSender serialises sends from the stdout and stderr copiers: a gRPC stream takes one at a time.
type streamSender struct {
	mu     sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
}

func (s *streamSender) send(msg *pulumirpc.RunPluginResponse) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stream.Send(msg)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func (s *streamSender) writer(wrap func([]byte) *pulumirpc.RunPluginResponse) writerFunc {
	return func(b []byte) (int, error) {
		// exec reuses its buffer: send a copy.
		if err := s.send(wrap(append([]byte(nil), b...))); err != nil {
			return 0, err
		}
		return len(b), nil
	}
}
