import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';

/**
 * The `skyport` CLI's contract with users, on the whole system: exit codes (0 ok, 1 the job failed, 2 usage or
 * validation), `-o json` shapes, `--env`/`--secret` reaching the job, `exec`, `queue`, `logs`, `cancel`.
 */
describe('skyport CLI end to end', () => {
  let stack: E2eStack;
  const cluster = `e2e-cli-${randomBytes(2).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'skyport-cli-e2e-'));
  const task = join(dir, 'task.yaml');
  writeFileSync(
    task,
    [
      'name: cli-e2e',
      'resources:',
      '  cpus: 1+',
      '  memory: 1+',
      'envs:',
      '  WHO:',
      'secrets:',
      '  TOKEN:',
      'run: |',
      '  echo "hello $WHO"',
      '  echo "token length ${#TOKEN}"',
      '',
    ].join('\n'),
  );

  before(async () => {
    stack = await startE2eStack('e2e_cli');
  });
  after(async () => {
    await stack?.stop();
  });

  it('refuses a launch without the required env, naming the flag (exit 2, nothing created)', async () => {
    const run = await skyport(stack, ['launch', '-y', '-c', cluster, task, '--secret', 'TOKEN=abc']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /needs a value for the environment variable 'WHO': pass it with --env WHO=<value>/);
    const status = await skyport(stack, ['status', '-o', 'json']);
    assert.deepEqual(JSON.parse(status.stdout), []);
  });

  it('launches with --env and --secret; the job sees them; the secret is not echoed', async () => {
    const run = await skyport(stack, ['launch', '-y', '-c', cluster, task, '--env', 'WHO=skyport', '--secret', 'TOKEN=s3cr3t-value']);
    const all = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.code, 0, all);
    assert.match(run.stdout, /^Considered resources \(1 node\):/m);
    assert.match(run.stdout, /^hello skyport$/m);
    assert.match(run.stdout, /^token length 12$/m);
    assert.doesNotMatch(all, /s3cr3t-value/);
  });

  it('exec: a failing job is exit 1; queue -o json shows both jobs', async () => {
    const run = await skyport(stack, ['exec', cluster, 'echo before-failing; exit 3']);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /before-failing/);
    assert.match(run.stderr, /job 2 on '.+' ended FAILED/);
    const queue = await skyport(stack, ['queue', cluster, '-o', 'json']);
    assert.equal(queue.code, 0, queue.stderr);
    const jobs = JSON.parse(queue.stdout) as Array<{ clusterName: string; jobId: number; status: string; submittedAt: string }>;
    const byId = new Map(jobs.map((j) => [j.jobId, j]));
    assert.equal(byId.get(1)?.status, 'SUCCEEDED');
    assert.equal(byId.get(2)?.status, 'FAILED');
    assert.equal(byId.get(2)?.clusterName, cluster);
    assert.ok(!Number.isNaN(Date.parse(byId.get(2)?.submittedAt ?? '')));
  });

  it('logs: --no-follow --tail prints the end of a finished job', async () => {
    const logs = await skyport(stack, ['logs', cluster, '1', '--no-follow', '--tail', '1']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /token length 12/);
    assert.doesNotMatch(logs.stdout, /hello skyport/);
  });

  it('cancel: a running job ends CANCELLED', async () => {
    const submitted = await skyport(stack, ['exec', '-d', cluster, 'sleep 120']);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /Job 3 queued/);
    const cancel = await skyport(stack, ['cancel', '-y', cluster, '3']);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, /Cancelled job\(s\) 3/);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const jobs = JSON.parse((await skyport(stack, ['queue', cluster, '-o', 'json'])).stdout) as Array<{ jobId: number; status: string }>;
      if (jobs.find((j) => j.jobId === 3)?.status === 'CANCELLED') break;
      assert.ok(Date.now() < deadline, `job 3 not cancelled: ${JSON.stringify(jobs)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  it('ssh runs one command on the head node; its failure is exit 1', async () => {
    const ok = await skyport(stack, ['ssh', cluster, '--', 'echo', 'via-ssh']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^via-ssh$/m);
    const failed = await skyport(stack, ['ssh', cluster, '--', 'exit 4']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /'exit 4' exited 4/);
  });

  it('autostop: set (with the api note that Kubernetes tears down) and cancel', async () => {
    const set = await skyport(stack, ['autostop', cluster, '-i', '30']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /will be torn down after 30 idle minute\(s\)/);
    const cancel = await skyport(stack, ['autostop', cluster, '--cancel']);
    assert.equal(cancel.code, 0, cancel.stderr);
  });

  it('status -o json and down', async () => {
    const status = await skyport(stack, ['status', '-o', 'json']);
    const clusters = JSON.parse(status.stdout) as Array<{ name: string; status: string; infra: string; numNodes: number }>;
    const mine = clusters.find((c) => c.name === cluster);
    assert.equal(mine?.status, 'UP');
    assert.equal(mine?.numNodes, 1);
    assert.match(mine?.infra ?? '', /^kubernetes\//);
    const down = await skyport(stack, ['down', '-y', cluster]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /is torn down/);
  });
});
