import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SkyportClient } from '@skyport/client';
import { E2E_TOKEN, skyport, startE2eStack, type E2eStack } from './e2e-stack';

/**
 * SkyPilot users' habits on the whole system (one stack, one cluster): command words after the cluster, the flags
 * typed most (--workdir, -n, --env-file, --no-setup, -r), logs --status / --sync-down, cluster patterns, -u,
 * destructive commands refusing without -y when there is no terminal, and stop/start answering for Kubernetes.
 */
describe('skyport CLI: SkyPilot habits end to end', () => {
  let stack: E2eStack;
  const tag = randomBytes(2).toString('hex');
  const cluster = `hab-${tag}-dev`;
  const dir = mkdtempSync(join(tmpdir(), 'skyport-habits-'));
  const home = join(dir, 'home');
  const workdir = join(dir, 'project');
  const envFile = join(dir, '.env');
  const task = join(dir, 'task.yaml');
  let memberToken = '';
  const cli = (args: string[], token?: string) => skyport(stack, args, 180_000, { home, ...(token ? { token } : {}) });

  before(async () => {
    mkdirSync(home);
    mkdirSync(workdir);
    writeFileSync(join(workdir, 'marker.txt'), `marker-${tag}\n`);
    writeFileSync(envFile, `# from the env file\nFROM_FILE="file value"\nexport OVERRIDDEN=file\n`);
    writeFileSync(task, ['resources:', '  cpus: 1+', 'setup: echo SETUP-RAN', 'run: |', '  cat marker.txt', '  echo "from-file=$FROM_FILE overridden=$OVERRIDDEN"', ''].join('\n'));
    stack = await startE2eStack('e2e_habits');
    const admin = new SkyportClient({ endpoint: stack.apiUrl, token: E2E_TOKEN });
    await admin.createUser({ name: 'member', role: 'user', team: 'default' });
    memberToken = (await admin.createToken({ user: 'member' })).token;
  });
  after(async () => {
    await stack?.stop();
  });

  it('launch with --workdir, --env-file (--env on top), -n, --no-setup and -r: the job sees them', async () => {
    const run = await cli(['launch', '-y', '-c', cluster, '-r', '--no-setup', '-n', 'habit-run', '--workdir', workdir, '--env-file', envFile, '--env', 'OVERRIDDEN=flag', task]);
    const all = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.code, 0, all);
    assert.match(run.stdout, new RegExp(`^marker-${tag}$`, 'm'));
    assert.match(run.stdout, /^from-file=file value overridden=flag$/m);
    assert.doesNotMatch(all, /SETUP-RAN/);
    const jobs = JSON.parse((await cli(['queue', cluster, '-o', 'json'])).stdout) as Array<{ jobId: number; name?: string }>;
    assert.equal(jobs.find((j) => j.jobId === 1)?.name, 'habit-run');
  });

  it('exec: the words after the cluster are the command, its own options included', async () => {
    const run = await cli(['exec', cluster, 'echo', 'lr', '--lr', '1', '--epochs=3']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^lr --lr 1 --epochs=3$/m);
    const failing = await cli(['exec', cluster, 'sh', '-c', 'exit 3']);
    assert.equal(failing.code, 1, failing.stderr);
  });

  it('logs --status: exit 0 for a job that succeeded, 1 for one that failed, no logs', async () => {
    const ok = await cli(['logs', cluster, '2', '--status']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), `Job 2 on '${cluster}': SUCCEEDED`);
    const failed = await cli(['logs', cluster, '--status']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(failed.stdout.trim(), `Job 3 on '${cluster}': FAILED`);
  });

  it('logs --sync-down: the output lands in ~/sky_logs/<cluster>/<job>/run.log', async () => {
    const run = await cli(['logs', cluster, '1', '--sync-down']);
    assert.equal(run.code, 0, run.stderr);
    const file = join(home, 'sky_logs', cluster, '1', 'run.log');
    assert.match(run.stdout, new RegExp(`are in ${join(home, 'sky_logs', cluster, '1')}: run\\.log`));
    assert.match(readFileSync(file, 'utf8'), new RegExp(`marker-${tag}\\nfrom-file=file value overridden=flag`));
  });

  it('without a terminal, down and cancel refuse unless -y, naming -y; nothing is torn down', async () => {
    for (const args of [['down', cluster], ['cancel', cluster, '-a'], ['autostop', cluster, '--down']]) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /no terminal to confirm on; pass -y \(--yes\)/);
    }
    const status = JSON.parse((await cli(['status', cluster, '-o', 'json'])).stdout) as Array<{ status: string }>;
    assert.equal(status[0].status, 'UP');
  });

  it('stop and start: Kubernetes clusters cannot be stopped (exit 2, down or autostop --down instead)', async () => {
    const stop = await cli(['stop', cluster]);
    assert.equal(stop.code, 2, stop.stderr);
    assert.match(stop.stderr, /Kubernetes clusters cannot be stopped.*skyport down .*autostop .*--down/);
    const start = await cli(['start', cluster]);
    assert.equal(start.code, 2, start.stderr);
  });

  it("patterns and -u: status 'hab-*', your own clusters by default, everyone's you may see with -u", async () => {
    const matched = await cli(['status', `hab-${tag}-*`, '-o', 'json']);
    assert.equal(matched.code, 0, matched.stderr);
    assert.deepEqual((JSON.parse(matched.stdout) as Array<{ name: string }>).map((c) => c.name), [cluster]);
    const none = await cli(['status', 'nomatch-*']);
    assert.match(none.stderr, /No cluster matches 'nomatch-\*'/);
    const own = await cli(['status', '-o', 'json'], memberToken);
    assert.deepEqual(JSON.parse(own.stdout), []);
    const everyone = await cli(['status', '-u', '-o', 'json'], memberToken);
    assert.deepEqual((JSON.parse(everyone.stdout) as Array<{ name: string; owner: string }>).map((c) => [c.name, c.owner]), [[cluster, 'admin']]);
    const table = await cli(['status', '-u']);
    assert.match(table.stdout, /^\s*NAME\s+OWNER\s+INFRA/m);
    assert.match(table.stdout, new RegExp(`^\\s*${cluster}\\s+admin\\s+kubernetes/`, 'm'));
  });

  it("down 'hab-*' -y tears down the matching clusters", async () => {
    const down = await cli(['down', `hab-${tag}-*`, '-y']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`Cluster '${cluster}' is torn down`));
  });
});
