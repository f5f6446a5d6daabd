import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';

/**
 * SkyPilot's job queue through the CLI, on the whole system: `exec --cpus N` jobs share a running cluster while
 * their CPUs fit, the next waits in order, `queue` shows each job's RESOURCES and status, and an exec no node
 * could hold is refused at once.
 */
describe('skyport exec: jobs share a cluster while their resources fit', () => {
  let stack: E2eStack;
  const cluster = `e2e-jq-${randomBytes(2).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'skyport-jq-e2e-'));
  const task = join(dir, 'task.yaml');
  writeFileSync(task, 'resources:\n  cpus: 4\n  memory: 4\nrun: echo up\n');

  before(async () => {
    stack = await startE2eStack('e2e_jobqueue');
  });
  after(async () => {
    if (stack) await skyport(stack, ['down', '-y', cluster]);
    await stack?.stop();
  });

  type Job = { jobId: number; status: string; resources?: string };
  const queue = async (): Promise<Job[]> => JSON.parse((await skyport(stack, ['queue', cluster, '-o', 'json'])).stdout || '[]') as Job[];

  it('two exec --cpus 2 run side by side on 4 CPUs, a third waits for one of them; queue shows it', async () => {
    const launch = await skyport(stack, ['launch', '-y', '-c', cluster, task]);
    assert.equal(launch.code, 0, `${launch.stdout}\n${launch.stderr}`);
    // Long enough to still be running when the third is submitted on a loaded machine (each CLI call took ≈4 s at
    // load 50: with `sleep 5` the jobs never overlapped); cancelled once seen, so the test does not wait them out.
    for (let i = 0; i < 3; i++) {
      const exec = await skyport(stack, ['exec', cluster, 'sleep 60', '--cpus', '2', '--async']);
      assert.equal(exec.code, 0, exec.stderr);
    }
    const t0 = Date.now();
    let table = '';
    for (;;) {
      const jobs = await queue();
      const of = (id: number) => jobs.find((j) => j.jobId === id);
      if (of(2)?.status === 'RUNNING' && of(3)?.status === 'RUNNING' && of(4)?.status === 'PENDING') {
        table = (await skyport(stack, ['queue', cluster])).stdout;
        break;
      }
      assert.ok(Date.now() - t0 < 60_000, `never saw jobs 2 and 3 running while 4 waited: ${JSON.stringify(jobs)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(table, /RESOURCES\s+STATUS/);
    assert.match(table, /^\s*4\s.*1x\[CPU:2\]\s+PENDING/m);
    assert.match(table, /^\s*3\s.*1x\[CPU:2\]\s+RUNNING/m);
    assert.match(table, /^\s*2\s.*1x\[CPU:2\]\s+RUNNING/m);
    assert.match(table, /^\s*1\s.*1x\[CPU:0\.5\]\s+SUCCEEDED/m, "the launch's job holds SkyPilot's 0.5 CPU");

    const cancel = await skyport(stack, ['cancel', cluster, '--all', '-y']);
    assert.equal(cancel.code, 0, cancel.stderr);
    const t1 = Date.now();
    while ((await queue()).some((j) => !['SUCCEEDED', 'CANCELLED'].includes(j.status))) {
      assert.ok(Date.now() - t1 < 60_000, JSON.stringify(await queue()));
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual((await queue()).map((j) => j.status).sort(), ['CANCELLED', 'CANCELLED', 'CANCELLED', 'SUCCEEDED']);
  });

  it('an exec no node of the cluster can hold is refused, naming both sizes; nothing is queued', async () => {
    const exec = await skyport(stack, ['exec', cluster, 'echo never', '--cpus', '8', '--async']);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /cannot run on cluster '.+': it needs 8 CPUs per node and a node of the cluster has 4/);
    assert.equal((await queue()).length, 4);
  });
});
