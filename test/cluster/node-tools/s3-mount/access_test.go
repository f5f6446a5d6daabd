package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// What the kubelet sends for an inline volume of a pod (podInfoOnMount: true), plus the provisioner's attributes.
func volumeAttrs(namespace, pod, serviceAccount string) map[string]string {
	return map[string]string{
		"csi.storage.k8s.io/ephemeral": "true",
		attrPodNamespace:               namespace,
		attrPodName:                    pod,
		attrPodServiceAccount:          serviceAccount,
		"csi.storage.k8s.io/pod.uid":   "0b7e1c2a-0000-4000-8000-000000000001",
		"bucket":                       "team-data",
		"prefix":                       "shared",
		"mode":                         "MOUNT",
	}
}

func TestTaskPodsRefusesNonTaskPods(t *testing.T) {
	pods, err := newTaskPods("skyport-tasks, team-ml", "default")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, ns, pod, sa, want string
	}{
		{"another namespace", "kube-system", "thief", "default", "pod kube-system/thief is not in a Skyport task namespace"},
		{"a namespace whose name only starts like one", "skyport-tasks-evil", "x", "default", "not in a Skyport task namespace"},
		{"another service account", "team-ml", "x", "builder", `runs as service account "builder", not Skyport's task service account "default"`},
		{"no pod info (podInfoOnMount off)", "", "", "", "needs podInfoOnMount: true"},
		{"a namespace but no service account", "team-ml", "x", "", "needs podInfoOnMount: true"},
	}
	for _, c := range cases {
		err := pods.allow(volumeAttrs(c.ns, c.pod, c.sa))
		if status.Code(err) != codes.PermissionDenied || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want PermissionDenied containing %q", c.name, err, c.want)
		}
	}
	for _, ns := range []string{"skyport-tasks", "team-ml"} {
		if err := pods.allow(volumeAttrs(ns, "c1-head", "default")); err != nil {
			t.Errorf("a task pod in %s was refused: %v", ns, err)
		}
	}
}

func TestTaskPodsNeedsConfiguration(t *testing.T) {
	if _, err := newTaskPods(" , ", "default"); err == nil || !strings.Contains(err.Error(), "--task-namespaces is empty") {
		t.Errorf("no namespaces: got %v", err)
	}
	if _, err := newTaskPods("a", " "); err == nil || !strings.Contains(err.Error(), "--task-service-account is empty") {
		t.Errorf("no service account: got %v", err)
	}
}

// The refusal comes before anything is made: no target directory, no rclone.
func TestNodePublishVolumeRefusesANonTaskPod(t *testing.T) {
	pods, err := newTaskPods("skyport-tasks", "default")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := newNode("node-1", filepath.Join(dir, "state"), s3Settings{endpoint: "http://127.0.0.1:1", region: "us-east-1", accessKey: "k", secretKey: "s"}, pods)
	target := filepath.Join(dir, "pods", "uid", "volumes", "kubernetes.io~csi", "bucket", "mount")
	_, err = n.NodePublishVolume(context.Background(), &csi.NodePublishVolumeRequest{
		VolumeId: "csi-1", TargetPath: target, VolumeContext: volumeAttrs("default", "not-a-task", "default"),
		VolumeCapability: &csi.VolumeCapability{AccessType: &csi.VolumeCapability_Mount{Mount: &csi.VolumeCapability_MountVolume{}}},
	})
	if status.Code(err) != codes.PermissionDenied || !strings.Contains(err.Error(), "pod default/not-a-task is not in a Skyport task namespace") {
		t.Fatalf("got %v, want PermissionDenied naming the pod", err)
	}
	if _, statErr := os.Stat(target); !os.IsNotExist(statErr) {
		t.Errorf("the target %s was made for a refused volume", target)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "state")); !os.IsNotExist(statErr) {
		t.Errorf("rclone state was made for a refused volume")
	}
}

func TestEndpointRule(t *testing.T) {
	for _, c := range []struct {
		raw     string
		anyHost bool
		ok      bool
	}{
		{"http://127.0.0.1:26450", false, true},
		{"http://localhost:9000", false, true},
		{"https://minio.example.com", false, false},
		{"", false, false},
		{"https://minio.example.com", true, true},
		{"", true, true}, // AWS's regional endpoint
		{"ftp://minio.example.com", true, false},
		{"minio.example.com", true, false},
	} {
		_, err := checkEndpoint(c.raw, c.anyHost)
		if (err == nil) != c.ok {
			t.Errorf("checkEndpoint(%q, any=%v): err %v, want ok=%v", c.raw, c.anyHost, err, c.ok)
		}
	}
}
