// Command skyport-s3-mount is a CSI node plugin (driver s3.csi.skyport.dev) for the real nodes of the local test
// cluster: it serves NodePublishVolume for ephemeral inline CSI volumes by running Debian's rclone as a FUSE mount
// ON THE HOST, at the target path the kubelet then bind-mounts into the pod. The task container therefore needs no
// /dev/fuse, no capability, no hostPath and never sees an S3 key: the keys live in this process's environment.
//
// Volume attributes (written by the Skyport provisioner): bucket, prefix, mode (MOUNT: no cache, writes go straight
// to the bucket; MOUNT_CACHED: rclone's full VFS cache, written back shortly after close), readOnly ("true").
//
// Registration goes through the kubelet's plugin watcher (<kubelet root-dir>/plugins_registry), like the fake-GPU
// plugin. Unix socket paths are limited to 107 bytes (sun_path): both sockets must be short, and this command
// refuses to start, naming the path, when one is not.
//
// Only Skyport's task pods get a volume (access.go): the pod's namespace (from podInfoOnMount) must be one of
// --task-namespaces and its service account --task-service-account. The S3 endpoint is the operator's
// (SKYPORT_S3_MOUNT_ENDPOINT), never a volume attribute; without --endpoint-any it must be on loopback.
// The Helm chart runs this command as a DaemonSet (deploy/helm/skyport, storage.s3.mountDriver).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	reg "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

const (
	driverName = "s3.csi.skyport.dev"
	version    = "0.1.0"
	// sizeof(sockaddr_un.sun_path) on Linux is 108, one of which is the terminating NUL.
	maxSocketPath = 107
)

type registration struct {
	reg.UnimplementedRegistrationServer
	endpoint string
}

func (r *registration) GetInfo(context.Context, *reg.InfoRequest) (*reg.PluginInfo, error) {
	return &reg.PluginInfo{Type: reg.CSIPlugin, Name: driverName, Endpoint: r.endpoint, SupportedVersions: []string{"1.0.0"}}, nil
}

func (r *registration) NotifyRegistrationStatus(_ context.Context, s *reg.RegistrationStatus) (*reg.RegistrationStatusResponse, error) {
	if s.PluginRegistered {
		log.Printf("registered with the kubelet as %s (endpoint %s)", driverName, r.endpoint)
	} else {
		log.Printf("kubelet refused the registration: %s", s.Error)
	}
	return &reg.RegistrationStatusResponse{}, nil
}

type identity struct {
	csi.UnimplementedIdentityServer
}

func (identity) GetPluginInfo(context.Context, *csi.GetPluginInfoRequest) (*csi.GetPluginInfoResponse, error) {
	return &csi.GetPluginInfoResponse{Name: driverName, VendorVersion: version}, nil
}

func (identity) GetPluginCapabilities(context.Context, *csi.GetPluginCapabilitiesRequest) (*csi.GetPluginCapabilitiesResponse, error) {
	return &csi.GetPluginCapabilitiesResponse{}, nil
}

func (identity) Probe(context.Context, *csi.ProbeRequest) (*csi.ProbeResponse, error) {
	return &csi.ProbeResponse{}, nil
}

// checkSocketPath fails loudly instead of letting bind() say "invalid argument".
func checkSocketPath(what, path string) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("%s socket path %q is %d bytes, above the %d-byte limit of unix socket paths: use a shorter directory", what, path, len(path), maxSocketPath)
	}
	return nil
}

func listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	_ = os.Remove(path)
	return net.Listen("unix", path)
}

func main() {
	registryDir := flag.String("registry-dir", "", "the kubelet's plugin watcher directory (<root-dir>/plugins_registry), as the kubelet sees it")
	csiSocket := flag.String("csi-socket", "", "where the kubelet talks CSI to this plugin (a short path)")
	node := flag.String("node", "", "node name (the CSI node id)")
	stateDir := flag.String("state-dir", "", "rclone's config and VFS cache directory")
	taskNamespaces := flag.String("task-namespaces", "", "comma-separated namespaces of Skyport's task pods: a volume of a pod elsewhere is refused")
	taskSA := flag.String("task-service-account", "default", "the service account of Skyport's task pods: a volume of a pod running as another is refused")
	endpointAny := flag.Bool("endpoint-any", false, "accept an S3 endpoint that is not on loopback (or none: AWS); the endpoint is always this process's SKYPORT_S3_MOUNT_ENDPOINT")
	flag.Parse()
	if *registryDir == "" || *csiSocket == "" || *node == "" || *stateDir == "" {
		log.Fatal("usage: skyport-s3-mount --registry-dir DIR --csi-socket PATH --node NAME --state-dir DIR --task-namespaces NS[,NS...] [--task-service-account NAME] [--endpoint-any] (S3 settings: SKYPORT_S3_MOUNT_ENDPOINT, SKYPORT_S3_MOUNT_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION)")
	}
	pods, err := newTaskPods(*taskNamespaces, *taskSA)
	if err != nil {
		log.Fatal(err)
	}
	s3, err := s3FromEnv(*endpointAny)
	if err != nil {
		log.Fatal(err)
	}
	regSocket := filepath.Join(*registryDir, driverName+"-reg.sock")
	for what, p := range map[string]string{"registration": regSocket, "CSI": *csiSocket} {
		if err := checkSocketPath(what, p); err != nil {
			log.Fatal(err)
		}
	}
	n := newNode(*node, *stateDir, s3, pods)

	csiLis, err := listen(*csiSocket)
	if err != nil {
		log.Fatal(err)
	}
	csiSrv := grpc.NewServer()
	csi.RegisterIdentityServer(csiSrv, identity{})
	csi.RegisterNodeServer(csiSrv, n)
	// The registration socket appears last: once the kubelet sees it, it calls the CSI endpoint at once.
	regLis, err := listen(regSocket)
	if err != nil {
		log.Fatal(err)
	}
	regSrv := grpc.NewServer()
	reg.RegisterRegistrationServer(regSrv, &registration{endpoint: *csiSocket})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		regSrv.Stop()
		csiSrv.Stop()
		n.unmountAll()
		_ = os.Remove(regSocket)
		_ = os.Remove(*csiSocket)
	}()
	go func() {
		if err := regSrv.Serve(regLis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			log.Fatal(err)
		}
	}()
	log.Printf("%s on node %s: registration %s, CSI %s, S3 %q (region %s), task pods: %s", driverName, *node, regSocket, *csiSocket, s3.endpoint, s3.region, pods)
	if err := csiSrv.Serve(csiLis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		log.Fatal(err)
	}
	<-ctx.Done()
}
