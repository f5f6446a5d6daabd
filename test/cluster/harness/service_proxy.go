package main

// Service routing for clusters with real nodes (layouts real and mixed).
//
// Their pods sit on a bridge with no route out, and the host never forwards packets (ip_forward is left as it
// is), so kube-proxy's iptables mode cannot work: a packet DNATed from one pod to another on the same bridge would
// have to be routed by the host. Instead, in the spirit of kube-proxy's old userspace mode, ClusterIPs are host
// addresses (real-nodes.sh puts a `local` route for the service range on the bridge) and this proxy accepts
// connections on them and relays each one to a ready endpoint. The `kubernetes` Service (no endpoints: the API
// server binds 127.0.0.1 only) is relayed to the API server itself.
//
// Safety: it listens only on addresses of the service range, and relays only to endpoints inside the pod subnet
// and to the API server on 127.0.0.1.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

const dialTimeout = 3 * time.Second

type serviceProxy struct {
	serviceNet *net.IPNet // ClusterIPs: listened on
	podNet     *net.IPNet // endpoints: relayed to
	apiserver  string     // 127.0.0.1:port, the target of default/kubernetes
	services   cache.Indexer
	slices     cache.Indexer

	mu        sync.Mutex
	listeners map[string]*proxyListener // "ip:port"
}

type proxyListener struct {
	ln      net.Listener
	service string // ns/name
	port    corev1.ServicePort
}

// The Services' ports the proxy should serve: ClusterIP:port -> service port.
func (p *serviceProxy) wanted() map[string]proxyListener {
	want := map[string]proxyListener{}
	for _, o := range p.services.List() {
		svc := o.(*corev1.Service)
		for _, ipStr := range svc.Spec.ClusterIPs {
			ip := net.ParseIP(ipStr)
			if ip == nil || !p.serviceNet.Contains(ip) {
				continue
			}
			for _, sp := range svc.Spec.Ports {
				if sp.Protocol != "" && sp.Protocol != corev1.ProtocolTCP {
					continue
				}
				want[net.JoinHostPort(ipStr, strconv.Itoa(int(sp.Port)))] = proxyListener{service: key(svc.Namespace, svc.Name), port: sp}
			}
		}
	}
	return want
}

// sync opens the listeners that are missing and closes those whose Service port is gone. A ClusterIP that is not
// yet a local address (the bridge comes up after the harness starts) fails to bind and is tried again next time.
func (p *serviceProxy) sync(ctx context.Context) {
	want := p.wanted()
	p.mu.Lock()
	defer p.mu.Unlock()
	for addr, l := range p.listeners {
		if w, ok := want[addr]; !ok || w.service != l.service {
			_ = l.ln.Close()
			delete(p.listeners, addr)
		} else {
			l.port = w.port
		}
	}
	for addr, w := range want {
		if _, ok := p.listeners[addr]; ok {
			continue
		}
		ln, err := net.Listen("tcp4", addr)
		if err != nil {
			if !errors.Is(err, syscall.EADDRNOTAVAIL) {
				log.Printf("service proxy: listen %s (%s): %v", addr, w.service, err)
			}
			continue
		}
		l := &proxyListener{ln: ln, service: w.service, port: w.port}
		p.listeners[addr] = l
		go p.serve(ctx, l)
	}
}

func (p *serviceProxy) serve(ctx context.Context, l *proxyListener) {
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			return // closed by sync or at shutdown
		}
		go p.relay(ctx, conn, l)
	}
}

// targets lists where a connection to that Service port may go, shuffled.
func (p *serviceProxy) targets(l *proxyListener) []string {
	p.mu.Lock()
	port := l.port
	p.mu.Unlock()
	if l.service == "default/kubernetes" {
		return []string{p.apiserver}
	}
	ns, name, _ := cache.SplitMetaNamespaceKey(l.service)
	var out []string
	objs, _ := p.slices.ByIndex(cache.NamespaceIndex, ns)
	for _, o := range objs {
		es := o.(*discoveryv1.EndpointSlice)
		if es.Labels[discoveryv1.LabelServiceName] != name {
			continue
		}
		var target int32
		for _, ep := range es.Ports {
			if ep.Port != nil && (ep.Name == nil && port.Name == "" || ep.Name != nil && *ep.Name == port.Name) {
				target = *ep.Port
			}
		}
		if target == 0 {
			continue
		}
		for _, e := range es.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			for _, a := range e.Addresses {
				if ip := net.ParseIP(a); ip != nil && p.podNet.Contains(ip) {
					out = append(out, net.JoinHostPort(a, strconv.Itoa(int(target))))
				}
			}
		}
	}
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (p *serviceProxy) relay(ctx context.Context, in net.Conn, l *proxyListener) {
	defer in.Close()
	var out net.Conn
	for _, t := range p.targets(l) {
		c, err := (&net.Dialer{Timeout: dialTimeout}).DialContext(ctx, "tcp4", t)
		if err == nil {
			out = c
			break
		}
	}
	if out == nil {
		return // no ready endpoint: the client sees the connection closed, as with kube-proxy's reject
	}
	defer out.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	<-done
}

func (p *serviceProxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for addr, l := range p.listeners {
		_ = l.ln.Close()
		delete(p.listeners, addr)
	}
}

// startServiceRouting runs the service proxy and the cluster DNS from the shared informers; both follow every
// change and re-sync every two seconds (binding waits for the bridge).
func startServiceRouting(ctx context.Context, f informers.SharedInformerFactory, serviceNet, podNet *net.IPNet, apiserver, dnsAddr string) error {
	if err := checkLoopbackHost("https://" + apiserver); err != nil {
		return fmt.Errorf("--apiserver: %w", err)
	}
	svcInf := f.Core().V1().Services().Informer()
	sliceInf := f.Discovery().V1().EndpointSlices().Informer()
	p := &serviceProxy{serviceNet: serviceNet, podNet: podNet, apiserver: apiserver,
		services: svcInf.GetIndexer(), slices: sliceInf.GetIndexer(), listeners: map[string]*proxyListener{}}
	kick := make(chan struct{}, 1)
	notify := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { trySend(kick) },
		UpdateFunc: func(any, any) { trySend(kick) },
		DeleteFunc: func(any) { trySend(kick) },
	}
	if _, err := svcInf.AddEventHandler(notify); err != nil {
		return err
	}
	if _, err := sliceInf.AddEventHandler(notify); err != nil {
		return err
	}
	dns := &clusterDNS{services: p.services, slices: p.slices, podNet: podNet}
	go func() {
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		defer p.closeAll()
		dnsRunning := false
		for {
			if svcInf.HasSynced() && sliceInf.HasSynced() {
				p.sync(ctx)
				if !dnsRunning && dnsAddr != "" {
					dnsRunning = dns.start(ctx, dnsAddr)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-kick:
			case <-tick.C:
			}
		}
	}()
	log.Printf("service routing: ClusterIPs %s -> endpoints in %s, kubernetes -> %s, DNS on %s", serviceNet, podNet, apiserver, dnsAddr)
	return nil
}

func trySend(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
