import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { KubeClients } from '@skyport/kube';
import { CHART_DIR, VALUE_SETS, valuesFile } from './support/chart';
import { adminClients, createNamespace, deleteNamespace, testCluster, uniqueName } from './support/cluster';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  $ref?: string;
  definitions?: Record<string, Schema>;
}

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as Schema;
const resolve = (s: Schema): Schema => (s.$ref ? resolve(schema.definitions![s.$ref.replace('#/definitions/', '')]!) : s);
const template = (args: string[]) => helm(['template', 'skyport', CHART_DIR, '-f', valuesFile('external'), ...args]);

/** The schema's complaint for a failed render: Helm prints one `- at '/path': ...` line per problem. */
function refused(args: string[]): string {
  const r = template(args);
  assert.notEqual(r.status, 0, `rendered despite ${args.join(' ')}`);
  assert.match(r.stderr, /values don't meet the specifications of the schema/);
  return r.stderr;
}

describe('Helm chart: values.schema.json types every value, so a wrong one fails at install naming the key', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  let admin: KubeClients | undefined;
  const namespaces: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'skyport-schema-'));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const ns of namespaces) if (admin) await deleteNamespace(admin, ns);
  });

  it('every key of values.yaml is in the schema, typed; objects refuse unknown keys unless free-form by nature', () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const untyped: string[] = [];
    // Kubernetes objects passed through as they are (the API server checks them) and user-named maps.
    const freeForm = /^(podSecurityContext|securityContext|env|cloud\.aws\.imageIds|monitoring\.[A-Za-z]+\.labels|([A-Za-z0-9]+\.)*(resources\.(requests|limits)|podAnnotations|nodeSelector|affinity|annotations|service\.annotations|ingress\.annotations|serviceAccount\.annotations))$/;
    const walk = (value: unknown, s: Schema | undefined, path: string) => {
      if (!s) return untyped.push(path);
      const node = resolve(s);
      if (!node.type) untyped.push(path);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      if (freeForm.test(path)) return;
      if (node.additionalProperties !== false) untyped.push(`${path} (accepts unknown keys)`);
      for (const [k, v] of Object.entries(value)) walk(v, node.properties?.[k], path ? `${path}.${k}` : k);
    };
    walk(values, schema, '');
    assert.deepEqual(untyped, [], `values.schema.json does not type: ${untyped.join(', ')}`);
  });

  it('every example value set passes it (helm lint --strict validates against it)', () => {
    for (const set of VALUE_SETS) {
      const r = helm(['lint', CHART_DIR, '--strict', '-f', valuesFile(set)]);
      assert.equal(r.status, 0, `${set}: ${r.stdout}${r.stderr}`);
    }
  });

  it('a misspelt key fails, naming it and where it is', () => {
    assert.match(refused(['--set', 'api.replcas=3']), /at '\/api': additional properties 'replcas' not allowed/);
    assert.match(refused(['--set', 'logLevle=debug']), /additional properties 'logLevle' not allowed/);
    assert.match(refused(['--set', 'redis.persistance.enabled=true']), /at '\/redis': additional properties 'persistance' not allowed/);
    assert.match(refused(['--set', 'kubeconfig.existingSecrets=x']), /at '\/kubeconfig': additional properties 'existingSecrets' not allowed/);
  });

  it('a value of the wrong type fails, naming the key and what it wants', () => {
    assert.match(refused(['--set', 'api.replicas=three']), /at '\/api\/replicas': got string, want integer/);
    assert.match(refused(['--set', 'redis.persistence.enabled=maybe']), /at '\/redis\/persistence\/enabled': got string, want boolean/);
    assert.match(refused(['--set', 'rbac.taskNamespaces=tasks']), /at '\/rbac\/taskNamespaces': got string, want array/);
    assert.match(refused(['--set', 'logLevel=verbose']), /at '\/logLevel': value must be one of 'fatal', 'error'/);
    assert.match(refused(['--set', 'rbac.podSecurityEnforce=strict']), /at '\/rbac\/podSecurityEnforce': value must be one of 'privileged', 'baseline', 'restricted'/);
    assert.match(refused(['--set', 'api.service.port=0']), /at '\/api\/service\/port': minimum: got 0, want 1/);
  });

  it('helm install with a typo in a values file stops before anything is created', async () => {
    admin = adminClients();
    const ns = uniqueName('sp-schema');
    namespaces.push(ns);
    await createNamespace(admin, ns);
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'postgresql:\n  enabled: true\nredis:\n  enabled: true\nprovisioner:\n  replica: 2\n');
    const { kubeconfig, context } = testCluster();
    const r = helm(['install', 'skyport', CHART_DIR, '-f', file, '--namespace', ns, '--kubeconfig', kubeconfig, ...(context ? ['--kube-context', context] : [])]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /at '\/provisioner': additional properties 'replica' not allowed/);
    const deployments = await admin.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns });
    assert.equal(deployments.items.length, 0);
    const secrets = await admin.core.listNamespacedSecret({ namespace: ns });
    assert.ok(!secrets.items.some((s) => s.metadata?.name?.startsWith('skyport')), 'no Secret made either');
  });
});
