import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type CliContext } from '../context/cli-context';
import { CliExit } from '../context/exit-codes';
import { preparePipeline } from './jobs-pipeline';

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

  it('refuses a job group and names the task a problem is in (exit 2)', () => {
    assert.throws(() => preparePipeline(ctx, file('group.yaml', 'name: g\nexecution: parallel\n---\nrun: a\n---\nrun: b\n'), {}), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /job group/.test(e.message));
    assert.throws(() => preparePipeline(ctx, file('bad.yaml', 'run: a\n---\nrun: b\nnum_nodes: 0\n'), {}), /num_nodes|task 1/);
  });
});
