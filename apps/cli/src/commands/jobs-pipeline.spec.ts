import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type CliContext } from '../context/cli-context';
import { CliExit } from '../context/exit-codes';
import { preparePipeline } from './jobs-pipeline';
import { prepareTask } from './task-options';

describe('skyport jobs launch of a pipeline file', () => {
  let dir: string;
  let ctx: CliContext;
  let errors: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skyport-cli-pipeline-'));
    writeFileSync(join(dir, 'config.yaml'), '{}\n');
    ctx = createContext({ HOME: dir, SKYPORT_CONFIG: join(dir, 'config.yaml'), SKYPORT_CONFIG_NOTES: 'off' });
    errors = [];
    ctx.err = (line = '') => void errors.push(line);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, yaml: string) => {
    const path = join(dir, name);
    writeFileSync(path, yaml);
    return path;
  };

  it('one task is no pipeline: the ordinary launch path takes it', () => {
    assert.equal(preparePipeline(ctx, file('one.yaml', 'run: echo a\n'), {}), undefined);
  });

  it("splits the file into its tasks (the header names it, -n wins), checks each with --env, ignores resource flags saying so", () => {
    const path = file('pipe.yaml', 'name: pipe\n---\nname: a\nrun: echo $X\n---\nrun: echo b\n');
    const p = preparePipeline(ctx, path, { env: ['X=1'], gpus: 'A100:1', ports: ['8080'] });
    assert.equal(p?.name, 'pipe');
    assert.deepEqual(p?.tasks.map((t) => [t.yaml, t.envs, t.source]), [
      ['name: a\nrun: echo $X\n', { X: '1' }, path],
      ['run: echo b\n', { X: '1' }, path],
    ]);
    assert.deepEqual(errors, [`Warning: --gpus, --ports ignored: ${path} holds several tasks (a pipeline); set resources in each task.`]);
    assert.equal(preparePipeline(ctx, path, { name: 'renamed' })?.name, 'renamed');
  });

  it('a job group: its header travels with the tasks; its rules are checked on the whole file', () => {
    const p = preparePipeline(ctx, file('group.yaml', 'name: g\nexecution: parallel\nprimary_tasks: [a]\n---\nname: a\nrun: a\n---\nname: b\nrun: b\n'), {});
    assert.equal(p?.group, true);
    assert.deepEqual(p?.header, { name: 'g', execution: 'parallel', primary_tasks: ['a'] });
    assert.equal(p?.tasks.length, 2);
    // A group of one task is still a group (not the one-task launch path).
    assert.equal(preparePipeline(ctx, file('group1.yaml', 'name: g\nexecution: parallel\n---\nname: a\nrun: a\n'), {})?.group, true);
    assert.throws(() => preparePipeline(ctx, file('unnamed.yaml', 'name: g\nexecution: parallel\n---\nrun: a\n---\nname: b\nrun: b\n'), {}), /every task of a job group needs a 'name'/);
  });

  it('plain launch of a job group refuses, pointing at jobs launch (exit 2)', () => {
    const path = file('group2.yaml', 'name: g\nexecution: parallel\n---\nname: a\nrun: a\n');
    assert.throws(() => prepareTask(ctx, path, {}), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /is a job group \('g', execution: parallel\).*skyport jobs launch/.test(e.message));
  });

  it('names the task a problem is in (exit 2)', () => {
    assert.throws(() => preparePipeline(ctx, file('bad.yaml', 'run: a\n---\nrun: b\nnum_nodes: 0\n'), {}), /num_nodes|task 1/);
  });
});
