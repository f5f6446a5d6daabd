import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckView } from '@skyport/contracts';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';

/**
 * `skyport check` on the whole system: the api asks the provisioner, which asks the local API server with its own
 * credentials (SelfSubjectAccessReview per permission Skyport needs); the CLI prints reachability, GPU support
 * with the reason when absent, the permissions, and per cloud whether Skyport can launch there.
 */
describe('skyport check end to end', () => {
  let stack: E2eStack;

  before(async () => {
    stack = await startE2eStack('e2e_check');
  });
  after(async () => {
    await stack?.stop();
  });

  it('per context: reachable, GPUs (or why none), every permission verified; per cloud: enabled or why not', async () => {
    const json = await skyport(stack, ['check', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout) as CheckView;
    const ctx = view.kubernetes.contexts.find((c) => c.context === stack.kube.context)!;
    assert.ok(ctx, json.stdout);
    assert.equal(ctx.reachable, true);
    assert.equal(ctx.permissions?.checked, true, ctx.permissions?.error);
    assert.deepEqual(ctx.permissions?.missing, [], 'the local admin may do everything');
    assert.ok((ctx.permissions?.total ?? 0) > 20);
    assert.equal(typeof ctx.gpus?.hint, 'string');
    if (ctx.gpus?.gpuNodes === 0) assert.match(ctx.gpus.hint, /no node has nvidia\.com\/gpu/);
    const aws = view.clouds.find((c) => c.cloud === 'aws')!;
    assert.equal(aws.enabled, false, 'the e2e stack launches no VMs');
    assert.match(aws.reason ?? '', /SKYPORT_CLOUD_PROVIDERS/);

    const table = await skyport(stack, ['check']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^Kubernetes: enabled$/m);
    assert.match(table.stdout, new RegExp(`^  ✔ ${stack.kube.context}: \\d+/\\d+ nodes ready`, 'm'));
    assert.match(table.stdout, /^ {6}GPUs: /m);
    assert.match(table.stdout, /^ {6}Permissions: all \d+ verified \(namespace \S+\)$/m);
    assert.match(table.stdout, /^AWS: disabled \(catalog: \d+ instance types in \d+ regions\)\n {2}SKYPORT_CLOUD_PROVIDERS/m);
    assert.match(table.stdout, /^GCP: disabled .*\n {2}catalog only/m);
  });
});
