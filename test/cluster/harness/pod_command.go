package main

// Container commands of KWOK pods that ask for it (see AnnotationRunCommand): the harness runs the
// container's command as a real process on this machine, in the pod's directory, as `kubectl exec`
// runs commands there, and appends its output to the container's CRI log file, so `kubectl logs`
// shows it. It is the part of a kubelet Skyport's in-pod job start needs (SKYPORT_JOB_START=pod):
// nothing else about the container is emulated (no image, no restart, the pod's status stays
// KWOK's). Downward API volumes of such pods are written under <pod dir>/mounts/<mountPath> and
// kept up to date as the pod changes (what a kubelet does on its pod sync); SKYPORT_MOUNT_ROOT
// names <pod dir>/mounts in the command's and every exec's environment.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// AnnotationRunCommand on a pod (any value): the harness runs its containers' commands. Skyport's
// provisioner sets it (to the job started in the pod) on pods whose container starts the first job.
const AnnotationRunCommand = "skyport.dev/start-job"

type podProcesses struct {
	uid   types.UID
	procs []*exec.Cmd
}

var (
	procMu   sync.Mutex
	procs    = map[string]*podProcesses{} // pod key -> the processes of its current UID
	logLocks sync.Map                     // log file -> *sync.Mutex: one writer at a time per file
)

// mountRoot is where a pod's emulated volumes live (SKYPORT_MOUNT_ROOT).
func mountRoot(dir string) string { return filepath.Join(dir, "mounts") }

// enqueueCommandPods queues the pods with AnnotationRunCommand on every change (their own queue, cmdQueue).
func enqueueCommandPods(q workqueue.TypedRateLimitingInterface[string]) cache.ResourceEventHandlerFuncs {
	add := func(obj any) {
		if pod, ok := obj.(*corev1.Pod); ok {
			if _, run := pod.Annotations[AnnotationRunCommand]; run {
				q.Add(key(pod.Namespace, pod.Name))
			}
		}
	}
	return cache.ResourceEventHandlerFuncs{AddFunc: add, UpdateFunc: func(_, n any) { add(n) }}
}

// syncCommands: a pod whose commands the harness runs, as a kubelet's pod sync does — its downward API
// volumes written, its containers' commands started. A deleted pod is stopped by syncPod.
func (h *harness) syncCommands(ctx context.Context, k string) error {
	// Under the pod's lock, so a deletion seen by syncPod either comes first (the pod is gone here) or
	// finds the command started and stops it.
	defer h.lockPod(k)()
	obj, exists, err := h.podLister.GetByKey(k)
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	if pod.Spec.NodeName == "" || pod.DeletionTimestamp != nil {
		return nil
	}
	if real, err := h.onRealNode(pod.Spec.NodeName); err != nil || real {
		return err
	}
	dir, err := h.preparePodDir(pod)
	if err != nil {
		return err
	}
	return h.syncPodCommands(ctx, pod, dir)
}

// syncPodCommands writes the pod's downward API volumes and starts its containers' commands once the
// pod is Running with an IP (KWOK's doing). Pods without AnnotationRunCommand are left alone.
func (h *harness) syncPodCommands(ctx context.Context, pod *corev1.Pod, dir string) error {
	if _, ok := pod.Annotations[AnnotationRunCommand]; !ok {
		return nil
	}
	if err := writeDownwardVolumes(pod, dir); err != nil {
		return err
	}
	if pod.Status.Phase != corev1.PodRunning || pod.Status.PodIP == "" {
		return nil
	}
	k := key(pod.Namespace, pod.Name)
	procMu.Lock()
	cur := procs[k]
	procMu.Unlock()
	if cur != nil && cur.uid == pod.UID {
		return nil
	}
	if cur != nil {
		stopProcesses(cur)
	}
	env, err := h.commandEnv(ctx, pod, dir)
	if err != nil {
		return err
	}
	started := &podProcesses{uid: pod.UID}
	for _, c := range pod.Spec.Containers {
		argv := append(append([]string{}, c.Command...), c.Args...)
		if len(argv) == 0 {
			continue // the image's entrypoint: nothing to run here
		}
		vars := containerVars(pod, &c)
		for i := range argv {
			argv[i] = expandContainerArg(argv[i], vars)
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		cmd.Env = append(append([]string{}, env...), containerEnv(pod, &c, dir)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		stdout, _ := cmd.StdoutPipe()
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			log.Printf("pod %s container %s: %v", k, c.Name, err)
			continue
		}
		logFile := filepath.Join(dir, c.Name+".log")
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); appendCRI(logFile, "stdout", stdout) }()
		go func() { defer wg.Done(); appendCRI(logFile, "stderr", stderr) }()
		go func() { wg.Wait(); _ = cmd.Wait() }()
		started.procs = append(started.procs, cmd)
	}
	procMu.Lock()
	procs[k] = started
	procMu.Unlock()
	return nil
}

// stopPodCommands ends the processes of a pod that is being deleted or is gone: SIGTERM to each
// command's process group, SIGKILL after the pod's grace period (at most 30 s).
func stopPodCommands(k string) {
	procMu.Lock()
	cur := procs[k]
	delete(procs, k)
	procMu.Unlock()
	if cur != nil {
		stopProcesses(cur)
	}
}

func stopProcesses(p *podProcesses) {
	for _, cmd := range p.procs {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		go func() {
			time.Sleep(10 * time.Second)
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}()
	}
}

// commandEnv: what an exec gets (see syncPod) plus the container's fieldRef values and envFrom Secrets.
func (h *harness) commandEnv(ctx context.Context, pod *corev1.Pod, dir string) ([]string, error) {
	env := []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"POD_NAME=" + pod.Name, "POD_NAMESPACE=" + pod.Namespace, "NODE_NAME=" + pod.Spec.NodeName,
		"SKYPORT_POD_DIR=" + dir, "HOME=" + dir, "SKYPORT_MOUNT_ROOT=" + mountRoot(dir),
	}
	for _, c := range pod.Spec.Containers {
		for _, from := range c.EnvFrom {
			if from.SecretRef == nil {
				continue
			}
			s, err := h.kube.CoreV1().Secrets(pod.Namespace).Get(ctx, from.SecretRef.Name, metav1.GetOptions{})
			if err != nil {
				if from.SecretRef.Optional != nil && *from.SecretRef.Optional {
					continue
				}
				return nil, fmt.Errorf("envFrom secret %s: %w", from.SecretRef.Name, err)
			}
			for name, v := range s.Data {
				env = append(env, from.Prefix+name+"="+string(v))
			}
		}
	}
	return env, nil
}

// containerEnv: the container's own values (literal, and the pod fields a kubelet resolves).
func containerEnv(pod *corev1.Pod, c *corev1.Container, dir string) []string {
	out := []string{"CONTAINER_NAME=" + c.Name}
	for name, value := range containerVars(pod, c) {
		out = append(out, name+"="+value)
	}
	return out
}

// containerVars are the variables a kubelet expands $(NAME) in a container's command with: the
// container's own env (values and the field references resolved), not the harness's.
func containerVars(pod *corev1.Pod, c *corev1.Container) map[string]string {
	vars := map[string]string{}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			vars[e.Name] = e.Value
		} else if e.ValueFrom.FieldRef != nil {
			if v, ok := podField(pod, e.ValueFrom.FieldRef.FieldPath); ok {
				vars[e.Name] = v
			}
		}
	}
	return vars
}

// podField resolves the fieldRef paths a kubelet supports that Skyport's pods use.
func podField(pod *corev1.Pod, path string) (string, bool) {
	switch {
	case path == "metadata.name":
		return pod.Name, true
	case path == "metadata.namespace":
		return pod.Namespace, true
	case path == "status.podIP":
		return pod.Status.PodIP, true
	case path == "spec.nodeName":
		return pod.Spec.NodeName, true
	case strings.HasPrefix(path, "metadata.annotations['") && strings.HasSuffix(path, "']"):
		return pod.Annotations[strings.TrimSuffix(strings.TrimPrefix(path, "metadata.annotations['"), "']")], true
	case strings.HasPrefix(path, "metadata.labels['") && strings.HasSuffix(path, "']"):
		return pod.Labels[strings.TrimSuffix(strings.TrimPrefix(path, "metadata.labels['"), "']")], true
	}
	return "", false
}

// writeDownwardVolumes writes every downward API volume item of the pod under each of its mounts
// (atomically, by rename, as a kubelet swaps the volume's contents).
func writeDownwardVolumes(pod *corev1.Pod, dir string) error {
	for _, v := range pod.Spec.Volumes {
		if v.DownwardAPI == nil {
			continue
		}
		for _, c := range pod.Spec.Containers {
			for _, m := range c.VolumeMounts {
				if m.Name != v.Name {
					continue
				}
				target := filepath.Join(mountRoot(dir), filepath.Clean("/"+m.MountPath))
				if err := os.MkdirAll(target, 0o755); err != nil {
					return err
				}
				for _, item := range v.DownwardAPI.Items {
					if item.FieldRef == nil {
						continue
					}
					value, _ := podField(pod, item.FieldRef.FieldPath)
					f := filepath.Join(target, filepath.Clean("/"+item.Path))
					if old, err := os.ReadFile(f); err == nil && string(old) == value {
						continue
					}
					if err := os.WriteFile(f+".tmp", []byte(value), 0o644); err != nil {
						return err
					}
					if err := os.Rename(f+".tmp", f); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// appendCRI copies r line by line to the CRI log file (`<RFC3339Nano> <stream> F <line>`).
func appendCRI(file, stream string, r io.Reader) {
	lock, _ := logLocks.LoadOrStore(file, &sync.Mutex{})
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := fmt.Sprintf("%s %s F %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, sc.Text())
		lock.(*sync.Mutex).Lock()
		f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, _ = f.WriteString(line)
			_ = f.Close()
		}
		lock.(*sync.Mutex).Unlock()
	}
}

// endPodProcesses ends every process working in the pod's directory — the command's, and whatever
// `kubectl exec` started there (jobs detached in their own session, log followers) — as a kubelet
// ends every process of a container with it: SIGTERM now, SIGKILL to what is left after 10 s.
// Without it they outlive their pod on this host and pile up run after run.
func endPodProcesses(dir string) {
	pids := processesIn(dir)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	if len(pids) == 0 {
		return
	}
	go func() {
		time.Sleep(10 * time.Second)
		for _, pid := range processesIn(dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}()
}

// processesIn lists the processes whose working directory is dir or below it (also once it was removed).
func processesIn(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil {
			continue
		}
		cwd = strings.TrimSuffix(cwd, " (deleted)")
		if cwd == dir || strings.HasPrefix(cwd, dir+"/") {
			pids = append(pids, pid)
		}
	}
	return pids
}
