package main

// Cluster DNS for clusters with real nodes: the records of the Kubernetes DNS specification that Skyport and
// its tests use, answered from the informers' caches, on the host's bridge address (the kubelets' clusterDNS).
//
//   <service>.<ns>.svc.cluster.local          A: the ClusterIP, or the ready endpoints of a headless Service
//   <hostname>.<service>.<ns>.svc.cluster.local   A: that endpoint (pods with hostname + subdomain)
//
// It is authoritative for cluster.local only and never recurses: any other name is refused, so nothing resolves
// to an address outside the cluster.

import (
	"context"
	"log"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/client-go/tools/cache"
)

const (
	clusterZone = "cluster.local."
	dnsTTL      = 5
)

type clusterDNS struct {
	services cache.Indexer
	slices   cache.Indexer
	podNet   *net.IPNet
}

// start serves UDP and TCP on addr; false while addr is not yet a local address (the bridge is not up).
func (d *clusterDNS) start(ctx context.Context, addr string) bool {
	pc, err := net.ListenPacket("udp4", addr)
	if err != nil {
		return false
	}
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		_ = pc.Close()
		return false
	}
	handler := dns.HandlerFunc(d.serve)
	udp := &dns.Server{PacketConn: pc, Handler: handler}
	tcp := &dns.Server{Listener: ln, Handler: handler, ReadTimeout: 5 * time.Second}
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	go func() {
		<-ctx.Done()
		_ = udp.Shutdown()
		_ = tcp.Shutdown()
	}()
	log.Printf("cluster DNS serving %s on %s", clusterZone, addr)
	return true
}

func (d *clusterDNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	if !dns.IsSubDomain(clusterZone, name) {
		m.Authoritative = false
		m.Rcode = dns.RcodeRefused
		_ = w.WriteMsg(m)
		return
	}
	ips, found := d.lookup(name)
	switch {
	case !found:
		m.Rcode = dns.RcodeNameError
	case q.Qtype == dns.TypeA || q.Qtype == dns.TypeANY:
		for _, ip := range ips {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: dnsTTL}, A: ip})
		}
	}
	// other types of a name that exists (AAAA, SRV, ...): NOERROR with no answer
	_ = w.WriteMsg(m)
}

// lookup resolves a name inside cluster.local; found is false when no such name exists (NXDOMAIN).
func (d *clusterDNS) lookup(name string) (ips []net.IP, found bool) {
	labels := dns.SplitDomainName(strings.TrimSuffix(name, clusterZone))
	// [service ns svc] or [hostname service ns svc]
	n := len(labels)
	if n < 3 || labels[n-1] != "svc" {
		return nil, false
	}
	ns, svcName := labels[n-2], labels[n-3]
	o, ok, _ := d.services.GetByKey(key(ns, svcName))
	if !ok {
		return nil, false
	}
	svc := o.(*corev1.Service)
	headless := svc.Spec.ClusterIP == corev1.ClusterIPNone
	switch n {
	case 3:
		if !headless {
			if ip := net.ParseIP(svc.Spec.ClusterIP); ip != nil {
				return []net.IP{ip}, true
			}
			return nil, true
		}
		return d.endpoints(ns, svcName, ""), true
	case 4:
		if !headless {
			return nil, false
		}
		ips := d.endpoints(ns, svcName, labels[0])
		return ips, len(ips) > 0
	}
	return nil, false
}

// endpoints: the ready addresses (inside the pod subnet) of a Service, or only those with that hostname.
func (d *clusterDNS) endpoints(ns, service, hostname string) []net.IP {
	var out []net.IP
	objs, _ := d.slices.ByIndex(cache.NamespaceIndex, ns)
	for _, o := range objs {
		es := o.(*discoveryv1.EndpointSlice)
		if es.Labels[discoveryv1.LabelServiceName] != service {
			continue
		}
		for _, e := range es.Endpoints {
			if hostname != "" && (e.Hostname == nil || *e.Hostname != hostname) {
				continue
			}
			if hostname == "" && e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			for _, a := range e.Addresses {
				if ip := net.ParseIP(a); ip != nil && d.podNet.Contains(ip) {
					out = append(out, ip)
				}
			}
		}
	}
	return out
}
