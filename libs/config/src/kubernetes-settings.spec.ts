import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesSettings, SkyportConfig } from './config.types';
import { allowedContexts, resolveKubernetesSettings, type SettingLayers } from './kubernetes-settings';
import { parseSkyportConfig } from './load-config';

const config: SkyportConfig = parseSkyportConfig(`
kubernetes:
  provision_timeout: 20
  ports: loadbalancer
  pod_config:
    metadata: {labels: {from: global}}
    spec:
      containers: [{name: main, env: [{name: A, value: global}]}]
  custom_metadata: {labels: {team: ml, tier: global}}
  context_configs:
    ctx-a:
      provision_timeout: 40
      ports: ingress
      custom_metadata: {labels: {tier: ctx-a}}
      pod_config:
        spec:
          containers: [{resources: {limits: {memory: 1Gi}}}]
    ctx-auto:
      autoscaler: gke
`);

/** One row per precedence rule: which layer's value wins. */
const precedence: Array<[string, Omit<SettingLayers, 'config'>, keyof ReturnType<typeof resolveKubernetesSettings>, unknown, string]> = [
  ['global when nothing else', {}, 'provisionTimeoutSeconds', 20, 'global'],
  ['context beats global', { context: 'ctx-a' }, 'provisionTimeoutSeconds', 40, 'context'],
  ['another context uses global', { context: 'ctx-b' }, 'provisionTimeoutSeconds', 20, 'global'],
  ['task beats context', { context: 'ctx-a', task: { provision_timeout: 60 } }, 'provisionTimeoutSeconds', 60, 'task'],
  ['cli beats task', { context: 'ctx-a', task: { provision_timeout: 60 }, cli: { provision_timeout: 90 } }, 'provisionTimeoutSeconds', 90, 'cli'],
  ['ports: context beats global', { context: 'ctx-a' }, 'ports', 'ingress', 'context'],
  ['ports: cli beats context', { context: 'ctx-a', cli: { ports: 'podip' } }, 'ports', 'podip', 'cli'],
  ['autoscaler from context', { context: 'ctx-auto' }, 'autoscaler', 'gke', 'context'],
];

describe('kubernetes settings precedence: CLI > task > context > global > default', () => {
  for (const [title, layers, key, value, source] of precedence) {
    it(title, () => {
      const effective = resolveKubernetesSettings({ config, ...layers });
      assert.deepEqual(effective[key], value);
      assert.equal(effective.sources[key as keyof typeof effective.sources], source);
    });
  }
  it('defaults with no config at all', () => {
    const effective = resolveKubernetesSettings({ config: {} });
    assert.equal(effective.provisionTimeoutSeconds, 10);
    assert.equal(effective.ports, 'loadbalancer');
    assert.deepEqual(effective.pricing, { cpuPerHour: 0, memoryGbPerHour: 0, accelerators: {} });
    assert.equal(effective.sources.ports, 'default');
  });
  it('an autoscaler without an explicit timeout gets the long one', () => {
    assert.equal(resolveKubernetesSettings({ config: { kubernetes: { autoscaler: 'karpenter' } } }).provisionTimeoutSeconds, 600);
    assert.equal(resolveKubernetesSettings({ config, context: 'ctx-auto' }).provisionTimeoutSeconds, 20, 'an explicit global timeout still wins');
  });
  it('custom_metadata merges per key, higher layer winning', () => {
    const effective = resolveKubernetesSettings({ config, context: 'ctx-a', task: { custom_metadata: { annotations: { note: 'task' } } } });
    assert.deepEqual(effective.customMetadata, { labels: { team: 'ml', tier: 'ctx-a' }, annotations: { note: 'task' } });
  });
  it('pod_config deep-merges global → context → task → cli', () => {
    const task: KubernetesSettings = { pod_config: { metadata: { labels: { from: 'task' } }, spec: { containers: [{ env: [{ name: 'B', value: 'task' }] }] } } };
    const effective = resolveKubernetesSettings({ config, context: 'ctx-a', task });
    assert.deepEqual(effective.podConfig, {
      metadata: { labels: { from: 'task' } },
      spec: {
        containers: [
          {
            name: 'main',
            env: [
              { name: 'A', value: 'global' },
              { name: 'B', value: 'task' },
            ],
            resources: { limits: { memory: '1Gi' } },
          },
        ],
      },
    });
    assert.equal(effective.sources.podConfig, 'task');
  });
});

describe('allowed contexts', () => {
  const available = ['a', 'b', 'c'];
  it('all', () => assert.deepEqual(allowedContexts({ kubernetes: { allowed_contexts: 'all' } }, available, 'b'), available));
  it('a list, in its order', () => assert.deepEqual(allowedContexts({ kubernetes: { allowed_contexts: ['c', 'a'] } }, available, 'b'), ['c', 'a']));
  it('absent: the current context', () => assert.deepEqual(allowedContexts({}, available, 'b'), ['b']));
});
