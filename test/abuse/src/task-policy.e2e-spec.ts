import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAbuseStack, type AbuseStack } from './abuse-stack';

const TASK = 'resources:\n  cpus: 0.1\n  memory: 0.1\nrun: echo hi\n';
const withKube = (kube: string, base = TASK) => `${base}config:\n  kubernetes:\n${kube.replace(/^/gm, '    ')}\n`;

/**
 * Issue 15, items 2, 3 and 9, tried as a non-admin team user against the running system: each attempt is
 * refused with the right status and a message naming the field and the rule, and nothing is written in Postgres
 * or created in Kubernetes.
 */
describe('abuse: a task cannot reach the host, another team or the shared slots (whole system, non-admin user)', () => {
  let s: AbuseStack;
  const name = (what: string) => `ab-${what}-${s.suffix}`;
  const launch = (cluster: string, task: unknown, extra: Record<string, unknown> = {}) =>
    s.call('POST', `/v1/clusters/${cluster}/launch`, { token: s.attacker.token, body: { task, ...extra } });

  /** The attempt answered `status`, said `message`, and left no row and no Kubernetes object behind. */
  const refused = async (cluster: string, answer: Promise<{ status: number; body: { message?: string } }>, status: number, message: RegExp | string) => {
    const res = await answer;
    assert.equal(res.status, status, JSON.stringify(res.body));
    const text = String(res.body?.message ?? '');
    if (typeof message === 'string') assert.ok(text.includes(message), text);
    else assert.match(text, message);
    assert.equal(await s.rowsFor(cluster), 0, `rows written for ${cluster}`);
    assert.deepEqual(await s.objectsFor(cluster), [], `Kubernetes objects created for ${cluster}`);
  };

  before(async () => {
    s = await startAbuseStack('abuse_policy');
    for (const ns of [s.attacker.namespace, s.victim.namespace]) {
      await s.kube.core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
    }
  });
  after(async () => {
    await s?.stop();
  });

  const POD_ATTEMPTS: Array<[string, string, string]> = [
    [
      'privileged',
      'pod_config:\n  spec:\n    containers:\n      - securityContext:\n          privileged: true',
      "config.kubernetes.pod_config.spec.containers[0].securityContext.privileged: privileged containers are not allowed by the server's policy (an admin can allow it: policy.allow_privileged)",
    ],
    ['hostpath', 'pod_config:\n  spec:\n    volumes:\n      - name: root\n        hostPath:\n          path: /', 'config.kubernetes.pod_config.spec.volumes[0].hostPath: hostPath volumes are not allowed'],
    ['hostpid', 'pod_config:\n  spec:\n    hostPID: true', 'config.kubernetes.pod_config.spec.hostPID: hostPID is not allowed by the server\'s policy (an admin can allow it: policy.allow_host_namespaces)'],
    ['hostnet', 'pod_config:\n  spec:\n    hostNetwork: true', 'config.kubernetes.pod_config.spec.hostNetwork: hostNetwork is not allowed'],
    ['sa', 'pod_config:\n  spec:\n    serviceAccountName: default\n    automountServiceAccountToken: true', 'config.kubernetes.pod_config.spec.serviceAccountName: running as a service account is not allowed'],
    ['timeout', 'provision_timeout: 86400', "config.kubernetes.provision_timeout: 86400 s is above the server's cap of 600 s (an admin can raise it: policy.max_provision_timeout)"],
    ['autoscaler', 'autoscaler: karpenter', 'config.kubernetes.autoscaler: setting the autoscaler is not allowed'],
    ['pullsecret', 'image_pull_secrets: [regcred]', 'config.kubernetes.image_pull_secrets: image pull secrets are not allowed'],
  ];
  for (const [what, kube, message] of POD_ATTEMPTS) {
    it(`refuses ${what} with 403 naming the field and the rule, and creates nothing`, async () => {
      await refused(name(what), launch(name(what), withKube(kube)), 403, message);
      await refused(name(what), launch(name(what), withKube(kube), { dryrun: true }), 403, message);
    });
  }

  it("refuses a namespace override into another team's namespace and into an arbitrary one", async () => {
    await refused(name('ns-b'), launch(name('ns-b'), withKube(`namespace: ${s.victim.namespace}`)), 403, 'config.kubernetes.namespace: choosing the namespace is not allowed');
    await refused(name('ns-sys'), launch(name('ns-sys'), withKube('pod_config:\n  metadata:\n    namespace: kube-system')), 403, 'config.kubernetes.pod_config.metadata.namespace');
    const victimPods = await s.kube.core.listNamespacedPod({ namespace: s.victim.namespace });
    assert.equal(victimPods.items.length, 0);
  });

  it('answers 400 naming the bound for num_nodes 1000000 (dry run and launch) and a 200k-deep JSON task', async () => {
    await refused(name('huge'), launch(name('huge'), `num_nodes: 1000000\n${TASK}`, { dryrun: true }), 400, /num_nodes\b.*1000000 is above the limit of 512 \(bound num_nodes ≤ 512/);
    await refused(name('huge'), launch(name('huge'), `num_nodes: 1000000\n${TASK}`), 400, 'bound num_nodes');
    const deep = `{"task":{"run":"x","config":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    await refused(name('deep'), s.call('POST', `/v1/clusters/${name('deep')}/launch`, { token: s.attacker.token, body: deep }), 400, /nested more than 64 levels deep \(bound max_json_depth/);
  });

  it("never replaces another's `<name>-secrets`: the launch fails naming it, the foreign Secret is untouched, nothing is left", async () => {
    const cluster = name('sec');
    const foreign = `${cluster}-secrets`;
    await s.kube.core.createNamespacedSecret({ namespace: s.attacker.namespace, body: { metadata: { name: foreign, labels: { owner: 'someone-else' } }, stringData: { TOKEN: 'theirs' } } });
    const res = await launch(cluster, TASK, { secrets: { TOKEN: 'mine' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const deadline = Date.now() + 120_000;
    let request: { status: string; statusReason?: string; error?: { message?: string }; events?: Array<{ message: string }> } = { status: '' };
    while (Date.now() < deadline) {
      request = (await s.call('GET', `/v1/requests/${res.body.requestId}`, { token: s.attacker.token })).body;
      if (['FAILED', 'SUCCEEDED', 'CANCELLED'].includes(request.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(request.status, 'FAILED', JSON.stringify(request));
    assert.match(JSON.stringify(request), new RegExp(`secret named '${foreign}' already exists .* does not belong to cluster '${cluster}'`));
    const kept = await s.kube.core.readNamespacedSecret({ name: foreign, namespace: s.attacker.namespace });
    assert.equal(Buffer.from(kept.data?.TOKEN ?? '', 'base64').toString(), 'theirs');
    assert.deepEqual(kept.metadata?.labels, { owner: 'someone-else' });
    assert.deepEqual(await s.objectsFor(cluster), []);
  });

  it('labels the team namespace Skyport manages for Pod Security Admission (baseline)', async () => {
    const ns = await s.kube.core.readNamespace({ name: s.attacker.namespace });
    assert.equal(ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'baseline');
  });
});
