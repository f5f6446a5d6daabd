import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import pc from 'picocolors';
import { fnmatchRegExp, isClusterGlob, matchClusterNames } from '../args/cluster-globs';
import { shellQuote } from '@skyport/contracts';
import { taskFromWords } from '../args/command-words';
import { readEnvFile } from '../args/env-file';
import type { CliContext } from '../context/cli-context';
import { CliExit } from '../context/exit-codes';
import { buildProgram } from '../program';
import { confirm } from './confirm';
import { stopStartRefusal } from './stop-start.commands';

const ctx = {
  colors: pc.createColors(false),
  env: {},
  stdinIsTTY: false,
  interactive: false,
  out: () => undefined,
  err: () => undefined,
  config: () => ({}),
  client: () => {
    throw new Error('no api in this test');
  },
} as unknown as CliContext;

/** Parses argv with the real command tree, capturing what the command's action would get instead of running it. */
async function parsed(argv: string[]): Promise<{ args: unknown[]; flags: Record<string, unknown> }> {
  const program = buildProgram(ctx);
  program.exitOverride();
  let seen: { args: unknown[]; flags: Record<string, unknown> } | undefined;
  const command = program.commands.find((c) => c.name() === argv[0]) as Command;
  command.exitOverride().configureOutput({ writeErr: () => undefined });
  command.action((...all: unknown[]) => {
    const flags = all[all.length - 2] as Record<string, unknown>;
    seen = { args: all.slice(0, -2), flags };
  });
  await program.parseAsync(argv, { from: 'user' });
  assert.ok(seen, 'the action did not run');
  return seen;
}

describe('exec/launch: the words after the cluster are the command (as sky exec)', () => {
  it('options the command takes stay with it; options skyport knows before them are skyport’s', async () => {
    const run = await parsed(['exec', 'dev', '-d', 'python', 'train.py', '--lr', '1', '--epochs=3']);
    assert.deepEqual(run.args, ['dev', ['python', 'train.py', '--lr', '1', '--epochs=3']]);
    assert.equal(run.flags.detachRun, true);
    assert.equal(taskFromWords(run.args[1] as string[]), 'python train.py --lr 1 --epochs=3');
  });
  it("a quoted command and a task file keep working, with -d after them", async () => {
    const quoted = await parsed(['exec', 'dev', 'nvidia-smi && ls', '-d']);
    assert.deepEqual(quoted.args, ['dev', ['nvidia-smi && ls']]);
    assert.equal(quoted.flags.detachRun, true);
    assert.equal(taskFromWords(['nvidia-smi && ls']), 'nvidia-smi && ls');
    assert.deepEqual((await parsed(['exec', 'dev', 'task.yaml'])).args, ['dev', ['task.yaml']]);
  });
  it("after '--' every word is the command's, even ones skyport knows", async () => {
    const run = await parsed(['exec', 'dev', '--', 'head', '-n', '5', '-d', 'x']);
    assert.deepEqual(run.args, ['dev', ['head', '-n', '5', '-d', 'x']]);
    assert.equal(run.flags.detachRun, undefined);
  });
  it('launch reads the same way, and takes the new flags', async () => {
    const run = await parsed(['launch', '-c', 'dev', '-r', '--no-setup', '-n', 'my-run', '--ports', '8080', '--ports', '9000-9001', '--instance-type', '4CPU--16GB', '--workdir', '.', '--env-file', '.env', 'python', 'a.py', '--x']);
    assert.deepEqual(run.args, [['python', 'a.py', '--x']]);
    assert.deepEqual(
      { r: run.flags.retryUntilUp, setup: run.flags.setup, name: run.flags.name, ports: run.flags.ports, it: run.flags.instanceType, wd: run.flags.workdir, ef: run.flags.envFile },
      { r: true, setup: false, name: 'my-run', ports: ['8080', '9000-9001'], it: '4CPU--16GB', wd: '.', ef: '.env' },
    );
  });
  it('words are quoted for the shell on the node only when they need it', () => {
    assert.equal(taskFromWords(['python', '-c', 'print("a b")', "it's"]), `python -c 'print("a b")' 'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(taskFromWords([]), undefined);
  });
  it('an unknown option before the command, or words after a task file, are usage errors (exit 2)', () => {
    assert.throws(() => taskFromWords(['--lr', '1']), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /unknown option '--lr'/.test(e.message));
    assert.throws(() => taskFromWords(['task.yaml', '--lr', '1']), /'task.yaml' looks like a task file .* takes no further words \(--lr 1\)/);
  });
});

describe('--env-file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyport-envfile-'));
  it('reads dotenv: comments, export, quotes, = in values', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, '# settings\nA=1\nexport B="two words"\nC=\'x#y\' # note\nD=k=v\nEMPTY=\n');
    assert.deepEqual(readEnvFile(file), { A: '1', B: 'two words', C: 'x#y', D: 'k=v', EMPTY: '' });
  });
  it('names the file when it is missing or a name is bad', () => {
    assert.throws(() => readEnvFile(path.join(dir, 'nope')), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /--env-file .*nope: cannot read it: no such file/.test(e.message));
    const bad = path.join(dir, 'bad.env');
    writeFileSync(bad, '1X=2\n');
    assert.throws(() => readEnvFile(bad), /'1X' is not a valid variable name/);
  });
});

describe('cluster name patterns (fnmatch)', () => {
  const names = ['dev-1', 'dev-22', 'prod', 'dev', 'a.b', 'x[1]'];
  const cases: Array<[string, string[]]> = [
    ['dev-*', ['dev-1', 'dev-22']],
    ['dev-?', ['dev-1']],
    ['dev*', ['dev-1', 'dev-22', 'dev']],
    ['[dp]*', ['dev-1', 'dev-22', 'prod', 'dev']],
    ['[!d]*', ['prod', 'a.b', 'x[1]']],
    ['a.*', ['a.b']],
    ['x[[]1]', ['x[1]']],
    ['*', names],
  ];
  for (const [pattern, expected] of cases) it(pattern, () => assert.deepEqual(matchClusterNames([pattern], names), expected));
  it('a plain name is not a pattern; the dot in a pattern is literal', () => {
    assert.equal(isClusterGlob('dev-1'), false);
    assert.equal(isClusterGlob('dev-*'), true);
    assert.equal(fnmatchRegExp('a.b').test('axb'), false);
  });
});

describe('destructive commands without a terminal', () => {
  it('refuse unless -y, naming -y (exit 2); a launch goes ahead', async () => {
    await assert.rejects(confirm(ctx, "Tear down 'dev'?", undefined, { destructive: true }), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /Tear down 'dev': no terminal to confirm on; pass -y \(--yes\)/.test(e.message));
    await confirm(ctx, "Tear down 'dev'?", true, { destructive: true });
    await confirm(ctx, 'Launching. Proceed?', undefined);
  });
  it('every command that asks has -y', () => {
    const program = buildProgram(ctx);
    for (const name of ['down', 'cancel', 'stop', 'start', 'autostop', 'launch']) {
      assert.ok(program.commands.find((c) => c.name() === name)?.options.some((o) => o.short === '-y'), name);
    }
  });
});

describe('stop / start', () => {
  it('Kubernetes clusters cannot be stopped: down or autostop --down instead', () => {
    assert.match(stopStartRefusal('stop', 'dev', 'kubernetes/kind-skyport') ?? '', /Kubernetes clusters cannot be stopped.*skyport down dev.*autostop dev -i <minutes> --down/);
    assert.match(stopStartRefusal('start', 'dev', 'kubernetes/ctx') ?? '', /nothing to start/);
  });
  it('cloud clusters stop when UP and start when STOPPED; anything else is said plainly', () => {
    assert.equal(stopStartRefusal('stop', 'gpu', 'aws/us-east-1', 'UP'), undefined);
    assert.equal(stopStartRefusal('start', 'gpu', 'aws/us-east-1', 'STOPPED'), undefined);
    assert.equal(stopStartRefusal('stop', 'gpu', 'aws/us-east-1', 'STOPPED'), "'gpu' is already STOPPED");
    assert.match(stopStartRefusal('start', 'gpu', 'aws/us-east-1', 'TEARING_DOWN') ?? '', /is TEARING_DOWN: only STOPPED clusters can be started/);
    assert.match(stopStartRefusal('stop', 'new', undefined) ?? '', /not placed yet/);
  });
});
