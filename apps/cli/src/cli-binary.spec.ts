import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

/** Runs the built `skyport` binary as a user would (no TTY), in a scratch HOME. */
const BIN = path.resolve(__dirname, '..', 'bin', 'skyport.js');
const dir = mkdtempSync(path.join(tmpdir(), 'skyport-cli-'));
let closedPort = 0;

before(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function skyport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir, SKYPORT_API_URL: `http://127.0.0.1:${closedPort}`, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const GOOD = `name: train
resources:
  infra: kubernetes/arn:aws:eks:us-east-1:1:cluster/gpu
  cpus: 4+
  accelerators: {A100:8, H100:8}
  disk_tier: best
envs:
  HF_TOKEN:
  EPOCHS: 3
secrets:
  WANDB_API_KEY: very-secret
run: python train.py
`;
// ESC, the start of every ANSI colour sequence.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

describe('skyport (built binary, offline)', () => {
  it('--help lists the commands, exit 0', async () => {
    const run = await skyport(['--help']);
    assert.equal(run.code, 0);
    for (const c of ['validate', 'launch', 'exec', 'status', 'queue', 'logs', 'cancel', 'down', 'autostop', 'check', 'show-gpus', 'cost-report', 'ssh', 'api']) {
      assert.match(run.stdout, new RegExp(`^  ${c}\\b`, 'm'), `missing ${c}`);
    }
  });

  it('a command --help shows its example', async () => {
    const run = await skyport(['launch', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Examples:\n {2}\$ skyport launch -c dev task\.yaml/);
  });

  it('--version', async () => {
    const run = await skyport(['--version']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^\d+\.\d+\.\d+/);
  });

  it('validate: a valid task prints the normalised task, exit 0, no colours without a TTY', async () => {
    const run = await skyport(['validate', file('good.yaml', GOOD)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /good\.yaml is valid: 1 task/);
    assert.match(run.stdout, /Required at launch: --env HF_TOKEN=<value>/);
    assert.match(run.stdout, /Accepted but not used by Skyport: resources.disk_tier/);
    assert.match(run.stdout, /context: arn:aws:eks:us-east-1:1:cluster\/gpu/);
    assert.doesNotMatch(run.stdout, /very-secret/);
    assert.doesNotMatch(run.stdout + run.stderr, ANSI);
  });

  it('validate: a job group says so and points at jobs launch; -o json carries its header', async () => {
    const group = file('group.yaml', '---\nname: g\nexecution: parallel\nprimary_tasks: [a]\n---\nname: a\nrun: x\n---\nname: b\nrun: y\n');
    const run = await skyport(['validate', group]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /group\.yaml is valid: a job group of 2 task\(s\) \('g', all at once; run it with skyport jobs launch\)/);
    const json = JSON.parse((await skyport(['validate', group, '-o', 'json'])).stdout) as { jobGroup: { name: string; primaryTasks: string[] } };
    assert.deepEqual([json.jobGroup.name, json.jobGroup.primaryTasks], ['g', ['a']]);
  });

  it('validate -o json: the normalised task for scripts', async () => {
    const run = await skyport(['validate', file('good.yaml', GOOD), '-o', 'json']);
    assert.equal(run.code, 0);
    const out = JSON.parse(run.stdout) as {
      valid: boolean;
      tasks: Array<{ name: string; resources: Array<{ accelerator: { name: string; count: number }; cpus: object }>; secrets: object; envs: object }>;
      required: Array<{ envs: string[]; secrets: string[] }>;
    };
    assert.equal(out.valid, true);
    assert.equal(out.tasks[0].name, 'train');
    assert.deepEqual(out.tasks[0].resources.map((r) => r.accelerator), [{ name: 'A100', count: 8 }, { name: 'H100', count: 8 }]);
    assert.deepEqual(out.tasks[0].resources[0].cpus, { value: 4, orMore: true });
    assert.deepEqual(out.tasks[0].envs, { HF_TOKEN: null, EPOCHS: '3' });
    assert.deepEqual(out.tasks[0].secrets, { WANDB_API_KEY: '<hidden>' });
    assert.deepEqual(out.required, [{ envs: ['HF_TOKEN'], secrets: [] }]);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['unknown key', 'resources:\n  cpuz: 4\n', /resources\.cpuz \(line 2, column 3\): unknown key 'cpuz' in resources; did you mean 'cpus'\?/],
    ['accelerator near miss', 'resources:\n  accelerators: A100-80G:8\n', /unknown accelerator 'A100-80G'; did you mean 'A100-80GB'\?/],
    ['YAML syntax', 'name: x\nresources: [a\nrun: y\n', /line 3, column 1: YAML syntax error/],
    ['unsupported key', 'pool:\n  workers: 2\nrun: x\n', /unsupported key 'pool'/],
  ];
  for (const [title, yaml, pattern] of invalid) {
    it(`validate: ${title} → exit 2 with the reason`, async () => {
      const run = await skyport(['validate', file('bad.yaml', yaml)]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('validate -o json on an invalid task: problems with path, line and column, exit 2', async () => {
    const run = await skyport(['validate', file('bad.yaml', 'resources:\n  cpus: many\n'), '-o', 'json']);
    assert.equal(run.code, 2);
    const out = JSON.parse(run.stdout) as { valid: boolean; problems: Array<{ path: string; line: number; column: number; message: string }> };
    assert.equal(out.valid, false);
    assert.deepEqual({ ...out.problems[0], message: undefined }, { path: 'resources.cpus', line: 2, column: 3, message: undefined });
  });

  it('validate: a missing file is exit 2', async () => {
    const run = await skyport(['validate', path.join(dir, 'nope.yaml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot read .*nope\.yaml: no such file/);
  });

  it('usage errors are exit 2', async () => {
    const cases = [['bogus'], ['validate'], ['status', '--nope'], ['logs', 'c1', 'x'], ['validate', 'x.yaml', '-o', 'xml'], ['cancel', 'c1']];
    const runs = await Promise.all(cases.map((args) => skyport(args)));
    runs.forEach((run, i) => assert.equal(run.code, 2, `${cases[i].join(' ')}: ${run.stderr}`));
  });

  it('launch checks the task, the name and the flags before calling the api (exit 2)', async () => {
    const good = file('good.yaml', GOOD);
    const cases: Array<[string[], RegExp]> = [
      [['launch', '-c', 'Bad_Name', good], /the cluster name 'Bad_Name' is not valid/],
      [['launch', '-c', 'ok', good], /needs a value for the environment variable 'HF_TOKEN': pass it with --env HF_TOKEN=<value>/],
      [['launch', '-c', 'ok', '--env', 'HF_TOKEN=x', '--gpus', 'A100-80G:1', good], /--gpus: unknown accelerator 'A100-80G'; did you mean 'A100-80GB'\?/],
      [['launch', '-c', 'ok', '--env', 'HF_TOKEN', good], /--env HF_TOKEN: no value given and 'HF_TOKEN' is not set in your environment/],
      [['launch', '-c', 'ok', path.join(dir, 'missing.yaml')], /the task file .* does not exist/],
    ];
    const runs = await Promise.all(cases.map(([args]) => skyport(args)));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i][0].join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, cases[i][1]);
    });
  });

  it('--env K takes the value from the environment', async () => {
    const run = await skyport(['launch', '-c', 'ok', '--env', 'HF_TOKEN', '--dryrun', file('good.yaml', GOOD)], { HF_TOKEN: 'from-env' });
    // Valid locally, so it goes on to the (absent) api: exit 1, not 2.
    assert.equal(run.code, 1, run.stderr);
  });

  it('an unreachable api is exit 1 with where it tried and how to fix it', async () => {
    const run = await skyport(['status']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`cannot reach the Skyport api at http://127.0.0.1:${closedPort} \\(connection refused\\).*SKYPORT_API_URL`));
  });

  it('an invalid config file is reported with its path and key (exit 2)', async () => {
    const cfg = file('config.yaml', 'kubernetes:\n  ports: hostport\n');
    const run = await skyport(['status'], { SKYPORT_CONFIG: cfg });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Invalid config file .*config\.yaml:\n {2}- kubernetes\.ports \(line 2\): expected one of loadbalancer, ingress, podip/);
  });
});
