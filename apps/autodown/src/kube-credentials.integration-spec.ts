import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { freshTestBackends, startService, testEnv, type RunningService, type TestDatabase } from '@skyport/dev-stack';
import { runMigrations } from '@skyport/persistence';

const env = testEnv();
const PLUGIN = 'skyport-test-absent-aws';

/** The pino JSON lines of a service's output that mention `text`. */
const linesWith = (output: string, text: string): Array<Record<string, unknown>> =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes(text))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a kubeconfig context whose exec credential plugin is not installed', { skip: env.kubeconfig ? false : 'needs the local Kubernetes control plane' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-kube-plugin-'));
  let autodown: RunningService | undefined;
  let database: TestDatabase | undefined;
  after(async () => {
    await autodown?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is named in a warning at start and in each use, without a stack trace; the other contexts keep working', async () => {
    // The test cluster's kubeconfig plus a context that needs a cloud CLI (as an EKS kubeconfig does).
    const kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig!);
    const context = env.kubeContext || kc.getCurrentContext();
    const cluster = kc.getContextObject(context)!.cluster;
    const config = JSON.parse(kc.exportConfig()) as { users: unknown[]; contexts: unknown[] };
    config.users.push({ name: 'eks-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: PLUGIN, args: ['eks', 'get-token'] } } });
    config.contexts.push({ name: 'eks', context: { cluster, user: 'eks-user' } });
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 });

    const backends = await freshTestBackends('autodown_plugins', runMigrations);
    database = backends.db;
    autodown = await startService('autodown', {
      SKYPORT_DATABASE_URL: backends.db.url,
      SKYPORT_REDIS_URL: backends.redisUrl,
      KUBECONFIG: file,
      SKYPORT_LOG_LEVEL: 'warn',
      SKYPORT_REAPER_INTERVAL_SECONDS: '1',
      SKYPORT_REAPER_CONTEXTS: `${context},eks`,
      SKYPORT_REAPER_NAMESPACES: 'skyport-no-such-namespace',
    }, 120_000);

    const deadline = Date.now() + 30_000;
    while (linesWith(autodown.output(), 'reaper could not look at a context').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const output = autodown.output();
    const atStart = linesWith(output, PLUGIN).filter((l) => l.context === 'eks' && l.command === PLUGIN);
    assert.ok(atStart.length >= 1, `a start-up warning names the context:\n${output}`);
    assert.match(String(atStart[0]!.msg), /^Kubernetes context "eks" authenticates with the exec credential plugin "skyport-test-absent-aws" \(user "eks-user"\), which is not installed here/);
    const inUse = linesWith(output, 'reaper could not look at a context');
    assert.ok(inUse.length >= 1, output);
    assert.ok(inUse.every((l) => l.context === 'eks'), `only the plugin context fails: ${JSON.stringify(inUse)}`);
    assert.match(String(inUse[0]!.err), /Kubernetes context "eks" authenticates with the exec credential plugin/);
    assert.ok(!/ENOENT|\n\s+at /.test(output), 'no bare ENOENT, no stack trace');
  });
});
