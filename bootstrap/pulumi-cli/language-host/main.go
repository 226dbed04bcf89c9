// Command pulumi-language-nodejs is Switchyard's own Node.js language host: the plugin the Pulumi
// engine starts to run a Node.js program (`pulumi preview`, `pulumi up`) or a policy pack folder
// (`--policy-pack policy`). It is written here against the published LanguageRuntime protocol
// (the pulumirpc types in the sdk/v3 module) because the host Pulumi ships is not served by the
// module proxy. Set-up installs it beside the CLI only when no real host is found.
//
// The host itself only starts processes: the program runs under the SDK's own entry points,
// `@pulumi/pulumi/cmd/run` and `cmd/run-policy-pack`, resolved from the program's node_modules.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time (-X main.version=...) to the version set-up built.
var version = "0.0.0-dev"

// grpcMessageLimit matches the engine's: large stacks send large messages.
const grpcMessageLimit = 400 * 1024 * 1024

func main() {
	engineAddress, err := engineAddressFrom(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (switchyard): %v\n", err)
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (switchyard): cannot listen on loopback: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(grpcMessageLimit), grpc.MaxSendMsgSize(grpcMessageLimit))
	host := newHost(engineAddress)
	pulumirpc.RegisterLanguageRuntimeServer(server, host)

	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)

	// The engine stops plugins with SIGINT/SIGTERM (or kills them); programs still running stop too.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-signals
		host.stopChildren()
		server.Stop()
	}()
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (switchyard): %v\n", err)
		os.Exit(1)
	}
}

// engineAddressFrom takes the engine's address, the last positional argument. Flags the engine or
// older CLIs pass (-root=..., -tracing=..., runtime options as -name=value) are accepted and ignored:
// runtime options arrive again, typed, in each request's ProgramInfo.
func engineAddressFrom(args []string) (string, error) {
	address := ""
	for _, arg := range args {
		if !strings.HasPrefix(arg, "-") {
			address = arg
		}
	}
	if address == "" {
		return "", fmt.Errorf("usage: pulumi-language-nodejs [flags] <engine-address>")
	}
	return address, nil
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	children      map[*os.Process]struct{}
}

func newHost(engineAddress string) *host {
	return &host{engineAddress: engineAddress, children: map[*os.Process]struct{}{}}
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) track(p *os.Process)   { h.mu.Lock(); h.children[p] = struct{}{}; h.mu.Unlock() }
func (h *host) untrack(p *os.Process) { h.mu.Lock(); delete(h.children, p); h.mu.Unlock() }

// stopChildren asks every program and plugin still running to stop (their process groups).
func (h *host) stopChildren() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.children {
		_ = syscall.Kill(-p.Pid, syscall.SIGTERM)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engineAddress = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.stopChildren()
	return &emptypb.Empty{}, nil
}

func (h *host) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := findNode()
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	nodeVersion, err := commandOutput(node, "--version")
	if err != nil {
		return nil, status.Errorf(codes.Internal, "%s --version: %v", node, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(nodeVersion), "v"),
		Metadata:   map[string]string{"host": "switchyard", "hostVersion": version},
	}, nil
}
