import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { CliContext } from '../context/cli-context';
import { CliExit } from '../context/exit-codes';
import { buildProgram } from '../program';
import { stopStartDone } from './stop-start.commands';

/** The real command tree over a stub api answering getCluster/stop/start from a table of clusters. */
function harness(clusters: Record<string, { infra?: string; status: string }>) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const client = {
    getCluster: async (name: string) => ({ name, ...clusters[name] }),
    stop: async (name: string) => (calls.push(`stop ${name}`), { requestId: `r-${name}`, clusterName: name, outcome: 'stopping' }),
    start: async (name: string) => (calls.push(`start ${name}`), { requestId: `r-${name}`, clusterName: name, outcome: 'starting' }),
  };
  const ctx = {
    colors: pc.createColors(false),
    env: {},
    stdinIsTTY: false,
    interactive: false,
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    config: () => ({}),
    client: () => client,
  } as unknown as CliContext;
  const run = async (argv: string[]) => {
    const program = buildProgram(ctx);
    program.exitOverride();
    await program.parseAsync(argv, { from: 'user' });
  };
  return { out, err, calls, run };
}

describe('skyport stop / start', () => {
  it('stops an UP AWS cluster (asks first: -y without a terminal)', async () => {
    const h = harness({ gpu: { infra: 'aws/us-east-1', status: 'UP' } });
    await assert.rejects(h.run(['stop', 'gpu']), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /Stop 'gpu': no terminal to confirm on; pass -y/.test(e.message));
    assert.deepEqual(h.calls, []);
    await h.run(['stop', 'gpu', '-y', '--async']);
    assert.deepEqual(h.calls, ['stop gpu']);
    assert.deepEqual(h.out, ["Stop of 'gpu' requested (request r-gpu)."]);
  });

  it('a Kubernetes cluster among them is refused with the reason; the AWS one still stops; exit 2', async () => {
    const h = harness({ gpu: { infra: 'aws/us-east-1', status: 'UP' }, dev: { infra: 'kubernetes/kind-a', status: 'UP' } });
    await assert.rejects(h.run(['stop', 'dev', 'gpu', '-y', '--async']), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
    assert.deepEqual(h.calls, ['stop gpu']);
    assert.match(h.err.join('\n'), /Error: 'dev' runs on Kubernetes, and Kubernetes clusters cannot be stopped/);
  });

  it('only Kubernetes clusters: nothing is asked of the api, the reason is the error', async () => {
    const h = harness({ dev: { infra: 'kubernetes/kind-a', status: 'UP' } });
    await assert.rejects(h.run(['start', 'dev']), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /Kubernetes clusters are never stopped, so there is nothing to start/.test(e.message));
    assert.deepEqual(h.calls, []);
  });

  it('start needs no confirmation; an UP cluster is already up', async () => {
    const h = harness({ gpu: { infra: 'aws/us-east-1', status: 'STOPPED' }, web: { infra: 'aws/us-west-2', status: 'UP' } });
    await assert.rejects(h.run(['start', 'gpu', 'web', '--async']), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
    assert.deepEqual(h.calls, ['start gpu']);
    assert.match(h.err.join('\n'), /'web' is already UP/);
  });

  it('the messages once done', () => {
    assert.match(stopStartDone('stop', 'gpu'), /^Cluster 'gpu' is STOPPED: its VMs are stopped, their disks kept.*'skyport start gpu'/);
    assert.match(stopStartDone('start', 'gpu'), /^Cluster 'gpu' is UP again/);
  });
});
