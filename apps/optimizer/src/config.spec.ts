import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOptimizerConfig } from './config';

const base = { SKYPORT_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', SKYPORT_REDIS_URL: 'redis://127.0.0.1:6379' };

test('lists and pricing are parsed once at boot', () => {
  const config = loadOptimizerConfig({
    ...base,
    SKYPORT_ALLOWED_CONTEXTS: 'ctx-a, ctx-b',
    SKYPORT_ENABLED_CLOUDS: 'aws,gcp',
    SKYPORT_KUBERNETES_PRICING: '{"ctx-a": {"cpu_per_hour": 0.02}}',
  });
  assert.deepEqual(config.SKYPORT_ALLOWED_CONTEXTS, ['ctx-a', 'ctx-b']);
  assert.deepEqual(config.SKYPORT_ENABLED_CLOUDS, ['aws', 'gcp']);
  assert.deepEqual(config.SKYPORT_KUBERNETES_PRICING, { 'ctx-a': { cpu_per_hour: 0.02 } });
  assert.equal(config.SKYPORT_OPTIMIZER_GRPC, '127.0.0.1:46581');
});

test('a bad variable is named', () => {
  assert.throws(() => loadOptimizerConfig({ ...base, SKYPORT_ENABLED_CLOUDS: 'aws,oracle' }), /SKYPORT_ENABLED_CLOUDS is invalid/);
  assert.throws(() => loadOptimizerConfig({ ...base, SKYPORT_KUBERNETES_PRICING: '[1]' }), /SKYPORT_KUBERNETES_PRICING is invalid/);
});
