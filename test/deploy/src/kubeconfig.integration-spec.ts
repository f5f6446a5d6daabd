import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_DIR, named, renderChart, valuesFile, type KubeManifest } from './support/chart';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

interface Pod {
  containers: Array<{ env?: Array<{ name: string; value?: string }>; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
  volumes?: Array<{ name: string; secret?: { secretName: string; defaultMode?: number; items?: Array<{ key: string; path: string }> } }>;
}
const podOf = (o: KubeManifest): Pod => (o as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
const envOf = (o: KubeManifest): Map<string, string | undefined> => new Map((podOf(o).containers[0]!.env ?? []).map((e) => [e.name, e.value]));
const SERVICES = ['api', 'optimizer', 'provisioner', 'logs', 'autodown'];
/** Every service that talks to Kubernetes: provisioner, logs, autodown, and the api for `skyport ssh`. */
const KUBE = new Set(['api', 'provisioner', 'logs', 'autodown']);
const DIR = '/var/run/secrets/skyport/kubeconfig';

describe('Helm chart: a kubeconfig for other clusters (kubeconfig.existingSecret)', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });

  it('mounts the Secret read-only into every service that talks to Kubernetes, with KUBECONFIG and the allowed contexts', () => {
    const objects = renderChart({ namespace: 'kc', valueSets: ['full'] });
    const cm = named(objects, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> };
    assert.equal(cm.data.SKYPORT_ALLOWED_CONTEXTS, 'inClusterContext,prod-a,prod-b', 'the provisioner and optimizer read it');
    for (const svc of SERVICES) {
      const d = named(objects, 'Deployment', `skyport-${svc}`);
      const pod = podOf(d);
      const env = envOf(d);
      const mount = pod.containers[0]!.volumeMounts?.find((m) => m.name === 'kubeconfig');
      const volume = pod.volumes?.find((v) => v.name === 'kubeconfig');
      if (KUBE.has(svc)) {
        assert.equal(env.get('KUBECONFIG'), `${DIR}/config`, svc);
        assert.deepEqual(mount, { name: 'kubeconfig', mountPath: DIR, readOnly: true }, svc);
        assert.deepEqual(volume?.secret, { secretName: 'skyport-kubeconfig', defaultMode: 0o440, items: [{ key: 'kubeconfig', path: 'config' }] }, svc);
        // The ServiceAccount token stays mounted: the release's own cluster is the context inClusterContext.
        assert.equal((d as unknown as { spec: { template: { spec: { automountServiceAccountToken: boolean } } } }).spec.template.spec.automountServiceAccountToken, true);
      } else {
        assert.equal(env.get('KUBECONFIG'), undefined, `${svc} never calls Kubernetes`);
        assert.equal(mount, undefined);
        assert.equal(volume, undefined);
      }
    }
    assert.equal(envOf(named(objects, 'Deployment', 'skyport-autodown')).get('SKYPORT_REAPER_CONTEXTS'), 'inClusterContext,prod-a,prod-b', 'the reaper looks in every allowed context');
  });

  it('without it, nothing is mounted and the allowed contexts are left to env / configFile', () => {
    const objects = renderChart({ namespace: 'kc', valueSets: ['external'] });
    assert.equal((named(objects, 'ConfigMap', 'skyport-env') as KubeManifest & { data: Record<string, string> }).data.SKYPORT_ALLOWED_CONTEXTS, undefined);
    for (const svc of SERVICES) {
      const d = named(objects, 'Deployment', `skyport-${svc}`);
      assert.equal(envOf(d).get('KUBECONFIG'), undefined, `${svc}: in-cluster only`);
      assert.equal(envOf(d).get('SKYPORT_REAPER_CONTEXTS'), undefined);
      assert.ok(!podOf(d).volumes?.some((v) => v.name === 'kubeconfig'));
    }
  });

  it('refuses the allowed contexts given twice, naming both keys', () => {
    const r = helm(['template', 'skyport', CHART_DIR, '-f', valuesFile('external'), '--set', 'kubeconfig.allowedContexts={a}', '--set', 'env.SKYPORT_ALLOWED_CONTEXTS=b']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /set the allowed contexts once: kubeconfig\.allowedContexts or env\.SKYPORT_ALLOWED_CONTEXTS, not both/);
  });
});
