import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { parse } from 'yaml';
import { repoRoot } from '@skyport/dev-stack';
import { CHART_DIR, VALUE_SETS, named, ofKind, renderChart, valuesFile, type KubeManifest } from './support/chart';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

// Shapes of the rendered objects that the assertions read.
interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] } }[];
}
interface Workload extends KubeManifest {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

const SERVICES = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'] as const;
/** The services that call Kubernetes; the api only for `skyport ssh` exec streams, with its own ServiceAccount. */
const KUBE_SERVICES = new Set(['api', 'provisioner', 'logs', 'autodown']);
/** The services that reach burst VMs over SSH: the provisioner (launch, jobs), logs (job output), the api (ssh). */
const CLOUD_KEY_SERVICES = new Set(['api', 'provisioner', 'logs']);
const KEY_DIR = '/var/lib/skyport/cloud-keys';
const NS = 'skyport-system';
/** The services that serve or call gRPC, each with its own certificate; autodown has none. */
const GRPC_SERVICES = ['api', 'optimizer', 'provisioner', 'logs'] as const;
const GRPC_TLS_DIR = '/var/run/secrets/skyport/grpc-tls';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface TlsSecret extends KubeManifest {
  type: string;
  data: Record<string, string>;
}
const pem = (secret: TlsSecret, key: string): string => Buffer.from(secret.data[key] ?? '', 'base64').toString('utf8');

/** A real TLS handshake on 127.0.0.1 between two rendered certificates, as the services' gRPC makes it. */
async function handshake(server: TlsSecret, client: TlsSecret, serverName: string): Promise<string | undefined> {
  const srv = createServer({ key: pem(server, 'tls.key'), cert: pem(server, 'tls.crt'), ca: pem(server, 'ca.crt'), requestCert: true, rejectUnauthorized: true }, (socket: TLSSocket) => {
    socket.end(socket.getPeerCertificate().subjectaltname ?? '');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: serverName, key: pem(client, 'tls.key'), cert: pem(client, 'tls.crt'), ca: pem(client, 'ca.crt') });
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
  } finally {
    srv.close();
  }
}

/** The least Skyport needs in a task namespace (the list), as resource → verbs. */
const EXPECTED_ROLE: Record<string, string[]> = {
  'core/pods': ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'],
  'core/services': ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'],
  'core/secrets': ['create', 'delete', 'deletecollection', 'get', 'list', 'update', 'watch'],
  'core/configmaps': ['delete', 'list'],
  'core/persistentvolumeclaims': ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'],
  'core/pods/exec': ['create', 'get'],
  'core/pods/portforward': ['create', 'get'],
  'core/pods/log': ['get'],
  'core/events': ['get', 'list', 'watch'],
  'events.k8s.io/events': ['get', 'list', 'watch'],
  'networking.k8s.io/ingresses': ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'],
  // its own namespace object only (resourceNames), to read the Pod Security label
  'core/namespaces': ['get'],
};

function flatten(rules: Rule[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const r of rules) {
    for (const g of r.apiGroups) {
      for (const res of r.resources) {
        const key = `${g === '' ? 'core' : g}/${res}`;
        out[key] ??= new Set();
        for (const v of r.verbs) out[key].add(v);
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

const rendered = new Map<string, KubeManifest[]>();
const render = (set: (typeof VALUE_SETS)[number]): KubeManifest[] => {
  if (!rendered.has(set)) rendered.set(set, renderChart({ namespace: NS, valueSets: [set] }));
  return rendered.get(set)!;
};
const container = (d: Workload): Container => d.spec.template.spec.containers[0]!;

describe('Helm chart: lint and render (helm from the Go module proxy)', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  it('helm lint --strict passes for every example value set', () => {
    for (const set of VALUE_SETS) {
      const r = helm(['lint', CHART_DIR, '--strict', '-f', valuesFile(set)]);
      assert.equal(r.status, 0, `helm lint (${set}) failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('refuses to render without a database or Redis, saying what to set', () => {
    const none = helm(['template', 'skyport', CHART_DIR]);
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /no database configured\. Set externalDatabase\.url .* or postgresql\.enabled=true/);
    const noRedis = helm(['template', 'skyport', CHART_DIR, '--set', 'postgresql.enabled=true']);
    assert.notEqual(noRedis.status, 0);
    assert.match(noRedis.stderr, /no Redis configured\. Set externalRedis\.url/);
    const badUrl = helm(['template', 'skyport', CHART_DIR, '--set', 'externalDatabase.url=mysql://x', '--set', 'redis.enabled=true']);
    assert.notEqual(badUrl.status, 0);
    assert.match(badUrl.stderr, /externalDatabase\.url must look like postgres:\/\//);
  });

  it('renders a hardened Deployment, PDB and probes for each of the five services', () => {
    for (const set of VALUE_SETS) {
      const objects = render(set);
      for (const svc of SERVICES) {
        const d = named(objects, 'Deployment', `skyport-${svc}`) as Workload;
        const pod = d.spec.template.spec;
        const c = container(d);
        const main = c.args?.at(-1) ?? '';
        assert.match(main, new RegExp(`^apps/${svc}/dist/main\\.js$`), `${svc} entry point`);
        assert.ok(existsSync(join(repoRoot(), main.replace('/dist/', '/src/').replace(/\.js$/, '.ts'))), `${main} has no source`);
        assert.equal(pod.securityContext?.runAsNonRoot, true);
        assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, 'runs as a non-root uid');
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL']);
        assert.ok(c.volumeMounts?.some((m) => m.mountPath === '/tmp'), 'writable /tmp on a read-only root');
        assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory, `${svc} resources`);
        assert.equal(c.readinessProbe?.httpGet?.path, '/healthz');
        assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
        const probePort = c.readinessProbe?.httpGet?.port;
        assert.ok(c.ports?.some((p) => p.name === probePort), `${svc} probe port ${probePort} is declared`);
        // Only the services that call Kubernetes get a token.
        assert.equal(pod.automountServiceAccountToken, KUBE_SERVICES.has(svc), `${svc} automountServiceAccountToken`);
        assert.equal(pod.serviceAccountName, svc === 'api' ? 'skyport-api' : 'skyport', `${svc} service account`);
        const env = new Map((c.env ?? []).map((e) => [e.name, e]));
        assert.ok(env.get('SKYPORT_DATABASE_URL')?.valueFrom?.secretKeyRef, 'database URL from a Secret');
        assert.ok(env.get('SKYPORT_REDIS_URL')?.valueFrom?.secretKeyRef, 'Redis URL from a Secret');
        if (svc !== 'api') assert.ok(env.get('SKYPORT_HEALTH_PORT')?.value, `${svc} serves /healthz`);
        const pdb = named(objects, 'PodDisruptionBudget', `skyport-${svc}`) as KubeManifest & { spec: { selector: { matchLabels: Record<string, string> } } };
        assert.deepEqual(pdb.spec.selector.matchLabels, d.spec.selector.matchLabels);
        for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
      }
      const cm = named(objects, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> };
      assert.equal(cm.data.SKYPORT_BIND_HOST, '0.0.0.0');
      assert.equal(cm.data.SKYPORT_OPTIMIZER_GRPC, 'skyport-optimizer:26581');
      assert.equal(cm.data.SKYPORT_PROVISIONER_GRPC, 'skyport-provisioner:26582');
      assert.equal(cm.data.SKYPORT_LOGS_GRPC, 'skyport-logs:26583');
      // Each gRPC service listens on every interface in its own pod and is reached through its Service.
      for (const [svc, port] of [['optimizer', 26581], ['provisioner', 26582], ['logs', 26583]] as const) {
        const c = container(named(objects, 'Deployment', `skyport-${svc}`) as Workload);
        assert.equal(c.env?.find((e) => e.name === `SKYPORT_${svc.toUpperCase()}_GRPC`)?.value, `0.0.0.0:${port}`);
        const s = named(objects, 'Service', `skyport-${svc}`) as KubeManifest & { spec: { ports: { port: number }[] } };
        assert.equal(s.spec.ports[0]!.port, port);
      }
    }
  });

  it('gRPC is mutual TLS: each of api, optimizer, provisioner, logs mounts its own Secret read-only; the chart makes a working set', async () => {
    for (const set of VALUE_SETS) {
      const objects = render(set);
      const prefix = set === 'full' ? 'my-grpc-tls' : 'skyport-grpc';
      for (const svc of SERVICES) {
        const d = named(objects, 'Deployment', `skyport-${svc}`) as Workload;
        const c = container(d);
        const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
        const volume = d.spec.template.spec.volumes?.find((v) => v.name === 'grpc-tls');
        const mount = c.volumeMounts?.find((m) => m.name === 'grpc-tls');
        if ((GRPC_SERVICES as readonly string[]).includes(svc)) {
          assert.equal(env.get('SKYPORT_GRPC_TLS_CA'), `${GRPC_TLS_DIR}/ca.crt`, `${set}: ${svc}`);
          assert.equal(env.get('SKYPORT_GRPC_TLS_CERT'), `${GRPC_TLS_DIR}/tls.crt`);
          assert.equal(env.get('SKYPORT_GRPC_TLS_KEY'), `${GRPC_TLS_DIR}/tls.key`);
          assert.ok(!env.has('SKYPORT_GRPC_INSECURE'), 'never insecure');
          assert.deepEqual(mount, { name: 'grpc-tls', mountPath: GRPC_TLS_DIR, readOnly: true }, `${set}: ${svc} mounts its Secret read-only`);
          assert.equal(volume?.secret?.secretName, `${prefix}-${svc}`, `${set}: ${svc} gets its own Secret, not another service's`);
          assert.equal(volume?.secret?.defaultMode, 0o440);
        } else {
          assert.equal(volume, undefined, `${svc} makes no gRPC call`);
          assert.ok(![...env.keys()].some((k) => k.startsWith('SKYPORT_GRPC_TLS')));
        }
      }
      // `full` brings its own Secrets (grpcTls.existingSecretPrefix): the chart makes none.
      const made = ofKind(objects, 'Secret').filter((o) => o.metadata?.name?.startsWith('skyport-grpc-')) as TlsSecret[];
      if (set === 'full') {
        assert.equal(made.length, 0);
        continue;
      }
      assert.deepEqual(made.map((o) => o.metadata?.name).sort(), GRPC_SERVICES.map((svc) => `skyport-grpc-${svc}`).sort());
      const bySvc = new Map(made.map((o) => [o.metadata!.name!.replace('skyport-grpc-', ''), o]));
      const ca = new X509Certificate(pem(made[0]!, 'ca.crt'));
      assert.ok(ca.ca, 'ca.crt is a CA');
      for (const [svc, secret] of bySvc) {
        assert.equal(secret.type, 'kubernetes.io/tls');
        assert.equal(pem(secret, 'ca.crt'), pem(made[0]!, 'ca.crt'), 'one CA for every service');
        const cert = new X509Certificate(pem(secret, 'tls.crt'));
        assert.ok(cert.verify(ca.publicKey), `${svc}: signed by the CA`);
        assert.match(cert.subjectAltName ?? '', new RegExp(`(^|, )DNS:${svc}\\.skyport\\.internal(,|$)`), `${svc}: its identity`);
        assert.ok(cert.keyUsage?.includes(SERVER_AUTH) && cert.keyUsage.includes(CLIENT_AUTH), `${svc}: server and client auth (${cert.keyUsage?.join(',')})`);
        const pub = (k: string) => createPublicKey(createPrivateKey(k)).export({ type: 'spki', format: 'der' }).toString('hex');
        assert.equal(pub(pem(secret, 'tls.key')), cert.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'), `${svc}: key and certificate match`);
      }
      // The rendered certificates work as the services use them: the optimizer reaches the provisioner, whose
      // server sees the caller's identity; the name it expects must be the provisioner's.
      assert.equal(await handshake(bySvc.get('provisioner')!, bySvc.get('optimizer')!, 'provisioner.skyport.internal'), 'DNS:optimizer.skyport.internal');
      await assert.rejects(handshake(bySvc.get('provisioner')!, bySvc.get('optimizer')!, 'logs.skyport.internal'), /does not match|altnames/i);
    }
  });

  it('NetworkPolicy (on by default): each gRPC port only from its callers, the api from apiFrom, the databases from Skyport pods', () => {
    const ext = render('external');
    const callers: Record<string, string[]> = { optimizer: ['api'], provisioner: ['api', 'optimizer'], logs: ['api'] };
    type Peer = { podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] } };
    type Policy = KubeManifest & { spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from?: Peer[]; ports: { port: string }[] }[] } };
    for (const svc of ['optimizer', 'provisioner', 'logs', 'autodown']) {
      const np = named(ext, 'NetworkPolicy', `skyport-${svc}`) as Policy;
      assert.equal(np.spec.podSelector.matchLabels['app.kubernetes.io/component'], svc);
      const grpc = np.spec.ingress.filter((r) => r.ports.some((p) => p.port === 'grpc'));
      if (svc === 'autodown') {
        assert.equal(grpc.length, 0, 'autodown serves no gRPC');
        assert.equal(np.spec.ingress.length, 0, 'and, without metricsFrom, nothing at all');
        continue;
      }
      assert.equal(grpc.length, 1);
      const peer = grpc[0]!.from![0]!.podSelector!;
      assert.equal(peer.matchLabels?.['app.kubernetes.io/instance'], 'skyport', 'this release only');
      assert.deepEqual(peer.matchExpressions, [{ key: 'app.kubernetes.io/component', operator: 'In', values: callers[svc] }]);
    }
    const api = named(ext, 'NetworkPolicy', 'skyport-api') as Policy;
    assert.deepEqual(api.spec.ingress.map((r) => [r.from, r.ports.map((p) => p.port)]), [[undefined, ['http']]], 'the api: its port only, from anyone by default');
    for (const db of ['postgresql', 'redis']) {
      const np = named(render('trial'), 'NetworkPolicy', `skyport-${db}`) as Policy;
      assert.deepEqual(np.spec.ingress[0]!.from, [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'skyport', 'app.kubernetes.io/instance': 'skyport' } } }], `${db}: Skyport's pods only`);
    }
    const full = named(render('full'), 'NetworkPolicy', 'skyport-api') as Policy;
    assert.deepEqual(full.spec.ingress[0]!.from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
  });

  it('grants exactly the least RBAC: the namespaced list, and only node and pod reads cluster-wide', () => {
    const objects = render('external');
    const roles = ofKind(objects, 'Role') as (KubeManifest & { rules: Rule[] })[];
    assert.deepEqual(roles.map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`).sort(), [`${NS}/skyport`, `${NS}/skyport-api-exec`]);
    assert.deepEqual(flatten(named(objects, 'Role', 'skyport').rules as Rule[]), Object.fromEntries(Object.entries(EXPECTED_ROLE).map(([k, v]) => [k, [...v].sort()])));
    // The api's: find a cluster's pods, open an exec stream into one; nothing else.
    assert.deepEqual(flatten(named(objects, 'Role', 'skyport-api-exec').rules as Rule[]), { 'core/pods': ['list'], 'core/pods/exec': ['create', 'get'] });
    const apiBinding = named(objects, 'RoleBinding', 'skyport-api-exec') as KubeManifest & { subjects: unknown[]; roleRef: unknown };
    assert.deepEqual(apiBinding.subjects, [{ kind: 'ServiceAccount', name: 'skyport-api', namespace: NS }]);
    assert.deepEqual(apiBinding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'skyport-api-exec' });
    const apiSa = named(objects, 'ServiceAccount', 'skyport-api') as KubeManifest & { automountServiceAccountToken?: boolean };
    assert.equal(apiSa.automountServiceAccountToken, false, 'the api pod opts in');
    assert.ok(!(ofKind(objects, 'ClusterRoleBinding') as (KubeManifest & { subjects: { name: string }[] })[]).some((b) => b.subjects.some((s) => s.name === 'skyport-api')), 'the api has nothing cluster-wide');
    const clusterRoles = ofKind(objects, 'ClusterRole') as (KubeManifest & { rules: Rule[] })[];
    assert.equal(clusterRoles.length, 1);
    assert.deepEqual(flatten(clusterRoles[0]!.rules), { 'core/nodes': ['get', 'list', 'watch'], 'core/pods': ['get', 'list', 'watch'] });
    for (const r of [...roles, ...clusterRoles]) {
      for (const rule of r.rules) {
        for (const field of [rule.apiGroups, rule.resources, rule.verbs]) assert.ok(!field.includes('*'), `no wildcard in ${r.kind} ${r.metadata?.name}`);
        assert.ok(!rule.verbs.some((v) => ['patch', 'escalate', 'bind', 'impersonate'].includes(v)), `${r.kind} grants ${rule.verbs.join(',')}`);
        if (rule.verbs.includes('update')) assert.deepEqual(rule.resources, ['secrets'], 'update only on secrets');
      }
    }
    // The reaper is kept to the task namespaces (empty would make it list every namespace).
    const autodown = named(objects, 'Deployment', 'skyport-autodown') as Workload;
    assert.equal(container(autodown).env?.find((e) => e.name === 'SKYPORT_REAPER_NAMESPACES')?.value, NS);
    const binding = named(objects, 'RoleBinding', 'skyport') as KubeManifest & { subjects: { kind: string; name: string; namespace: string }[]; roleRef: { kind: string; name: string } };
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'skyport', namespace: NS }]);
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'skyport' });
    const sa = named(objects, 'ServiceAccount', 'skyport') as KubeManifest & { automountServiceAccountToken?: boolean };
    assert.equal(sa.automountServiceAccountToken, false, 'pods opt in to the token');

    // Several task namespaces: a Role + RoleBinding in each, bound to the one ServiceAccount; the cluster-wide
    // pod read switched off.
    const full = render('full');
    const fullRoles = ofKind(full, 'Role');
    assert.deepEqual(fullRoles.map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`).sort(), ['skyport-batch/skyport', 'skyport-batch/skyport-api-exec', 'skyport-tasks/skyport', 'skyport-tasks/skyport-api-exec']);
    for (const b of ofKind(full, 'RoleBinding') as (KubeManifest & { subjects: { namespace: string }[] })[]) assert.equal(b.subjects[0]!.namespace, NS);
    // Each Role reads its own namespace object and no other.
    for (const r of [...roles, ...(fullRoles as (KubeManifest & { rules: Rule[] })[])]) {
      const own = r.rules.filter((rule) => rule.resources.includes('namespaces'));
      if (r.metadata?.name?.endsWith('-api-exec')) assert.deepEqual(own, [], 'the api reads no namespace');
      else assert.deepEqual(own, [{ apiGroups: [''], resources: ['namespaces'], resourceNames: [r.metadata?.namespace], verbs: ['get'] }]);
    }
    const fullCluster = ofKind(full, 'ClusterRole') as (KubeManifest & { rules: Rule[] })[];
    assert.deepEqual(flatten(fullCluster[0]!.rules), { 'core/nodes': ['get', 'list', 'watch'] });
    const fullAutodown = named(full, 'Deployment', 'skyport-autodown') as Workload;
    assert.equal(container(fullAutodown).env?.find((e) => e.name === 'SKYPORT_REAPER_NAMESPACES')?.value, 'skyport-tasks,skyport-batch');
  });

  it('rbac.createTaskNamespaces: the task namespaces (not the release one) with the Pod Security label, kept by uninstall', () => {
    assert.deepEqual(ofKind(render('full'), 'Namespace'), [], 'off by default: the namespaces are the operator\'s');
    const objects = renderChart({ namespace: NS, valueSets: ['full'], set: [`rbac.taskNamespaces={skyport-tasks,${NS},skyport-batch}`, 'rbac.createTaskNamespaces=true'] });
    const namespaces = ofKind(objects, 'Namespace');
    assert.deepEqual(namespaces.map((n) => n.metadata?.name), ['skyport-tasks', 'skyport-batch']);
    for (const n of namespaces) {
      assert.equal(n.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'baseline', 'the provisioner\'s default level');
      assert.equal(n.metadata?.labels?.['pod-security.kubernetes.io/enforce-version'], 'latest');
      assert.equal(n.metadata?.annotations?.['helm.sh/resource-policy'], 'keep');
    }
    const restricted = renderChart({ namespace: NS, valueSets: ['external'], set: ['rbac.taskNamespaces={team-a}', 'rbac.createTaskNamespaces=true', 'rbac.podSecurityEnforce=restricted'] });
    assert.deepEqual(ofKind(restricted, 'Namespace').map((n) => [n.metadata?.name, n.metadata?.labels?.['pod-security.kubernetes.io/enforce']]), [['team-a', 'restricted']]);
    // With only the release namespace there is nothing to create.
    assert.deepEqual(ofKind(renderChart({ namespace: NS, valueSets: ['external'], set: ['rbac.createTaskNamespaces=true'] }), 'Namespace'), []);
  });

  it('runs migrations as a hook Job: before install with an external database, after it with the in-chart one', () => {
    const ext = render('external');
    const job = named(ext, 'Job', 'skyport-migrate') as Workload;
    assert.equal(job.metadata?.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.deepEqual(container(job).args, ['node', 'libs/persistence/dist/cli/migrate.js', 'run']);
    assert.ok(existsSync(join(repoRoot(), 'libs/persistence/src/cli/migrate.ts')));
    // A pre-install hook cannot use the release's Secret (not created yet): it gets a hook Secret of its own.
    const hookSecret = named(ext, 'Secret', 'skyport-migrate');
    assert.equal(hookSecret.metadata?.annotations?.['helm.sh/hook-weight'], '-10');
    assert.equal(container(job).env?.[0]?.valueFrom?.secretKeyRef?.name, 'skyport-migrate');

    const trial = render('trial');
    // In-chart PostgreSQL: the install's Job is a plain object beside the StatefulSet (a post-install hook would wait
    // for Deployments that wait for the schema); upgrades migrate in the pre-upgrade hook.
    const installJob = named(trial, 'Job', 'skyport-migrate-install');
    assert.equal(installJob.metadata?.annotations?.['helm.sh/hook'], undefined);
    assert.ok(!trial.some((o) => o.kind === 'Job' && o.metadata?.name === 'skyport-migrate'));
    const upgrade = renderChart({ namespace: NS, valueSets: ['trial'], upgrade: true });
    assert.equal(named(upgrade, 'Job', 'skyport-migrate').metadata?.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.deepEqual(ofKind(trial, 'Secret').map((s) => s.metadata?.name).filter((n) => !n?.startsWith('skyport-grpc-') && n !== 'skyport-secrets-key' && n !== 'skyport-admin-token'), ['skyport'], 'the trial uses the release Secret');

    const full = render('full');
    assert.deepEqual(container(named(full, 'Job', 'skyport-migrate') as Workload).env?.[0]?.valueFrom?.secretKeyRef, { name: 'skyport-db', key: 'url' });
  });

  it('trial mode runs PostgreSQL and Redis in the release, non-root, with generated passwords in the Secret', () => {
    const objects = render('trial');
    const secret = named(objects, 'Secret', 'skyport') as KubeManifest & { data: Record<string, string> };
    const dec = (k: string) => Buffer.from(secret.data[k] ?? '', 'base64').toString('utf8');
    const pgPassword = dec('postgres-password');
    const redisPassword = dec('redis-password');
    assert.match(pgPassword, /^[A-Za-z0-9]{24}$/);
    assert.match(redisPassword, /^[A-Za-z0-9]{24}$/);
    assert.equal(dec('database-url'), `postgres://skyport:${pgPassword}@skyport-postgresql:5432/skyport`);
    assert.equal(dec('redis-url'), `redis://:${redisPassword}@skyport-redis:6379/0`);
    for (const [kind, name] of [['StatefulSet', 'skyport-postgresql'], ['Deployment', 'skyport-redis']] as const) {
      const w = named(objects, kind, name) as Workload;
      assert.equal(w.spec.template.spec.securityContext?.runAsNonRoot, true);
      assert.equal(container(w).securityContext?.readOnlyRootFilesystem, true);
      // A slow probe on a busy node must not take the only instance out of its Service (every service lost it at once).
      const probes = container(w) as Container & { readinessProbe?: { timeoutSeconds?: number } };
      assert.ok((probes.readinessProbe?.timeoutSeconds ?? 1) >= 5, `${name} readiness timeout`);
      const svc = named(objects, 'Service', name) as KubeManifest & { spec: { publishNotReadyAddresses?: boolean } };
      assert.equal(svc.spec.publishNotReadyAddresses, true, `${name} Service keeps its endpoint`);
    }
    // SIGTERM alone is PostgreSQL's smart shutdown, which waits for the services' pooled clients: SIGINT (fast) first.
    const pg = container(named(objects, 'StatefulSet', 'skyport-postgresql') as Workload) as Container & { lifecycle?: { preStop?: { exec?: { command: string[] } } } };
    assert.match(pg.lifecycle?.preStop?.exec?.command.join(' ') ?? '', /kill -INT 1/);
    // External mode has neither.
    const ext = render('external');
    assert.equal(ofKind(ext, 'StatefulSet').length, 0);
    assert.ok(!ext.some((o) => o.metadata?.name === 'skyport-redis'));
  });

  it('optional Ingress and config file render only when asked for; NetworkPolicy is on unless switched off', () => {
    const ext = render('external');
    assert.equal(ofKind(ext, 'Ingress').length, 0);
    assert.deepEqual(ofKind(ext, 'NetworkPolicy').map((n) => n.metadata?.name).sort(), ['skyport-api', 'skyport-autodown', 'skyport-logs', 'skyport-optimizer', 'skyport-provisioner']);
    assert.equal(ofKind(renderChart({ namespace: NS, valueSets: ['external'], set: ['networkPolicy.enabled=false'] }), 'NetworkPolicy').length, 0);
    const full = render('full');
    const ing = named(full, 'Ingress', 'skyport-api') as KubeManifest & { spec: { ingressClassName: string; tls: unknown[]; rules: { host: string }[] } };
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.equal(ing.spec.rules[0]!.host, 'skyport.example.com');
    assert.equal(ing.spec.tls.length, 1);
    assert.deepEqual(ofKind(full, 'NetworkPolicy').map((n) => n.metadata?.name).sort(), ['skyport-api', 'skyport-autodown', 'skyport-logs', 'skyport-optimizer', 'skyport-provisioner']);
    const cfg = named(full, 'ConfigMap', 'skyport-config') as KubeManifest & { data: Record<string, string> };
    assert.match(cfg.data['config.yaml'] ?? '', /allowed_contexts/);
    assert.equal((named(full, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data.SKYPORT_CONFIG, '/etc/skyport/config.yaml');
    const api = named(full, 'Deployment', 'skyport-api') as Workload;
    assert.equal(api.spec.replicas, 3);
    assert.ok(container(api).volumeMounts?.some((m) => m.mountPath === '/etc/skyport'));
  });

  it("task images: the default image and the registry credentials reach the provisioner only, from the operator's Secret", () => {
    const objects = renderChart({ namespace: NS, valueSets: ['external'], set: ['tasks.defaultImage=registry.example:5000/task:1', 'tasks.registryAuth.existingSecret=corp-pull'] });
    for (const svc of SERVICES) {
      const d = named(objects, 'Deployment', `skyport-${svc}`) as Workload;
      const env = new Map((container(d).env ?? []).map((e) => [e.name, e.value]));
      const mounted = (container(d).volumeMounts ?? []).some((m) => m.name === 'task-registry');
      if (svc === 'provisioner') {
        assert.equal(env.get('SKYPORT_DEFAULT_IMAGE'), 'registry.example:5000/task:1');
        assert.equal(env.get('SKYPORT_REGISTRY_AUTH_FILE'), '/var/run/secrets/skyport/task-registry/config.json');
        assert.equal(env.get('SKYPORT_REGISTRY_SECRET_NAME'), 'skyport-registry');
        assert.ok(mounted);
        const volume = (d.spec.template.spec.volumes ?? []).find((v) => v.name === 'task-registry') as { secret?: { secretName: string; items: Array<{ key: string }> } } | undefined;
        assert.equal(volume?.secret?.secretName, 'corp-pull');
        assert.equal(volume?.secret?.items[0]?.key, '.dockerconfigjson');
      } else {
        assert.ok(!env.has('SKYPORT_REGISTRY_AUTH_FILE') && !env.has('SKYPORT_DEFAULT_IMAGE') && !mounted, svc);
      }
    }
    // unset: nothing of it anywhere
    const plain = named(render('external'), 'Deployment', 'skyport-provisioner') as Workload;
    assert.ok(!(container(plain).env ?? []).some((e) => e.name.startsWith('SKYPORT_REGISTRY') || e.name === 'SKYPORT_DEFAULT_IMAGE'));
  });

  it("buckets and uploads: settings and the allow-list in the shared ConfigMap, S3 keys from the operator's Secret on the provisioner only", () => {
    const objects = renderChart({
      namespace: NS,
      valueSets: ['external'],
      set: [
        'storage.s3.endpoint=https://minio.example.com',
        'storage.s3.region=eu-west-1',
        'storage.s3.forcePathStyle=false',
        'storage.s3.copyMaxBytes=1073741824',
        'storage.s3.externalBuckets={datasets-*,ml=ml-weights}',
        'storage.s3.credentials.existingSecret=corp-s3',
        'storage.s3.vmMounts.stsEndpoint=https://sts.example.com',
        'storage.s3.vmMounts.roleArn=arn:aws:iam::123456789012:role/skyport-vm-mounts',
        'storage.s3.vmMounts.keySeconds=3600',
        'uploads.maxBytes=4294967296',
        'uploads.chunkMaxBytes=65536',
      ],
    });
    const data = (named(objects, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data;
    assert.deepEqual(
      Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('SKYPORT_S3_') || k === 'SKYPORT_UPLOAD_MAX_BYTES' || k === 'SKYPORT_BLOB_CHUNK_MAX_BYTES')),
      {
        SKYPORT_S3_ENDPOINT: 'https://minio.example.com',
        SKYPORT_S3_REGION: 'eu-west-1',
        SKYPORT_S3_FORCE_PATH_STYLE: 'false',
        // Whole numbers, not Helm's float formatting (1.073741824e+09), which the services would refuse.
        SKYPORT_S3_COPY_MAX_BYTES: '1073741824',
        SKYPORT_S3_EXTERNAL_BUCKETS: 'datasets-*,ml=ml-weights',
        SKYPORT_S3_STS_ENDPOINT: 'https://sts.example.com',
        SKYPORT_S3_VM_MOUNT_ROLE_ARN: 'arn:aws:iam::123456789012:role/skyport-vm-mounts',
        SKYPORT_S3_VM_MOUNT_SECONDS: '3600',
        SKYPORT_UPLOAD_MAX_BYTES: '4294967296',
        SKYPORT_BLOB_CHUNK_MAX_BYTES: '65536',
      },
    );
    for (const svc of SERVICES) {
      const c = container(named(objects, 'Deployment', `skyport-${svc}`) as Workload);
      // The api reads the same allow-list as the provisioner: both from the one ConfigMap.
      assert.ok(c.envFrom?.some((e) => e.configMapRef?.name === 'skyport-env'), `${svc} reads the shared ConfigMap`);
      const keys = (c.env ?? []).filter((e) => e.name.startsWith('SKYPORT_S3_'));
      if (svc === 'provisioner') {
        assert.deepEqual(
          keys.map((e) => [e.name, e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.key, e.value]),
          [
            ['SKYPORT_S3_ACCESS_KEY_ID', 'corp-s3', 'access-key-id', undefined],
            ['SKYPORT_S3_SECRET_ACCESS_KEY', 'corp-s3', 'secret-access-key', undefined],
          ],
        );
      } else assert.deepEqual(keys, [], `${svc} gets no S3 keys`);
    }
    // Defaults: no endpoint, no allow-list, no keys; the limits the services default to.
    const plain = render('external');
    const defaults = (named(plain, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data;
    assert.deepEqual([defaults.SKYPORT_S3_ENDPOINT, defaults.SKYPORT_S3_EXTERNAL_BUCKETS, defaults.SKYPORT_S3_FORCE_PATH_STYLE], [undefined, undefined, undefined]);
    assert.deepEqual([defaults.SKYPORT_S3_STS_ENDPOINT, defaults.SKYPORT_S3_VM_MOUNT_ROLE_ARN, defaults.SKYPORT_S3_VM_MOUNT_SECONDS], [undefined, undefined, '43200']);
    assert.deepEqual([defaults.SKYPORT_S3_COPY_MAX_BYTES, defaults.SKYPORT_UPLOAD_MAX_BYTES, defaults.SKYPORT_BLOB_CHUNK_MAX_BYTES], [String(256 * 1024 ** 2), String(512 * 1024 ** 2), String(8 * 1024 ** 2)]);
    assert.ok(!(container(named(plain, 'Deployment', 'skyport-provisioner') as Workload).env ?? []).some((e) => e.name.startsWith('SKYPORT_S3_')));
    // A malformed allow-list entry stops the render, naming the key.
    const bad = helm(['template', 'skyport', CHART_DIR, '-f', valuesFile('external'), '--set', 'storage.s3.externalBuckets={Bad_Bucket}']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /storage\/s3\/externalBuckets\/0/);
  });

  it('cloud bursting is opt-in: the VM key Secret read-only on exactly api, provisioner and logs; AWS credentials on the provisioner only', () => {
    for (const set of ['external', 'trial'] as const) {
      const objects = render(set);
      for (const svc of SERVICES) {
        const c = container(named(objects, 'Deployment', `skyport-${svc}`) as Workload);
        assert.ok(!c.env?.some((e) => e.name.startsWith('SKYPORT_CLOUD') || e.name.startsWith('SKYPORT_AWS')), `${set}: ${svc} has no cloud env`);
        assert.ok(!c.volumeMounts?.some((m) => m.name === 'cloud-ssh-key'), `${set}: ${svc} mounts no key`);
      }
      assert.equal((named(objects, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data.SKYPORT_CLOUD_PROVIDERS, undefined);
    }

    const full = render('full');
    assert.equal((named(full, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data.SKYPORT_CLOUD_PROVIDERS, 'aws', 'the optimizer plans cloud candidates too');
    for (const svc of SERVICES) {
      const d = named(full, 'Deployment', `skyport-${svc}`) as Workload;
      const c = container(d);
      const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
      const mount = c.volumeMounts?.find((m) => m.name === 'cloud-ssh-key');
      const volume = d.spec.template.spec.volumes?.find((v) => v.name === 'cloud-ssh-key');
      if (CLOUD_KEY_SERVICES.has(svc)) {
        assert.equal(env.get('SKYPORT_CLOUD_KEY_DIR'), KEY_DIR, `${svc} reads the key where it is mounted`);
        assert.deepEqual(mount, { name: 'cloud-ssh-key', mountPath: KEY_DIR, readOnly: true }, `${svc} mounts the key read-only`);
        assert.equal(volume?.secret?.secretName, 'skyport-cloud-ssh');
        // The file names the provisioner (loadOrCreateSshKey) and libs/ssh read; group-readable only (fsGroup).
        assert.deepEqual(volume?.secret?.items?.map((i) => i.path), ['id_ed25519', 'id_ed25519.pub']);
        assert.equal(volume?.secret?.defaultMode, 0o440);
      } else {
        assert.equal(mount, undefined, `${svc} has no business with the VM key`);
        assert.equal(volume, undefined);
        assert.equal(env.get('SKYPORT_CLOUD_KEY_DIR'), undefined);
      }
      const credentials = c.envFrom?.filter((e) => e.secretRef).map((e) => e.secretRef!.name) ?? [];
      assert.deepEqual(credentials, svc === 'provisioner' ? ['skyport-aws'] : [], `${svc} AWS credentials`);
      if (svc === 'provisioner') {
        assert.equal(env.get('SKYPORT_AWS_IMAGE_IDS'), 'eu-west-1=ami-0fedcba9876543210,us-east-1=ami-0abcdef1234567890');
        assert.equal(env.get('SKYPORT_AWS_SSH_USER'), 'ubuntu');
      } else assert.ok(![...env.keys()].some((k) => k.startsWith('SKYPORT_AWS')), `${svc} has no AWS settings`);
    }
    // No secret material in the chart's defaults.
    const defaults = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { cloud: { enabled: boolean; sshKey: { existingSecret: string }; aws: { credentialsSecret: string } } };
    assert.equal(defaults.cloud.enabled, false);
    assert.equal(defaults.cloud.sshKey.existingSecret, '');
    assert.equal(defaults.cloud.aws.credentialsSecret, '');
  });

  it('refuses cloud bursting without the key Secret, or with a provider that cannot launch VMs, saying what to set', () => {
    const base = ['template', 'skyport', CHART_DIR, '--set', 'postgresql.enabled=true', '--set', 'redis.enabled=true', '--set', 'cloud.enabled=true'];
    const noKey = helm(base);
    assert.notEqual(noKey.status, 0);
    assert.match(noKey.stderr, /cloud\.enabled needs cloud\.sshKey\.existingSecret: a Secret with id_ed25519 and id_ed25519\.pub/);
    const withKey = [...base, '--set', 'cloud.sshKey.existingSecret=k'];
    const gcp = helm([...withKey, '--set', 'cloud.providers={gcp}']);
    assert.notEqual(gcp.status, 0);
    assert.match(gcp.stderr, /cloud\.providers: only aws can launch VMs, got 'gcp'/);
    const badAmi = helm([...withKey, '--set', 'cloud.aws.imageIds.us-east-1=ubuntu']);
    assert.notEqual(badAmi.status, 0);
    assert.match(badAmi.stderr, /cloud\.aws\.imageIds\.us-east-1 must be an AMI id/);
  });

  it('documents every value in the chart README', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const missing: string[] = [];
    const walk = (obj: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(obj)) {
        const path = prefix ? `${prefix}.${k}` : k;
        // Free-form maps (resources, security contexts, probe timings, user-named labels) are documented as a whole.
        const leaf = v === null || typeof v !== 'object' || Array.isArray(v) || /resources|securityContext|podSecurityContext|probes\.|requests|limits|^monitoring\.\w+\.labels$/.test(path);
        if (leaf) {
          // Keys every service has are documented once, as `<service>.key`.
          const generic = path.replace(/^(api|optimizer|provisioner|logs|autodown)\./, '<service>.');
          if (!readme.includes(`\`${path}\``) && !readme.includes(`\`${generic}\``)) missing.push(path);
        } else walk(v as Record<string, unknown>, path);
      }
    };
    walk(values, '');
    assert.deepEqual(missing, [], `values missing from deploy/helm/skyport/README.md: ${missing.join(', ')}`);
  });
});
