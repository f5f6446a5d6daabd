package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type s3Settings struct {
	endpoint, region, accessKey, secretKey string
	pathStyle                              bool
}

func s3FromEnv(anyHost bool) (s3Settings, error) {
	endpoint, err := checkEndpoint(os.Getenv("SKYPORT_S3_MOUNT_ENDPOINT"), anyHost)
	if err != nil {
		return s3Settings{}, err
	}
	s := s3Settings{endpoint: endpoint, region: os.Getenv("AWS_REGION"), accessKey: os.Getenv("AWS_ACCESS_KEY_ID"), secretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}
	if s.region == "" {
		s.region = "us-east-1"
	}
	// As the provisioner's SKYPORT_S3_FORCE_PATH_STYLE: path style with an endpoint of one's own, unless told.
	switch v := os.Getenv("SKYPORT_S3_MOUNT_FORCE_PATH_STYLE"); v {
	case "":
		s.pathStyle = endpoint != ""
	case "true", "false":
		s.pathStyle = v == "true"
	default:
		return s3Settings{}, fmt.Errorf("SKYPORT_S3_MOUNT_FORCE_PATH_STYLE=%q: true or false", v)
	}
	if s.accessKey == "" || s.secretKey == "" {
		return s3Settings{}, fmt.Errorf("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (the keys this driver mounts buckets with)")
	}
	return s, nil
}

type mount struct {
	cmd  *exec.Cmd
	done chan struct{}
	// MOUNT_CACHED's cache: rclone marks a file dirty in <cacheDir>/vfsMeta until its upload is done.
	cacheDir string
	cached   bool
}

// How long one NodeUnpublishVolume waits for MOUNT_CACHED's pending uploads: less than the kubelet's 2 min
// timeout for the call, so an answer (done, or Unavailable and a retry) always reaches it.
const flushWait = 90 * time.Second

type nodeServer struct {
	csi.UnimplementedNodeServer
	node, stateDir string
	s3             s3Settings
	pods           taskPods
	mu             sync.Mutex
	mounts         map[string]*mount // by target path
}

func newNode(node, stateDir string, s3 s3Settings, pods taskPods) *nodeServer {
	return &nodeServer{node: node, stateDir: stateDir, s3: s3, pods: pods, mounts: map[string]*mount{}}
}

func (n *nodeServer) NodeGetInfo(context.Context, *csi.NodeGetInfoRequest) (*csi.NodeGetInfoResponse, error) {
	return &csi.NodeGetInfoResponse{NodeId: n.node}, nil
}

func (n *nodeServer) NodeGetCapabilities(context.Context, *csi.NodeGetCapabilitiesRequest) (*csi.NodeGetCapabilitiesResponse, error) {
	return &csi.NodeGetCapabilitiesResponse{}, nil
}

// S3 bucket names (the stricter DNS-style rules), so nothing in an attribute can change rclone's remote syntax.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (n *nodeServer) NodePublishVolume(ctx context.Context, req *csi.NodePublishVolumeRequest) (*csi.NodePublishVolumeResponse, error) {
	target := req.GetTargetPath()
	attrs := req.GetVolumeContext()
	if target == "" {
		return nil, status.Error(codes.InvalidArgument, "no target path")
	}
	if attrs["csi.storage.k8s.io/ephemeral"] != "true" {
		return nil, status.Error(codes.InvalidArgument, "only ephemeral inline volumes are served")
	}
	if err := n.pods.allow(attrs); err != nil {
		log.Printf("refused a volume at %s: %v", target, err)
		return nil, err
	}
	bucket, prefix, mode := attrs["bucket"], strings.Trim(attrs["prefix"], "/"), attrs["mode"]
	if !bucketName.MatchString(bucket) {
		return nil, status.Errorf(codes.InvalidArgument, "volume attribute bucket %q is not an S3 bucket name", bucket)
	}
	if strings.ContainsAny(prefix, "\x00\n\r") || strings.Contains("/"+prefix+"/", "/../") {
		return nil, status.Errorf(codes.InvalidArgument, "volume attribute prefix %q is not a key prefix", prefix)
	}
	if mode != "MOUNT" && mode != "MOUNT_CACHED" {
		return nil, status.Errorf(codes.InvalidArgument, "volume attribute mode %q: MOUNT or MOUNT_CACHED", mode)
	}
	readOnly := req.GetReadonly() || attrs["readOnly"] == "true"

	n.mu.Lock()
	defer n.mu.Unlock()
	if m, ok := n.mounts[target]; ok {
		select {
		case <-m.done: // rclone died: mount again
			delete(n.mounts, target)
			_ = syscall.Unmount(target, syscall.MNT_DETACH)
		default:
			return &csi.NodePublishVolumeResponse{}, nil
		}
	}
	if err := os.MkdirAll(target, 0o750); err != nil {
		return nil, status.Errorf(codes.Internal, "mkdir %s: %v", target, err)
	}
	m, err := n.startRclone(target, bucket, prefix, mode, readOnly)
	if err != nil {
		return nil, err
	}
	n.mounts[target] = m
	log.Printf("mounted s3://%s/%s (%s, read-only %v) at %s for pod %s/%s", bucket, prefix, mode, readOnly, target,
		attrs["csi.storage.k8s.io/pod.namespace"], attrs["csi.storage.k8s.io/pod.name"])
	return &csi.NodePublishVolumeResponse{}, nil
}

func (n *nodeServer) startRclone(target, bucket, prefix, mode string, readOnly bool) (*mount, error) {
	sum := sha256.Sum256([]byte(target))
	cacheDir := filepath.Join(n.stateDir, "cache", hex.EncodeToString(sum[:8]))
	args := []string{"mount", "sky:" + strings.TrimSuffix(bucket+"/"+prefix, "/"), target,
		"--allow-other", "--cache-dir", cacheDir, "--s3-no-check-bucket", "--log-level", "NOTICE"}
	if mode == "MOUNT_CACHED" {
		args = append(args, "--vfs-cache-mode", "full", "--vfs-write-back", "2s")
	} else {
		// No cache: every write is streamed to the bucket and the object exists once the file is closed.
		args = append(args, "--vfs-cache-mode", "off", "--dir-cache-time", "5s")
	}
	if readOnly {
		args = append(args, "--read-only")
	}
	cmd := exec.Command("rclone", args...)
	// The keys reach rclone through its environment only (never its argv, which ps shows). Nothing else of this
	// process's environment is passed on: an AWS_CA_BUNDLE or AWS_PROFILE there would change what rclone does.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + n.stateDir},
		"RCLONE_CONFIG="+filepath.Join(n.stateDir, "rclone.conf"),
		"RCLONE_CONFIG_SKY_TYPE=s3",
		"RCLONE_CONFIG_SKY_REGION="+n.s3.region,
		"RCLONE_CONFIG_SKY_ACCESS_KEY_ID="+n.s3.accessKey,
		"RCLONE_CONFIG_SKY_SECRET_ACCESS_KEY="+n.s3.secretKey,
		fmt.Sprintf("RCLONE_CONFIG_SKY_FORCE_PATH_STYLE=%v", n.s3.pathStyle),
	)
	if n.s3.endpoint == "" {
		cmd.Env = append(cmd.Env, "RCLONE_CONFIG_SKY_PROVIDER=AWS")
	} else {
		cmd.Env = append(cmd.Env, "RCLONE_CONFIG_SKY_PROVIDER=Other", "RCLONE_CONFIG_SKY_ENDPOINT="+n.s3.endpoint)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	// rclone dies with this plugin, so a killed plugin leaves no FUSE server behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return nil, status.Errorf(codes.Internal, "mkdir %s: %v", cacheDir, err)
	}
	_ = os.WriteFile(filepath.Join(n.stateDir, "rclone.conf"), nil, 0o600)
	if err := cmd.Start(); err != nil {
		return nil, status.Errorf(codes.Internal, "starting rclone: %v", err)
	}
	m := &mount{cmd: cmd, done: make(chan struct{}), cacheDir: cacheDir, cached: mode == "MOUNT_CACHED"}
	go func() { _ = cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if isMounted(target) {
			return m, nil
		}
		select {
		case <-m.done:
			return nil, status.Errorf(codes.Internal, "rclone mount of s3://%s/%s exited: %s", bucket, prefix, strings.TrimSpace(stderr.String()))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, status.Errorf(codes.DeadlineExceeded, "rclone mount of s3://%s/%s did not appear at %s within 30s: %s", bucket, prefix, target, strings.TrimSpace(stderr.String()))
		}
	}
}

// isMounted: a FUSE mount of rclone's at exactly this path (field 5 of mountinfo, octal escapes for spaces).
func isMounted(target string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	defer f.Close()
	esc := strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`).Replace(filepath.Clean(target))
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64*1024), 1024*1024)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) > 4 && fields[4] == esc && strings.Contains(s.Text(), " - fuse") {
			return true
		}
	}
	return false
}

func (n *nodeServer) NodeUnpublishVolume(_ context.Context, req *csi.NodeUnpublishVolumeRequest) (*csi.NodeUnpublishVolumeResponse, error) {
	target := req.GetTargetPath()
	if target == "" {
		return nil, status.Error(codes.InvalidArgument, "no target path")
	}
	n.mu.Lock()
	m := n.mounts[target]
	n.mu.Unlock()
	// Neither an unmount nor a signal makes rclone upload what its cache still holds (it would on its next start
	// with the same cache, which never comes): a pod's last writes would be lost. So the volume stays mounted
	// until the uploads are done; past flushWait the kubelet is told to try again, and the mount is kept.
	if m != nil && m.cached && !waitUploaded(m, flushWait) {
		return nil, status.Errorf(codes.Unavailable, "uploads from the cache of %s to the bucket are still pending; try again", target)
	}
	n.mu.Lock()
	if n.mounts[target] == m {
		delete(n.mounts, target)
	}
	n.mu.Unlock()
	n.unmount(target, m)
	if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
		return nil, status.Errorf(codes.Internal, "removing %s: %v", target, err)
	}
	return &csi.NodeUnpublishVolumeResponse{}, nil
}

// waitUploaded: true once no file in the mount's cache is marked dirty (or rclone is gone), false after max.
func waitUploaded(m *mount, max time.Duration) bool {
	deadline := time.Now().Add(max)
	for {
		select {
		case <-m.done:
			return true // nothing left to wait for: rclone is not running
		default:
		}
		if !cacheDirty(filepath.Join(m.cacheDir, "vfsMeta")) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var dirtyMark = regexp.MustCompile(`"Dirty":\s*true`)

// cacheDirty: some file's metadata in rclone's VFS cache says it is not uploaded yet.
func cacheDirty(metaDir string) bool {
	dirty := false
	_ = filepath.WalkDir(metaDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || dirty {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && dirtyMark.Match(b) {
			dirty = true
			return fs.SkipAll
		}
		return nil
	})
	return dirty
}

// unmount: stops rclone's FUSE server (after waitUploaded for MOUNT_CACHED) and waits for rclone to exit.
func (n *nodeServer) unmount(target string, m *mount) {
	if isMounted(target) {
		if out, err := exec.Command("fusermount", "-u", target).CombinedOutput(); err != nil {
			log.Printf("fusermount -u %s: %v %s; detaching", target, err, strings.TrimSpace(string(out)))
			_ = syscall.Unmount(target, syscall.MNT_DETACH)
		}
	}
	if m == nil {
		return
	}
	select {
	case <-m.done:
	case <-time.After(60 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
	log.Printf("unmounted %s", target)
}

func (n *nodeServer) unmountAll() {
	n.mu.Lock()
	mounts := n.mounts
	n.mounts = map[string]*mount{}
	n.mu.Unlock()
	for target, m := range mounts {
		n.unmount(target, m)
	}
}
