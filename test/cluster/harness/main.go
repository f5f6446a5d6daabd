// Command skyport-cluster-harness is the in-harness "infrastructure" controller of a local
// Skyport test cluster (see test/cluster/README.md). It plays the parts a real cluster gets from
// its kubelets and cloud integrations, and nothing else:
//
//   - LoadBalancer Services get a status.loadBalancer.ingress IP from a 127.x pool (what MetalLB
//     would do); Ingresses of class "nginx" get the address of the ingress-nginx controller
//     Service.
//
//   - Every pod bound to a node gets a working directory <state>/pods/<ns>/<pod>, one CRI-format
//     log file per container there, and KWOK Exec / Logs / Attach / PortForward objects (owned by
//     the pod) so that `kubectl exec` runs a real local process in that directory, `kubectl logs`
//     reads (and follows) that file, and `kubectl port-forward` reaches a 127.0.0.1 target.
//
//   - On clusters with real nodes: ClusterIP routing and cluster.local DNS for their pods
//     (service_proxy.go, cluster_dns.go).
//
// Safety: every address it hands out or forwards to is checked to be inside 127.0.0.0/8 (the service
// proxy: inside the real nodes' pod subnet), and it only ever talks to the API server it is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

const (
	// AnnotationPortForward maps pod ports to local targets: "8080=18080,9000=127.0.0.2:9001".
	// Without it every declared containerPort P forwards to 127.0.0.1:P.
	AnnotationPortForward = "skyport.dev/port-forward"
	// AnnotationFrozen="true" makes KWOK leave a pod's status alone (set by cluster.sh
	// image-pull-error); the harness then completes such a pod's deletion itself.
	AnnotationFrozen = "skyport.dev/kwok-frozen"
	ingressNamespace = "ingress-nginx"
	ingressService   = "ingress-nginx-controller"
)

var kwokGroup = "kwok.x-k8s.io"

func gvr(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: kwokGroup, Version: "v1alpha1", Resource: resource}
}

type harness struct {
	kube     kubernetes.Interface
	dyn      dynamic.Interface
	stateDir string
	lbNet    *net.IPNet
	ingClass string
	podQueue workqueue.TypedRateLimitingInterface[string]
	// cmdQueue: the pods whose commands the harness runs (pod_command.go), synced apart from podQueue
	cmdQueue  workqueue.TypedRateLimitingInterface[string]
	svcQueue  workqueue.TypedRateLimitingInterface[string]
	ingQueue  workqueue.TypedRateLimitingInterface[string]
	podLister cache.Indexer
	// nodes: pods on real (kubelet) nodes of the real/mixed layouts are left alone
	nodeLister cache.Indexer
	svcLister  cache.Indexer
	ingLister  cache.Indexer
	mu         sync.Mutex
	done       map[string]types.UID // pod key -> UID whose KWOK objects exist
	dirs       map[string]types.UID // pod key -> UID whose working directory exists
	podLocks   sync.Map             // pod key -> *sync.Mutex: its directory and processes, one queue at a time
	lbMu       sync.Mutex
	// real-node clusters: ClusterIP routing and cluster DNS (service_proxy.go, cluster_dns.go)
	proxyServiceNet, proxyPodNet *net.IPNet
	proxyAPIServer, dnsAddr      string
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster (admin)")
	stateDir := flag.String("state-dir", "", "cluster state directory (pods/ is created inside)")
	lbCIDR := flag.String("lb-cidr", "127.193.0.0/16", "pool for LoadBalancer ingress IPs (must be inside 127.0.0.0/8)")
	ingClass := flag.String("ingress-class", "nginx", "IngressClass whose Ingresses get the ingress-nginx controller address")
	serviceCIDR := flag.String("proxy-service-cidr", "", "real-node clusters: serve the ClusterIPs of this range on the host (see service_proxy.go)")
	podSubnet := flag.String("proxy-pod-subnet", "", "real-node clusters: the pod subnet the proxied endpoints must be in")
	apiserver := flag.String("proxy-apiserver", "", "real-node clusters: 127.0.0.1:port the kubernetes Service is relayed to")
	dnsAddr := flag.String("dns-addr", "", "real-node clusters: ip:port to serve cluster.local DNS on")
	flag.Parse()
	if *kubeconfig == "" || *stateDir == "" {
		log.Fatal("--kubeconfig and --state-dir are required")
	}
	_, lbNet, err := net.ParseCIDR(*lbCIDR)
	if err != nil || !isLoopbackNet(lbNet) {
		log.Fatalf("--lb-cidr %q must be a CIDR inside 127.0.0.0/8", *lbCIDR)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	if err := checkLoopbackHost(cfg.Host); err != nil {
		log.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	h := &harness{
		kube:     kubernetes.NewForConfigOrDie(cfg),
		dyn:      dynamic.NewForConfigOrDie(cfg),
		stateDir: *stateDir,
		lbNet:    lbNet,
		ingClass: *ingClass,
		podQueue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		cmdQueue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		svcQueue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		ingQueue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		done:     map[string]types.UID{},
		dirs:     map[string]types.UID{},
	}
	if *serviceCIDR != "" {
		var err1, err2 error
		_, h.proxyServiceNet, err1 = net.ParseCIDR(*serviceCIDR)
		_, h.proxyPodNet, err2 = net.ParseCIDR(*podSubnet)
		if err1 != nil || err2 != nil || *apiserver == "" {
			log.Fatal("--proxy-service-cidr needs valid --proxy-pod-subnet and --proxy-apiserver")
		}
		h.proxyAPIServer, h.dnsAddr = *apiserver, *dnsAddr
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	if err := h.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func isLoopbackNet(n *net.IPNet) bool {
	_, lo, _ := net.ParseCIDR("127.0.0.0/8")
	ones, _ := n.Mask.Size()
	return lo.Contains(n.IP) && ones >= 8
}

func checkLoopbackHost(host string) error {
	h := strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	ip := net.ParseIP(h)
	if h == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("refusing to talk to non-loopback API server %q", host)
}

func key(ns, name string) string { return ns + "/" + name }

func enqueue(q workqueue.TypedRateLimitingInterface[string]) cache.ResourceEventHandlerFuncs {
	add := func(obj any) {
		if k, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			q.Add(k)
		}
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    add,
		UpdateFunc: func(_, n any) { add(n) },
		DeleteFunc: add,
	}
}

func (h *harness) run(ctx context.Context) error {
	f := informers.NewSharedInformerFactory(h.kube, 10*time.Minute)
	podInf := f.Core().V1().Pods().Informer()
	svcInf := f.Core().V1().Services().Informer()
	ingInf := f.Networking().V1().Ingresses().Informer()
	nodeInf := f.Core().V1().Nodes().Informer()
	if _, err := podInf.AddEventHandler(enqueue(h.podQueue)); err != nil {
		return err
	}
	if _, err := podInf.AddEventHandler(enqueueCommandPods(h.cmdQueue)); err != nil {
		return err
	}
	if _, err := svcInf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { h.onService(obj) },
		UpdateFunc: func(_, n any) {
			h.onService(n)
		},
		DeleteFunc: func(obj any) { h.onService(obj) },
	}); err != nil {
		return err
	}
	if _, err := ingInf.AddEventHandler(enqueue(h.ingQueue)); err != nil {
		return err
	}
	h.podLister, h.svcLister, h.ingLister = podInf.GetIndexer(), svcInf.GetIndexer(), ingInf.GetIndexer()
	h.nodeLister = nodeInf.GetIndexer()
	if h.proxyServiceNet != nil {
		if err := startServiceRouting(ctx, f, h.proxyServiceNet, h.proxyPodNet, h.proxyAPIServer, h.dnsAddr); err != nil {
			return err
		}
	}
	f.Start(ctx.Done())
	for t, ok := range f.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("cache sync failed for %v", t)
		}
	}
	log.Printf("harness running: state=%s lb-cidr=%s", h.stateDir, h.lbNet)
	// 16: a 100-pod launch makes 400 KWOK objects before its pods can exec or log.
	go h.worker(ctx, h.podQueue, h.syncPod, 16)
	// The commands and downward API volumes have their own queue, as a kubelet syncs each pod on its own
	// worker: a pod's update (an annotation its command waits for) is written at once, not behind the
	// KWOK objects of other pods (measured: ≈2 s behind them on a 100-pod launch).
	go h.worker(ctx, h.cmdQueue, h.syncCommands, 16)
	go h.worker(ctx, h.svcQueue, h.syncService, 1) // one worker: IP allocation is serial
	go h.worker(ctx, h.ingQueue, h.syncIngress, 1)
	<-ctx.Done()
	h.podQueue.ShutDown()
	h.cmdQueue.ShutDown()
	h.svcQueue.ShutDown()
	h.ingQueue.ShutDown()
	return nil
}

func (h *harness) onService(obj any) {
	k, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	h.svcQueue.Add(k)
	if k == key(ingressNamespace, ingressService) {
		// the controller address changed: re-sync every ingress
		for _, o := range h.ingLister.List() {
			if ing, ok := o.(*networkingv1.Ingress); ok {
				h.ingQueue.Add(key(ing.Namespace, ing.Name))
			}
		}
	}
}

func (h *harness) worker(ctx context.Context, q workqueue.TypedRateLimitingInterface[string], sync func(context.Context, string) error, n int) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				k, shutdown := q.Get()
				if shutdown {
					return
				}
				if err := sync(ctx, k); err != nil {
					if q.NumRequeues(k) < 15 {
						q.AddRateLimited(k)
					} else {
						log.Printf("giving up on %s: %v", k, err)
						q.Forget(k)
					}
				} else {
					q.Forget(k)
				}
				q.Done(k)
			}
		}()
	}
}

// ---------------------------------------------------------------- pods

// onRealNode: the node is not a KWOK node (KWOK nodes carry the annotation kwok.x-k8s.io/node=fake).
// An unknown node is retried: the node informer may lag behind the pod's binding.
func (h *harness) onRealNode(name string) (bool, error) {
	obj, exists, err := h.nodeLister.GetByKey(name)
	if err != nil {
		return false, err
	}
	if !exists {
		return false, fmt.Errorf("node %s not in cache yet", name)
	}
	return obj.(*corev1.Node).Annotations["kwok.x-k8s.io/node"] != "fake", nil
}

func (h *harness) podDir(ns, name string) string {
	return filepath.Join(h.stateDir, "pods", ns, name)
}

func (h *harness) syncPod(ctx context.Context, k string) error {
	obj, exists, err := h.podLister.GetByKey(k)
	if err != nil {
		return err
	}
	ns, name, _ := cache.SplitMetaNamespaceKey(k)
	if !exists {
		// KWOK objects are garbage-collected through their owner reference; drop the files.
		unlock := h.lockPod(k)
		defer unlock()
		h.mu.Lock()
		delete(h.done, k)
		h.mu.Unlock()
		if _, back, _ := h.podLister.GetByKey(k); back {
			return nil // a new pod of that name came meanwhile (its command may already run in the directory)
		}
		h.mu.Lock()
		delete(h.dirs, k)
		h.mu.Unlock()
		stopPodCommands(k)
		endPodProcesses(h.podDir(ns, name))
		_ = os.RemoveAll(h.podDir(ns, name))
		return nil
	}
	pod := obj.(*corev1.Pod)
	if pod.DeletionTimestamp != nil && pod.Annotations[AnnotationFrozen] == "true" {
		// KWOK ignores frozen pods, so nothing would finish their graceful deletion: do it here.
		zero := int64(0)
		err := h.kube.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.DeletionTimestamp != nil {
		unlock := h.lockPod(k)
		stopPodCommands(k)
		endPodProcesses(h.podDir(ns, name))
		unlock()
	}
	if pod.Spec.NodeName == "" || pod.DeletionTimestamp != nil {
		return nil
	}
	if real, err := h.onRealNode(pod.Spec.NodeName); err != nil || real {
		return err // a real kubelet runs this pod's containers, logs, exec and port-forward
	}
	h.mu.Lock()
	prev, seen := h.done[k]
	h.mu.Unlock()
	if seen && prev == pod.UID {
		return nil
	}
	unlock := h.lockPod(k)
	dir, err := h.preparePodDir(pod)
	unlock()
	if err != nil {
		return err
	}
	containers := append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
	var execs, logs, attaches []any
	for _, c := range containers {
		logFile := filepath.Join(dir, c.Name+".log")
		envs := []any{
			env("POD_NAME", pod.Name), env("POD_NAMESPACE", pod.Namespace),
			env("NODE_NAME", pod.Spec.NodeName), env("CONTAINER_NAME", c.Name),
			env("SKYPORT_POD_DIR", dir), env("HOME", dir), env("SKYPORT_MOUNT_ROOT", mountRoot(dir)),
			env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				envs = append(envs, env(e.Name, e.Value))
			}
		}
		execs = append(execs, map[string]any{
			"containers": []any{c.Name},
			"local":      map[string]any{"workDir": dir, "envs": envs},
		})
		logs = append(logs, map[string]any{"containers": []any{c.Name}, "logsFile": logFile, "follow": true})
		attaches = append(attaches, map[string]any{"containers": []any{c.Name}, "logsFile": logFile})
	}
	forwards, err := portForwards(pod)
	if err != nil {
		log.Printf("pod %s: %v", k, err)
	}
	owner := []any{map[string]any{
		"apiVersion": "v1", "kind": "Pod", "name": pod.Name, "uid": string(pod.UID),
	}}
	objs := []struct {
		resource, kind, field string
		items                 []any
	}{
		{"execs", "Exec", "execs", execs},
		{"logs", "Logs", "logs", logs},
		{"attaches", "Attach", "attaches", attaches},
		{"portforwards", "PortForward", "forwards", forwards},
	}
	// The four objects are made side by side (one round trip instead of four per pod).
	errs := make(chan error, len(objs))
	for _, o := range objs {
		go func() { errs <- h.applyKWOKObject(ctx, pod, k, owner, o.resource, o.kind, o.field, o.items) }()
	}
	for range objs {
		if err := <-errs; err != nil {
			return err
		}
	}
	h.mu.Lock()
	h.done[k] = pod.UID
	h.mu.Unlock()
	return nil
}

// lockPod serializes what the two pod queues do to one pod's directory and processes; returns the unlock.
func (h *harness) lockPod(k string) func() {
	m, _ := h.podLocks.LoadOrStore(k, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	return m.(*sync.Mutex).Unlock
}

// preparePodDir makes the pod's working directory and its containers' log files (with a first line), once
// per pod UID: a new pod with the same name starts from an empty directory. Both queues call it (holding
// lockPod), whichever reaches the pod first.
func (h *harness) preparePodDir(pod *corev1.Pod) (string, error) {
	k := key(pod.Namespace, pod.Name)
	dir := h.podDir(pod.Namespace, pod.Name)
	h.mu.Lock()
	prev, seen := h.dirs[k]
	h.mu.Unlock()
	if seen && prev == pod.UID {
		return dir, nil
	}
	if seen {
		_ = os.RemoveAll(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, c := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...) {
		logFile := filepath.Join(dir, c.Name+".log")
		if _, err := os.Stat(logFile); os.IsNotExist(err) {
			line := fmt.Sprintf("%s stdout F skyport-cluster: container %s started on node %s (image %s)\n",
				time.Now().UTC().Format(time.RFC3339Nano), c.Name, pod.Spec.NodeName, c.Image)
			if err := os.WriteFile(logFile, []byte(line), 0o644); err != nil {
				return "", err
			}
		}
	}
	h.mu.Lock()
	h.dirs[k] = pod.UID
	h.mu.Unlock()
	return dir, nil
}

// applyKWOKObject creates (or updates) one KWOK Exec/Logs/Attach/PortForward object of a pod.
func (h *harness) applyKWOKObject(ctx context.Context, pod *corev1.Pod, k string, owner []any, resource, kind, field string, items []any) error {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kwokGroup + "/v1alpha1",
		"kind":       kind,
		"metadata": map[string]any{
			"name": pod.Name, "namespace": pod.Namespace, "ownerReferences": owner,
			"labels": map[string]any{"app.kubernetes.io/managed-by": "skyport-cluster-harness"},
		},
		"spec": map[string]any{field: items},
	}}
	if items == nil {
		u.Object["spec"] = map[string]any{field: []any{}}
	}
	_, err := h.dyn.Resource(gvr(resource)).Namespace(pod.Namespace).Create(ctx, u, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		old, gerr := h.dyn.Resource(gvr(resource)).Namespace(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if gerr != nil {
			return gerr
		}
		u.SetResourceVersion(old.GetResourceVersion())
		_, err = h.dyn.Resource(gvr(resource)).Namespace(pod.Namespace).Update(ctx, u, metav1.UpdateOptions{})
	}
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) && strings.Contains(err.Error(), "being terminated") {
			return nil // namespace going away
		}
		return fmt.Errorf("%s %s: %w", kind, k, err)
	}
	return nil
}

func env(name, value string) map[string]any { return map[string]any{"name": name, "value": value} }

// portForwards builds the KWOK forwards of a pod: declared containerPorts go to 127.0.0.1 on the
// same port, AnnotationPortForward overrides or adds ports. Non-loopback targets are refused.
func portForwards(pod *corev1.Pod) ([]any, error) {
	targets := map[int32]string{}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
				targets[p.ContainerPort] = net.JoinHostPort("127.0.0.1", strconv.Itoa(int(p.ContainerPort)))
			}
		}
	}
	var errs []string
	if spec := strings.TrimSpace(pod.Annotations[AnnotationPortForward]); spec != "" {
		for _, part := range strings.Split(spec, ",") {
			from, to, ok := strings.Cut(strings.TrimSpace(part), "=")
			port, err := strconv.Atoi(strings.TrimSpace(from))
			if !ok || err != nil || port <= 0 || port > 65535 {
				errs = append(errs, fmt.Sprintf("bad %s entry %q", AnnotationPortForward, part))
				continue
			}
			to = strings.TrimSpace(to)
			if !strings.Contains(to, ":") {
				to = "127.0.0.1:" + to
			}
			host, tport, err := net.SplitHostPort(to)
			tp, perr := strconv.Atoi(tport)
			ip := net.ParseIP(host)
			if err != nil || perr != nil || ip == nil || !ip.IsLoopback() {
				errs = append(errs, fmt.Sprintf("refusing port-forward target %q (only 127.0.0.0/8 or ::1)", to))
				continue
			}
			targets[int32(port)] = net.JoinHostPort(ip.String(), strconv.Itoa(tp))
		}
	}
	ports := make([]int, 0, len(targets))
	for p := range targets {
		ports = append(ports, int(p))
	}
	sort.Ints(ports)
	out := []any{}
	for _, p := range ports {
		host, tport, _ := net.SplitHostPort(targets[int32(p)])
		tp, _ := strconv.Atoi(tport)
		out = append(out, map[string]any{
			"ports":  []any{int64(p)},
			"target": map[string]any{"address": host, "port": int64(tp)},
		})
	}
	if len(errs) > 0 {
		return out, errors.New(strings.Join(errs, "; "))
	}
	return out, nil
}

// ---------------------------------------------------------------- services

func (h *harness) syncService(ctx context.Context, k string) error {
	obj, exists, err := h.svcLister.GetByKey(k)
	if err != nil || !exists {
		return err
	}
	svc := obj.(*corev1.Service)
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		if len(svc.Status.LoadBalancer.Ingress) == 0 {
			return nil
		}
		svc = svc.DeepCopy()
		svc.Status.LoadBalancer.Ingress = nil
		_, err := h.kube.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{})
		return err
	}
	if svc.Spec.LoadBalancerClass != nil {
		return nil // another controller's
	}
	if len(svc.Status.LoadBalancer.Ingress) > 0 {
		return nil
	}
	ip, err := h.allocateLBIP(svc)
	if err != nil {
		return err
	}
	svc = svc.DeepCopy()
	vip := corev1.LoadBalancerIPModeVIP
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip, IPMode: &vip}}
	if _, err := h.kube.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
		return err
	}
	log.Printf("service %s: loadBalancer ingress %s", k, ip)
	return nil
}

func (h *harness) allocateLBIP(svc *corev1.Service) (string, error) {
	h.lbMu.Lock()
	defer h.lbMu.Unlock()
	used := map[string]bool{}
	for _, o := range h.svcLister.List() {
		s := o.(*corev1.Service)
		if s.UID == svc.UID {
			continue
		}
		for _, in := range s.Status.LoadBalancer.Ingress {
			used[in.IP] = true
		}
	}
	// honour an explicit, loopback, in-pool spec.loadBalancerIP
	if want := net.ParseIP(svc.Spec.LoadBalancerIP); want != nil && h.lbNet.Contains(want) && !used[want.String()] {
		return want.String(), nil
	}
	base := big.NewInt(0).SetBytes(h.lbNet.IP.To4())
	ones, bits := h.lbNet.Mask.Size()
	size := 1 << (bits - ones)
	for i := 1; i < size-1; i++ {
		n := big.NewInt(0).Add(base, big.NewInt(int64(i))).Bytes()
		ip := net.IP(append(make([]byte, 4-len(n)), n...)).String()
		if !used[ip] {
			return ip, nil
		}
	}
	return "", fmt.Errorf("LoadBalancer pool %s exhausted", h.lbNet)
}

// ---------------------------------------------------------------- ingresses

func (h *harness) syncIngress(ctx context.Context, k string) error {
	obj, exists, err := h.ingLister.GetByKey(k)
	if err != nil || !exists {
		return err
	}
	ing := obj.(*networkingv1.Ingress)
	class := ""
	if ing.Spec.IngressClassName != nil {
		class = *ing.Spec.IngressClassName
	} else {
		class = ing.Annotations["kubernetes.io/ingress.class"]
	}
	if class != h.ingClass && class != "" {
		return nil
	}
	var want []networkingv1.IngressLoadBalancerIngress
	if o, ok, _ := h.svcLister.GetByKey(key(ingressNamespace, ingressService)); ok {
		for _, in := range o.(*corev1.Service).Status.LoadBalancer.Ingress {
			want = append(want, networkingv1.IngressLoadBalancerIngress{IP: in.IP})
		}
	}
	if len(want) == 0 {
		return nil // controller Service has no address yet; its update re-queues us
	}
	if len(ing.Status.LoadBalancer.Ingress) == len(want) && ing.Status.LoadBalancer.Ingress[0].IP == want[0].IP {
		return nil
	}
	ing = ing.DeepCopy()
	ing.Status.LoadBalancer.Ingress = want
	_, err = h.kube.NetworkingV1().Ingresses(ing.Namespace).UpdateStatus(ctx, ing, metav1.UpdateOptions{})
	if err == nil {
		log.Printf("ingress %s: address %s", k, want[0].IP)
	}
	return err
}
