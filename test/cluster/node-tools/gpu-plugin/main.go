// Command skyport-gpu-plugin is a kubelet device plugin that advertises GPUs which do not exist, so
// that GPU pods on a real (non-KWOK) node of the local test cluster are scheduled, admitted and
// started by the real kubelet device manager. Allocation hands the container the environment an
// NVIDIA device plugin + container toolkit would produce (NVIDIA_VISIBLE_DEVICES, CUDA_VISIBLE_DEVICES);
// no device node or library is mounted because there is none.
//
// Registration goes through the kubelet's plugin watcher (<kubelet root-dir>/plugins_registry), not
// through /var/lib/kubelet/device-plugins/kubelet.sock: several kubelets share this machine and that
// socket path is fixed, whereas each kubelet has its own root directory.
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
	"strings"
	"syscall"

	"google.golang.org/grpc"
	dp "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"
	reg "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

type plugin struct {
	dp.UnimplementedDevicePluginServer
	reg.UnimplementedRegistrationServer
	resource string
	ids      []string // device IDs in index order
	index    map[string]int
}

func newPlugin(resource, node string, count int) *plugin {
	p := &plugin{resource: resource, index: map[string]int{}}
	for i := 0; i < count; i++ {
		// shaped like NVIDIA's GPU UUIDs, unique per node
		id := fmt.Sprintf("GPU-skyport-%s-%d", node, i)
		p.ids = append(p.ids, id)
		p.index[id] = i
	}
	return p
}

// ---- plugin watcher registration (pluginregistration/v1)

func (p *plugin) GetInfo(context.Context, *reg.InfoRequest) (*reg.PluginInfo, error) {
	// Endpoint left empty: the kubelet then talks DevicePlugin on this same socket.
	return &reg.PluginInfo{Type: reg.DevicePlugin, Name: p.resource, SupportedVersions: []string{dp.Version}}, nil
}

func (p *plugin) NotifyRegistrationStatus(_ context.Context, s *reg.RegistrationStatus) (*reg.RegistrationStatusResponse, error) {
	if s.PluginRegistered {
		log.Printf("registered with the kubelet as %s (%d devices)", p.resource, len(p.ids))
	} else {
		log.Printf("kubelet refused the registration: %s", s.Error)
	}
	return &reg.RegistrationStatusResponse{}, nil
}

// ---- device plugin (deviceplugin/v1beta1)

func (p *plugin) GetDevicePluginOptions(context.Context, *dp.Empty) (*dp.DevicePluginOptions, error) {
	return &dp.DevicePluginOptions{}, nil
}

func (p *plugin) ListAndWatch(_ *dp.Empty, stream grpc.ServerStreamingServer[dp.ListAndWatchResponse]) error {
	devs := make([]*dp.Device, 0, len(p.ids))
	for _, id := range p.ids {
		devs = append(devs, &dp.Device{ID: id, Health: dp.Healthy})
	}
	if err := stream.Send(&dp.ListAndWatchResponse{Devices: devs}); err != nil {
		return err
	}
	// The devices never change; keep the stream open until the kubelet goes away.
	<-stream.Context().Done()
	return nil
}

func (p *plugin) Allocate(_ context.Context, req *dp.AllocateRequest) (*dp.AllocateResponse, error) {
	resp := &dp.AllocateResponse{}
	for _, c := range req.ContainerRequests {
		for _, id := range c.DevicesIds {
			if _, ok := p.index[id]; !ok {
				return nil, fmt.Errorf("unknown device %q", id)
			}
		}
		// Inside the container the allocated GPUs are numbered from 0, as with the NVIDIA runtime.
		local := make([]string, len(c.DevicesIds))
		for i := range c.DevicesIds {
			local[i] = fmt.Sprint(i)
		}
		resp.ContainerResponses = append(resp.ContainerResponses, &dp.ContainerAllocateResponse{
			Envs: map[string]string{
				"NVIDIA_VISIBLE_DEVICES": strings.Join(c.DevicesIds, ","),
				"CUDA_VISIBLE_DEVICES":   strings.Join(local, ","),
				"SKYPORT_FAKE_GPUS":      "true",
			},
		})
	}
	return resp, nil
}

func main() {
	registryDir := flag.String("registry-dir", "", "the kubelet's plugin watcher directory (<root-dir>/plugins_registry)")
	resource := flag.String("resource", "nvidia.com/gpu", "extended resource name to advertise")
	count := flag.Int("count", 4, "number of devices")
	node := flag.String("node", "", "node name (part of the device IDs)")
	flag.Parse()
	if *registryDir == "" || *node == "" || *count < 1 {
		log.Fatal("usage: skyport-gpu-plugin --registry-dir DIR --node NAME [--count N] [--resource R]")
	}
	if err := os.MkdirAll(*registryDir, 0o750); err != nil {
		log.Fatal(err)
	}
	sock := filepath.Join(*registryDir, "skyport-gpu.sock")
	_ = os.Remove(sock)
	lis, err := net.Listen("unix", sock)
	if err != nil {
		log.Fatal(err)
	}
	p := newPlugin(*resource, *node, *count)
	srv := grpc.NewServer()
	dp.RegisterDevicePluginServer(srv, p)
	reg.RegisterRegistrationServer(srv, p)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Stop()
		_ = os.Remove(sock)
	}()
	log.Printf("serving %d x %s on %s", *count, *resource, sock)
	if err := srv.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		log.Fatal(err)
	}
}
