// Command skyport-registry-proxy puts per-repository access control in front of the local OCI
// registry (Debian's docker-registry, which only knows all-or-nothing htpasswd auth):
//   - anyone may pull (GET/HEAD) repositories outside the private prefixes, like a public registry;
//   - pulling a private repository, pushing, deleting and the catalog need HTTP basic auth, and an
//     unauthenticated request gets the registry's 401 with a Basic challenge (what containerd and
//     the kubelet then report as "401 Unauthorized");
//   - the version check `GET /v2/` answers an anonymous client with that challenge too, as an htpasswd
//     registry does: clients built on containers/image (buildah, skopeo, podman) ping it first and send
//     their credentials only when it challenges them, so without it a push never authenticates.
//     containerd does not ping, and anonymous pulls of public repositories still need no credentials.
//
// Both the listen address and the upstream must be loopback addresses.
package main

import (
	"crypto/subtle"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
)

type gate struct {
	user, password string
	private        []string // repository name prefixes, e.g. "private/"
	next           http.Handler
}

// repoOf returns the repository named by a /v2/<name>/(manifests|blobs|tags)/... path ("" for /v2/).
func repoOf(path string) string {
	p := strings.TrimPrefix(path, "/v2/")
	for _, sep := range []string{"/manifests/", "/blobs/", "/tags/"} {
		if i := strings.Index(p, sep); i >= 0 {
			return p[:i]
		}
	}
	return ""
}

func (g *gate) needsAuth(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return true
	}
	if r.URL.Path == "/v2/" || r.URL.Path == "/v2" {
		return true
	}
	repo := repoOf(r.URL.Path)
	if repo == "" {
		return true // catalog and anything unknown
	}
	for _, p := range g.private {
		if strings.HasPrefix(repo+"/", p) {
			return true
		}
	}
	return false
}

func (g *gate) authorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok &&
		subtle.ConstantTimeCompare([]byte(u), []byte(g.user)) == 1 &&
		subtle.ConstantTimeCompare([]byte(p), []byte(g.password)) == 1
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.needsAuth(r) && !g.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="skyport-registry"`)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Docker-Distribution-Api-Version", "registry/2.0")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintln(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}`)
		return
	}
	r.Header.Del("Authorization") // the upstream has no auth of its own
	g.next.ServeHTTP(w, r)
}

func mustLoopback(hostport string) {
	h, _, err := net.SplitHostPort(hostport)
	if err != nil {
		log.Fatalf("bad address %q: %v", hostport, err)
	}
	if ip := net.ParseIP(h); ip == nil || !ip.IsLoopback() {
		log.Fatalf("refusing non-loopback address %q", hostport)
	}
}

func main() {
	listen := flag.String("listen", "", "loopback HOST:PORT to serve on")
	upstream := flag.String("upstream", "", "loopback HOST:PORT of the registry")
	user := flag.String("user", "skyport", "user name")
	passwordFile := flag.String("password-file", "", "file holding the password")
	private := flag.String("private", "private/", "comma-separated repository prefixes that need credentials to pull")
	flag.Parse()
	mustLoopback(*listen)
	mustLoopback(*upstream)
	pw, err := os.ReadFile(*passwordFile)
	if err != nil {
		log.Fatal(err)
	}
	target := &url.URL{Scheme: "http", Host: *upstream}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Director = func(r *http.Request) {
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		// keep the client's Host so the registry's Location headers point back at this proxy
	}
	g := &gate{user: *user, password: strings.TrimSpace(string(pw)), next: rp}
	for _, p := range strings.Split(*private, ",") {
		if p = strings.TrimSpace(p); p != "" {
			g.private = append(g.private, strings.TrimSuffix(p, "/")+"/")
		}
	}
	log.Printf("registry proxy on %s -> %s (private: %v)", *listen, *upstream, g.private)
	log.Fatal(http.ListenAndServe(*listen, g))
}
