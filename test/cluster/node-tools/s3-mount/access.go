package main

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The pod attributes the kubelet adds to NodePublishVolume when the CSIDriver has podInfoOnMount: true.
const (
	attrPodNamespace      = "csi.storage.k8s.io/pod.namespace"
	attrPodName           = "csi.storage.k8s.io/pod.name"
	attrPodServiceAccount = "csi.storage.k8s.io/serviceAccount.name"
)

// taskPods says which pods may have a bucket mounted: Skyport's task pods only. Anyone who can create a pod could
// name this driver in an inline volume; without this check such a pod would get any bucket the driver's keys
// (the operator's) can read or write. Skyport's provisioner puts task pods in the configured task namespaces, run
// by the namespace's task service account (`default` unless the admin's pod_config names another).
type taskPods struct {
	namespaces     map[string]bool
	serviceAccount string
}

func newTaskPods(namespaces, serviceAccount string) (taskPods, error) {
	t := taskPods{namespaces: map[string]bool{}, serviceAccount: strings.TrimSpace(serviceAccount)}
	for _, ns := range strings.Split(namespaces, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			t.namespaces[ns] = true
		}
	}
	if len(t.namespaces) == 0 {
		return t, fmt.Errorf("--task-namespaces is empty: name the namespaces Skyport runs tasks in (comma-separated)")
	}
	if t.serviceAccount == "" {
		return t, fmt.Errorf("--task-service-account is empty: name the service account of Skyport's task pods (default: default)")
	}
	return t, nil
}

func (t taskPods) String() string {
	names := make([]string, 0, len(t.namespaces))
	for ns := range t.namespaces {
		names = append(names, ns)
	}
	sort.Strings(names)
	return fmt.Sprintf("namespaces %s, service account %s", strings.Join(names, ","), t.serviceAccount)
}

// allow refuses (PermissionDenied, naming what did not match) a volume whose pod is not a Skyport task pod.
func (t taskPods) allow(attrs map[string]string) error {
	ns, name, sa := attrs[attrPodNamespace], attrs[attrPodName], attrs[attrPodServiceAccount]
	if ns == "" || name == "" || sa == "" {
		return status.Error(codes.PermissionDenied, "the volume request carries no pod namespace, name and service account: the CSIDriver s3.csi.skyport.dev needs podInfoOnMount: true")
	}
	if !t.namespaces[ns] {
		return status.Errorf(codes.PermissionDenied, "pod %s/%s is not in a Skyport task namespace: this driver mounts buckets for Skyport task pods only (%s)", ns, name, t)
	}
	if sa != t.serviceAccount {
		return status.Errorf(codes.PermissionDenied, "pod %s/%s runs as service account %q, not Skyport's task service account %q: this driver mounts buckets for Skyport task pods only", ns, name, sa, t.serviceAccount)
	}
	return nil
}

// checkEndpoint: the S3 endpoint comes from this process's environment (the operator's setting), never from a
// volume. anyHost (the Helm chart: the operator configured it) accepts any http(s) URL, or none (AWS's regional
// endpoint); otherwise only this machine's (the test cluster's buckets are moto's on loopback).
func checkEndpoint(raw string, anyHost bool) (string, error) {
	if raw == "" && anyHost {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", fmt.Errorf("S3 endpoint %q is not an http(s) URL", raw)
	}
	if anyHost {
		return raw, nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return raw, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("S3 endpoint %q is not on loopback (127.0.0.0/8, ::1, localhost): without --endpoint-any this driver mounts buckets of a local S3 server only", raw)
	}
	return raw, nil
}
